/*
 * load_file.c - reading a rules file from disk (bounded by
 * RULES_MAX_FILE_SIZE) into rules_load_buffer(), and mapping an offset in
 * a condition back to its line and column in the YAML file: the k-th
 * non-blank character of the condition text is the k-th non-blank
 * character of the scalar's source (after a block scalar's header line or
 * a quoted scalar's opening quote), which holds for plain, quoted, literal
 * (|) and folded (>) scalars alike.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "rules/rules_int.h"

int rules_load_file(struct bw_ruleset *rs, const char *path,
		    struct bw_rules_diag *diag, struct bw_error *err)
{
	FILE *f;
	char *buf;
	size_t n = 0, cap = 65536;
	int rc;

	f = fopen(path, "re");
	if (!f)
		return bw_errorf(err, -errno, path, 0, 0, "cannot open: %s",
				 strerror(errno));
	buf = malloc(cap);
	if (!buf) {
		fclose(f);
		return bw_errorf(err, -ENOMEM, path, 0, 0, "out of memory");
	}
	for (;;) {
		size_t r;

		if (n == cap) {
			char *nb;

			if (cap > RULES_MAX_FILE_SIZE) {
				free(buf);
				fclose(f);
				return bw_errorf(err, -EFBIG, path, 0, 0,
						 "rules file too large (limit "
						 "%u bytes)",
						 RULES_MAX_FILE_SIZE);
			}
			nb = realloc(buf, cap * 2);
			if (!nb) {
				free(buf);
				fclose(f);
				return bw_errorf(err, -ENOMEM, path, 0, 0,
						 "out of memory");
			}
			buf = nb;
			cap *= 2;
		}
		r = fread(buf + n, 1, cap - n, f);
		if (!r)
			break;
		n += r;
	}
	if (ferror(f)) {
		free(buf);
		fclose(f);
		return bw_errorf(err, -EIO, path, 0, 0, "read error");
	}
	fclose(f);
	rc = rules_load_buffer(rs, path, buf, n, diag, err);
	free(buf);
	return rc;
}

static bool blank(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

void frag_position(const struct bw_ruleset *rs, const struct frag *f,
		   size_t off, int *line, int *col)
{
	const struct loaded_file *lf;
	size_t k = 0, i, ln = 1, pos;
	int c = 1;
	bool at_end;

	*line = f->line;
	*col = f->col;
	if (f->file < 0 || (size_t)f->file >= rs->nfiles)
		return;
	lf = &rs->files[f->file];
	/* byte offset of the scalar from its (line, column) mark */
	for (pos = 0; pos < lf->len && ln < (size_t)f->line; pos++)
		if (lf->buf[pos] == '\n')
			ln++;
	for (c = 1; pos < lf->len && c < f->col; pos++)
		if (((unsigned char)lf->buf[pos] & 0xc0) != 0x80)
			c++;
	if (f->style == YAML_LITERAL_SCALAR_STYLE ||
	    f->style == YAML_FOLDED_SCALAR_STYLE) {
		while (pos < lf->len && lf->buf[pos] != '\n')
			pos++;
	} else if (f->style == YAML_SINGLE_QUOTED_SCALAR_STYLE ||
		   f->style == YAML_DOUBLE_QUOTED_SCALAR_STYLE) {
		pos++;
	}
	/* the k-th non-blank character of the text is the k-th of the
	 * source from there on */
	if (off > f->len)
		off = f->len;
	while (off < f->len && blank(f->text[off]))
		off++;
	for (i = 0; i < off; i++)
		if (!blank(f->text[i]))
			k++;
	at_end = off >= f->len;
	while (k && pos < lf->len) {
		while (pos < lf->len && blank(lf->buf[pos]))
			pos++;
		pos++;
		k--;
	}
	while (!at_end && pos < lf->len && blank(lf->buf[pos]))
		pos++;
	if (pos > lf->len)
		pos = lf->len;
	ln = 1;
	c = 1;
	for (i = 0; i < pos; i++) {
		if (lf->buf[i] == '\n') {
			ln++;
			c = 1;
		} else if (((unsigned char)lf->buf[i] & 0xc0) != 0x80) {
			c++;
		}
	}
	*line = (int)ln;
	*col = c;
}
