/* error.c - struct bw_error helpers; see error.h. */
#include "common/error.h"

#include <stdio.h>
#include <string.h>

void bw_error_clear(struct bw_error *err)
{
	if (err)
		memset(err, 0, sizeof(*err));
}

int bw_errorf(struct bw_error *err, int code, const char *input, int line,
	      int column, const char *fmt, ...)
{
	va_list ap;

	if (!err)
		return code;
	err->code = code;
	snprintf(err->input, sizeof(err->input), "%s", input ? input : "");
	err->line = line;
	err->column = column;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	return code;
}

const char *bw_error_str(const struct bw_error *err, char *buf, size_t len)
{
	if (!err || !len)
		return "";
	if (err->input[0] && err->line > 0 && err->column > 0)
		snprintf(buf, len, "%s:%d:%d: %s", err->input, err->line,
			 err->column, err->msg);
	else if (err->input[0] && err->line > 0)
		snprintf(buf, len, "%s:%d: %s", err->input, err->line, err->msg);
	else if (err->input[0])
		snprintf(buf, len, "%s: %s", err->input, err->msg);
	else
		snprintf(buf, len, "%s", err->msg);
	return buf;
}
