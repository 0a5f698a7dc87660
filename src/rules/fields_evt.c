/*
 * fields_evt.c - the evt.* fields (event type, time, direction, category,
 * arguments, result, open flags) and evt.hostname.  Parameters are read
 * through the event-type table of src/event/ (names, types, flag sets) and
 * rendered the way Falco prints them.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "rules/rules_int.h"

enum {
	F_NUM = 1, F_TIME, F_TIME_S, F_TIME_ISO, F_DATETIME, F_RAWTIME,
	F_RAWTIME_S, F_RAWTIME_NS, F_TYPE, F_DIR, F_CATEGORY, F_CPU, F_ARGS,
	F_ARG, F_RAWARG, F_RES, F_RAWRES, F_FAILED, F_IS_OPEN_READ,
	F_IS_OPEN_WRITE, F_IS_OPEN_EXEC, F_IS_OPEN_CREATE, F_BUFFER,
	F_HOSTNAME, F_SOURCE, F_LATENCY, F_INFO, F_IS_IO, F_IS_IO_READ,
	F_IS_IO_WRITE, F_FS_PATH_NAME,
};

/* Finds the parameter of the event called name (NULL-terminated). */
static int param_idx(const struct bw_event *ev, const char *name, size_t len)
{
	int i = bw_evt_param_index(ev->type, name, len);

	if (i < 0 || i >= ev->nparams || i >= BW_EVT_MAX_PARAMS)
		return -1;
	if (ev->params[i].type == BW_PT_NONE)
		return -1;
	return i;
}

static bool ptype_is_num(uint8_t t)
{
	switch (t) {
	case BW_PT_INT64: case BW_PT_UINT64: case BW_PT_FD: case BW_PT_ERRNO:
	case BW_PT_PID: case BW_PT_UID: case BW_PT_GID: case BW_PT_MODE:
	case BW_PT_FLAGS: case BW_PT_ENUM:
		return true;
	default:
		return false;
	}
}

/* Renders parameter i as Falco prints it, into scratch. */
static int render_param(struct rx *x, int i, struct fval *out, bool raw)
{
	const struct bw_evt_info *ei = bw_evt_info(x->ev->type);
	const struct bw_param *p = &x->ev->params[i];
	char *buf;
	size_t n;

	if (!ei)
		return -ENOENT;
	if (p->type == BW_PT_STR || p->type == BW_PT_PATH ||
	    p->type == BW_PT_BYTES)
		return fv_str(x, out, p->v.str.ptr ? p->v.str.ptr : "",
			      p->v.str.len, true);
	if (raw && ptype_is_num(p->type))
		return fv_num(out, p->v.i64);
	buf = rx_alloc(x, 512);
	if (!buf)
		return -ENOMEM;
	n = bw_param_render(&ei->params[i], p, buf, 512);
	out->kind = FV_STR;
	out->s = buf;
	out->len = (uint32_t)n;
	if (ptype_is_num(p->type)) {
		out->has_num = true;
		out->i = p->v.i64;
	}
	return 0;
}

static int extract_arg(struct rx *x, const struct fref *r, struct fval *out,
		       bool raw)
{
	const struct bw_evt_info *ei = bw_evt_info(x->ev->type);
	int i;

	if (!ei)
		return -ENOENT;
	if (r->idx >= 0) {
		i = (int)r->idx;
		if (i >= ei->nparams || i >= x->ev->nparams ||
		    x->ev->params[i].type == BW_PT_NONE)
			return -ENOENT;
	} else {
		i = param_idx(x->ev, r->arg, r->arglen);
		if (i < 0) {
			/* exit events' "res" is the return value */
			if (strcmp(r->arg, "res") == 0)
				return fv_num(out, x->ev->res);
			return -ENOENT;
		}
	}
	return render_param(x, i, out, raw);
}

