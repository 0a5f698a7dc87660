/*
 * procnet.c - socket inodes to connection tuples, from /proc/PID/net.
 *
 * /proc/PID/fd shows a socket only as "socket:[inode]"; the address comes
 * from the tables of the process's network namespace (/proc/PID/net/tcp,
 * tcp6, udp, udp6, raw, raw6, unix, netlink).  They are read once per
 * namespace (keyed by the inode of /proc/PID/ns/net) and kept in a
 * st_netcache for the duration of a seeding pass.
 *
 * Which side is the client: the tables only say local and remote.  A TCP
 * socket whose local port is listened on in the same namespace is the
 * server side of an accepted connection (tuple src = remote); any other is
 * a client (src = local), as Falco orders tuples.
 */
#include "state/state_int.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

struct ns_extra {
	struct st_netns ns;
	uint8_t tcp_listen[65536 / 8];
};

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static bool parse_hex_u32(const char *s, size_t n, uint32_t *out)
{
	uint32_t v = 0;

	if (n == 0 || n > 8)
		return false;
	for (size_t i = 0; i < n; i++) {
		int h = hexval(s[i]);

		if (h < 0)
			return false;
		v = (v << 4) | (uint32_t)h;
	}
	*out = v;
	return true;
}

/* "0100007F:0277" (v4) or 32 hex digits ":" port (v6).  The kernel prints
 * each 32-bit word of the address as a host-order integer of the
 * network-order bytes, so copying the parsed words back restores them. */
static bool parse_addr(const char *s, size_t n, bool v6, struct bw_sockaddr *sa)
{
	size_t al = v6 ? 32 : 8;
	uint32_t port;

	if (n != al + 5 || s[al] != ':')
		return false;
	memset(sa, 0, sizeof(*sa));
	for (size_t w = 0; w < al / 8; w++) {
		uint32_t v;

		if (!parse_hex_u32(s + w * 8, 8, &v))
			return false;
		memcpy(sa->addr + w * 4, &v, 4);
	}
	if (!parse_hex_u32(s + al + 1, 4, &port))
		return false;
	sa->family = v6 ? AF_INET6 : AF_INET;
	sa->port = (uint16_t)port;
	return true;
}

/* Splits a line into at most max whitespace-separated fields. */
static unsigned split(const char *l, size_t n, const char **f, size_t *fl,
		      unsigned max)
{
	unsigned k = 0;

	for (size_t i = 0; i < n && k < max;) {
		size_t s;

		while (i < n && (l[i] == ' ' || l[i] == '\t'))
			i++;
		s = i;
		while (i < n && l[i] != ' ' && l[i] != '\t')
			i++;
		if (i > s) {
			f[k] = l + s;
			fl[k++] = i - s;
		}
	}
	return k;
}

static bool parse_u64(const char *s, size_t n, uint64_t *out)
{
	uint64_t v = 0;

	if (!n || n > 19)
		return false;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		v = v * 10 + (uint64_t)(s[i] - '0');
	}
	*out = v;
	return true;
}

static struct st_sock *sock_new(struct st_netns *ns, uint64_t ino)
{
	struct st_sock *s;

	if (!ino || hmap_get(&ns->socks, (int64_t)ino))
		return NULL; /* first wins; inode 0 is a closing socket */
	if (ns->socks.n >= 1u << 20)
		return NULL;
	s = calloc(1, sizeof(*s));
	if (!s)
		return NULL;
	s->h.key = (int64_t)ino;
	hmap_put(&ns->socks, &s->h);
	return s;
}

int st_procnet_parse(struct st_netns *ns, const char *kind, const char *buf,
		     size_t len)
{
	struct ns_extra *x = (struct ns_extra *)ns;
	bool unix_ = !strcmp(kind, "unix"), nl = !strcmp(kind, "netlink");
	bool v6 = strchr(kind, '6') != NULL;
	uint8_t l4 = !strncmp(kind, "tcp", 3)	? BW_L4_TCP
		     : !strncmp(kind, "udp", 3) ? BW_L4_UDP
		     : !strncmp(kind, "raw", 3) ? BW_L4_RAW
						: BW_L4_UNKNOWN;
	bool first = true;

	for (size_t i = 0; i < len;) {
		const char *line = buf + i, *f[12];
		size_t ln, fl[12];
		unsigned nf;
		uint64_t ino;
		struct st_sock *s;

		while (i < len && buf[i] != '\n')
			i++;
		ln = (size_t)(buf + i - line);
		i++;
		if (first) { /* header */
			first = false;
			continue;
		}
		nf = split(line, ln, f, fl, 12);
		if (unix_) {
			uint32_t flags = 0;

			if (nf < 7 || !parse_u64(f[6], fl[6], &ino))
				continue;
			s = sock_new(ns, ino);
			if (!s)
				continue;
			s->type = BW_FD_UNIX;
			parse_hex_u32(f[3], fl[3], &flags);
			s->listening = (flags & 0x10000) != 0;
			if (nf >= 8) {
				size_t pl = fl[7] < sizeof(s->path) - 1
						? fl[7]
						: sizeof(s->path) - 1;

				memcpy(s->path, f[7], pl);
				s->path[pl] = '\0';
			}
			continue;
		}
		if (nl) {
			if (nf < 10 || !parse_u64(f[9], fl[9], &ino))
				continue;
			s = sock_new(ns, ino);
			if (s)
				s->type = BW_FD_NETLINK;
			continue;
		}
		{
			struct bw_sockaddr lo, re;
			uint32_t st;

			if (nf < 10 || !parse_addr(f[1], fl[1], v6, &lo) ||
			    !parse_addr(f[2], fl[2], v6, &re) ||
			    !parse_hex_u32(f[3], fl[3], &st) ||
			    !parse_u64(f[9], fl[9], &ino))
				continue;
			s = sock_new(ns, ino);
			if (!s)
				continue;
			s->type = v6 ? BW_FD_IPV6 : BW_FD_IPV4;
			s->l4proto = l4;
			s->local = lo;
			s->remote = re;
			s->listening = l4 == BW_L4_TCP && st == 0x0A;
			if (s->listening)
				x->tcp_listen[lo.port / 8] |=
				    (uint8_t)(1u << (lo.port % 8));
		}
	}
	return 0;
}

