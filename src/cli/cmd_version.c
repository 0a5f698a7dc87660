/* cmd_version.c - `bulwark version`: version and build information. */
#include <bpf/libbpf.h>
#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "cli/commands.h"

int cmd_version(int argc, char **argv)
{
	if (argc > 1 && cli_is_help(argv[1])) {
		printf("usage: bulwark version\n\nPrint Bulwark's version and the versions of the libraries it uses.\n");
		return 0;
	}
	printf("bulwark %s\n", BW_VERSION);
	printf("libbpf %u.%u, jansson %s\n", libbpf_major_version(),
	       libbpf_minor_version(), JANSSON_VERSION);
	return 0;
}
