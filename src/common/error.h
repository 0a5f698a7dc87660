/*
 * error.h - the one error convention of Bulwark.
 *
 * Functions return 0 on success or a negative errno-style code on failure.
 * When a user will see the failure, the callee also fills a caller-supplied
 * struct bw_error with what failed, which input and where (line/column when
 * the input is a text file).  Library code never prints: the command decides
 * how to report, once.
 */
#ifndef BW_COMMON_ERROR_H
#define BW_COMMON_ERROR_H

#include <stdarg.h>
#include <stddef.h>

#define BW_ERROR_MSG_MAX 512

struct bw_error {
	int code;                    /* negative errno-style code, 0 = none */
	char input[256];             /* file name or other input label, "" if none */
	int line;                    /* 1-based, 0 when unknown */
	int column;                  /* 1-based, 0 when unknown */
	char msg[BW_ERROR_MSG_MAX];  /* human message, without the position */
};

/* Clears err (err may be NULL). */
void bw_error_clear(struct bw_error *err);

/*
 * Records an error and returns code (so callers can `return bw_errorf(...)`).
 * err may be NULL, in which case only code is returned.  input may be NULL.
 */
int bw_errorf(struct bw_error *err, int code, const char *input, int line,
	      int column, const char *fmt, ...)
	__attribute__((format(printf, 6, 7)));

/*
 * Formats "input:line:column: msg" (omitting the parts that are unknown)
 * into buf.  Returns buf.
 */
const char *bw_error_str(const struct bw_error *err, char *buf, size_t len);

#endif
