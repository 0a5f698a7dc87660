/*
 * cmd_bench.c - `bulwark bench host`: the CIS checks for a container host
 * without Docker (containerd / CRI-O / runc + kubelet), run against a root
 * directory (default "/") and reported as text, JSON or JUnit XML.
 * Exit 0 when no check FAILs, 1 when any does, 2 on usage or input error.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/commands.h"
#include "hostbench/hostbench.h"

#define MAX_ONLY 128

static void bench_usage(FILE *out)
{
	fprintf(out,
		"usage: bulwark bench host [--root DIR] [--format "
		"text|json|junit] [-o FILE]\n"
		"                          [--checks ID,...] [--no-auditctl]\n"
		"       bulwark bench host --list\n"
		"\n"
		"Run the CIS checks that apply to a container host without "
		"Docker\n"
		"(containerd/CRI-O/runc + kubelet): CIS Kubernetes Benchmark "
		"4.1.x file\n"
		"permissions, 4.2.x kubelet settings, 1.1.19-21 PKI files, and "
		"Bulwark's\n"
		"BW-HOST-NNN runtime file, audit rule and kernel parameter "
		"checks.\n"
		"\n"
		"  --root DIR         read the host under DIR (default /); "
		"symlinks never\n"
		"                     lead outside it\n"
		"  -f, --format FMT   text (default), json "
		"(bulwark.hostbench/v1), junit\n"
		"  -o, --output FILE  write the report to FILE\n"
		"  --checks ID,...    run only these checks\n"
		"  --no-auditctl      do not run `auditctl -l` (it runs only "
		"when --root is /)\n"
		"  --list             list the checks and exit\n"
		"\n"
		"Results: PASS, FAIL, WARN (manual, or not found), INFO (not "
		"applicable).\n"
		"Exit status: 0 no FAIL, 1 a check FAILed, 2 usage or input "
		"error.\n"
		"See docs/hostbench.md.\n");
}

static int list_checks(void)
{
	size_t n;
	const struct hb_check *t = hb_checks(&n);

	for (size_t i = 0; i < n; i++)
		printf("%-12s L%d  %s\n", t[i].id, t[i].level, t[i].title);
	return 0;
}

static int bench_host(int argc, char **argv)
{
	static const struct option opts[] = {
	    {"root", required_argument, NULL, 'r'},
	    {"format", required_argument, NULL, 'f'},
	    {"output", required_argument, NULL, 'o'},
	    {"checks", required_argument, NULL, 'c'},
	    {"no-auditctl", no_argument, NULL, 'A'},
	    {"list", no_argument, NULL, 'l'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	struct hb_options opt = {.root = "/"};
	const char *only[MAX_ONLY];
	char *checks = NULL, *outpath = NULL;
	enum hb_format fmt = HB_FORMAT_TEXT;
	bool no_auditctl = false;
	struct hb_report *rep = NULL;
	struct bw_error err = {0};
	char msg[BW_ERROR_MSG_MAX + 300];
	FILE *out = stdout;
	int c, rc;

	optind = 1;
	while ((c = getopt_long(argc, argv, "f:o:h", opts, NULL)) != -1) {
		switch (c) {
		case 'r':
			opt.root = optarg;
			break;
		case 'f':
			if (!strcmp(optarg, "text"))
				fmt = HB_FORMAT_TEXT;
			else if (!strcmp(optarg, "json"))
				fmt = HB_FORMAT_JSON;
			else if (!strcmp(optarg, "junit"))
				fmt = HB_FORMAT_JUNIT;
			else {
				fprintf(stderr,
					"bulwark bench host: unknown format "
					"\"%s\" (text, json, junit)\n",
					optarg);
				return 2;
			}
			break;
		case 'o':
			outpath = optarg;
			break;
		case 'c':
			checks = optarg;
			break;
		case 'A':
			no_auditctl = true;
			break;
		case 'l':
			return list_checks();
		case 'h':
			bench_usage(stdout);
			return 0;
		default:
			bench_usage(stderr);
			return 2;
		}
	}
	if (optind < argc) {
		fprintf(stderr,
			"bulwark bench host: unexpected argument \"%s\"\n",
			argv[optind]);
		bench_usage(stderr);
		return 2;
	}
	if (checks) {
		char *save = NULL;

		for (char *t = strtok_r(checks, ",", &save); t;
		     t = strtok_r(NULL, ",", &save)) {
			if (!*t)
				continue;
			if (opt.n_only >= MAX_ONLY) {
				fprintf(stderr, "bulwark bench host: too many "
						"--checks\n");
				return 2;
			}
			if (!hb_check_find(t)) {
				fprintf(stderr,
					"bulwark bench host: unknown check "
					"\"%s\" (see --list)\n",
					t);
				return 2;
			}
			only[opt.n_only++] = t;
		}
		opt.only = only;
	}
	opt.use_auditctl = !no_auditctl && !strcmp(opt.root, "/");
	if (hb_run(&opt, &rep, &err)) {
		fprintf(stderr, "bulwark bench host: %s\n",
			bw_error_str(&err, msg, sizeof(msg)));
		return 2;
	}
	if (outpath && !(out = fopen(outpath, "w"))) {
		perror(outpath);
		hb_report_free(rep);
		return 2;
	}
	rc = hb_report_write(out, rep, fmt, &err);
	if (out != stdout && fclose(out) && !rc)
		rc = -1;
	if (rc) {
		fprintf(stderr,
			"bulwark bench host: cannot write the report\n");
		hb_report_free(rep);
		return 2;
	}
	rc = rep->count[HB_FAIL] ? 1 : 0;
	hb_report_free(rep);
	return rc;
}

int cmd_bench(int argc, char **argv)
{
	if (argc < 2) {
		bench_usage(stderr);
		return 2;
	}
	if (cli_is_help(argv[1])) {
		bench_usage(stdout);
		return 0;
	}
	if (!strcmp(argv[1], "host"))
		return bench_host(argc - 1, argv + 1);
	fprintf(stderr, "bulwark bench: unknown subcommand \"%s\" (host)\n",
		argv[1]);
	return 2;
}
