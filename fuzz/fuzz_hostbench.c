/* fuzz_hostbench.c - libFuzzer harness for the host benchmark's parsers of
 * host files: the kubelet config YAML flattener, the systemd unit and
 * environment-file parsers, ExecStart flag expansion and audit rules.  The
 * first byte picks the parser so one corpus covers all of them. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "hostbench/hostbench.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct hb_kvset a = {0}, b = {0};
	struct bw_error err = {0};
	const char *s;
	char *exec = NULL, *files = NULL, *z;

	if (size < 1)
		return 0;
	s = (const char *)data + 1;
	size--;
	switch (data[0] % 4) {
	case 0:
		hb_yaml_flatten(s, size, &a, "fuzz", &err);
		break;
	case 1:
		hb_unit_parse(s, size, &a, &exec, &files);
		if (exec)
			hb_exec_flags(exec, &a, &b);
		break;
	case 2:
		hb_envfile_parse(s, size, &a);
		z = strndup(s, size); /* a command line is a C string */
		if (z) {
			hb_exec_flags(z, &a, &b);
			free(z);
		}
		break;
	case 3:
		hb_audit_rules_watch(s, size, "/usr/bin/runc");
		break;
	}
	free(exec);
	free(files);
	hb_kvset_clear(&a);
	hb_kvset_clear(&b);
	return 0;
}
