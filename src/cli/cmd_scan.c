/*
 * cmd_scan.c - `bulwark scan image PATH` / `bulwark scan rootfs DIR`:
 * inventory an image, match it against the offline OSV database, look
 * for secrets in its files (unless --no-secrets), apply suppressions,
 * write a report and gate on severity.
 *
 * Exit status: 0 no gated finding, 1 a finding at or above --fail-on
 * remains, 2 usage error, unreadable input (also a partial scan: some
 * layer or package database could not be read -- the report is still
 * written and lists the problems) or a missing database.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "cli/commands.h"
#include "report/report.h"
#include "scan/scan.h"
#include "vulndb/db.h"

static void scan_usage(FILE *out)
{
	fprintf(out,
		"usage: bulwark scan image PATH [options]\n"
		"       bulwark scan rootfs DIR [options]\n"
		"       bulwark scan PATH [options]   (the kind is detected)\n"
		"\n"
		"Scan a container image or a root filesystem for known "
		"vulnerabilities in its\n"
		"OS and language packages, using the offline OSV database "
		"(bulwark db import).\n"
		"The image is streamed, never unpacked to disk.\n"
		"\n"
		"PATH: a `docker save` tarball (plain or gzip), an OCI image "
		"layout directory or\n"
		"a tar of one.  DIR: a directory holding a root filesystem.\n"
		"\n"
		"Options:\n"
		"  --db PATH            database (default $BULWARK_DB or "
		"~/.cache/bulwark/db.sqlite)\n"
		"  -f, --format FMT     table (default), json, sarif, "
		"cyclonedx, spdx\n"
		"  -o, --output FILE    write the report to FILE (default "
		"stdout)\n"
		"  --platform OS/ARCH   image platform in a multi-platform "
		"index (default linux/amd64)\n"
		"  --severity LEVEL     report findings at LEVEL or above: "
		"unknown, low, medium,\n"
		"                       high, critical (default: all); or a "
		"list of exact\n"
		"                       levels: --severity critical,high\n"
		"  --fail-on LEVEL      exit 1 when an unsuppressed finding at "
		"LEVEL or above\n"
		"                       remains (unknown = any finding)\n"
		"  --ignore-unfixed     drop findings that have no fixed "
		"version\n"
		"  --ignore-file FILE   suppress ids listed in FILE (text or "
		"YAML; expiry dates)\n"
		"  --vex FILE           suppress not_affected/fixed findings "
		"from an OpenVEX or\n"
		"                       CycloneDX VEX document (repeatable)\n"
		"  --show-suppressed    list suppressed findings in the report "
		"too\n"
		"  --no-secrets         do not look for secrets (keys, "
		"tokens, passwords)\n"
		"                       in the image's files\n"
		"  --no-color           no ANSI colours in the table\n"
		"\n"
		"Exit status: 0 clean (no finding at or above --fail-on), 1 "
		"gated findings,\n"
		"2 usage or input error (including a partial scan).\n"
		"See docs/scan.md.\n");
}

/* "unknown" maps to VULN_SEV_NONE: for --fail-on it means "any". */
static int parse_severity(const char *s, int *ret)
{
	static const char *const names[] = {"unknown", "low", "medium",
					    "high", "critical"};
	static const int vals[] = {VULN_SEV_NONE, VULN_SEV_LOW,
				   VULN_SEV_MEDIUM, VULN_SEV_HIGH,
				   VULN_SEV_CRITICAL};

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (!strcasecmp(s, names[i]) ||
		    (i == 0 && (!strcasecmp(s, "none") || !strcasecmp(s, "any")))) {
			*ret = vals[i];
			return 0;
		}
	return -EINVAL;
}

/*
 * --severity: one level ("high": that level and above) or a comma list
 * ("critical,high": exactly those, as Trivy's --severity).  Case-insensitive.
 */
