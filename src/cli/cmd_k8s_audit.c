/*
 * cmd_k8s_audit.c - `bulwark k8s audit FILE...`: loads manifests (files,
 * directories, "-" for stdin), runs the best-practice checks and, with
 * --level, the Pod Security Standards, and writes one report of policy
 * findings (table, json, sarif, junit, html).
 *
 * PSS violations become findings "PSS-<check>" (e.g. PSS-privileged):
 * high when the baseline level forbids it, medium when only restricted
 * does; the message is the admission controller's reason and detail.
 *
 * Exit status: 0 no unsuppressed finding at or above --fail-on (or no
 * --fail-on), 1 one is, 2 usage error or bad input (a path that cannot be
 * read, an invalid document: the report is still written, listing the
 * problems).
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/commands.h"
#include "k8s/k8s.h"
#include "report/report.h"

static void usage(FILE *out)
{
	fputs("usage: bulwark k8s audit [options] FILE|DIR|- ...\n\n"
	      "Runs the best-practice checks (docs/k8s.md) over Kubernetes "
	      "manifests.\n\n"
	      "Options:\n"
	      "  --level LEVEL        also evaluate Pod Security Standards "
	      "(baseline|restricted)\n"
	      "  --pss-version V      PSS version v1.N or latest (default "
	      "latest)\n"
	      "  --checks ID,...      run only these checks\n"
	      "  --skip ID,...        do not run these checks\n"
	      "  -f, --format FMT     table (default), json, sarif, junit, "
	      "html\n"
	      "  -o, --output FILE    write the report to FILE\n"
	      "  --fail-on SEVERITY   exit 1 when an unsuppressed finding is "
	      "at or above\n"
	      "                       SEVERITY (critical|high|medium|low|"
	      "any)\n"
	      "  --show-suppressed    list findings excepted by "
	      "bulwark.io/ignore annotations\n"
	      "  --no-color           no colours in the table\n"
	      "  --list-checks        print the check table (Markdown) and "
	      "exit\n\n"
	      "Exceptions: annotate an object (or its pod template) with\n"
	      "  bulwark.io/ignore: BW-K8S-003,BW-K8S-015\n"
	      "  bulwark.io/ignore-reason: why\n\n"
	      "Exit status: 0 pass, 1 a finding at or above --fail-on, 2 "
	      "usage error or bad input.\n",
	      out);
}

/* The check table as Markdown (docs/k8s.md is generated from it). */
/* The RBAC checks audit runs too (their rationale is in the RBAC section
 * of docs/k8s.md). */
static void list_rbac_checks(FILE *out)
{
	size_t n;
	const struct k8s_rbac_check_info *r = k8s_rbac_checks(&n);

	fputs("\nRBAC checks (also run by `bulwark k8s audit` on Roles, "
	      "ClusterRoles and their bindings):\n\n"
	      "| ID | Severity | Title | Frameworks |\n"
	      "|----|----------|-------|------------|\n",
	      out);
	for (size_t i = 0; i < n; i++) {
		struct report_framework_ref fw[4];
		size_t nf = k8s_rbac_check_frameworks(r[i].id, fw);

		fprintf(out, "| %s | %s | %s | ", r[i].id,
			vuln_severity_name(r[i].severity), r[i].title);
		for (size_t k = 0; k < nf; k++)
			fprintf(out, "%s%s %s", k ? "; " : "",
				!strcmp(fw[k].framework, REPORT_FW_CIS)	  ? "CIS"
				: !strcmp(fw[k].framework, REPORT_FW_NSA) ? "NSA/CISA"
									  : "PCI DSS",
				fw[k].control);
		fputs(" |\n", out);
	}
	fputs("\nRBAC rationale and remediation:\n\n", out);
	for (size_t i = 0; i < n; i++)
		fprintf(out, "- **%s** (%s): %s Fix: %s\n", r[i].id,
			vuln_severity_name(r[i].severity), r[i].rationale,
			r[i].remediation);
}

