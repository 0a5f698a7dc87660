/* cmd_version.c - `bulwark version`: version and build information, and
 * `bulwark version compare ECOSYSTEM A B`: how an ecosystem orders two
 * package versions (the rules the image scanner matches advisories with). */
#include <bpf/libbpf.h>
#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "cli/commands.h"
#include "vulndb/vulndb.h"

static void version_usage(FILE *out)
{
	fprintf(
	    out,
	    "usage: bulwark version\n"
	    "       bulwark version compare ECOSYSTEM A B\n"
	    "\n"
	    "Print Bulwark's version and the versions of the libraries it "
	    "uses.\n"
	    "\n"
	    "compare: print \"<\", \"=\" or \">\" as version A sorts before, "
	    "equal to or\n"
	    "after version B under ECOSYSTEM's rules (exit 0); exit 2 with "
	    "a message for\n"
	    "an unknown ecosystem or an invalid version.  ECOSYSTEM is an "
	    "OSV ecosystem\n"
	    "name, case-insensitive, a \":release\" suffix ignored:\n"
	    "  Debian, Ubuntu                        dpkg rules\n"
	    "  Alpine, Wolfi, Chainguard             apk-tools rules\n"
	    "  Red Hat, AlmaLinux, Rocky Linux, SUSE rpm rules\n"
	    "  PyPI                                  PEP 440\n"
	    "  npm, crates.io, SemVer                SemVer 2.0.0\n"
	    "  Go                                    Go module versions\n"
	    "  Maven                                 Maven ComparableVersion\n"
	    "Example: bulwark version compare Debian:12 1.2.3-1~deb12u1 "
	    "1.2.3-1   prints <\n");
}

static int cmd_version_compare(int argc, char **argv)
{
	enum vuln_ecosystem eco;
	struct bw_error err = {0};
	char msg[BW_ERROR_MSG_MAX + 300];
	int c;

	if (argc != 5) {
		fprintf(stderr, "bulwark version compare: expected ECOSYSTEM A "
				"B\n");
		version_usage(stderr);
		return 2;
	}
	if (vuln_ecosystem_parse(argv[2], &eco)) {
		fprintf(stderr,
			"bulwark version compare: unknown ecosystem \"%s\" "
			"(see bulwark version --help)\n",
			argv[2]);
		return 2;
	}
	if (vuln_version_compare(eco, argv[3], strlen(argv[3]), argv[4],
				 strlen(argv[4]), &c, &err)) {
		fprintf(stderr, "bulwark version compare: %s\n",
			bw_error_str(&err, msg, sizeof(msg)));
		return 2;
	}
	printf("%s\n", c < 0 ? "<" : c > 0 ? ">" : "=");
	return 0;
}

int cmd_version(int argc, char **argv)
{
	if (argc > 1 && cli_is_help(argv[1])) {
		version_usage(stdout);
		return 0;
	}
	if (argc > 1 && !strcmp(argv[1], "compare")) {
		if (argc > 2 && cli_is_help(argv[2])) {
			version_usage(stdout);
			return 0;
		}
		return cmd_version_compare(argc, argv);
	}
	if (argc > 1) {
		fprintf(stderr, "bulwark version: unknown argument \"%s\"\n",
			argv[1]);
		version_usage(stderr);
		return 2;
	}
	printf("bulwark %s\n", BW_VERSION);
	printf("libbpf %u.%u, jansson %s\n", libbpf_major_version(),
	       libbpf_minor_version(), JANSSON_VERSION);
	return 0;
}
