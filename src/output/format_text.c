/*
 * format_text.c - Falco's text alert line, "<time>: <Priority> <output>",
 * the priority names and the time format shared with the JSON formatter.
 *
 * Falco prints the time as local "HH:MM:SS.nnnnnnnnn" unless
 * time_format_iso_8601 is set; Bulwark always prints RFC 3339 UTC with
 * nanoseconds and "Z" ("2026-11-28T11:01:02.123456789Z"), so lines from
 * several nodes sort and compare without knowing their time zones.
 *
 * In the text format, control characters of the output (newline, carriage
 * return, escape, ...) are written as \xNN: the output string carries
 * attacker-chosen bytes (file names, command lines) and a raw newline would
 * let them forge a whole alert line in a log file.  Invalid UTF-8 becomes
 * U+FFFD in both formats.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>

#include "output/output_int.h"

/* Indexed by enum bw_priority; Falco's spelling.  Our own table so outputs
 * do not depend on the rules engine's implementation. */
static const char *const PRIORITY_NAMES[] = {
    [BW_PRIO_EMERGENCY] = "Emergency",
    [BW_PRIO_ALERT] = "Alert",
    [BW_PRIO_CRITICAL] = "Critical",
    [BW_PRIO_ERROR] = "Error",
    [BW_PRIO_WARNING] = "Warning",
    [BW_PRIO_NOTICE] = "Notice",
    [BW_PRIO_INFORMATIONAL] = "Informational",
    [BW_PRIO_DEBUG] = "Debug",
};

static const int SYSLOG_LEVELS[] = {
    [BW_PRIO_EMERGENCY] = LOG_EMERG,	[BW_PRIO_ALERT] = LOG_ALERT,
    [BW_PRIO_CRITICAL] = LOG_CRIT,	[BW_PRIO_ERROR] = LOG_ERR,
    [BW_PRIO_WARNING] = LOG_WARNING,	[BW_PRIO_NOTICE] = LOG_NOTICE,
    [BW_PRIO_INFORMATIONAL] = LOG_INFO, [BW_PRIO_DEBUG] = LOG_DEBUG,
};

#define NPRIO (sizeof(PRIORITY_NAMES) / sizeof(PRIORITY_NAMES[0]))

const char *output_priority_name(enum bw_priority p)
{
	if ((unsigned)p >= NPRIO)
		return PRIORITY_NAMES[BW_PRIO_DEBUG];
	return PRIORITY_NAMES[p];
}

int output_syslog_level(enum bw_priority p)
{
	if ((unsigned)p >= NPRIO)
		return LOG_DEBUG;
	return SYSLOG_LEVELS[p];
}

void output_format_time(uint64_t ts_ns, char buf[40])
{
	time_t sec = (time_t)(ts_ns / 1000000000ull);
	unsigned nsec = (unsigned)(ts_ns % 1000000000ull);
	struct tm tm;
	size_t n;

	if (!gmtime_r(&sec, &tm) ||
	    !(n = strftime(buf, 40, "%Y-%m-%dT%H:%M:%S", &tm))) {
		snprintf(buf, 40, "1970-01-01T00:00:00.000000000Z");
		return;
	}
	snprintf(buf + n, 40 - n, ".%09uZ", nsec);
}

static bool is_control(unsigned char c)
{
	return (c < 0x20 && c != '\t') || c == 0x7f;
}

char *out_format_line(const struct bw_alert *a, bool escape)
{
	static const char HEX[] = "0123456789abcdef";
	const char *src = a->output ? a->output : "";
	size_t len = strlen(src), need, o;
	char tbuf[40], *fixed = NULL, *line;
	const char *prio = output_priority_name(a->priority);
	int n;

	if (len > OUTPUT_MAX_LINE)
		return NULL;
	if (!out_utf8_valid(src, len)) {
		fixed = out_utf8_fix(src, len, &len);
		if (!fixed)
			return NULL;
		src = fixed;
	}
	output_format_time(a->ts_ns, tbuf);
	need = strlen(tbuf) + 2 + strlen(prio) + 1 + 1;
	for (size_t i = 0; i < len; i++)
		need += escape && is_control((unsigned char)src[i]) ? 4 : 1;
	if (need > OUTPUT_MAX_LINE + 1) {
		free(fixed);
		return NULL;
	}
	line = malloc(need);
	if (!line) {
		free(fixed);
		return NULL;
	}
	n = snprintf(line, need, "%s: %s ", tbuf, prio);
	o = (size_t)n;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)src[i];

		if (escape && is_control(c)) {
			line[o++] = '\\';
			line[o++] = 'x';
			line[o++] = HEX[c >> 4];
			line[o++] = HEX[c & 0xf];
		} else {
			line[o++] = (char)c;
		}
	}
	line[o] = '\0';
	free(fixed);
	return line;
}

char *output_format_text(const struct bw_alert *a)
{
	if (!a)
		return NULL;
	return out_format_line(a, true);
}
