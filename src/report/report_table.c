/*
 * report_table.c - the human report: findings grouped by package, one
 * header line per package ("name version (type, path, layer <digest>)")
 * and one row per finding (id, severity, fix, title), then a summary line
 * and the input problems.  Without findings (`bulwark sbom` style) it lists
 * the packages instead.
 *
 * Rows fit the terminal: the title is cut to the width of the terminal
 * when out is one, 80 columns otherwise.  Colours (severity) only when the
 * caller asks (opts->color; the CLI asks on a TTY).  Every string is passed
 * through rpt_safe_text first: an image or an advisory must not be able to
 * send escape sequences to the user's terminal.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "report/report_int.h"
#include "vulndb/vulndb.h"

#define COL_ID 20
#define COL_SEV 9
#define COL_FIX 20
#define TEXT_MAX 1024 /* bytes of any one field shown */

static int term_width(FILE *out)
{
	struct winsize ws;
	int fd = fileno(out);

	if (fd >= 0 && isatty(fd) && ioctl(fd, TIOCGWINSZ, &ws) == 0 &&
	    ws.ws_col >= 20)
		return ws.ws_col;
	return 80;
}

/* Display columns of UTF-8 text, one per code point (good enough for the
 * ids, versions and English titles shown here). */
static size_t cols(const char *s)
{
	size_t n = 0;

	for (; *s; s++)
		if (((unsigned char)*s & 0xc0) != 0x80)
			n++;
	return n;
}

/* Prints s cut to max columns ("..." marks a cut) and pads to pad
 * columns.  Returns the columns printed. */
static size_t put_cols(FILE *out, const char *s, size_t max, size_t pad)
{
	size_t n = cols(s), i = 0, c = 0, keep;

	if (n <= max) {
		fputs(s, out);
	} else {
		keep = max > 3 ? max - 3 : 0;
		while (s[i] && c < keep) {
			i++;
			while (((unsigned char)s[i] & 0xc0) == 0x80)
				i++;
			c++;
		}
		fwrite(s, 1, i, out);
		fputs(max > 3 ? "..." : "", out);
		n = max > 3 ? max : c;
	}
	for (c = n; c < pad; c++)
		fputc(' ', out);
	return n > pad ? n : pad;
}

static const char *sev_color(const struct vuln_match *v)
{
	if (!v->severity_known)
		return "\033[2m";
	switch (v->severity) {
	case VULN_SEV_CRITICAL:
		return "\033[1;31m";
	case VULN_SEV_HIGH:
		return "\033[31m";
	case VULN_SEV_MEDIUM:
		return "\033[33m";
	case VULN_SEV_LOW:
		return "\033[36m";
	default:
		return "\033[2m";
	}
}

static void upper(char *s)
{
	for (; *s; s++)
		if (*s >= 'a' && *s <= 'z')
			*s = (char)(*s - 'a' + 'A');
}

static void short_digest(const char *d, char *buf, size_t len)
{
	const char *colon = d ? strchr(d, ':') : NULL;

	snprintf(buf, len, "%.12s", colon ? colon + 1 : (d ? d : ""));
}

static void package_header(FILE *out, const struct scan_result *r,
			   const struct inv_package *p)
{
	char name[TEXT_MAX], ver[TEXT_MAX], path[TEXT_MAX], sd[16];
	const char *layer = rpt_layer_digest(r, p->layer);

	fprintf(out, "%s %s (%s", rpt_safe_text(p->name, name, sizeof(name)),
		rpt_safe_text(p->version, ver, sizeof(ver)),
		rpt_type_name(p->type));
	if (p->path)
		fprintf(out, ", %s",
			rpt_safe_text(p->path, path, sizeof(path)));
	if (layer) {
		short_digest(layer, sd, sizeof(sd));
		fprintf(out, ", layer %s", sd);
	}
	fputs(")\n", out);
}

static void finding_row(FILE *out, const struct scan_finding *fd,
			const struct report_opts *o, int width)
{
	const struct vuln_match *v = &fd->vuln;
	char id[TEXT_MAX], sev[16], fix[TEXT_MAX], title[TEXT_MAX],
	    tmp[TEXT_MAX];
	const char *src = v->summary;
	size_t used = 2, room;

	rpt_safe_text(v->id ? v->id : "?", id, sizeof(id));
	snprintf(sev, sizeof(sev), "%s", rpt_sev_label(v));
	upper(sev);
	switch (v->fix_state) {
	case VULN_FIX_FIXED:
		snprintf(
		    fix, sizeof(fix), "fixed in %s",
		    rpt_safe_text(v->fixed_version ? v->fixed_version : "?",
				  tmp, sizeof(tmp)));
		break;
	case VULN_FIX_WONT_FIX:
		snprintf(fix, sizeof(fix), "won't fix");
		break;
	default:
		snprintf(fix, sizeof(fix), "no fix yet");
	}
	if (!src && v->details) {
		/* the first line of the details */
		size_t n = strcspn(v->details, "\r\n");

		snprintf(tmp, sizeof(tmp), "%.*s",
			 (int)(n < sizeof(tmp) - 1 ? n : sizeof(tmp) - 1),
			 v->details);
		src = tmp;
	}
	rpt_safe_text(src ? src : "", title, sizeof(title));

	fputs("  ", out);
	used += put_cols(out, id, (size_t)width, COL_ID) + 1;
	fputc(' ', out);
	if (o->color)
		fputs(sev_color(v), out);
	fputs(sev, out);
	if (o->color)
		fputs("\033[0m", out);
	used += put_cols(out, "", 0, COL_SEV - strlen(sev)) + strlen(sev) + 1;
	fputc(' ', out);
	used += put_cols(out, fix, (size_t)width, COL_FIX) + 1;
	fputc(' ', out);
	room = (size_t)width > used ? (size_t)width - used : 0;
	if (room >= 4)
		put_cols(out, title, room, 0);
	fputc('\n', out);
	if (fd->suppressed) {
		/* why, on a line of its own under the row */
		fputs("    suppressed: ", out);
		put_cols(out,
			 rpt_safe_text(fd->suppress_reason ? fd->suppress_reason
							   : "",
				       tmp, sizeof(tmp)),
			 width > 20 ? (size_t)width - 16 : 4, 0);
		fputc('\n', out);
	}
}