static void list_checks(FILE *out)
{
	static const char *const fws[][2] = {
	    {REPORT_FW_CIS, "CIS"},
	    {REPORT_FW_NSA, "NSA/CISA"},
	    {REPORT_FW_NIST, "NIST 800-190"},
	    {REPORT_FW_PCI, "PCI DSS"},
	};
	size_t i, k, j;

	fputs("| ID | Name | Severity | Title | Frameworks |\n"
	      "|----|------|----------|-------|------------|\n",
	      out);
	for (i = 0; i < k8s_nchecks; i++) {
		const struct k8s_check *c = &k8s_checks[i];
		int first = 1;

		fprintf(out, "| %s | %s | %s | %s | ", c->id, c->name,
			vuln_severity_name(c->severity), c->title);
		for (k = 0; k < sizeof(fws) / sizeof(fws[0]); k++) {
			int any = 0;

			for (j = 0; j < c->nframeworks; j++) {
				if (strcmp(c->frameworks[j].framework,
					   fws[k][0]))
					continue;
				fprintf(out, "%s%s%s",
					any ? ", " : (first ? "" : "; "),
					any ? "" : fws[k][1], any ? "" : " ");
				fputs(c->frameworks[j].control, out);
				any = 1;
				first = 0;
			}
		}
		fputs(first ? "- |\n" : " |\n", out);
	}
	fputs("\nRationale and remediation:\n\n", out);
	for (i = 0; i < k8s_nchecks; i++) {
		const struct k8s_check *c = &k8s_checks[i];

		fprintf(out, "- **%s %s** (%s): %s Fix: %s\n", c->id, c->name,
			vuln_severity_name(c->severity), c->rationale,
			c->remediation);
	}
	list_rbac_checks(out);
}

struct audit_cli {
	const char *output;
	enum report_format fmt;
	int color, show_suppressed;
	int fail_on; /* -1: no gate */
	int pss;
	enum k8s_pss_level level;
	struct k8s_pss_version version;
	struct k8s_audit_opts checks;
	int bad_input;
	struct report_findings *out;
};

static void on_warn(void *ctx, const struct bw_error *e)
{
	struct audit_cli *c = ctx;

	c->bad_input = 1;
	report_findings_add_problem(c->out, e);
}

static int has_check(const struct k8s_pss_result *r, const char *check)
{
	size_t i;

	for (i = 0; i < r->n; i++)
		if (!strcmp(r->v[i].check, check))
			return 1;
	return 0;
}

/* PSS violations of every pod as findings. */
static int audit_pss(struct audit_cli *c, const struct k8s_set *set)
{
	char ver[32], title[128], id[96], msg[2048], why[600];
	static const struct report_framework_ref fw[] = {
	    {REPORT_FW_NSA, "Pod security: Pod security enforcement"},
	};
	size_t i, k;
	int rc = 0;

	if (c->version.minor == K8S_PSS_LATEST)
		snprintf(ver, sizeof(ver), "latest");
	else
		snprintf(ver, sizeof(ver), "v1.%d", c->version.minor);
	for (i = 0; i < set->n && !rc; i++) {
		const struct k8s_object *o = &set->objs[i];
		struct k8s_pss_result base = {0}, res = {0};
		json_t *spec, *meta;
		const char *path;

		if (k8s_pod_spec(o, &spec, &meta, &path))
			continue;
		rc = k8s_pss_evaluate(meta, spec, K8S_PSS_BASELINE, c->version,
				      &base);
		if (!rc && c->level == K8S_PSS_RESTRICTED)
			rc = k8s_pss_evaluate(meta, spec, K8S_PSS_RESTRICTED,
					      c->version, &res);
		for (k = 0; !rc && k < (res.v ? res.n : base.n); k++) {
			const struct k8s_pss_violation *v =
			    res.v ? &res.v[k] : &base.v[k];
			int in_base = !res.v || has_check(&base, v->check);
			const char *reason = NULL;
			struct report_finding f = {
			    .name = "pod-security-standard",
			    .severity =
				in_base ? VULN_SEV_HIGH : VULN_SEV_MEDIUM,
			    .title = title,
			    .message = msg,
			    .remediation = "Change the pod spec as the detail "
					   "says, or run it in a namespace "
					   "with a less strict level.",
			    .rationale = "The Pod Security Standards are "
					 "Kubernetes' own baseline and "
					 "restricted pod hardening profiles.",
			    .file = o->file,
			    .doc = o->doc,
			    .item = o->item,
			    .line = o->line,
			    .kind = o->kind,
			    .ns = o->ns,
			    .obj_name = o->name,
			    .path = path,
			    .frameworks = fw,
			    .nframeworks = 1,
			};

			snprintf(id, sizeof(id), "PSS-%s", v->check);
			snprintf(title, sizeof(title),
				 "Pod Security Standard %s:%s",
				 in_base ? "baseline" : "restricted", ver);
			snprintf(msg, sizeof(msg), "%s (%s)",
				 v->reason ? v->reason : v->check,
				 v->detail ? v->detail : "");
			f.id = id;
			if (k8s_ignored(o, meta, id, &reason)) {
				f.suppressed = 1;
				snprintf(why, sizeof(why),
					 "annotation bulwark.io/ignore: %s",
					 reason ? reason : "(no reason given)");
				f.suppress_reason = why;
			}
			rc = report_findings_add(c->out, &f);
		}
		k8s_pss_result_free(&base);
		k8s_pss_result_free(&res);
	}
	return rc;
}