void st_sock_to_fd(const struct st_netns *ns, const struct st_sock *s,
		   struct bw_fdinfo *fi)
{
	const struct ns_extra *x = (const struct ns_extra *)ns;
	char name[160];

	fi->type = s->type;
	fi->l4proto = s->l4proto;
	fi->sock_domain = s->type == BW_FD_IPV4	  ? AF_INET
			  : s->type == BW_FD_IPV6 ? AF_INET6
			  : s->type == BW_FD_UNIX ? AF_UNIX
						  : 16 /* AF_NETLINK */;
	fi->sock_type = s->l4proto == BW_L4_TCP	  ? SOCK_STREAM
			: s->l4proto == BW_L4_UDP ? SOCK_DGRAM
			: s->l4proto == BW_L4_RAW ? SOCK_RAW
						  : 0;
	if (s->type == BW_FD_UNIX) {
		struct bw_tuple t = {0};

		t.dst.family = AF_UNIX;
		t.dst.path = s->path;
		t.dst.path_len = (uint32_t)strlen(s->path);
		fi->is_server = s->listening;
		fdinfo_set_tuple(fi, &t);
		return;
	}
	if (s->type == BW_FD_NETLINK)
		return;
	if (s->listening) {
		fi->is_server = true;
		fi->tuple.dst = s->local;
		st_sockaddr_render(&s->local, name, sizeof(name));
		st_set_str(&fi->name, name, strlen(name));
		return;
	}
	{
		struct bw_tuple t;
		bool server = s->l4proto == BW_L4_TCP &&
			      (x->tcp_listen[s->local.port / 8] &
			       (1u << (s->local.port % 8)));

		t.src = server ? s->remote : s->local;
		t.dst = server ? s->local : s->remote;
		fi->is_server = server;
		fi->connected = s->remote.port != 0;
		fdinfo_set_tuple(fi, &t);
	}
}

static uint64_t netns_ino(const struct st_env *env, int32_t pid)
{
	char p[STATE_MAX_PATH], link[64];
	unsigned long long ino = 0;

	if (st_path(env, p, sizeof(p), "/proc/%d/ns/net", pid) ||
	    st_readlink(p, link, sizeof(link)) < 0 ||
	    sscanf(link, "net:[%llu]", &ino) != 1)
		return 0;
	return ino;
}

struct st_netns *st_netns_get(struct st_netcache *nc, const struct st_env *env,
			      int32_t pid)
{
	static const char *const kinds[] = {"tcp", "tcp6", "udp",  "udp6",
					    "raw", "raw6", "unix", "netlink"};
	uint64_t ino = netns_ino(env, pid);
	struct ns_extra *x;

	if (ino)
		for (struct st_netns *n = nc->list; n; n = n->next)
			if (n->ns_ino == ino)
				return n;
	x = calloc(1, sizeof(*x));
	if (!x)
		return NULL;
	if (hmap_init(&x->ns.socks, 64)) {
		free(x);
		return NULL;
	}
	x->ns.ns_ino = ino;
	for (size_t k = 0; k < sizeof(kinds) / sizeof(*kinds); k++) {
		char p[STATE_MAX_PATH];
		char *buf = NULL;
		ssize_t n;

		if (st_path(env, p, sizeof(p), "/proc/%d/net/%s", pid,
			    kinds[k]))
			continue;
		n = st_read_file_alloc(p, STATE_MAX_NETFILE, &buf);
		if (n < 0)
			continue;
		st_procnet_parse(&x->ns, kinds[k], buf, (size_t)n);
		free(buf);
	}
	x->ns.next = nc->list;
	nc->list = &x->ns;
	return &x->ns;
}

void st_netcache_free(struct st_netcache *nc)
{
	struct st_netns *n, *next;

	for (n = nc->list; n; n = next) {
		size_t pos = 0;
		struct st_hnode *cur = NULL, *h;

		next = n->next;
		while ((h = hmap_next(&n->socks, &pos, &cur)))
			free(h);
		hmap_destroy(&n->socks);
		free(n);
	}
	nc->list = NULL;
}

/* For tests and fuzzing: a namespace not read from /proc. */
struct st_netns *st_netns_new(void)
{
	struct ns_extra *x = calloc(1, sizeof(*x));

	if (!x)
		return NULL;
	if (hmap_init(&x->ns.socks, 64)) {
		free(x);
		return NULL;
	}
	return &x->ns;
}
