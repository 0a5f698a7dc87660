/*
 * events.c - keeping the tables current from the event stream.
 *
 * state_process_event runs before the rules: it finds (or loads from /proc,
 * or makes a degraded entry for) the thread of the event, applies what the
 * rules must already see (a clone's child, an exec's new image, a new fd
 * from open/socket/accept/dup/pipe, a connect's tuple, a chdir) and fills
 * ev->proc, ev->fd and ev->container.  state_post_event runs after the rules
 * and applies what they must not see yet, as Falco does by evaluating on the
 * enter side: credential changes, the removal of a closed fd, the reaping of
 * an exited thread.
 *
 * Parameters are looked up by Falco name through the event table
 * (bw_evt_param_index), so a parameter the sensor could not fill is simply
 * absent (BW_PT_NONE) and the update falls back or skips.
 */
#include "state/state_int.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#ifndef AT_FDCWD
#define AT_FDCWD -100
#endif

#define ST_CLONE_FILES 0x00000400ull
#define ST_CLONE_PARENT 0x00008000ull
#define ST_CLONE_THREAD 0x00010000ull
#define ST_CLONE_NEWPID 0x20000000ull
#define ST_CAP_SETGID 6
#define ST_CAP_SETUID 7
#define ST_F_DUPFD 0
#define ST_F_DUPFD_CLOEXEC 1030
#define ST_MFD_CLOEXEC 1u
#define ST_EINPROGRESS 115

/* ---- parameter access -----------------------------------------------------
 */

static const struct bw_param *prm(const struct bw_event *ev, const char *name)
{
	int i = bw_evt_param_index(ev->type, name, strlen(name));

	if (i < 0 || i >= ev->nparams || i >= BW_EVT_MAX_PARAMS ||
	    ev->params[i].type == BW_PT_NONE)
		return NULL;
	return &ev->params[i];
}

static bool prm_int(const struct bw_event *ev, const char *name, int64_t *out)
{
	const struct bw_param *p = prm(ev, name);

	if (!p || p->type == BW_PT_STR || p->type == BW_PT_PATH ||
	    p->type == BW_PT_BYTES || p->type == BW_PT_SOCKADDR ||
	    p->type == BW_PT_TUPLE)
		return false;
	*out = p->v.i64;
	return true;
}

static int64_t prm_int_or(const struct bw_event *ev, const char *name,
			  int64_t dflt)
{
	int64_t v;

	return prm_int(ev, name, &v) ? v : dflt;
}

static bool prm_str(const struct bw_event *ev, const char *name,
		    struct bw_str *out)
{
	const struct bw_param *p = prm(ev, name);

	if (!p ||
	    (p->type != BW_PT_STR && p->type != BW_PT_PATH &&
	     p->type != BW_PT_BYTES) ||
	    (!p->v.str.ptr && p->v.str.len))
		return false;
	*out = p->v.str;
	if (out->len > STATE_MAX_PATH * 4)
		out->len = STATE_MAX_PATH * 4;
	return true;
}

/* Length up to the first NUL (strings from the kernel may carry one). */
static uint32_t str_len(const struct bw_str *s)
{
	const char *z = s->ptr ? memchr(s->ptr, '\0', s->len) : NULL;

	return z ? (uint32_t)(z - s->ptr) : s->len;
}

static int set_bw_str(char **dst, const struct bw_str *s)
{
	return st_set_str(dst, s->ptr ? s->ptr : "", s->ptr ? str_len(s) : 0);
}

/* ---- helpers --------------------------------------------------------------
 */

static struct bw_proc *leader_of(struct bw_state *st, struct bw_proc *p)
{
	struct bw_proc *l = p->pid != p->tid ? state_proc(st, p->pid) : NULL;

	return l ? l : p;
}

static const char *proc_cwd(struct bw_state *st, struct bw_proc *p)
{
	struct bw_proc *l = leader_of(st, p);

	return l->cwd ? l->cwd : p->cwd ? p->cwd : "/";
}

/* Absolute path of name as the process gave it, relative to dirfd. */
static int resolve_path(struct bw_state *st, struct bw_proc *p,
			const struct bw_str *name, int64_t dirfd, char *buf,
			size_t len)
{
	uint32_t n = str_len(name);
	const char *base;

	if (n && name->ptr[0] == '/')
		return st_path_join("/", name->ptr, n, buf, len);
	if (dirfd == AT_FDCWD) {
		base = proc_cwd(st, p);
	} else {
		const struct bw_fdinfo *d = fdt_get(p->fds, dirfd);

		if (!d || !d->name || d->name[0] != '/')
			return -ENOENT;
		base = d->name;
	}
	return st_path_join(base, name->ptr, n, buf, len);
}

