/*
 * render.c - turns event parameters into the strings Falco prints:
 * results as numbers or errno names ("ENOENT"), flags through their flag
 * set ("O_WRONLY|O_CREAT"), modes in octal ("0755"), socket addresses as
 * "1.2.3.4:80", tuples as "a:p->b:q", argv buffers with NULs shown as
 * spaces.  Every function writes a NUL-terminated string into a caller
 * buffer, truncating, and returns the length written.
 */
#include "event/event.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

/* snprintf that returns the bytes actually written (never more than fit). */
static size_t out(char *buf, size_t len, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static size_t out(char *buf, size_t len, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (!len)
		return 0;
	va_start(ap, fmt);
	n = vsnprintf(buf, len, fmt, ap);
	va_end(ap);
	if (n < 0) {
		buf[0] = '\0';
		return 0;
	}
	return (size_t)n < len ? (size_t)n : len - 1;
}

size_t bw_ip_render(uint16_t family, const uint8_t addr[16], char *buf,
		    size_t len)
{
	char tmp[INET6_ADDRSTRLEN];
	int af = family == AF_INET6 ? AF_INET6 : AF_INET;

	if (!buf || !len)
		return 0;
	if (!addr || (family != AF_INET && family != AF_INET6) ||
	    !inet_ntop(af, addr, tmp, sizeof(tmp)))
		return out(buf, len, "%s", "");
	return out(buf, len, "%s", tmp);
}

/* Copies a length-carrying string, stopping at an embedded NUL. */
static size_t render_str(const struct bw_str *s, char *buf, size_t len)
{
	size_t n;

	if (!s->ptr)
		return out(buf, len, "%s", "");
	n = strnlen(s->ptr, s->len);
	if (n > len - 1)
		n = len - 1;
	memcpy(buf, s->ptr, n);
	buf[n] = '\0';
	return n;
}

/* Byte buffers (execve args): NUL separators become spaces, a trailing
 * separator is dropped. */
static size_t render_bytes(const struct bw_str *s, char *buf, size_t len)
{
	size_t n = s->ptr ? s->len : 0;

	while (n && s->ptr[n - 1] == '\0')
		n--;
	if (n > len - 1)
		n = len - 1;
	for (size_t i = 0; i < n; i++)
		buf[i] = s->ptr[i] ? s->ptr[i] : ' ';
	buf[n] = '\0';
	return n;
}

static size_t render_sockaddr(const struct bw_sockaddr *sa, char *buf,
			      size_t len)
{
	char ip[INET6_ADDRSTRLEN];

	switch (sa->family) {
	case AF_INET:
	case AF_INET6:
		bw_ip_render(sa->family, sa->addr, ip, sizeof(ip));
		return out(buf, len, "%s:%u", ip, sa->port);
	case AF_UNIX: {
		struct bw_str s = {sa->path, sa->path_len};

		/* abstract sockets start with a NUL: Falco shows '@' */
		if (s.ptr && s.len && s.ptr[0] == '\0') {
			size_t n = out(buf, len, "@");

			s.ptr++;
			s.len--;
			return n + render_str(&s, buf + n, len - n);
		}
		return render_str(&s, buf, len);
	}
	default:
		return out(buf, len, "%s", "");
	}
}

static size_t render_tuple(const struct bw_tuple *t, char *buf, size_t len)
{
	size_t n = render_sockaddr(&t->src, buf, len);

	n += out(buf + n, len - n, "->");
	n += render_sockaddr(&t->dst, buf + n, len - n);
	return n;
}

size_t bw_param_render(const struct bw_param_info *info,
		       const struct bw_param *p, char *buf, size_t len)
{
	uint8_t fs = info ? info->flagset : BW_FS_NONE;
	const char *name;

	if (!buf || !len)
		return 0;
	if (!p)
		return out(buf, len, "<NA>");
	switch (p->type) {
	case BW_PT_NONE:
		return out(buf, len, "<NA>");
	case BW_PT_ERRNO:
		if (p->v.i64 < 0 && p->v.i64 > -4096 &&
		    (name = bw_errno_name((int)-p->v.i64)))
			return out(buf, len, "%s", name);
		return out(buf, len, "%lld", (long long)p->v.i64);
	case BW_PT_INT64:
	case BW_PT_FD:
	case BW_PT_PID:
		return out(buf, len, "%lld", (long long)p->v.i64);
	case BW_PT_UID:
	case BW_PT_GID:
		return out(buf, len, "%u", (unsigned)p->v.u64);
	case BW_PT_UINT64:
		return out(buf, len, "%llu", (unsigned long long)p->v.u64);
	case BW_PT_MODE:
		if (!p->v.u64)
			return out(buf, len, "0");
		return out(buf, len, "0%llo", (unsigned long long)p->v.u64);
	case BW_PT_FLAGS:
		return bw_flags_render(fs, p->v.u64, buf, len);
	case BW_PT_ENUM:
		return bw_enum_render(fs, p->v.u64, buf, len);
	case BW_PT_STR:
	case BW_PT_PATH:
		return render_str(&p->v.str, buf, len);
	case BW_PT_BYTES:
		return render_bytes(&p->v.str, buf, len);
	case BW_PT_SOCKADDR:
		return render_sockaddr(&p->v.sa, buf, len);
	case BW_PT_TUPLE:
		return render_tuple(&p->v.tuple, buf, len);
	default:
		return out(buf, len, "<NA>");
	}
}
