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
 *
 * Policy findings (report_write_policy) use the same columns and helpers:
 * one header line per object ("Deployment/ns/name (file, document N, line
 * L)"), one row per finding (severity, check id, message) with the field
 * path under it, then a summary by severity.
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

static const char *sev_color_of(int known, enum vuln_severity sev)
{
	if (!known)
		return "\033[2m";
	switch (sev) {
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

static const char *sev_color(const struct vuln_match *v)
{
	return sev_color_of(v->severity_known, v->severity);
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

/* "Secrets": one line per secret, grouped by nothing -- they come sorted
 * by severity, path and line.  Only the redacted match is printed. */
static void write_secrets(FILE *out, const struct scan_result *r,
			  const struct report_opts *o)
{
	char path[TEXT_MAX], title[TEXT_MAX], id[TEXT_MAX], m[64], sev[16];
	char sd[16];
	size_t i, shown = 0, suppressed = 0;

	for (i = 0; i < r->nsecrets; i++) {
		const struct scan_secret *sc = &r->secrets[i];

		if (sc->suppressed)
			suppressed++;
		if (sc->suppressed && !o->show_suppressed)
			continue;
		if (!shown++)
			fputs("\nSecrets\n", out);
		snprintf(sev, sizeof(sev), "%s",
			 vuln_severity_name(sc->severity));
		upper(sev);
		fprintf(out, "  %s%-8s%s %s:%zu  %s (%s)  %s",
			o->color ? sev_color_of(1, sc->severity) : "", sev,
			o->color ? "\033[0m" : "",
			rpt_safe_text(sc->path, path, sizeof(path)), sc->line,
			rpt_safe_text(sc->title, title, sizeof(title)),
			rpt_safe_text(sc->rule_id, id, sizeof(id)),
			rpt_safe_text(sc->match, m, sizeof(m)));
		if (sc->layer_digest[0]) {
			short_digest(sc->layer_digest, sd, sizeof(sd));
			fprintf(out, "  layer %s", sd);
		}
		if (sc->suppressed)
			fputs("  (suppressed)", out);
		fputc('\n', out);
	}
	if (r->nsecrets)
		fprintf(out, "%zu secret%s, %zu suppressed\n",
			r->nsecrets - suppressed,
			r->nsecrets - suppressed == 1 ? "" : "s", suppressed);
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
	write_secrets(out, r, o);
	write_problems(out, r);
	return 0;
}

/* ---- policy findings ----------------------------------------------------- */

static void object_header(FILE *out, const struct report_finding *f)
{
	char label[TEXT_MAX], safe[TEXT_MAX], file[TEXT_MAX];

	fputs(rpt_safe_text(rpt_object_label(f, label, sizeof(label)), safe,
			    sizeof(safe)),
	      out);
	if (f->file) {
		fprintf(out, " (%s",
			rpt_safe_text(f->file, file, sizeof(file)));
		if (f->doc >= 0)
			fprintf(out, ", document %d", f->doc + 1);
		if (f->item >= 0)
			fprintf(out, ", item %d", f->item);
		if (f->line > 0)
			fprintf(out, ", line %d", f->line);
		fputc(')', out);
	}
	fputc('\n', out);
}

static void policy_row(FILE *out, const struct report_finding *f,
		       const struct report_opts *o, int width)
{
	char id[TEXT_MAX], sev[16], msg[TEXT_MAX], path[TEXT_MAX];
	size_t used = 2, room;

	rpt_safe_text(f->id, id, sizeof(id));
	snprintf(sev, sizeof(sev), "%s", vuln_severity_name(f->severity));
	upper(sev);
	rpt_safe_text(f->message ? f->message : f->title, msg, sizeof(msg));

	fputs("  ", out);
	if (o->color)
		fputs(sev_color_of(1, f->severity), out);
	fputs(sev, out);
	if (o->color)
		fputs("\033[0m", out);
	used += put_cols(out, "", 0, COL_SEV - strlen(sev)) + strlen(sev) + 1;
	fputc(' ', out);
	used += put_cols(out, id, 16, 11) + 1;
	fputc(' ', out);
	room = (size_t)width > used ? (size_t)width - used : 0;
	if (room >= 4)
		put_cols(out, msg, room, 0);
	fputc('\n', out);
	if (f->path) {
		fputs("                         ", out);
		put_cols(out, rpt_safe_text(f->path, path, sizeof(path)),
			 width > 30 ? (size_t)width - 25 : 4, 0);
		fputc('\n', out);
	}
	if (f->suppressed) {
		fputs("                         suppressed: ", out);
		put_cols(
		    out,
		    rpt_safe_text(f->suppress_reason ? f->suppress_reason : "",
				  msg, sizeof(msg)),
		    width > 40 ? (size_t)width - 37 : 4, 0);
		fputc('\n', out);
	}
}

int report_write_table_policy(FILE *out, const struct report_findings *s,
			      const struct report_opts *o, struct bw_error *err)
{
	const struct report_finding *prev = NULL;
	char buf[1024], safe[1024];
	struct rpt_policy_counts c;
	int width = term_width(out);
	size_t i;

	(void)err;
	for (i = 0; i < s->n; i++) {
		const struct report_finding *f = &s->f[i];

		if (f->suppressed && !o->show_suppressed)
			continue;
		if (!prev || !rpt_same_object(prev, f)) {
			if (prev)
				fputc('\n', out);
			object_header(out, f);
		}
		policy_row(out, f, o, width);
		prev = f;
	}
	rpt_policy_count(s, &c);
	fprintf(out,
		"%s%zu finding%s in %zu of %zu object%s (%zu critical, %zu "
		"high, %zu medium, %zu low), %zu suppressed\n",
		prev ? "\n" : "", c.total, c.total == 1 ? "" : "s",
		c.objects_with_findings, s->objects, s->objects == 1 ? "" : "s",
		c.by_sev[VULN_SEV_CRITICAL], c.by_sev[VULN_SEV_HIGH],
		c.by_sev[VULN_SEV_MEDIUM], c.by_sev[VULN_SEV_LOW],
		c.suppressed);
	if (s->nproblems)
		fprintf(out, "\n%zu input problem%s:\n", s->nproblems,
			s->nproblems == 1 ? "" : "s");
	for (i = 0; i < s->nproblems; i++) {
		struct bw_error e = s->problems[i];

		e.input[sizeof(e.input) - 1] = '\0';
		e.msg[sizeof(e.msg) - 1] = '\0';
		fprintf(out, "  %s\n",
			rpt_safe_text(bw_error_str(&e, buf, sizeof(buf)), safe,
				      sizeof(safe)));
	}
	return 0;
}