static int extract_args(struct rx *x, struct fval *out)
{
	const struct bw_evt_info *ei = bw_evt_info(x->ev->type);
	char *buf = rx_alloc(x, 4096);
	size_t o = 0;

	if (!ei || !buf)
		return -ENOENT;
	o += (size_t)snprintf(buf, 4096, "res=%lld", (long long)x->ev->res);
	for (int i = 0; i < ei->nparams && i < x->ev->nparams; i++) {
		const struct bw_param *p = &x->ev->params[i];
		size_t nl = strlen(ei->params[i].name);

		if (p->type == BW_PT_NONE || o + nl + 3 >= 4096)
			continue;
		buf[o++] = ' ';
		memcpy(buf + o, ei->params[i].name, nl);
		o += nl;
		buf[o++] = '=';
		if (p->type == BW_PT_STR || p->type == BW_PT_PATH ||
		    p->type == BW_PT_BYTES) {
			size_t n = p->v.str.len;

			if (n > 4096 - o - 1)
				n = 4096 - o - 1;
			if (p->v.str.ptr)
				memcpy(buf + o, p->v.str.ptr, n);
			o += n;
		} else {
			o += bw_param_render(&ei->params[i], p, buf + o,
					     4096 - o);
		}
		buf[o] = 0;
	}
	out->kind = FV_STR;
	out->s = buf;
	out->len = (uint32_t)o;
	return 0;
}

static bool is_open_type(uint16_t t)
{
	return t == BW_EVT_OPEN || t == BW_EVT_OPENAT ||
	       t == BW_EVT_OPENAT2 || t == BW_EVT_CREAT;
}

/* Whether the rendered flags contain one of the given flag names as a
 * whole '|'-separated token. */
static bool flags_have(const char *f, const char *name)
{
	size_t n = strlen(name);

	for (const char *p = f; (p = strstr(p, name)); p += n)
		if ((p == f || p[-1] == '|') && (p[n] == 0 || p[n] == '|' ||
						 p[n] == ' ' || p[n] == '('))
			return true;
	return false;
}

static int extract_open(struct rx *x, int id, struct fval *out)
{
	char flags[256];
	int i;
	bool v = false;

	if (!is_open_type(x->ev->type))
		return fv_num(out, 0);
	if (x->ev->type == BW_EVT_CREAT) {
		snprintf(flags, sizeof(flags), "O_WRONLY|O_CREAT");
	} else {
		const struct bw_evt_info *ei = bw_evt_info(x->ev->type);

		i = param_idx(x->ev, "flags", 5);
		if (i < 0 || !ei)
			return fv_num(out, 0);
		bw_param_render(&ei->params[i], &x->ev->params[i], flags,
				sizeof(flags));
	}
	switch (id) {
	case F_IS_OPEN_READ:
		v = flags_have(flags, "O_RDONLY") || flags_have(flags, "O_RDWR");
		break;
	case F_IS_OPEN_WRITE:
		v = flags_have(flags, "O_WRONLY") || flags_have(flags, "O_RDWR");
		break;
	case F_IS_OPEN_CREATE:
		v = flags_have(flags, "O_CREAT");
		break;
	case F_IS_OPEN_EXEC: {
		int m = param_idx(x->ev, "mode", 4);

		v = (flags_have(flags, "O_CREAT") ||
		     flags_have(flags, "O_TMPFILE")) &&
		    m >= 0 && (x->ev->params[m].v.u64 & 0111);
		break;
	}
	}
	return fv_num(out, v);
}

static int fmt_time(struct rx *x, struct fval *out, int id)
{
	uint64_t ts = x->ev->ts_ns;
	time_t s = (time_t)(ts / 1000000000ull);
	unsigned long ns = (unsigned long)(ts % 1000000000ull);
	struct tm tm;
	char buf[80];
	int n;

	if (id == F_TIME_ISO) {
		if (!gmtime_r(&s, &tm))
			return -ENOENT;
		n = snprintf(buf, sizeof(buf),
			     "%04d-%02d-%02dT%02d:%02d:%02d.%09luZ",
			     tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
			     tm.tm_hour, tm.tm_min, tm.tm_sec, ns);
	} else {
		if (!localtime_r(&s, &tm))
			return -ENOENT;
		if (id == F_TIME)
			n = snprintf(buf, sizeof(buf), "%02d:%02d:%02d.%09lu",
				     tm.tm_hour, tm.tm_min, tm.tm_sec, ns);
		else if (id == F_TIME_S)
			n = snprintf(buf, sizeof(buf), "%02d:%02d:%02d",
				     tm.tm_hour, tm.tm_min, tm.tm_sec);
		else
			n = snprintf(buf, sizeof(buf),
				     "%04d-%02d-%02d %02d:%02d:%02d.%09lu",
				     tm.tm_year + 1900, tm.tm_mon + 1,
				     tm.tm_mday, tm.tm_hour, tm.tm_min,
				     tm.tm_sec, ns);
	}
	return fv_str(x, out, buf, (size_t)n, true);
}

