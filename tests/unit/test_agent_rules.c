/* test_agent_rules.c - the agent's rules loading: files, directories in name
 * order (later files override earlier ones), errors naming the path. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "agent/agent.h"

static void write_file(const char *dir, const char *name, const char *text)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static void directory_loads_yaml_files_in_name_order(void **state)
{
	char dir[] = "/tmp/bw-agent-rules.XXXXXX";
	const char *paths[1];
	struct bw_rules_diag diag = {0};
	struct bw_error err = {0};
	struct bw_ruleset *rs = NULL;
	bool want[BW_EVT__COUNT] = {0};

	(void)state;
	assert_non_null(mkdtemp(dir));
	/* b.yaml disables the rule a.yaml defines: order matters */
	write_file(dir, "a.yaml",
		   "- rule: Shell\n  desc: d\n  condition: evt.type = execve and proc.name = sh\n"
		   "  output: shell %proc.name\n  priority: WARNING\n");
	write_file(dir, "b.yaml", "- rule: Shell\n  enabled: false\n  override:\n    enabled: replace\n");
	write_file(dir, "c.yml",
		   "- rule: Ptrace\n  desc: d\n  condition: evt.type = ptrace\n"
		   "  output: ptrace\n  priority: NOTICE\n");
	write_file(dir, "README.txt", "not rules");
	paths[0] = dir;
	assert_int_equal(agent_load_rules(paths, 1, BW_PRIO_DEBUG, &rs, &diag, &err), 0);
	assert_int_equal(rules_count_loaded(rs), 1);
	rules_event_types(rs, want);
	assert_true(want[BW_EVT_PTRACE]);
	assert_false(want[BW_EVT_EXECVE]);
	rules_free(rs);
	rules_diag_free(&diag);
	for (const char *n = "a.yaml\0b.yaml\0c.yml\0README.txt\0"; *n; n += strlen(n) + 1) {
		char p[512];

		snprintf(p, sizeof(p), "%s/%s", dir, n);
		unlink(p);
	}
	rmdir(dir);
}

static void missing_path_is_an_error_naming_it(void **state)
{
	const char *paths[] = {"/nonexistent/rules.yaml"};
	struct bw_rules_diag diag = {0};
	struct bw_error err = {0};
	struct bw_ruleset *rs = NULL;

	(void)state;
	assert_true(agent_load_rules(paths, 1, BW_PRIO_DEBUG, &rs, &diag, &err) < 0);
	assert_null(rs);
	assert_string_equal(err.input, "/nonexistent/rules.yaml");
	rules_diag_free(&diag);
}

static void state_event_types_cover_process_and_fd_tracking(void **state)
{
	bool want[BW_EVT__COUNT] = {0};

	(void)state;
	agent_state_event_types(want);
	assert_true(want[BW_EVT_EXECVE]);
	assert_true(want[BW_EVT_CLONE]);
	assert_true(want[BW_EVT_PROCEXIT]);
	assert_true(want[BW_EVT_OPENAT]);
	assert_true(want[BW_EVT_CLOSE]);
	assert_true(want[BW_EVT_CONNECT]);
	assert_true(want[BW_EVT_DUP2]);
	assert_false(want[BW_EVT_PTRACE]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(directory_loads_yaml_files_in_name_order),
		cmocka_unit_test(missing_path_is_an_error_naming_it),
		cmocka_unit_test(state_event_types_cover_process_and_fd_tracking),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
