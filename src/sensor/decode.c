/*
 * decode.c - turns one ring-buffer record (layout in bpf/bulwark.h) into a
 * struct bw_event whose parameters follow the event-type table.
 *
 * Records are treated as hostile: the header is copied out before use, the
 * declared size must fit in the bytes received, the parameter count must
 * fit both the record and the type's table entry, and every (off, len) of
 * a data parameter must lie inside the record's data area.  Strings are
 * not assumed NUL-terminated.  The event's strings point into rec.
 *
 * ts_ns is left as the kernel's boot-time clock; the sensor adds the
 * boot-to-wall offset.
 */
#include "sensor/sensor.h"

#include <arpa/inet.h>
#include <errno.h>
#include <string.h>
#include <sys/socket.h>

#include "bulwark.h"

_Static_assert(BW_REC_MAX_PARAMS == BW_EVT_MAX_PARAMS, "param slots");
_Static_assert(BW_REC_MAX_ARGV == BW_EVT_MAX_ARGV, "argv slots");
_Static_assert(BW_REC_MAX_SIZE <= SENSOR_MAX_RECORD, "record bound");

static int bad(struct bw_error *err, const struct bw_rec_hdr *h,
	       const char *what, unsigned long a)
{
	return bw_errorf(err, -EINVAL, "ring buffer record", 0, 0,
			 "%s (type %u, value %lu)", what, h ? h->type : 0, a);
}

/* Parses a raw struct sockaddr copied from user memory. */
static void parse_sockaddr(const uint8_t *b, uint32_t len,
			   struct bw_sockaddr *sa)
{
	uint16_t fam, pbe;

	memset(sa, 0, sizeof(*sa));
	if (len < 2)
		return;
	memcpy(&fam, b, 2);
	sa->family = fam;
	switch (fam) {
	case AF_INET:
		if (len < 8)
			break;
		memcpy(&pbe, b + 2, 2);
		sa->port = ntohs(pbe);
		memcpy(sa->addr, b + 4, 4);
		break;
	case AF_INET6:
		if (len < 24)
			break;
		memcpy(&pbe, b + 2, 2);
		sa->port = ntohs(pbe);
		memcpy(sa->addr, b + 8, 16);
		break;
	case AF_UNIX:
		if (len <= 2)
			break;
		sa->path = (const char *)b + 2;
		/* abstract names start with NUL and are length-delimited */
		sa->path_len = b[2] ? (uint32_t)strnlen(sa->path, len - 2)
				    : len - 2;
		break;
	default:
		break;
	}
}

static int parse_tuple(const uint8_t *b, uint32_t len, struct bw_tuple *t)
{
	struct bw_rec_tuple rt;

	memset(t, 0, sizeof(*t));
	if (len < sizeof(rt))
		return -EINVAL;
	memcpy(&rt, b, sizeof(rt));
	t->src.family = t->dst.family = rt.family;
	t->src.port = rt.sport;
	t->dst.port = rt.dport;
	memcpy(t->src.addr, rt.saddr, 16);
	memcpy(t->dst.addr, rt.daddr, 16);
	if (rt.family == AF_UNIX && len > sizeof(rt)) {
		const char *p = (const char *)b + sizeof(rt);
		uint32_t n = len - sizeof(rt);

		t->dst.path = p;
		t->dst.path_len = p[0] ? (uint32_t)strnlen(p, n) : n;
	}
	return 0;
}

/* Kernel dev_t (major << 20 | minor) to the encoding Falco reports. */
static uint64_t falco_dev(uint64_t kdev)
{
	uint64_t ma = (kdev >> 20) & 0xfff, mi = kdev & 0xfffff;

	return (mi & 0xff) | (ma << 8) | ((mi & ~0xffull) << 12);
}

static int decode_param(const uint8_t *rec, uint32_t data_start,
			uint32_t size, const struct bw_rec_hdr *h,
			const struct bw_param_info *pi,
			const struct bw_rec_param *rp, struct bw_param *out,
			struct bw_error *err)
{
	memset(out, 0, sizeof(*out));
	switch (rp->kind) {
	case BW_RK_NONE:
		return 0;
	case BW_RK_VAL:
		switch (pi->type) {
		case BW_PT_STR:
		case BW_PT_PATH:
		case BW_PT_BYTES:
		case BW_PT_SOCKADDR:
		case BW_PT_TUPLE:
			return bad(err, h, "value given for a data parameter",
				   rp->val);
		case BW_PT_INT64:
		case BW_PT_FD:
		case BW_PT_ERRNO:
		case BW_PT_PID:
			out->v.i64 = (int64_t)rp->val;
			break;
		default:
			out->v.u64 = rp->val;
			break;
		}
		out->type = pi->type;
		return 0;
	case BW_RK_DATA:
		break;
	default:
		return bad(err, h, "unknown parameter kind", rp->kind);
	}
	if (rp->off < data_start || rp->off > size ||
	    rp->len > size - rp->off)
		return bad(err, h, "parameter data outside the record",
			   rp->off);
	switch (pi->type) {
	case BW_PT_STR:
	case BW_PT_PATH:
	case BW_PT_BYTES:
		out->v.str.ptr = (const char *)rec + rp->off;
		out->v.str.len = rp->len;
		break;
	case BW_PT_SOCKADDR:
		parse_sockaddr(rec + rp->off, rp->len, &out->v.sa);
		break;
	case BW_PT_TUPLE:
		if (parse_tuple(rec + rp->off, rp->len, &out->v.tuple))
			return bad(err, h, "tuple shorter than its header",
				   rp->len);
		break;
	default:
		return bad(err, h, "data given for a numeric parameter",
			   rp->len);
	}
	out->type = pi->type;
	return 0;
}