/* A thread we never saw and cannot read from /proc: what the event says. */
static struct bw_proc *proc_minimal(struct bw_state *st,
				    const struct bw_event *ev)
{
	struct bw_proc *p = st_proc_alloc(), *parent, *sib;
	struct bw_str s;
	int64_t v;

	if (!p)
		return NULL;
	p->tid = ev->tid;
	p->pid = ev->pid > 0 ? ev->pid : ev->tid;
	p->vtid = p->tid;
	p->vpid = p->pid;
	if (prm_int(ev, "ptid", &v))
		p->ppid = (int32_t)v;
	if (prm_str(ev, "comm", &s)) {
		uint32_t n = str_len(&s);

		if (n >= sizeof(p->comm))
			n = sizeof(p->comm) - 1;
		memcpy(p->comm, s.ptr, n);
	}
	if (prm_str(ev, "exe", &s))
		set_bw_str(&p->exe, &s);
	if (prm_str(ev, "cwd", &s))
		set_bw_str(&p->cwd, &s);
	if (!p->exe)
		p->exe = st_strndup(p->comm, strlen(p->comm));
	if (!p->cwd)
		p->cwd = st_strndup("/", 1);
	p->exepath = st_strndup("", 0);
	p->start_ts = ev->ts_ns;
	sib = p->pid != p->tid ? state_proc(st, p->pid) : NULL;
	p->fds = sib ? fdt_ref(sib->fds) : fdt_new(&st->nfds);
	parent = sib ? sib : p->ppid ? state_proc(st, p->ppid) : NULL;
	p->container = parent ? parent->container : &st->ctrs.host.c;
	ctr_ref(p->container);
	if (!p->exe || !p->cwd || !p->exepath || !p->fds ||
	    st_proc_insert(st, p)) {
		st_proc_free(p);
		return NULL;
	}
	return p;
}

/* ---- process lifecycle ----------------------------------------------------
 */

static void on_clone(struct bw_state *st, struct bw_proc *p,
		     const struct bw_event *ev)
{
	uint64_t flags = (uint64_t)prm_int_or(ev, "flags", 0);
	int32_t ctid = (int32_t)ev->res;
	struct bw_proc *c;
	bool thread = flags & ST_CLONE_THREAD;

	if (ev->res <= 0 || ev->res > 0x7fffffff || state_proc(st, ctid))
		return; /* failed, the child's side, or already known */
	c = st_proc_alloc();
	if (!c)
		return;
	c->tid = ctid;
	c->pid = thread ? p->pid : ctid;
	c->ppid = thread || (flags & ST_CLONE_PARENT) ? p->ppid : p->pid;
	c->pgid = p->pgid;
	c->vpgid = p->vpgid;
	c->sid = p->sid;
	memcpy(c->comm, p->comm, sizeof(c->comm));
	c->exe = st_strndup(p->exe ? p->exe : "", p->exe ? strlen(p->exe) : 0);
	c->exepath = st_strndup(p->exepath ? p->exepath : "",
				p->exepath ? strlen(p->exepath) : 0);
	c->cwd = st_strndup(proc_cwd(st, p), strlen(proc_cwd(st, p)));
	if (p->args_len && (c->args = malloc(p->args_len))) {
		memcpy(c->args, p->args, p->args_len);
		c->args_len = p->args_len;
		c->argc = p->argc;
	}
	c->env_count = p->env_count;
	c->uid = p->uid, c->gid = p->gid, c->euid = p->euid;
	c->egid = p->egid, c->suid = p->suid, c->sgid = p->sgid;
	c->loginuid = p->loginuid;
	c->tty = p->tty;
	c->start_ts = ev->ts_ns;
	c->cap_effective = p->cap_effective;
	c->cap_permitted = p->cap_permitted;
	c->cap_inheritable = p->cap_inheritable;
	c->exe_ino = p->exe_ino;
	c->exe_ino_ctime = p->exe_ino_ctime;
	c->exe_ino_mtime = p->exe_ino_mtime;
	c->exe_writable = p->exe_writable;
	c->exe_upper_layer = p->exe_upper_layer;
	c->exe_from_memfd = p->exe_from_memfd;
	memcpy(c->cgroup, p->cgroup, sizeof(c->cgroup));
	c->container = p->container;
	ctr_ref(c->container);
	if (thread) {
		c->vpid = p->vpid;
		c->vtid = p->vtid == p->tid ? ctid : 0;
	} else if (flags & ST_CLONE_NEWPID) {
		c->vpid = c->vtid = 1;
	} else if (p->vtid == p->tid) {
		c->vpid = c->vtid = ctid;
	}
	if (!c->vtid && st_proc_read_nspid(&st->env, ctid, &c->vtid, &c->vpid))
		c->vtid = c->vpid = 0; /* unknown: the child is gone already */
	c->vpgid_leader = c->vpgid && c->vpgid == c->vpid;
	c->fds = flags & ST_CLONE_FILES ? fdt_ref(p->fds) : fdt_copy(p->fds);
	if (!c->exe || !c->exepath || !c->cwd || !c->fds ||
	    st_proc_insert(st, c))
		st_proc_free(c);
}

