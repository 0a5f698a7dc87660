/*
 * fields_fd.c - fd.* fields: the descriptor the event concerns (from the
 * state's struct bw_fdinfo, with the event's own path/tuple parameters as a
 * fallback when the state did not attach one), its type, name, directory,
 * and for sockets the client/server/local/remote addresses, ports and nets.
 * Client/server follow the tuple (src = client, dst = server); local/remote
 * depend on whether this process is the server side.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "rules/rules_int.h"

enum {
	D_NUM = 1, D_TYPE, D_TYPECHAR, D_NAME, D_NAMERAW, D_DIRECTORY,
	D_FILENAME, D_IP, D_CIP, D_SIP, D_LIP, D_RIP, D_PORT, D_CPORT,
	D_SPORT, D_LPORT, D_RPORT, D_NET, D_CNET, D_SNET, D_LNET, D_RNET,
	D_L4PROTO, D_SOCKFAMILY, D_IS_SERVER, D_CONNECTED, D_NAME_CHANGED,
	D_CIP_NAME, D_SIP_NAME, D_LIP_NAME, D_RIP_NAME, D_DEV, D_INO, D_TYPES,
	D_OPENFLAGS,
};

static const struct {
	const char *name;
	char c;
} fdtypes[BW_FD__COUNT] = {
	[BW_FD_UNKNOWN] = { "unknown", '?' }, [BW_FD_FILE] = { "file", 'f' },
	[BW_FD_DIRECTORY] = { "directory", 'd' },
	[BW_FD_IPV4] = { "ipv4", '4' }, [BW_FD_IPV6] = { "ipv6", '6' },
	[BW_FD_UNIX] = { "unix", 'u' }, [BW_FD_PIPE] = { "pipe", 'p' },
	[BW_FD_EVENT] = { "event", 'e' },
	[BW_FD_SIGNALFD] = { "signalfd", 's' },
	[BW_FD_EVENTPOLL] = { "eventpoll", 'l' },
	[BW_FD_INOTIFY] = { "inotify", 'i' },
	[BW_FD_TIMERFD] = { "timerfd", 't' },
	[BW_FD_NETLINK] = { "netlink", 'n' }, [BW_FD_BPF] = { "bpf", 'b' },
	[BW_FD_USERFAULTFD] = { "userfaultfd", 'u' },
	[BW_FD_IOURING] = { "io_uring", 'r' },
	[BW_FD_MEMFD] = { "memfd", 'm' }, [BW_FD_PIDFD] = { "pidfd", 'P' },
};

static bool is_open_type(uint16_t t)
{
	return t == BW_EVT_OPEN || t == BW_EVT_OPENAT ||
	       t == BW_EVT_OPENAT2 || t == BW_EVT_CREAT;
}

/* The path of an open-type event from its parameters (fallback). */
static int event_path(struct rx *x, struct fval *out)
{
	static const char *const names[] = { "name", "path", "pathname" };
	struct bw_event *ev = x->ev;

	if (!is_open_type(ev->type))
		return -ENOENT;
	for (size_t k = 0; k < 3; k++) {
		int i = bw_evt_param_index(ev->type, names[k], strlen(names[k]));

		if (i >= 0 && i < ev->nparams &&
		    (ev->params[i].type == BW_PT_PATH ||
		     ev->params[i].type == BW_PT_STR) &&
		    ev->params[i].v.str.ptr)
			return fv_str(x, out, ev->params[i].v.str.ptr,
				      ev->params[i].v.str.len, true);
	}
	return -ENOENT;
}

/* The connection tuple: the fd's, else a tuple/sockaddr parameter. */
static const struct bw_tuple *event_tuple(struct rx *x, bool *is_server)
{
	struct bw_event *ev = x->ev;
	const struct bw_evt_info *ei;

	if (ev->fd && (ev->fd->type == BW_FD_IPV4 ||
		       ev->fd->type == BW_FD_IPV6)) {
		*is_server = ev->fd->is_server;
		return &ev->fd->tuple;
	}
	ei = bw_evt_info(ev->type);
	if (!ei)
		return NULL;
	for (int i = 0; i < ei->nparams && i < ev->nparams; i++)
		if (ev->params[i].type == BW_PT_TUPLE) {
			*is_server = ev->type == BW_EVT_ACCEPT ||
				     ev->type == BW_EVT_ACCEPT4;
			return &ev->params[i].v.tuple;
		}
	return NULL;
}

static bool sa_is_ip(const struct bw_sockaddr *sa)
{
	return sa->family == AF_INET || sa->family == AF_INET6;
}

static int fv_ip(struct fval *out, const struct bw_sockaddr *sa)
{
	if (!sa_is_ip(sa))
		return -ENOENT;
	out->kind = FV_IP;
	out->fam = (uint8_t)sa->family;
	memcpy(out->ip, sa->addr, 16);
	return 0;
}

