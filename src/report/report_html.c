/*
 * report_html.c - policy findings as one self-contained HTML page: inline
 * CSS, no scripts, no external resources, so it can be attached to a
 * ticket or archived as audit evidence and read offline.
 *
 * The page: a title with the target and time, counts by severity, then one
 * table per object (severity, check, finding with its field path and
 * remediation, and one column per compliance framework: CIS Kubernetes,
 * NSA/CISA, NIST SP 800-190, PCI DSS), then the input problems.
 * Suppressed findings appear greyed with their reason when
 * opts->show_suppressed is set.  Every string from the input is written
 * through rpt_xml_puts (& < > " ' escaped, invalid UTF-8 replaced): a
 * manifest cannot inject markup.
 */
#include <string.h>

#include "report/report_int.h"

static const char css[] =
    "body{font:14px/1.45 system-ui,-apple-system,'Segoe UI',sans-serif;"
    "margin:2em auto;max-width:1200px;padding:0 1em;color:#1c1e21}"
    "h1{font-size:1.6em;margin-bottom:.2em}"
    "h2{font-size:1.1em;margin:1.8em 0 .3em;font-family:monospace}"
    ".meta,.loc{color:#606770}.loc{margin:0 0 .5em;font-size:.9em}"
    ".cards{display:flex;gap:.8em;margin:1.2em 0;flex-wrap:wrap}"
    ".card{border-radius:6px;padding:.6em 1.1em;min-width:6em;"
    "color:#fff;text-align:center}"
    ".card b{display:block;font-size:1.6em}"
    "table{border-collapse:collapse;width:100%;margin-bottom:1em}"
    "th,td{border:1px solid #dadde1;padding:.35em .5em;text-align:left;"
    "vertical-align:top}th{background:#f5f6f7;font-weight:600}"
    "code{font-size:.85em;color:#444;word-break:break-all}"
    ".fix{color:#2d6a2d;font-size:.9em;margin-top:.2em}"
    ".sev{font-weight:700;border-radius:4px;padding:.1em .4em;color:#fff;"
    "font-size:.8em;white-space:nowrap}"
    ".critical{background:#7b0d1e}.high{background:#c0392b}"
    ".medium{background:#d68910}.low{background:#2874a6}"
    ".none{background:#7f8c8d}.suppressed{background:#95a5a6}"
    "tr.sup td{color:#8d949e}.ok{color:#2d6a2d;font-weight:600}";

static void put(FILE *out, const char *s) { report_xml_puts(out, s); }

static void card(FILE *out, const char *cls, const char *label, size_t n)
{
	fprintf(out, "<div class=\"card %s\"><b>%zu</b>%s</div>\n", cls, n,
		label);
}

static const char *const fw_cols[][2] = {
    {REPORT_FW_CIS, "CIS Kubernetes"},
    {REPORT_FW_NSA, "NSA/CISA"},
    {REPORT_FW_NIST, "NIST SP 800-190"},
    {REPORT_FW_PCI, "PCI DSS 4.0"},
};
#define NFW (sizeof(fw_cols) / sizeof(fw_cols[0]))

static void object_start(FILE *out, const struct report_finding *f)
{
	char label[1024];
	size_t i;

	fputs("<h2>", out);
	put(out, rpt_object_label(f, label, sizeof(label)));
	fputs("</h2>\n<p class=\"loc\">", out);
	put(out, f->file ? f->file : "");
	if (f->doc >= 0)
		fprintf(out, ", document %d", f->doc + 1);
	if (f->line > 0)
		fprintf(out, ", line %d", f->line);
	fputs("</p>\n<table>\n<thead><tr><th>Severity</th><th>Check</th>"
	      "<th>Finding</th>",
	      out);
	for (i = 0; i < NFW; i++)
		fprintf(out, "<th>%s</th>", fw_cols[i][1]);
	fputs("</tr></thead>\n<tbody>\n", out);
}