/* argv[1..] of the event as NUL-separated strings. */
static void exec_args(struct bw_proc *p, const struct bw_event *ev)
{
	char *buf;
	size_t o = 0;
	uint32_t argc = 0;
	struct bw_str s;

	free(p->args);
	p->args = NULL;
	p->args_len = p->argc = 0;
	if (ev->argc > 0) {
		buf = malloc(STATE_MAX_ARGS_LEN);
		if (!buf)
			return;
		for (uint16_t i = 1; i < ev->argc && i < BW_EVT_MAX_ARGV; i++) {
			uint32_t n = str_len(&ev->argv[i]);

			if (o + n + 1 > STATE_MAX_ARGS_LEN)
				n = (uint32_t)(STATE_MAX_ARGS_LEN - o - 1);
			if (n && ev->argv[i].ptr)
				memcpy(buf + o, ev->argv[i].ptr, n);
			o += n;
			buf[o++] = '\0';
			argc++;
			if (o >= STATE_MAX_ARGS_LEN)
				break;
		}
	} else if (prm_str(ev, "args", &s) && s.len && s.ptr) {
		size_t n =
		    s.len < STATE_MAX_ARGS_LEN ? s.len : STATE_MAX_ARGS_LEN - 1;

		buf = malloc(n + 1);
		if (!buf)
			return;
		memcpy(buf, s.ptr, n);
		o = n;
		if (buf[o - 1] != '\0')
			buf[o++] = '\0';
		for (size_t i = 0; i < o; i++)
			if (buf[i] == '\0')
				argc++;
	} else {
		return;
	}
	if (!o) {
		free(buf);
		return;
	}
	p->args = buf;
	p->args_len = (uint32_t)o;
	p->argc = argc;
}

/*
 * The container can only be learned at exec for a process that a runtime
 * moved into a new cgroup between fork and exec (runc init).  The sensor
 * reads the cgroup path and the namespace pid in the kernel at exec time,
 * so this works for processes that are gone before the event is handled;
 * /proc is the fallback for events without them.
 */
static void exec_learn_container(struct bw_state *st, struct bw_proc *p,
				 const struct bw_event *ev)
{
	struct bw_container *c = NULL;
	struct bw_str cg;
	int64_t vpid;

	if (prm_str(ev, "cgroups", &cg) && cg.len && cg.len < sizeof(p->cgroup)) {
		char id[STATE_MAX_CID];
		const char *rt = NULL;

		memcpy(p->cgroup, cg.ptr, cg.len);
		p->cgroup[cg.len] = '\0';
		if (!memchr(p->cgroup, '\0', cg.len) &&
		    st_cgroup_path_id(&st->env, p->cgroup, cg.len, id,
				      sizeof(id), &rt) == 0)
			c = ctr_get(&st->ctrs, &st->env, id, rt);
		else
			c = &st->ctrs.host.c;
		ctr_ref(c);
	} else {
		struct st_procctx ctx;

		st_procctx_init(st, &ctx, NULL);
		c = st_proc_read_container(&ctx, p->pid, p->cgroup,
					   sizeof(p->cgroup));
	}
	if (!c)
		return;
	st_proc_set_container(p, c);
	ctr_unref(c);
	if (prm_int(ev, "vpid", &vpid) && vpid > 0)
		p->vpid = p->vtid = (int32_t)vpid;
	else if (c != &st->ctrs.host.c)
		st_proc_read_nspid(&st->env, p->tid, &p->vtid, &p->vpid);
}