static int parse_severity_opt(const char *s, struct scan_filters *f)
{
	char buf[128], *save = NULL, *tok;
	unsigned set = 0;
	int v;

	if (!strchr(s, ','))
		return parse_severity(s, &f->min_severity);
	if (strlen(s) >= sizeof(buf))
		return -EINVAL;
	snprintf(buf, sizeof(buf), "%s", s);
	for (tok = strtok_r(buf, ",", &save); tok;
	     tok = strtok_r(NULL, ",", &save)) {
		if (parse_severity(tok, &v))
			return -EINVAL;
		set |= v == VULN_SEV_NONE ? SCAN_SEV_UNKNOWN_BIT : 1u << v;
	}
	if (!set)
		return -EINVAL;
	f->severity_set = set;
	return 0;
}

static void print_err(const char *cmd, const struct bw_error *e)
{
	char buf[BW_ERROR_MSG_MAX + 300];

	fprintf(stderr, "bulwark %s: %s\n", cmd,
		bw_error_str(e, buf, sizeof(buf)));
}

/* Options shared by scan and sbom. */
struct scan_cli {
	const char *db_path;
	const char *output;
	const char *platform;
	enum report_format fmt;
	int fmt_set;
	int color, show_suppressed;
	int no_secrets;
	int fail_on; /* -1 = no gate */
	struct scan_filters filters;
};

static int write_report(const char *cmd, const struct scan_cli *c,
			const struct scan_result *r, int with_vulns)
{
	struct report_opts ro = {
		.color = c->color,
		.with_vulns = with_vulns,
		.show_suppressed = c->show_suppressed,
		.tool_version = BW_VERSION,
		.fixed_time = getenv("BULWARK_FIXED_TIME"),
	};
	struct bw_error err = {0};
	FILE *out = stdout;
	int rc;

	if (c->output && strcmp(c->output, "-")) {
		out = fopen(c->output, "w");
		if (!out) {
			fprintf(stderr, "bulwark %s: %s: %s\n", cmd, c->output,
				strerror(errno));
			return -errno;
		}
	} else if (c->fmt == REPORT_TABLE && c->color < 0) {
		ro.color = isatty(STDOUT_FILENO);
	}
	if (ro.color < 0)
		ro.color = 0;
	rc = report_write(out, c->fmt, r, &ro, &err);
	if (out != stdout) {
		if (fclose(out) && rc == 0)
			rc = bw_errorf(&err, -EIO, c->output, 0, 0,
				       "write failed: %s", strerror(errno));
	} else {
		fflush(stdout);
	}
	if (rc < 0)
		print_err(cmd, &err);
	return rc;
}

static void print_problems(const char *cmd, const struct scan_result *r)
{
	for (size_t i = 0; i < r->nproblems; i++)
		print_err(cmd, &r->problems[i]);
}

enum { OPT_DB = 256, OPT_PLATFORM, OPT_SEVERITY, OPT_FAIL_ON,
       OPT_IGNORE_UNFIXED, OPT_IGNORE_FILE, OPT_VEX, OPT_SHOW_SUPPRESSED,
       OPT_NO_COLOR, OPT_ROOTFS, OPT_NO_SECRETS };

static const struct option scan_options[] = {
	{"db", required_argument, NULL, OPT_DB},
	{"format", required_argument, NULL, 'f'},
	{"output", required_argument, NULL, 'o'},
	{"platform", required_argument, NULL, OPT_PLATFORM},
	{"severity", required_argument, NULL, OPT_SEVERITY},
	{"fail-on", required_argument, NULL, OPT_FAIL_ON},
	{"ignore-unfixed", no_argument, NULL, OPT_IGNORE_UNFIXED},
	{"ignore-file", required_argument, NULL, OPT_IGNORE_FILE},
	{"vex", required_argument, NULL, OPT_VEX},
	{"show-suppressed", no_argument, NULL, OPT_SHOW_SUPPRESSED},
	{"no-color", no_argument, NULL, OPT_NO_COLOR},
	{"rootfs", no_argument, NULL, OPT_ROOTFS},
	{"no-secrets", no_argument, NULL, OPT_NO_SECRETS},
	{"help", no_argument, NULL, 'h'},
	{NULL, 0, NULL, 0},
};