static const char *category_name(uint8_t c)
{
	if (c & BW_EC_PROCESS)
		return "process";
	if (c & BW_EC_FILE)
		return "file";
	if (c & BW_EC_NET)
		return "net";
	if (c & BW_EC_IPC)
		return "ipc";
	if (c & BW_EC_SECURITY)
		return "security";
	if (c & BW_EC_SYSTEM)
		return "system";
	if (c & BW_EC_INTERNAL)
		return "internal";
	return "unknown";
}

static int evt_extract(struct rx *x, const struct fref *r, struct fval *out)
{
	struct bw_event *ev = x->ev;
	const struct bw_evt_info *ei = bw_evt_info(ev->type);
	const char *s;
	int i;

	switch (r->def->id) {
	case F_NUM:
		return fv_num(out, (int64_t)ev->num);
	case F_TIME: case F_TIME_S: case F_TIME_ISO: case F_DATETIME:
		return fmt_time(x, out, r->def->id);
	case F_RAWTIME:
		return fv_num(out, (int64_t)ev->ts_ns);
	case F_RAWTIME_S:
		return fv_num(out, (int64_t)(ev->ts_ns / 1000000000ull));
	case F_RAWTIME_NS:
		return fv_num(out, (int64_t)(ev->ts_ns % 1000000000ull));
	case F_TYPE:
		if (!ei || !ei->name)
			return -ENOENT;
		return fv_str(x, out, ei->name, strlen(ei->name), false);
	case F_DIR:
		return fv_str(x, out, "<", 1, false);
	case F_CATEGORY:
		if (!ei)
			return -ENOENT;
		s = category_name(ei->category);
		return fv_str(x, out, s, strlen(s), false);
	case F_CPU:
		return fv_num(out, ev->cpu);
	case F_ARGS: case F_INFO:
		return extract_args(x, out);
	case F_ARG:
		return extract_arg(x, r, out, false);
	case F_RAWARG:
		return extract_arg(x, r, out, true);
	case F_RES:
		if (ev->res >= 0)
			return fv_str(x, out, "SUCCESS", 7, false);
		s = bw_errno_name((int)-ev->res);
		if (!s) {
			char b[32];
			int n = snprintf(b, sizeof(b), "%lld",
					 (long long)ev->res);
			return fv_str(x, out, b, (size_t)n, true);
		}
		return fv_str(x, out, s, strlen(s), false);
	case F_RAWRES:
		return fv_num(out, ev->res);
	case F_FAILED:
		return fv_num(out, ev->res < 0);
	case F_IS_OPEN_READ: case F_IS_OPEN_WRITE: case F_IS_OPEN_EXEC:
	case F_IS_OPEN_CREATE:
		return extract_open(x, r->def->id, out);
	case F_BUFFER:
		i = param_idx(ev, "data", 4);
		if (i < 0)
			return -ENOENT;
		return render_param(x, i, out, false);
	case F_HOSTNAME:
		if (!x->rs->hostname[0])
			return -ENOENT;
		return fv_str(x, out, x->rs->hostname,
			      strlen(x->rs->hostname), false);
	case F_SOURCE:
		return fv_str(x, out, "syscall", 7, false);
	case F_LATENCY:
		return fv_num(out, 0);
	case F_IS_IO: case F_IS_IO_READ: case F_IS_IO_WRITE: {
		bool rd = ev->type == BW_EVT_RECVFROM ||
			  ev->type == BW_EVT_RECVMSG;
		bool wr = ev->type == BW_EVT_SENDTO ||
			  ev->type == BW_EVT_SENDMSG;

		if (r->def->id == F_IS_IO)
			return fv_num(out, rd || wr);
		return fv_num(out, r->def->id == F_IS_IO_READ ? rd : wr);
	}
	case F_FS_PATH_NAME:
		i = param_idx(ev, "name", 4);
		if (i < 0)
			i = param_idx(ev, "path", 4);
		if (i < 0)
			i = param_idx(ev, "pathname", 8);
		if (i < 0) {
			if (ev->fd && ev->fd->name &&
			    (ev->fd->type == BW_FD_FILE ||
			     ev->fd->type == BW_FD_DIRECTORY))
				return fv_str(x, out, ev->fd->name,
					      strlen(ev->fd->name), false);
			return -ENOENT;
		}
		return render_param(x, i, out, false);
	}
	return -ENOENT;
}

#define S BW_FT_STRING
#define I BW_FT_INT64
#define U BW_FT_UINT64
#define B BW_FT_BOOL