static void on_execve(struct bw_state *st, struct bw_proc *p,
		      const struct bw_event *ev)
{
	char path[STATE_MAX_PATH];
	struct bw_str s;
	int64_t v;
	const char *fn_name =
	    ev->type == BW_EVT_EXECVEAT ? "pathname" : "filename";

	if (ev->res != 0)
		return;
	if (prm_str(ev, "cwd", &s) && s.len && s.ptr[0] == '/') {
		set_bw_str(&p->cwd, &s);
		if (leader_of(st, p) != p)
			set_bw_str(&leader_of(st, p)->cwd, &s);
	}
	if (ev->argc > 0 && ev->argv[0].ptr)
		set_bw_str(&p->exe, &ev->argv[0]);
	else if (prm_str(ev, "exe", &s))
		set_bw_str(&p->exe, &s);
	exec_args(p, ev);
	if (prm_str(ev, "trusted_exepath", &s) && s.len) {
		set_bw_str(&p->exepath, &s);
	} else if (prm_str(ev, fn_name, &s) && s.len &&
		   !resolve_path(st, p, &s, prm_int_or(ev, "dirfd", AT_FDCWD),
				 path, sizeof(path))) {
		st_set_str(&p->exepath, path, strlen(path));
	} else if (p->exe && p->exe[0] == '/') {
		st_set_str(&p->exepath, p->exe, strlen(p->exe));
	}
	if (prm_str(ev, "comm", &s) && s.len) {
		uint32_t n = str_len(&s);

		if (n >= sizeof(p->comm))
			n = sizeof(p->comm) - 1;
		memcpy(p->comm, s.ptr, n);
		p->comm[n] = '\0';
	} else if (p->exepath) {
		const char *b = strrchr(p->exepath, '/');

		snprintf(p->comm, sizeof(p->comm), "%s",
			 b ? b + 1 : p->exepath);
	}
	if (prm_int(ev, "tty", &v))
		p->tty = (uint32_t)v;
	if (prm_int(ev, "loginuid", &v))
		p->loginuid = (uint32_t)v;
	if (prm_int(ev, "uid", &v))
		p->euid = (uint32_t)v;
	if (prm_int(ev, "gid", &v))
		p->egid = (uint32_t)v;
	if (prm_int(ev, "cap_inheritable", &v))
		p->cap_inheritable = (uint64_t)v;
	if (prm_int(ev, "cap_permitted", &v))
		p->cap_permitted = (uint64_t)v;
	if (prm_int(ev, "cap_effective", &v))
		p->cap_effective = (uint64_t)v;
	p->exe_ino = (uint64_t)prm_int_or(ev, "exe_ino", 0);
	p->exe_ino_ctime = (uint64_t)prm_int_or(ev, "exe_ino_ctime", 0);
	p->exe_ino_mtime = (uint64_t)prm_int_or(ev, "exe_ino_mtime", 0);
	if (prm_int(ev, "flags", &v)) {
		p->exe_writable = v & BW_EXE_WRITABLE;
		p->exe_upper_layer = v & BW_EXE_UPPER_LAYER;
		p->exe_from_memfd = v & BW_EXE_FROM_MEMFD;
	} else {
		p->exe_writable = p->exe_upper_layer = false;
		p->exe_from_memfd =
		    p->exepath && !strncmp(p->exepath, "/memfd:", 7);
	}
	p->env_count = ev->env_count;
	p->from_proc = false;
	/* exec unshares a table shared with other processes, then closes the
	 * close-on-exec descriptors. */
	if (p->fds && p->fds->refs > 1) {
		struct bw_fdtable *c = fdt_copy(p->fds);

		if (c) {
			fdt_unref(p->fds);
			p->fds = c;
		}
	}
	fdt_close_cloexec(p->fds);
	exec_learn_container(st, p, ev);
}

/* ---- descriptors ----------------------------------------------------------
 */

static struct bw_fdinfo *on_open(struct bw_state *st, struct bw_proc *p,
				 const struct bw_event *ev)
{
	char path[STATE_MAX_PATH];
	struct bw_fdinfo *fi;
	struct bw_str name = {0};
	int64_t flags, dirfd = AT_FDCWD;

	if (ev->res < 0 || !prm_str(ev, "name", &name))
		return NULL;
	if (ev->type == BW_EVT_CREAT)
		flags =
		    prm_int_or(ev, "creat_flags", O_CREAT | O_WRONLY | O_TRUNC);
	else
		flags = prm_int_or(ev, "flags", 0);
	if (ev->type == BW_EVT_OPENAT || ev->type == BW_EVT_OPENAT2)
		dirfd = prm_int_or(ev, "dirfd", AT_FDCWD);
	if (resolve_path(st, p, &name, dirfd, path, sizeof(path))) {
		uint32_t n = str_len(&name);

		n = n < sizeof(path) - 1 ? n : (uint32_t)sizeof(path) - 1;
		memcpy(path, name.ptr ? name.ptr : "", n);
		path[n] = '\0';
	}
	fi = fdt_add(p->fds, ev->res);
	if (!fi)
		return NULL;
	fi->type = flags & O_DIRECTORY ? BW_FD_DIRECTORY : BW_FD_FILE;
	fi->open_flags = (uint32_t)flags;
	fi->dev = (uint64_t)prm_int_or(ev, "dev", 0);
	fi->ino = (uint64_t)prm_int_or(ev, "ino", 0);
	st_set_str(&fi->name, path, strlen(path));
	set_bw_str(&fi->name_raw, &name);
	return fi;
}