/*
 * Parses the options of scan (sbom = 0) or sbom (sbom = 1).  Returns 0, 1
 * after --help, or 2 on a usage error (already reported).
 */
static int parse_cli(const char *cmd, int argc, char **argv,
		     struct scan_cli *c, int *rootfs, void (*usage)(FILE *))
{
	struct bw_error err = {0};
	int opt;

	c->fmt = REPORT_TABLE;
	c->color = -1;
	c->fail_on = -1;
	c->filters.min_severity = VULN_SEV_NONE;
	c->filters.now = time(NULL);
	optind = 1;
	opterr = 0;
	while ((opt = getopt_long(argc, argv, ":f:o:h", scan_options,
				  NULL)) != -1) {
		switch (opt) {
		case OPT_DB:
			c->db_path = optarg;
			break;
		case 'f':
			if (report_format_parse(optarg, &c->fmt)) {
				fprintf(stderr,
					"bulwark %s: unknown format \"%s\" "
					"(table, json, sarif, cyclonedx, "
					"spdx)\n",
					cmd, optarg);
				return 2;
			}
			c->fmt_set = 1;
			break;
		case 'o':
			c->output = optarg;
			break;
		case OPT_PLATFORM:
			c->platform = optarg;
			break;
		case OPT_SEVERITY:
			if (parse_severity_opt(optarg, &c->filters)) {
				fprintf(stderr,
					"bulwark %s: bad --severity \"%s\" "
					"(a level such as high, or a list "
					"such as critical,high; levels: "
					"unknown, low, medium, high, "
					"critical)\n",
					cmd, optarg);
				return 2;
			}
			break;
		case OPT_FAIL_ON:
			if (parse_severity(optarg, &c->fail_on)) {
				fprintf(stderr,
					"bulwark %s: unknown severity \"%s\" "
					"(unknown, low, medium, high, "
					"critical)\n",
					cmd, optarg);
				return 2;
			}
			break;
		case OPT_IGNORE_UNFIXED:
			c->filters.ignore_unfixed = 1;
			break;
		case OPT_IGNORE_FILE:
			if (scan_load_ignore_file(&c->filters, optarg, &err)) {
				print_err(cmd, &err);
				return 2;
			}
			break;
		case OPT_VEX:
			if (scan_load_vex(&c->filters, optarg, &err)) {
				print_err(cmd, &err);
				return 2;
			}
			break;
		case OPT_SHOW_SUPPRESSED:
			c->show_suppressed = 1;
			break;
		case OPT_NO_COLOR:
			c->color = 0;
			break;
		case OPT_ROOTFS:
			*rootfs = 1;
			break;
		case OPT_NO_SECRETS:
			c->no_secrets = 1;
			break;
		case 'h':
			usage(stdout);
			return 1;
		case ':':
			fprintf(stderr, "bulwark %s: option %s needs a value\n",
				cmd, argv[optind - 1]);
			return 2;
		default:
			fprintf(stderr, "bulwark %s: unknown option %s\n", cmd,
				argv[optind - 1]);
			usage(stderr);
			return 2;
		}
	}
	if (getenv("NO_COLOR") && c->color < 0)
		c->color = 0;
	return 0;
}

