/*
 * fuzz_rules.c - libFuzzer harness: the input bytes are a rules file fed
 * through rules_load_buffer and rules_compile, then one synthetic event is
 * evaluated and its alerts rendered.  Any crash, leak or sanitizer report
 * is a bug; errors and diagnostics are expected.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "rules/rules.h"
#include "state/state.h"

#define FUZZ_MAX_INPUT (256u << 10)

static void on_match(const struct bw_rule *r, struct bw_event *ev, void *ctx)
{
	struct bw_alert a;

	if (rules_render_alert(r, ev, &a) == 0)
		rules_alert_free(&a);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct bw_ruleset *rs;
	struct bw_rules_diag d = { 0 };
	struct bw_error err = { 0 };
	struct bw_proc p;
	struct bw_container c;
	struct bw_event ev;

	if (size > FUZZ_MAX_INPUT || rules_new(&rs))
		return 0;
	if (rules_load_buffer(rs, "fuzz.yaml", (const char *)data, size, &d,
			      &err) == 0 &&
	    rules_compile(rs, &d, &err) == 0) {
		memset(&p, 0, sizeof(p));
		memset(&c, 0, sizeof(c));
		memset(&ev, 0, sizeof(ev));
		memcpy(c.id, "host", 5);
		memcpy(p.comm, "bash", 5);
		p.pid = p.tid = 10;
		p.container = &c;
		ev.proc = &p;
		for (uint16_t t = 1; t < BW_EVT__COUNT; t++) {
			ev.type = t;
			rules_eval(rs, &ev, on_match, NULL);
		}
	}
	rules_diag_free(&d);
	rules_free(rs);
	return 0;
}