static uint8_t family_fdtype(uint32_t family)
{
	switch (family) {
	case AF_INET:
		return BW_FD_IPV4;
	case AF_INET6:
		return BW_FD_IPV6;
	case AF_UNIX:
		return BW_FD_UNIX;
	case AF_NETLINK:
		return BW_FD_NETLINK;
	default:
		return BW_FD_UNKNOWN;
	}
}

static struct bw_fdinfo *on_socket(struct bw_proc *p, const struct bw_event *ev)
{
	struct bw_fdinfo *fi;
	uint32_t dom = (uint32_t)prm_int_or(ev, "domain", 0);
	uint32_t type = (uint32_t)prm_int_or(ev, "type", 0);
	uint32_t proto = (uint32_t)prm_int_or(ev, "proto", 0);
	uint32_t base = type & 0xf;

	if (ev->res < 0 || !(fi = fdt_add(p->fds, ev->res)))
		return NULL;
	fi->type = family_fdtype(dom);
	fi->sock_domain = dom;
	fi->sock_type = base;
	if (type & SOCK_CLOEXEC)
		fi->open_flags |= O_CLOEXEC;
	if (type & SOCK_NONBLOCK)
		fi->open_flags |= O_NONBLOCK;
	if (dom == AF_INET || dom == AF_INET6) {
		if (base == SOCK_STREAM)
			fi->l4proto = BW_L4_TCP;
		else if (base == SOCK_DGRAM)
			fi->l4proto =
			    proto == 1 || proto == 58 ? BW_L4_ICMP : BW_L4_UDP;
		else if (base == SOCK_RAW)
			fi->l4proto =
			    proto == 1 || proto == 58 ? BW_L4_ICMP : BW_L4_RAW;
	}
	st_set_str(&fi->name, "", 0);
	return fi;
}

static void tuple_from_event(const struct bw_event *ev, struct bw_tuple *t,
			     bool *have)
{
	const struct bw_param *tp = prm(ev, "tuple");
	const struct bw_param *ap = prm(ev, "addr");

	*have = false;
	memset(t, 0, sizeof(*t));
	if (tp && tp->type == BW_PT_TUPLE) {
		*t = tp->v.tuple;
		*have = t->src.family || t->dst.family;
	}
	if (!*have && ap && ap->type == BW_PT_SOCKADDR) {
		t->dst = ap->v.sa;
		*have = t->dst.family != 0;
	}
}

static void socket_basics(struct bw_fdinfo *fi, const struct bw_tuple *t)
{
	uint16_t fam = t->dst.family ? t->dst.family : t->src.family;

	if (fi->type == BW_FD_UNKNOWN || fi->type == BW_FD_FILE)
		fi->type = family_fdtype(fam);
	if (!fi->sock_domain)
		fi->sock_domain = fam;
}

static struct bw_fdinfo *on_connect(struct bw_proc *p,
				    const struct bw_event *ev)
{
	int64_t fd = prm_int_or(ev, "fd", -1);
	struct bw_fdinfo *fi = fdt_get(p->fds, fd);
	struct bw_tuple t;
	bool have;

	if (fd < 0 || (ev->res != 0 && ev->res != -ST_EINPROGRESS))
		return fi;
	tuple_from_event(ev, &t, &have);
	if (!have)
		return fi;
	if (!fi && !(fi = fdt_add(p->fds, fd)))
		return NULL;
	socket_basics(fi, &t);
	fdinfo_set_tuple(fi, &t);
	fi->connected = true;
	fi->is_server = false;
	return fi;
}

static struct bw_fdinfo *on_accept(struct bw_proc *p, const struct bw_event *ev)
{
	struct bw_fdinfo *fi;
	struct bw_tuple t;
	bool have;

	if (ev->res < 0 || !(fi = fdt_add(p->fds, ev->res)))
		return NULL;
	tuple_from_event(ev, &t, &have);
	socket_basics(fi, &t);
	fi->sock_type = SOCK_STREAM;
	if (fi->type == BW_FD_IPV4 || fi->type == BW_FD_IPV6)
		fi->l4proto = BW_L4_TCP;
	if ((uint64_t)prm_int_or(ev, "flags", 0) & O_CLOEXEC)
		fi->open_flags |= O_CLOEXEC;
	fdinfo_set_tuple(fi, &t);
	fi->is_server = true;
	fi->connected = true;
	return fi;
}