int cmd_scan(int argc, char **argv)
{
	struct scan_cli c = {0};
	struct scan_opts so = {0};
	struct scan_result r;
	struct bw_error err = {0};
	char dbpath[512];
	int rootfs = -1, rc, status, shift;
	const char *target;

	if (argc >= 2 && cli_is_help(argv[1])) {
		scan_usage(stdout);
		return 0;
	}
	/* "scan image PATH", "scan rootfs DIR", or "scan PATH": the kind is
	 * detected (a directory without an OCI layout is a rootfs). */
	if (argc >= 2 &&
	    (!strcmp(argv[1], "image") || !strcmp(argv[1], "rootfs"))) {
		shift = 1;
		rootfs = !strcmp(argv[1], "rootfs");
	} else {
		shift = 0;
		rootfs = 1;
	}
	rc = parse_cli("scan", argc - shift, argv + shift, &c, &rootfs,
		       scan_usage);
	if (rc) {
		scan_filters_free(&c.filters);
		return rc == 1 ? 0 : 2;
	}
	if (optind + 1 != argc - shift) {
		fprintf(stderr, "bulwark scan: expected exactly one %s\n",
			!shift ? "PATH (see bulwark scan --help)"
			: rootfs ? "DIR" : "PATH");
		scan_filters_free(&c.filters);
		return 2;
	}
	target = argv[shift + optind];
	if (!c.db_path)
		c.db_path = vulndb_default_path(dbpath, sizeof(dbpath));
	rc = vulndb_open(c.db_path, VULNDB_OPEN_READONLY, &so.db, &err);
	if (rc < 0) {
		if (rc == -ENOENT)
			fprintf(stderr,
				"bulwark scan: no vulnerability database at "
				"%s: import OSV data first with 'bulwark db "
				"import FILE|DIR|ZIP' (or pass --db)\n",
				c.db_path);
		else
			print_err("scan", &err);
		scan_filters_free(&c.filters);
		return 2;
	}
	so.platform = c.platform;
	so.rootfs = rootfs;
	so.secrets = !c.no_secrets;
	rc = scan_run(target, &so, &r, &err);
	if (rc < 0) {
		print_err("scan", &err);
		vulndb_close(so.db);
		scan_result_free(&r);
		scan_filters_free(&c.filters);
		return 2;
	}
	snprintf(r.db_path, sizeof(r.db_path), "%s", c.db_path);
	{
		struct vulndb_status st = {0};

		if (vulndb_get_status(so.db, &st, NULL) == 0)
			snprintf(r.db_newest, sizeof(r.db_newest), "%s",
				 st.newest_modified);
		vulndb_status_free(&st);
	}
	vulndb_close(so.db);
	scan_apply_filters(&r, &c.filters);
	print_problems("scan", &r);
	status = 0;
	if (write_report("scan", &c, &r, 1) < 0)
		status = 2;
	else if (r.incomplete)
		status = 2;
	else if (c.fail_on >= 0 && scan_gate(&r, c.fail_on))
		status = 1;
	scan_result_free(&r);
	scan_filters_free(&c.filters);
	return status;
}

static void sbom_usage(FILE *out)
{
	fprintf(out,
		"usage: bulwark sbom PATH [--rootfs] [-f cyclonedx|spdx] [-o "
		"FILE] [--platform OS/ARCH]\n"
		"\n"
		"Write a software bill of materials of an image (docker-archive, "
		"OCI layout\n"
		"directory or tar) or, with --rootfs (or when PATH is a "
		"directory without an\n"
		"OCI layout), of a root filesystem: CycloneDX 1.6 JSON "
		"(default) or SPDX 2.3\n"
		"JSON; also table and json (Bulwark's scan schema without "
		"findings).\n"
		"\n"
		"Exit status: 0 ok, 2 usage or input error (including a "
		"partial inventory).\n");
}

int cmd_sbom(int argc, char **argv)
{
	struct scan_cli c = {0};
	struct scan_opts so = {0};
	struct scan_result r;
	struct bw_error err = {0};
	int rootfs = 0, rc, status = 0;

	rc = parse_cli("sbom", argc, argv, &c, &rootfs, sbom_usage);
	scan_filters_free(&c.filters);
	if (rc)
		return rc == 1 ? 0 : 2;
	if (!c.fmt_set)
		c.fmt = REPORT_CYCLONEDX;
	if (optind + 1 != argc) {
		fprintf(stderr, "bulwark sbom: expected exactly one PATH\n");
		sbom_usage(stderr);
		return 2;
	}
	so.platform = c.platform;
	so.rootfs = 1; /* a plain directory is a rootfs */
	(void)rootfs;
	rc = scan_run(argv[optind], &so, &r, &err);
	if (rc < 0) {
		print_err("sbom", &err);
		scan_result_free(&r);
		return 2;
	}
	print_problems("sbom", &r);
	if (write_report("sbom", &c, &r, 0) < 0 || r.incomplete)
		status = 2;
	scan_result_free(&r);
	return status;
}