enum {
	OPT_LEVEL = 256,
	OPT_PSSV,
	OPT_CHECKS,
	OPT_SKIP,
	OPT_FAIL_ON,
	OPT_SHOW_SUP,
	OPT_NO_COLOR,
	OPT_LIST
};

static const struct option options[] = {
    {"level", required_argument, NULL, OPT_LEVEL},
    {"pss-version", required_argument, NULL, OPT_PSSV},
    {"checks", required_argument, NULL, OPT_CHECKS},
    {"skip", required_argument, NULL, OPT_SKIP},
    {"format", required_argument, NULL, 'f'},
    {"output", required_argument, NULL, 'o'},
    {"fail-on", required_argument, NULL, OPT_FAIL_ON},
    {"show-suppressed", no_argument, NULL, OPT_SHOW_SUP},
    {"no-color", no_argument, NULL, OPT_NO_COLOR},
    {"list-checks", no_argument, NULL, OPT_LIST},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0},
};

static int parse(struct audit_cli *c, int argc, char **argv)
{
	int opt;

	c->fail_on = -1;
	c->color = -1;
	c->version.minor = K8S_PSS_LATEST;
	optind = 1;
	while ((opt = getopt_long(argc, argv, ":f:o:h", options, NULL)) != -1) {
		enum vuln_severity sev;

		switch (opt) {
		case 'h':
			usage(stdout);
			return 0;
		case 'f':
			if (report_format_parse(optarg, &c->fmt) ||
			    c->fmt == REPORT_CYCLONEDX ||
			    c->fmt == REPORT_SPDX) {
				fprintf(stderr,
					"bulwark k8s audit: unknown format "
					"'%s'\n",
					optarg);
				return 2;
			}
			break;
		case 'o':
			c->output = optarg;
			break;
		case OPT_LEVEL:
			if (k8s_pss_level_parse(optarg, &c->level) ||
			    c->level == K8S_PSS_PRIVILEGED) {
				fprintf(stderr,
					"bulwark k8s audit: --level must be "
					"baseline or restricted\n");
				return 2;
			}
			c->pss = 1;
			break;
		case OPT_PSSV:
			if (k8s_pss_version_parse(optarg, &c->version)) {
				fprintf(stderr,
					"bulwark k8s audit: bad --pss-version "
					"'%s' (v1.N or latest)\n",
					optarg);
				return 2;
			}
			break;
		case OPT_CHECKS:
			c->checks.checks = optarg;
			break;
		case OPT_SKIP:
			c->checks.skip = optarg;
			break;
		case OPT_FAIL_ON:
			if (!strcmp(optarg, "any")) {
				c->fail_on = VULN_SEV_NONE;
			} else if (report_severity_parse(optarg, &sev) ||
				   sev == VULN_SEV_NONE) {
				fprintf(stderr,
					"bulwark k8s audit: bad --fail-on "
					"'%s'\n",
					optarg);
				return 2;
			} else {
				c->fail_on = (int)sev;
			}
			break;
		case OPT_SHOW_SUP:
			c->show_suppressed = 1;
			break;
		case OPT_NO_COLOR:
			c->color = 0;
			break;
		case OPT_LIST:
			list_checks(stdout);
			return 0;
		case ':':
			fprintf(stderr,
				"bulwark k8s audit: option '%s' needs a "
				"value\n",
				argv[optind - 1]);
			return 2;
		default:
			fprintf(stderr,
				"bulwark k8s audit: unknown option "
				"'%s'\n",
				argv[optind - 1]);
			return 2;
		}
	}
	if (optind >= argc) {
		usage(stderr);
		return 2;
	}
	if (getenv("NO_COLOR") && c->color < 0)
		c->color = 0;
	return -1;
}