static struct bw_fdinfo *on_bind(struct bw_proc *p, const struct bw_event *ev)
{
	struct bw_fdinfo *fi = fdt_get(p->fds, prm_int_or(ev, "fd", -1));
	const struct bw_param *ap = prm(ev, "addr");
	char name[160];

	if (!fi || ev->res != 0 || !ap || ap->type != BW_PT_SOCKADDR)
		return fi;
	if (ap->v.sa.family == AF_UNIX) {
		struct bw_tuple t = {.dst = ap->v.sa};

		fdinfo_set_tuple(fi, &t);
		return fi;
	}
	fi->tuple.dst = ap->v.sa;
	fi->tuple.dst.path = NULL;
	fi->tuple.dst.path_len = 0;
	st_sockaddr_render(&fi->tuple.dst, name, sizeof(name));
	st_set_str(&fi->name, name, strlen(name));
	return fi;
}

static struct bw_fdinfo *on_dup(struct bw_proc *p, const struct bw_event *ev)
{
	const char *oldname = ev->type == BW_EVT_FCNTL ? "fd" : "oldfd";
	int64_t oldfd = prm_int_or(ev, oldname, -1);
	const struct bw_fdinfo *old = fdt_get(p->fds, oldfd);
	struct bw_fdinfo *fi;
	bool cloexec = false;

	if (ev->type == BW_EVT_FCNTL) {
		int64_t cmd = prm_int_or(ev, "cmd", -1);

		if (cmd != ST_F_DUPFD && cmd != ST_F_DUPFD_CLOEXEC)
			return (struct bw_fdinfo *)old;
		cloexec = cmd == ST_F_DUPFD_CLOEXEC;
	} else if (ev->type == BW_EVT_DUP3) {
		cloexec = (uint64_t)prm_int_or(ev, "flags", 0) & O_CLOEXEC;
	}
	if (ev->res < 0 || !old)
		return NULL;
	if (ev->res == oldfd)
		return (struct bw_fdinfo *)old;
	fi = fdt_add(p->fds, ev->res);
	if (!fi || fdinfo_copy(fi, old))
		return fi;
	if (cloexec)
		fi->open_flags |= O_CLOEXEC;
	else
		fi->open_flags &= ~(uint32_t)O_CLOEXEC;
	return fi;
}

static struct bw_fdinfo *add_named(struct bw_proc *p, int64_t fd, uint8_t type,
				   const char *name, bool cloexec)
{
	struct bw_fdinfo *fi = fd >= 0 ? fdt_add(p->fds, fd) : NULL;

	if (!fi)
		return NULL;
	fi->type = type;
	if (cloexec)
		fi->open_flags |= O_CLOEXEC;
	st_set_str(&fi->name, name, strlen(name));
	return fi;
}

static struct bw_fdinfo *on_pipe(struct bw_proc *p, const struct bw_event *ev)
{
	char name[48];
	uint64_t ino = (uint64_t)prm_int_or(ev, "ino", 0);
	bool cloexec = (uint64_t)prm_int_or(ev, "flags", 0) & O_CLOEXEC;
	struct bw_fdinfo *a, *b;

	if (ev->res != 0)
		return NULL;
	snprintf(name, sizeof(name), "pipe:[%llu]", (unsigned long long)ino);
	a = add_named(p, prm_int_or(ev, "fd1", -1), BW_FD_PIPE, name, cloexec);
	if (a)
		a->ino = ino;
	b = add_named(p, prm_int_or(ev, "fd2", -1), BW_FD_PIPE, name, cloexec);
	if (b)
		b->ino = ino;
	return a;
}

static struct bw_fdinfo *on_memfd(struct bw_proc *p, const struct bw_event *ev)
{
	char name[300];
	struct bw_str s = {0};

	if (ev->res < 0)
		return NULL;
	prm_str(ev, "name", &s);
	snprintf(name, sizeof(name), "memfd:%.*s", (int)str_len(&s),
		 s.ptr ? s.ptr : "");
	return add_named(p, ev->res, BW_FD_MEMFD, name,
			 (uint64_t)prm_int_or(ev, "flags", 0) & ST_MFD_CLOEXEC);
}

static struct bw_fdinfo *on_bpf(struct bw_proc *p, const struct bw_event *ev)
{
	/* Commands that return a new descriptor: MAP_CREATE, PROG_LOAD,
	 * OBJ_GET, *_GET_FD_BY_ID, RAW_TRACEPOINT_OPEN, BTF_LOAD,
	 * LINK_CREATE, ITER_CREATE. */
	static const int64_t fd_cmds[] = {0,  5,  7,  13, 14, 17,
					  18, 19, 28, 30, 33};
	int64_t cmd = prm_int_or(ev, "cmd", -1);