static int both(struct rx *x, const struct bw_tuple *t, bool ports,
		struct fval *out)
{
	if (!sa_is_ip(&t->src) || !sa_is_ip(&t->dst))
		return -ENOENT;
	out->n = 2;
	if (ports) {
		out->kind = FV_NUMLIST;
		out->nums = (int64_t *)rx_alloc(x, 2 * sizeof(int64_t));
		if (!out->nums)
			return -ENOMEM;
		out->nums[0] = t->src.port;
		out->nums[1] = t->dst.port;
		return 0;
	}
	out->kind = FV_IPLIST;
	out->ips = (uint8_t(*)[16])rx_alloc(x, 32);
	out->fams = (uint8_t *)rx_alloc(x, 2);
	if (!out->ips || !out->fams)
		return -ENOMEM;
	memcpy(out->ips[0], t->src.addr, 16);
	memcpy(out->ips[1], t->dst.addr, 16);
	out->fams[0] = (uint8_t)t->src.family;
	out->fams[1] = (uint8_t)t->dst.family;
	return 0;
}

static int sock_field(struct rx *x, int id, struct fval *out)
{
	bool srv = false;
	const struct bw_tuple *t = event_tuple(x, &srv);
	const struct bw_sockaddr *local, *remote;

	if (!t)
		return -ENOENT;
	local = srv ? &t->dst : &t->src;
	remote = srv ? &t->src : &t->dst;
	switch (id) {
	case D_IP: case D_NET: return both(x, t, false, out);
	case D_PORT: return both(x, t, true, out);
	case D_CIP: case D_CNET: return fv_ip(out, &t->src);
	case D_SIP: case D_SNET: return fv_ip(out, &t->dst);
	case D_LIP: case D_LNET: return fv_ip(out, local);
	case D_RIP: case D_RNET: return fv_ip(out, remote);
	case D_CPORT:
		return sa_is_ip(&t->src) ? fv_num(out, t->src.port) : -ENOENT;
	case D_SPORT:
		return sa_is_ip(&t->dst) ? fv_num(out, t->dst.port) : -ENOENT;
	case D_LPORT:
		return sa_is_ip(local) ? fv_num(out, local->port) : -ENOENT;
	case D_RPORT:
		return sa_is_ip(remote) ? fv_num(out, remote->port) : -ENOENT;
	}
	return -ENOENT;
}

static int dir_or_file(struct rx *x, const char *name, size_t n, bool dir,
		       struct fval *out)
{
	const char *slash = rx_memrchr(name, '/', n);

	if (!slash)
		return dir ? -ENOENT : fv_str(x, out, name, n, true);
	if (dir) {
		size_t dl = (size_t)(slash - name);

		return fv_str(x, out, dl ? name : "/", dl ? dl : 1, true);
	}
	return fv_str(x, out, slash + 1, n - (size_t)(slash - name) - 1, true);
}

static int fd_extract(struct rx *x, const struct fref *r, struct fval *out)
{
	struct bw_event *ev = x->ev;
	struct bw_fdinfo *fd = ev->fd;
	int id = r->def->id;
	uint8_t type = fd ? fd->type : BW_FD_UNKNOWN;
	struct fval nm = { 0 };

	if (!fd && is_open_type(ev->type))
		type = BW_FD_FILE;
	switch (id) {
	case D_NUM:
		if (fd)
			return fv_num(out, fd->fd);
		if (is_open_type(ev->type) && ev->res >= 0)
			return fv_num(out, ev->res);
		return -ENOENT;
	case D_TYPE: case D_TYPECHAR:
		if (!fd && !is_open_type(ev->type))
			return -ENOENT;
		if (type >= BW_FD__COUNT)
			type = BW_FD_UNKNOWN;
		if (id == D_TYPE)
			return fv_str(x, out, fdtypes[type].name,
				      strlen(fdtypes[type].name), false);
		return fv_str(x, out, &fdtypes[type].c, 1, true);
	case D_TYPES:
		if (!fd || (r->idx >= 0 && r->idx != fd->fd))
			return -ENOENT;
		if (type >= BW_FD__COUNT)
			type = BW_FD_UNKNOWN;
		return fv_str(x, out, fdtypes[type].name,
			      strlen(fdtypes[type].name), false);
	case D_NAME: case D_NAMERAW:
		if (fd) {
			const char *n = id == D_NAMERAW && fd->name_raw
						? fd->name_raw : fd->name;

			if (!n)
				return -ENOENT;
			return fv_str(x, out, n, strlen(n), false);
		}
		return event_path(x, out);
	case D_DIRECTORY: case D_FILENAME:
		if (type != BW_FD_FILE && type != BW_FD_DIRECTORY)
			return -ENOENT;
		if (fd) {
			if (!fd->name)
				return -ENOENT;
			nm.s = fd->name;
			nm.len = (uint32_t)strlen(fd->name);
		} else if (event_path(x, &nm)) {
			return -ENOENT;
		}
		if (type == BW_FD_DIRECTORY && id == D_DIRECTORY)
			return fv_str(x, out, nm.s, nm.len, false);
		return dir_or_file(x, nm.s, nm.len, id == D_DIRECTORY, out);
	case D_L4PROTO: {
		static const char *const p[] = { NULL, "tcp", "udp", "icmp",
						  "raw" };
		if (!fd || fd->l4proto == BW_L4_UNKNOWN || fd->l4proto > 4)
			return -ENOENT;
		return fv_str(x, out, p[fd->l4proto], strlen(p[fd->l4proto]),
			      false);
	}
	case D_SOCKFAMILY:
		if (type == BW_FD_IPV4 || type == BW_FD_IPV6)
			return fv_str(x, out, "ip", 2, false);
		if (type == BW_FD_UNIX)
			return fv_str(x, out, "unix", 4, false);
		return -ENOENT;
	case D_IS_SERVER:
		return fd ? fv_num(out, fd->is_server) : -ENOENT;
	case D_CONNECTED:
		return fd ? fv_num(out, fd->connected) : -ENOENT;
	case D_NAME_CHANGED:
		return fd ? fv_num(out, 0) : -ENOENT;
	case D_CIP_NAME: case D_SIP_NAME: case D_LIP_NAME: case D_RIP_NAME:
		return -ENOENT; /* no DNS resolution */
	case D_DEV:
		return fd ? fv_num(out, (int64_t)fd->dev) : -ENOENT;
	case D_INO:
		return fd ? fv_num(out, (int64_t)fd->ino) : -ENOENT;
	case D_OPENFLAGS:
		return fd ? fv_num(out, fd->open_flags) : -ENOENT;
	default:
		return sock_field(x, id, out);
	}
}