static int write_out(struct audit_cli *c, const struct report_findings *s)
{
	struct report_opts ro = {
	    .color = c->color,
	    .show_suppressed = c->show_suppressed,
	    .tool_version = BW_VERSION,
	    .fixed_time = getenv("BULWARK_FIXED_TIME"),
	};
	struct bw_error err = {0};
	FILE *out = stdout;
	char buf[1024];
	int rc;

	if (c->output && strcmp(c->output, "-")) {
		out = fopen(c->output, "w");
		if (!out) {
			fprintf(stderr, "bulwark k8s audit: %s: %s\n",
				c->output, strerror(errno));
			return -errno;
		}
	} else if (c->fmt == REPORT_TABLE && ro.color < 0) {
		ro.color = isatty(STDOUT_FILENO);
	}
	if (ro.color < 0)
		ro.color = 0;
	rc = report_write_policy(out, c->fmt, s, &ro, &err);
	if (out != stdout) {
		if (fclose(out) && !rc)
			rc = bw_errorf(&err, -EIO, c->output, 0, 0,
				       "write failed: %s", strerror(errno));
	} else {
		fflush(stdout);
	}
	if (rc)
		fprintf(stderr, "bulwark k8s audit: %s\n",
			bw_error_str(&err, buf, sizeof(buf)));
	return rc;
}

int cmd_k8s_audit(int argc, char **argv)
{
	struct report_findings findings = {0};
	struct audit_cli c = {.fmt = REPORT_TABLE, .out = &findings};
	struct k8s_set set = {0};
	struct bw_error err = {0};
	char buf[1024], target[1024] = "";
	size_t tl = 0;
	int rc, i;

	rc = parse(&c, argc, argv);
	if (rc >= 0)
		return rc;
	for (i = optind; i < argc; i++) {
		bw_error_clear(&err);
		if (tl < sizeof(target))
			tl += (size_t)snprintf(target + tl, sizeof(target) - tl,
					       "%s%s", tl ? " " : "", argv[i]);
		rc = k8s_load_path(&set, argv[i], on_warn, &c, &err);
		if (rc) {
			report_findings_add_problem(&findings, &err);
			c.bad_input = 1;
		}
	}
	report_findings_set_target(&findings, target);
	bw_error_clear(&err);
	rc = k8s_audit_checks(&set, &c.checks, &findings, &err);
	if (rc) {
		fprintf(stderr, "bulwark k8s audit: %s\n",
			bw_error_str(&err, buf, sizeof(buf)));
		k8s_set_free(&set);
		report_findings_free(&findings);
		return 2;
	}
	bw_error_clear(&err);
	if (k8s_rbac_audit(&set, &c.checks, &findings, on_warn, &c, &err)) {
		fprintf(stderr, "bulwark k8s audit: %s\n",
			bw_error_str(&err, buf, sizeof(buf)));
		k8s_set_free(&set);
		report_findings_free(&findings);
		return 2;
	}
	if (c.pss && audit_pss(&c, &set)) {
		fprintf(stderr, "bulwark k8s audit: out of memory\n");
		k8s_set_free(&set);
		report_findings_free(&findings);
		return 2;
	}
	report_findings_sort(&findings);
	for (size_t k = 0; k < findings.nproblems; k++)
		fprintf(stderr, "bulwark k8s audit: warning: %s\n",
			bw_error_str(&findings.problems[k], buf, sizeof(buf)));
	rc = write_out(&c, &findings);
	if (rc)
		rc = 2;
	else if (c.bad_input)
		rc = 2;
	else if (c.fail_on >= 0 &&
		 report_findings_gate(&findings, (enum vuln_severity)c.fail_on))
		rc = 1;
	k8s_set_free(&set);
	report_findings_free(&findings);
	return rc;
}