/* execve: split the argv blob into argv[], exe (argv[0]) and args. */
static void split_argv(struct bw_event *ev)
{
	struct bw_param *args = &ev->params[2];
	struct bw_param *exe = &ev->params[1];
	const char *p, *end;

	if (args->type != BW_PT_BYTES || !args->v.str.ptr)
		return;
	p = args->v.str.ptr;
	end = p + args->v.str.len;
	while (p < end && ev->argc < BW_EVT_MAX_ARGV) {
		const char *z = memchr(p, '\0', (size_t)(end - p));
		size_t n = z ? (size_t)(z - p) : (size_t)(end - p);

		ev->argv[ev->argc].ptr = p;
		ev->argv[ev->argc].len = (uint32_t)n;
		ev->argc++;
		p += n + 1;
	}
	if (!ev->argc)
		return;
	exe->type = BW_PT_STR;
	exe->v.str = ev->argv[0];
	p = ev->argv[0].ptr + ev->argv[0].len + 1;
	if (p > end)
		p = end;
	args->v.str.ptr = p;
	args->v.str.len = (uint32_t)(end - p);
}

int sensor_decode(const void *rec, size_t len, struct bw_event *ev,
		  struct bw_error *err)
{
	const uint8_t *b = rec;
	const struct bw_evt_info *info;
	struct bw_rec_hdr h;
	uint32_t data_start;
	int r;

	if (!rec || !ev)
		return bw_errorf(err, -EINVAL, "ring buffer record", 0, 0,
				 "no record");
	if (len < sizeof(h))
		return bw_errorf(err, -EINVAL, "ring buffer record", 0, 0,
				 "record of %zu bytes is shorter than its "
				 "%zu-byte header",
				 len, sizeof(h));
	memcpy(&h, b, sizeof(h));
	if (h.size < sizeof(h) || h.size > len || h.size > SENSOR_MAX_RECORD)
		return bad(err, &h, "record size does not match the bytes "
				    "received",
			   h.size);
	info = bw_evt_info(h.type);
	if (!info || h.type == BW_EVT_UNKNOWN || h.type == BW_EVT_DROP)
		return bad(err, &h, "unknown event type", h.type);
	if (h.nparams > info->nparams)
		return bad(err, &h, "more parameters than the event type has",
			   h.nparams);
	data_start = sizeof(h) + h.nparams * sizeof(struct bw_rec_param);
	if (data_start > h.size)
		return bad(err, &h, "parameter table overruns the record",
			   data_start);

	memset(ev, 0, offsetof(struct bw_event, argv));
	ev->argc = 0;
	ev->env_count = 0;
	ev->proc = NULL;
	ev->fd = NULL;
	ev->container = NULL;
	ev->type = h.type;
	ev->cpu = h.cpu;
	ev->ts_ns = h.ts;
	ev->res = h.res;
	ev->tid = (int32_t)h.tid;
	ev->pid = (int32_t)h.pid;
	ev->nparams = info->nparams;
	for (uint32_t i = 0; i < h.nparams; i++) {
		struct bw_rec_param rp;

		memcpy(&rp, b + sizeof(h) + i * sizeof(rp), sizeof(rp));
		r = decode_param(b, data_start, h.size, &h, &info->params[i],
				 &rp, &ev->params[i], err);
		if (r)
			return r;
	}
	if (h.type == BW_EVT_EXECVE || h.type == BW_EVT_EXECVEAT) {
		r = bw_evt_param_index(h.type, "env_count", 9);
		split_argv(ev);
		if (r >= 0 && ev->params[r].type == BW_PT_UINT64)
			ev->env_count = (uint32_t)ev->params[r].v.u64;
	}
	r = bw_evt_param_index(h.type, "dev", 3);
	if (r >= 0 && ev->params[r].type == BW_PT_UINT64)
		ev->params[r].v.u64 = falco_dev(ev->params[r].v.u64);
	return 0;
}