#define S BW_FT_STRING
#define I BW_FT_INT64
#define U BW_FT_UINT64
#define B BW_FT_BOOL
#define IP BW_FT_IPADDR
#define NET BW_FT_IPNET
#define P BW_FT_PORT
#define F(name, type, desc, arg, id) \
	{ { name, type, desc, arg }, id, fd_extract, type, false }

const struct field_def bw_fields_fd[] = {
	F("fd.num", I, "descriptor number", 0, D_NUM),
	F("fd.type", S, "file, directory, ipv4, ipv6, unix, pipe, ...", 0,
	  D_TYPE),
	F("fd.typechar", S, "type as one character (f, d, 4, 6, u, p, ...)", 0,
	  D_TYPECHAR),
	F("fd.types", S, "type of descriptor [N] when it is the event's", 1,
	  D_TYPES),
	F("fd.name", S, "path, or cip:cport->sip:sport for sockets", 0,
	  D_NAME),
	F("fd.nameraw", S, "path as the process passed it", 0, D_NAMERAW),
	F("fd.directory", S, "directory of a file descriptor's path", 0,
	  D_DIRECTORY),
	F("fd.filename", S, "last component of a file descriptor's path", 0,
	  D_FILENAME),
	F("fd.ip", IP, "client or server IP (matches either)", 0, D_IP),
	F("fd.cip", IP, "client IP", 0, D_CIP),
	F("fd.sip", IP, "server IP", 0, D_SIP),
	F("fd.lip", IP, "local IP", 0, D_LIP),
	F("fd.rip", IP, "remote IP", 0, D_RIP),
	F("fd.port", P, "client or server port (matches either)", 0, D_PORT),
	F("fd.cport", P, "client port", 0, D_CPORT),
	F("fd.sport", P, "server port", 0, D_SPORT),
	F("fd.lport", P, "local port", 0, D_LPORT),
	F("fd.rport", P, "remote port", 0, D_RPORT),
	F("fd.net", NET, "client or server net (compare with CIDR)", 0, D_NET),
	F("fd.cnet", NET, "client net", 0, D_CNET),
	F("fd.snet", NET, "server net", 0, D_SNET),
	F("fd.lnet", NET, "local net", 0, D_LNET),
	F("fd.rnet", NET, "remote net", 0, D_RNET),
	F("fd.l4proto", S, "tcp, udp, icmp or raw", 0, D_L4PROTO),
	F("fd.sockfamily", S, "ip or unix", 0, D_SOCKFAMILY),
	F("fd.is_server", B, "this process is the server side", 0,
	  D_IS_SERVER),
	F("fd.connected", B, "socket is connected", 0, D_CONNECTED),
	F("fd.name_changed", B, "name changed by this event (always false)", 0,
	  D_NAME_CHANGED),
	F("fd.cip.name", S, "client domain name (not resolved)", 0,
	  D_CIP_NAME),
	F("fd.sip.name", S, "server domain name (not resolved)", 0,
	  D_SIP_NAME),
	F("fd.lip.name", S, "local domain name (not resolved)", 0, D_LIP_NAME),
	F("fd.rip.name", S, "remote domain name (not resolved)", 0,
	  D_RIP_NAME),
	F("fd.dev", U, "device number", 0, D_DEV),
	F("fd.ino", U, "inode number", 0, D_INO),
	F("fd.openflags", U, "flags given to open (raw)", 0, D_OPENFLAGS),
};
const size_t bw_fields_fd_n = sizeof(bw_fields_fd) / sizeof(bw_fields_fd[0]);