	if (ev->res < 0)
		return NULL;
	for (size_t i = 0; i < sizeof(fd_cmds) / sizeof(*fd_cmds); i++)
		if (cmd == fd_cmds[i])
			return add_named(p, ev->res, BW_FD_BPF, "bpf", true);
	return NULL;
}

static void set_cwd(struct bw_state *st, struct bw_proc *p, const char *cwd)
{
	struct bw_proc *l = leader_of(st, p);

	st_set_str(&p->cwd, cwd, strlen(cwd));
	if (l != p)
		st_set_str(&l->cwd, cwd, strlen(cwd));
}

static void on_chdir(struct bw_state *st, struct bw_proc *p,
		     const struct bw_event *ev)
{
	char path[STATE_MAX_PATH];
	struct bw_str s;

	if (ev->res != 0)
		return;
	if (ev->type == BW_EVT_CHDIR) {
		if (prm_str(ev, "path", &s) &&
		    !resolve_path(st, p, &s, AT_FDCWD, path, sizeof(path)))
			set_cwd(st, p, path);
	} else {
		const struct bw_fdinfo *fi =
		    fdt_get(p->fds, prm_int_or(ev, "fd", -1));

		if (fi && fi->name && fi->name[0] == '/')
			set_cwd(st, p, fi->name);
	}
}

/* ---- entry points ---------------------------------------------------------
 */

void state_process_event(struct bw_state *st, struct bw_event *ev)
{
	struct bw_proc *p;
	struct bw_fdinfo *fi = NULL;
	bool fd_done = false;

	ev->proc = NULL;
	ev->fd = NULL;
	ev->container = st ? &st->ctrs.host.c : NULL;
	if (!st || ev->tid <= 0 || ev->type >= BW_EVT__COUNT)
		return;
	p = state_proc(st, ev->tid);
	if (!p) {
		st->stats.lookups_missed++;
		if (ev->type == BW_EVT_PROCEXIT)
			return;
		p = st_proc_load(st, ev->tid);
		if (!p)
			p = proc_minimal(st, ev);
		if (!p)
			return;
	}
	switch (ev->type) {
	case BW_EVT_CLONE:
	case BW_EVT_CLONE3:
	case BW_EVT_FORK:
	case BW_EVT_VFORK:
		on_clone(st, p, ev);
		break;
	case BW_EVT_EXECVE:
	case BW_EVT_EXECVEAT:
		on_execve(st, p, ev);
		break;
	case BW_EVT_OPEN:
	case BW_EVT_OPENAT:
	case BW_EVT_OPENAT2:
	case BW_EVT_CREAT:
		fi = on_open(st, p, ev), fd_done = true;
		break;
	case BW_EVT_SOCKET:
		fi = on_socket(p, ev), fd_done = true;
		break;
	case BW_EVT_CONNECT:
		fi = on_connect(p, ev), fd_done = true;
		break;
	case BW_EVT_ACCEPT:
	case BW_EVT_ACCEPT4:
		fi = on_accept(p, ev), fd_done = true;
		break;
	case BW_EVT_BIND:
		fi = on_bind(p, ev), fd_done = true;
		break;
	case BW_EVT_LISTEN:
		fi = fdt_get(p->fds, prm_int_or(ev, "fd", -1));
		if (fi && ev->res == 0)
			fi->is_server = true;
		fd_done = true;
		break;
	case BW_EVT_DUP:
	case BW_EVT_DUP2:
	case BW_EVT_DUP3:
	case BW_EVT_FCNTL:
		fi = on_dup(p, ev), fd_done = true;
		break;
	case BW_EVT_PIPE:
	case BW_EVT_PIPE2:
		fi = on_pipe(p, ev), fd_done = true;
		break;
	case BW_EVT_MEMFD_CREATE:
		fi = on_memfd(p, ev), fd_done = true;
		break;
	case BW_EVT_USERFAULTFD:
		fi = ev->res >= 0
			 ? add_named(
			       p, ev->res, BW_FD_USERFAULTFD, "userfaultfd",
			       (uint64_t)prm_int_or(ev, "flags", 0) & O_CLOEXEC)
			 : NULL;
		fd_done = true;
		break;
	case BW_EVT_PIDFD_OPEN:
		fi = ev->res >= 0
			 ? add_named(p, ev->res, BW_FD_PIDFD, "pidfd", true)
			 : NULL;
		fd_done = true;
		break;
	case BW_EVT_BPF:
		fi = on_bpf(p, ev), fd_done = true;
		break;
	case BW_EVT_CHDIR:
	case BW_EVT_FCHDIR:
		on_chdir(st, p, ev);
		break;
	default:
		break;
	}
	if (!fd_done) {
		int64_t fd;

		if (prm_int(ev, "fd", &fd) && fd >= 0)
			fi = fdt_get(p->fds, fd);
	}
	ev->proc = p;
	ev->fd = fi;
	ev->container = p->container;
}