const struct field_def bw_fields_evt[] = {
	{ { "evt.num", U, "event number", 0 }, F_NUM, evt_extract, U, false },
	{ { "evt.time", S, "event time as HH:MM:SS.nnnnnnnnn (local)", 0 },
	  F_TIME, evt_extract, S, false },
	{ { "evt.time.s", S, "event time as HH:MM:SS (local)", 0 }, F_TIME_S,
	  evt_extract, S, false },
	{ { "evt.time.iso8601", S, "event time in ISO 8601, UTC", 0 },
	  F_TIME_ISO, evt_extract, S, false },
	{ { "evt.datetime", S, "event date and time (local)", 0 }, F_DATETIME,
	  evt_extract, S, false },
	{ { "evt.rawtime", BW_FT_ABSTIME, "event time, ns since the epoch", 0 },
	  F_RAWTIME, evt_extract, U, false },
	{ { "evt.rawtime.s", U, "seconds part of evt.rawtime", 0 },
	  F_RAWTIME_S, evt_extract, U, false },
	{ { "evt.rawtime.ns", U, "nanoseconds part of evt.rawtime", 0 },
	  F_RAWTIME_NS, evt_extract, U, false },
	{ { "evt.type", S, "event type name (execve, openat, ...)", 0 },
	  F_TYPE, evt_extract, S, false },
	{ { "evt.dir", S, "direction: always '<' (exit events)", 0 }, F_DIR,
	  evt_extract, S, false },
	{ { "evt.category", S, "event category (process, file, net, ...)", 0 },
	  F_CATEGORY, evt_extract, S, false },
	{ { "evt.cpu", U, "CPU number", 0 }, F_CPU, evt_extract, U, false },
	{ { "evt.args", S, "all arguments as name=value text", 0 }, F_ARGS,
	  evt_extract, S, false },
	{ { "evt.info", S, "same as evt.args", 0 }, F_INFO, evt_extract, S,
	  false },
	{ { "evt.arg", S,
	    "one argument rendered as text: evt.arg.NAME or evt.arg[N]", 2 },
	  F_ARG, evt_extract, S, true },
	{ { "evt.rawarg", I, "one argument's raw value: evt.rawarg.NAME", 2 },
	  F_RAWARG, evt_extract, I, true },
	{ { "evt.res", S, "SUCCESS or the errno name", 0 }, F_RES, evt_extract,
	  S, false },
	{ { "evt.rawres", I, "return value as a number", 0 }, F_RAWRES,
	  evt_extract, I, false },
	{ { "evt.failed", B, "true if the call returned an error", 0 },
	  F_FAILED, evt_extract, B, false },
	{ { "evt.is_open_read", B, "open-family call with read access", 0 },
	  F_IS_OPEN_READ, evt_extract, B, false },
	{ { "evt.is_open_write", B, "open-family call with write access", 0 },
	  F_IS_OPEN_WRITE, evt_extract, B, false },
	{ { "evt.is_open_exec", B,
	    "open-family call creating a file with execute permission", 0 },
	  F_IS_OPEN_EXEC, evt_extract, B, false },
	{ { "evt.is_open_create", B, "open-family call with O_CREAT", 0 },
	  F_IS_OPEN_CREATE, evt_extract, B, false },
	{ { "evt.buffer", S, "data buffer of I/O events (when captured)", 0 },
	  F_BUFFER, evt_extract, S, false },
	{ { "evt.hostname", S, "host name", 0 }, F_HOSTNAME, evt_extract, S,
	  false },
	{ { "evt.source", S, "event source: syscall", 0 }, F_SOURCE,
	  evt_extract, S, false },
	{ { "evt.latency", BW_FT_RELTIME, "call latency in ns (0: not measured)",
	    0 }, F_LATENCY, evt_extract, U, false },
	{ { "evt.is_io", B, "read/write-type event", 0 }, F_IS_IO, evt_extract,
	  B, false },
	{ { "evt.is_io_read", B, "read-type event", 0 }, F_IS_IO_READ,
	  evt_extract, B, false },
	{ { "evt.is_io_write", B, "write-type event", 0 }, F_IS_IO_WRITE,
	  evt_extract, B, false },
	{ { "fs.path.name", S, "path the event operates on", 0 },
	  F_FS_PATH_NAME, evt_extract, S, false },
};
const size_t bw_fields_evt_n = sizeof(bw_fields_evt) / sizeof(bw_fields_evt[0]);