static void row(FILE *out, const struct report_finding *f)
{
	const char *sev = vuln_severity_name(f->severity);
	char ctl[512];
	size_t i;

	fprintf(out, "<tr%s><td><span class=\"sev %s\">%s</span></td><td>",
		f->suppressed ? " class=\"sup\"" : "",
		f->suppressed ? "suppressed" : sev, sev);
	put(out, f->id);
	if (f->title) {
		fputs("<br>", out);
		put(out, f->title);
	}
	fputs("</td><td>", out);
	put(out, f->message ? f->message : "");
	if (f->path) {
		fputs("<br><code>", out);
		put(out, f->path);
		fputs("</code>", out);
	}
	if (f->remediation) {
		fputs("<div class=\"fix\">Fix: ", out);
		put(out, f->remediation);
		fputs("</div>", out);
	}
	if (f->suppressed) {
		fputs("<div>Suppressed: ", out);
		put(out, f->suppress_reason ? f->suppress_reason : "");
		fputs("</div>", out);
	}
	fputs("</td>", out);
	for (i = 0; i < NFW; i++) {
		fputs("<td>", out);
		put(out, rpt_controls(f, fw_cols[i][0], ctl, sizeof(ctl)));
		fputs("</td>", out);
	}
	fputs("</tr>\n", out);
}

int report_write_html(FILE *out, const struct report_findings *s,
		      const struct report_opts *o, struct bw_error *err)
{
	const struct report_finding *prev = NULL;
	struct rpt_policy_counts c;
	char ts[64];
	size_t i;

	(void)err;
	rpt_timestamp(o, ts, sizeof(ts));
	rpt_policy_count(s, &c);
	fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n"
	      "<meta charset=\"utf-8\">\n"
	      "<meta name=\"viewport\" content=\"width=device-width\">\n"
	      "<title>Bulwark audit report</title>\n<style>",
	      out);
	fputs(css, out);
	fputs("</style>\n</head>\n<body>\n<h1>Bulwark audit report</h1>\n"
	      "<p class=\"meta\">",
	      out);
	put(out, s->target ? s->target : "");
	fputs(" &middot; ", out);
	put(out, ts);
	if (o->tool_version) {
		fputs(" &middot; bulwark ", out);
		put(out, o->tool_version);
	}
	fprintf(out,
		"</p>\n<p>%zu finding%s in %zu of %zu object%s.</p>\n"
		"<div class=\"cards\">\n",
		c.total, c.total == 1 ? "" : "s", c.objects_with_findings,
		s->objects, s->objects == 1 ? "" : "s");
	card(out, "critical", "critical", c.by_sev[VULN_SEV_CRITICAL]);
	card(out, "high", "high", c.by_sev[VULN_SEV_HIGH]);
	card(out, "medium", "medium", c.by_sev[VULN_SEV_MEDIUM]);
	card(out, "low", "low", c.by_sev[VULN_SEV_LOW]);
	card(out, "suppressed", "suppressed", c.suppressed);
	fputs("</div>\n", out);

	for (i = 0; i < s->n; i++) {
		const struct report_finding *f = &s->f[i];

		if (f->suppressed && !o->show_suppressed)
			continue;
		if (!prev || !rpt_same_object(prev, f)) {
			if (prev)
				fputs("</tbody>\n</table>\n", out);
			object_start(out, f);
		}
		row(out, f);
		prev = f;
	}
	if (prev)
		fputs("</tbody>\n</table>\n", out);
	else
		fputs("<p class=\"ok\">No findings.</p>\n", out);

	if (s->nproblems) {
		fputs("<h2>Input problems</h2>\n<ul>\n", out);
		for (i = 0; i < s->nproblems; i++) {
			struct bw_error e = s->problems[i];
			char buf[1024];

			e.input[sizeof(e.input) - 1] = '\0';
			e.msg[sizeof(e.msg) - 1] = '\0';
			fputs("<li>", out);
			put(out, bw_error_str(&e, buf, sizeof(buf)));
			fputs("</li>\n", out);
		}
		fputs("</ul>\n", out);
	}
	fputs("</body>\n</html>\n", out);
	return 0;
}