struct row {
	size_t pkg, pos;
};

static int row_cmp(const void *a, const void *b)
{
	const struct row *x = a, *y = b;

	if (x->pkg != y->pkg)
		return x->pkg < y->pkg ? -1 : 1;
	return x->pos < y->pos ? -1 : x->pos > y->pos;
}

static void write_findings(FILE *out, const struct scan_result *r,
			   const struct report_opts *o, struct row *rows,
			   size_t n)
{
	int width = term_width(out);
	size_t i;

	for (i = 0; i < n; i++) {
		const struct scan_finding *fd = &r->findings[rows[i].pos];

		if (i == 0 || rows[i].pkg != rows[i - 1].pkg) {
			const struct inv_package *p = rpt_pkg(r, fd);

			if (i)
				fputc('\n', out);
			if (p)
				package_header(out, r, p);
			else
				fputs("(unknown package)\n", out);
		}
		finding_row(out, fd, o, width);
	}
}

static void write_packages(FILE *out, const struct scan_result *r)
{
	int width = term_width(out);
	char a[TEXT_MAX], b[TEXT_MAX], c[TEXT_MAX];
	size_t i;

	for (i = 0; i < r->inv.npkgs; i++) {
		const struct inv_package *p = &r->inv.pkgs[i];
		size_t used = 0;

		used += put_cols(out, rpt_safe_text(p->name, a, sizeof(a)), 40,
				 30) +
			1;
		fputc(' ', out);
		used += put_cols(out, rpt_safe_text(p->version, b, sizeof(b)),
				 30, 20) +
			1;
		fputc(' ', out);
		used += put_cols(out, rpt_type_name(p->type), 10, 9) + 1;
		fputc(' ', out);
		if ((size_t)width > used + 4)
			put_cols(out, rpt_safe_text(p->path, c, sizeof(c)),
				 (size_t)width - used, 0);
		fputc('\n', out);
	}
	fprintf(out, "\n%zu packages\n", r->inv.npkgs);
}

static void write_problems(FILE *out, const struct scan_result *r)
{
	char buf[1024], safe[1024];
	size_t i;

	if (r->nproblems)
		fprintf(out, "\n%zu input problem%s:\n", r->nproblems,
			r->nproblems == 1 ? "" : "s");
	for (i = 0; i < r->nproblems; i++) {
		struct bw_error e = r->problems[i];

		e.input[sizeof(e.input) - 1] = '\0';
		e.msg[sizeof(e.msg) - 1] = '\0';
		fprintf(out, "  %s\n",
			rpt_safe_text(bw_error_str(&e, buf, sizeof(buf)), safe,
				      sizeof(safe)));
	}
	if (r->incomplete)
		fputs("warning: the scan is incomplete: some of the input "
		      "could not be read\n",
		      out);
}

int report_write_table(FILE *out, const struct scan_result *r,
		       const struct report_opts *o, struct bw_error *err)
{
	char target[TEXT_MAX], ref[TEXT_MAX], os[TEXT_MAX], sd[16];
	struct rpt_counts c;
	struct row *rows = NULL;
	size_t i, n = 0;

	fprintf(out, "%s", rpt_safe_text(r->target, target, sizeof(target)));
	if (r->info.ref)
		fprintf(out, " (%s)",
			rpt_safe_text(r->info.ref, ref, sizeof(ref)));
	if (r->info.manifest_digest || r->info.config_digest) {
		short_digest(r->info.manifest_digest ? r->info.manifest_digest
						     : r->info.config_digest,
			     sd, sizeof(sd));
		fprintf(out, " %s", sd);
	}
	fputc('\n', out);
	if (r->inv.os.pretty_name || r->inv.os.id)
		fprintf(out, "OS: %s\n",
			rpt_safe_text(r->inv.os.pretty_name
					  ? r->inv.os.pretty_name
					  : r->inv.os.id,
				      os, sizeof(os)));
	fputc('\n', out);

	if (!o->with_vulns) {
		write_packages(out, r);
		write_problems(out, r);
		return 0;
	}

	if (r->nfindings) {
		rows = calloc(r->nfindings, sizeof(*rows));
		if (!rows)
			return bw_errorf(err, -ENOMEM, NULL, 0, 0,
					 "out of memory");
	}
	for (i = 0; i < r->nfindings; i++)
		if (rpt_visible(&r->findings[i], o)) {
			rows[n].pkg = r->findings[i].pkg;
			rows[n].pos = i;
			n++;
		}
	if (n)
		qsort(rows, n, sizeof(*rows), row_cmp);
	write_findings(out, r, o, rows, n);
	free(rows);

	rpt_count(r, &c);
	fprintf(out,
		"%s%zu vulnerabilit%s (%zu critical, %zu high, %zu medium, "
		"%zu low, %zu unknown), %zu suppressed\n",
		n ? "\n" : "", c.total, c.total == 1 ? "y" : "ies", c.critical,
		c.high, c.medium, c.low, c.unknown, c.suppressed);
	write_problems(out, r);
	return 0;
}