/* Capabilities follow uid changes (capabilities(7), "Effect of user ID
 * changes on capabilities"), without SECBIT_KEEP_CAPS. */
static void uid_caps(struct bw_proc *p, uint32_t ouid, uint32_t oeuid,
		     uint32_t osuid)
{
	bool had_root = !ouid || !oeuid || !osuid;

	if (had_root && p->uid && p->euid && p->suid) {
		p->cap_permitted = 0;
		p->cap_effective = 0;
	} else if (!oeuid && p->euid) {
		p->cap_effective = 0;
	} else if (oeuid && !p->euid) {
		p->cap_effective = p->cap_permitted;
	}
}

static bool id_param(const struct bw_event *ev, const char *name, uint32_t *out)
{
	int64_t v;

	if (!prm_int(ev, name, &v) || (uint32_t)v == 0xffffffffu)
		return false;
	*out = (uint32_t)v;
	return true;
}

static void post_creds(struct bw_proc *p, const struct bw_event *ev)
{
	uint32_t ou = p->uid, oe = p->euid, os = p->suid, r, e, s;
	bool hr, he;
	int64_t v;

	switch (ev->type) {
	case BW_EVT_SETUID:
		if (!id_param(ev, "uid", &r))
			return;
		if (p->cap_effective & (1ull << ST_CAP_SETUID))
			p->uid = p->euid = p->suid = r;
		else
			p->euid = r;
		break;
	case BW_EVT_SETGID:
		if (!id_param(ev, "gid", &r))
			return;
		if (p->cap_effective & (1ull << ST_CAP_SETGID))
			p->gid = p->egid = p->sgid = r;
		else
			p->egid = r;
		return;
	case BW_EVT_SETREUID:
		hr = id_param(ev, "ruid", &r);
		he = id_param(ev, "euid", &e);
		if (hr)
			p->uid = r;
		if (he)
			p->euid = e;
		if (hr || (he && e != ou))
			p->suid = p->euid;
		break;
	case BW_EVT_SETREGID:
		hr = id_param(ev, "rgid", &r);
		he = id_param(ev, "egid", &e);
		if (hr)
			p->gid = r;
		if (he)
			p->egid = e;
		if (hr || (he && e != p->gid))
			p->sgid = p->egid;
		return;
	case BW_EVT_SETRESUID:
		if (id_param(ev, "ruid", &r))
			p->uid = r;
		if (id_param(ev, "euid", &e))
			p->euid = e;
		if (id_param(ev, "suid", &s))
			p->suid = s;
		break;
	case BW_EVT_SETRESGID:
		if (id_param(ev, "rgid", &r))
			p->gid = r;
		if (id_param(ev, "egid", &e))
			p->egid = e;
		if (id_param(ev, "sgid", &s))
			p->sgid = s;
		return;
	case BW_EVT_CAPSET:
		if (prm_int(ev, "cap_inheritable", &v))
			p->cap_inheritable = (uint64_t)v;
		if (prm_int(ev, "cap_permitted", &v))
			p->cap_permitted = (uint64_t)v;
		if (prm_int(ev, "cap_effective", &v))
			p->cap_effective = (uint64_t)v;
		return;
	default:
		return;
	}
	uid_caps(p, ou, oe, os);
}

void state_post_event(struct bw_state *st, struct bw_event *ev)
{
	struct bw_proc *p;

	if (!st || ev->tid <= 0)
		return;
	p = state_proc(st, ev->tid);
	if (!p)
		return;
	switch (ev->type) {
	case BW_EVT_CLOSE:
		if (ev->res == 0) {
			fdt_del(p->fds, prm_int_or(ev, "fd", -1));
			ev->fd = NULL;
		}
		break;
	case BW_EVT_PROCEXIT:
		ev->proc = NULL;
		ev->fd = NULL;
		ev->container = &st->ctrs.host.c;
		st_proc_remove(st, ev->tid);
		break;
	case BW_EVT_SETUID:
	case BW_EVT_SETGID:
	case BW_EVT_SETREUID:
	case BW_EVT_SETREGID:
	case BW_EVT_SETRESUID:
	case BW_EVT_SETRESGID:
	case BW_EVT_CAPSET:
		if (ev->res == 0)
			post_creds(p, ev);
		break;
	default:
		break;
	}
}
