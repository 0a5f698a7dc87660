/*
 * fields_proc.c - proc.*, thread.*, user.* and group.* fields, read from
 * the event's struct bw_proc (borrowed from the state tables).  Ancestors
 * (proc.pname, proc.aname[N], proc.sname, ...) are found by walking ppid
 * through the lookup installed with rules_set_proc_lookup(); without one,
 * only the process itself is known.  Names follow Falco: proc.name = comm,
 * proc.exe = argv[0], proc.exepath = full path, proc.cmdline = "name args".
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "rules/rules_int.h"

#define ANCESTOR_MAX 64

enum {
	P_PID = 1, P_PPID, P_VPID, P_TID, P_VTID, P_SID, P_VPGID, P_PGID,
	P_PVPID, P_NAME, P_EXE, P_EXEPATH, P_CMDLINE, P_ARGS, P_EXELINE,
	P_CWD, P_ENV, P_TTY, P_PNAME, P_PEXE, P_PEXEPATH, P_PCMDLINE,
	P_ANAME, P_AEXE, P_AEXEPATH, P_ACMDLINE, P_APID, P_SNAME,
	P_VPGID_NAME, P_VPGID_EXE, P_VPGID_EXEPATH, P_IS_VPGID_LEADER,
	P_IS_SID_LEADER, P_DURATION, P_PPID_DURATION, P_EXE_INO,
	P_EXE_INO_CTIME, P_EXE_INO_MTIME, P_EXE_INO_CTIME_DUR,
	P_EXE_WRITABLE, P_EXE_UPPER, P_EXE_MEMFD, P_CMDNARGS, P_CMDLENARGS,
	P_HEALTHCHECK, P_LIVENESS, P_READINESS, P_LOGINSHELLID,
	T_CAP_EFF, T_CAP_PRM, T_CAP_INH,
	U_UID, U_NAME, U_LOGINUID, U_LOGINNAME, U_HOMEDIR, U_SHELL,
	G_GID, G_NAME,
};

static const char *const cap_names[] = {
	"CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_DAC_READ_SEARCH", "CAP_FOWNER",
	"CAP_FSETID", "CAP_KILL", "CAP_SETGID", "CAP_SETUID", "CAP_SETPCAP",
	"CAP_LINUX_IMMUTABLE", "CAP_NET_BIND_SERVICE", "CAP_NET_BROADCAST",
	"CAP_NET_ADMIN", "CAP_NET_RAW", "CAP_IPC_LOCK", "CAP_IPC_OWNER",
	"CAP_SYS_MODULE", "CAP_SYS_RAWIO", "CAP_SYS_CHROOT", "CAP_SYS_PTRACE",
	"CAP_SYS_PACCT", "CAP_SYS_ADMIN", "CAP_SYS_BOOT", "CAP_SYS_NICE",
	"CAP_SYS_RESOURCE", "CAP_SYS_TIME", "CAP_SYS_TTY_CONFIG", "CAP_MKNOD",
	"CAP_LEASE", "CAP_AUDIT_WRITE", "CAP_AUDIT_CONTROL", "CAP_SETFCAP",
	"CAP_MAC_OVERRIDE", "CAP_MAC_ADMIN", "CAP_SYSLOG", "CAP_WAKE_ALARM",
	"CAP_BLOCK_SUSPEND", "CAP_AUDIT_READ", "CAP_PERFMON", "CAP_BPF",
	"CAP_CHECKPOINT_RESTORE",
};

static int caps_str(struct rx *x, uint64_t caps, struct fval *out)
{
	char *buf = rx_alloc(x, 1024);
	size_t o = 0;

	if (!buf)
		return -ENOMEM;
	buf[0] = 0;
	for (size_t i = 0; i < sizeof(cap_names) / sizeof(cap_names[0]); i++) {
		size_t n = strlen(cap_names[i]);

		if (!(caps & (1ull << i)) || o + n + 2 >= 1024)
			continue;
		if (o)
			buf[o++] = ' ';
		memcpy(buf + o, cap_names[i], n);
		o += n;
		buf[o] = 0;
	}
	out->kind = FV_STR;
	out->s = buf;
	out->len = (uint32_t)o;
	return 0;
}

/* Arguments joined by spaces (p->args is NUL-separated), after prefix
 * and a space when prefix is given. */
static int args_str(struct rx *x, const struct bw_proc *p, const char *prefix,
		    struct fval *out)
{
	size_t plen = prefix ? strlen(prefix) : 0;
	size_t alen = p->args ? p->args_len : 0;
	char *buf;
	size_t o = 0;

	while (alen && p->args[alen - 1] == 0)
		alen--;
	buf = rx_alloc(x, plen + alen + 2);
	if (!buf)
		return -ENOMEM;
	memcpy(buf, prefix ? prefix : "", plen);
	o = plen;
	if (plen && alen)
		buf[o++] = ' ';
	for (size_t i = 0; i < alen; i++)
		buf[o++] = p->args[i] ? p->args[i] : ' ';
	buf[o] = 0;
	out->kind = FV_STR;
	out->s = buf;
	out->len = (uint32_t)o;
	return 0;
}

static int cstr(struct rx *x, const char *s, struct fval *out)
{
	if (!s)
		return -ENOENT;
	return fv_str(x, out, s, strlen(s), false);
}

/* The string/number field `id` of one process p. */
static int proc_one(struct rx *x, const struct bw_proc *p, int id,
		    struct fval *out)
{
	if (!p)
		return -ENOENT;
	switch (id) {
	case P_NAME: return cstr(x, p->comm, out);
	case P_EXE: return cstr(x, p->exe, out);
	case P_EXEPATH: return cstr(x, p->exepath, out);
	case P_CMDLINE: return args_str(x, p, p->comm, out);
	case P_APID: return fv_num(out, p->pid);
	}
	return -ENOENT;
}

static int ancestor_field(struct rx *x, const struct fref *r, int id,
			  struct fval *out)
{
	struct bw_proc *p;
	const char **items;
	uint32_t *lens, n = 0;

	if (r->idx >= 0) {
		if (r->idx > ANCESTOR_MAX)
			return -ENOENT;
		return proc_one(x, rx_ancestor(x, (unsigned)r->idx), id, out);
	}
	/* no index: every ancestor, starting at the parent */
	items = (const char **)rx_alloc(x, sizeof(*items) * FV_MAX_LIST);
	lens = (uint32_t *)rx_alloc(x, sizeof(*lens) * FV_MAX_LIST);
	if (!items || !lens)
		return -ENOMEM;
	p = x->ev->proc;
	for (unsigned lvl = 1; p && lvl < FV_MAX_LIST; lvl++) {
		struct fval v = { 0 };
		uint32_t len;

		p = rx_ancestor(x, lvl);
		if (!p || proc_one(x, p, id, &v))
			break;
		items[n] = fval_to_str(x, &v, &len);
		if (!items[n])
			break;
		lens[n++] = len;
	}
	if (!n)
		return -ENOENT;
	out->kind = FV_LIST;
	out->items = items;
	out->lens = lens;
	out->n = n;
	return 0;
}

/* Eldest ancestor (or self) that shares the given attribute. */
static struct bw_proc *group_leader(struct rx *x, bool session)
{
	struct bw_proc *self = x->ev->proc, *best = self, *p;

	if (!self)
		return NULL;
	for (unsigned lvl = 1; lvl < ANCESTOR_MAX; lvl++) {
		p = rx_ancestor(x, lvl);
		if (!p)
			break;
		if (session ? p->sid != self->sid : p->vpgid != self->vpgid)
			break;
		best = p;
		if (session ? p->pid == self->sid : p->vpid == self->vpgid)
			break;
	}
	return best;
}

static int user_name(struct rx *x, uint32_t id, bool group, struct fval *out)
{
	const char *n = usercache_name(&x->rs->users, x->rs->host_root, id,
				       group);

	return cstr(x, n, out);
}

static int proc_extract(struct rx *x, const struct fref *r, struct fval *out)
{
	struct bw_proc *p = x->ev->proc, *pp;
	int id = r->def->id;

	if (!p)
		return -ENOENT;
	switch (id) {
	case P_PID: return fv_num(out, p->pid);
	case P_PPID: return fv_num(out, p->ppid);
	case P_VPID: return fv_num(out, p->vpid);
	case P_TID: return fv_num(out, p->tid);
	case P_VTID: return fv_num(out, p->vtid);
	case P_SID: return fv_num(out, p->sid);
	case P_VPGID: return fv_num(out, p->vpgid);
	case P_PGID: return fv_num(out, p->pgid);
	case P_PVPID:
		pp = rx_ancestor(x, 1);
		return pp ? fv_num(out, pp->vpid) : -ENOENT;
	case P_NAME: case P_EXE: case P_EXEPATH: case P_CMDLINE:
		return proc_one(x, p, id, out);
	case P_ARGS: return args_str(x, p, NULL, out);
	case P_EXELINE: return args_str(x, p, p->exe ? p->exe : "", out);
	case P_CWD: return cstr(x, p->cwd, out);
	case P_ENV: return fv_str(x, out, "", 0, false);
	case P_TTY: return fv_num(out, p->tty);
	case P_PNAME: return proc_one(x, rx_ancestor(x, 1), P_NAME, out);
	case P_PEXE: return proc_one(x, rx_ancestor(x, 1), P_EXE, out);
	case P_PEXEPATH: return proc_one(x, rx_ancestor(x, 1), P_EXEPATH, out);
	case P_PCMDLINE: return proc_one(x, rx_ancestor(x, 1), P_CMDLINE, out);
	case P_ANAME: return ancestor_field(x, r, P_NAME, out);
	case P_AEXE: return ancestor_field(x, r, P_EXE, out);
	case P_AEXEPATH: return ancestor_field(x, r, P_EXEPATH, out);
	case P_ACMDLINE: return ancestor_field(x, r, P_CMDLINE, out);
	case P_APID: return ancestor_field(x, r, P_APID, out);
	case P_SNAME: return proc_one(x, group_leader(x, true), P_NAME, out);
	case P_VPGID_NAME:
		return proc_one(x, group_leader(x, false), P_NAME, out);
	case P_VPGID_EXE:
		return proc_one(x, group_leader(x, false), P_EXE, out);
	case P_VPGID_EXEPATH:
		return proc_one(x, group_leader(x, false), P_EXEPATH, out);
	case P_IS_VPGID_LEADER:
		return fv_num(out, p->vpgid_leader || p->vpid == p->vpgid);
	case P_IS_SID_LEADER:
		return fv_num(out, p->pid == p->sid);
	case P_DURATION:
		if (!p->start_ts || x->ev->ts_ns < p->start_ts)
			return -ENOENT;
		return fv_num(out, (int64_t)(x->ev->ts_ns - p->start_ts));
	case P_PPID_DURATION:
		pp = rx_ancestor(x, 1);
		if (!pp || !pp->start_ts || x->ev->ts_ns < pp->start_ts)
			return -ENOENT;
		return fv_num(out, (int64_t)(x->ev->ts_ns - pp->start_ts));
	case P_EXE_INO: return fv_num(out, (int64_t)p->exe_ino);
	case P_EXE_INO_CTIME:
		return p->exe_ino_ctime ? fv_num(out, (int64_t)p->exe_ino_ctime)
					: -ENOENT;
	case P_EXE_INO_MTIME:
		return p->exe_ino_mtime ? fv_num(out, (int64_t)p->exe_ino_mtime)
					: -ENOENT;
	case P_EXE_INO_CTIME_DUR:
		if (!p->exe_ino_ctime || !p->start_ts ||
		    p->start_ts < p->exe_ino_ctime)
			return -ENOENT;
		return fv_num(out, (int64_t)(p->start_ts - p->exe_ino_ctime));
	case P_EXE_WRITABLE: return fv_num(out, p->exe_writable);
	case P_EXE_UPPER: return fv_num(out, p->exe_upper_layer);
	case P_EXE_MEMFD: return fv_num(out, p->exe_from_memfd);
	case P_CMDNARGS: return fv_num(out, p->argc);
	case P_CMDLENARGS:
		return fv_num(out, p->args_len ? p->args_len - 1 : 0);
	case P_HEALTHCHECK: case P_LIVENESS: case P_READINESS:
		return fv_num(out, 0);
	case P_LOGINSHELLID: return -ENOENT;
	case T_CAP_EFF: return caps_str(x, p->cap_effective, out);
	case T_CAP_PRM: return caps_str(x, p->cap_permitted, out);
	case T_CAP_INH: return caps_str(x, p->cap_inheritable, out);
	case U_UID: return fv_num(out, p->euid);
	case U_NAME: return user_name(x, p->euid, false, out);
	case U_LOGINUID:
		return fv_num(out, p->loginuid == 0xffffffffu
					   ? -1 : (int64_t)p->loginuid);
	case U_LOGINNAME:
		if (p->loginuid == 0xffffffffu)
			return -ENOENT;
		return user_name(x, p->loginuid, false, out);
	case U_HOMEDIR: case U_SHELL: return -ENOENT;
	case G_GID: return fv_num(out, p->egid);
	case G_NAME: return user_name(x, p->egid, true, out);
	}
	return -ENOENT;
}

#define S BW_FT_STRING
#define I BW_FT_INT64
#define U BW_FT_UINT64
#define B BW_FT_BOOL
#define L BW_FT_CHARBUF_LIST
#define F(name, type, desc, arg, id) \
	{ { name, type, desc, arg }, id, proc_extract, type, false }

const struct field_def bw_fields_proc[] = {
	F("proc.pid", I, "process id (host)", 0, P_PID),
	F("proc.ppid", I, "parent process id (host)", 0, P_PPID),
	F("proc.vpid", I, "process id in its pid namespace", 0, P_VPID),
	F("proc.tid", I, "thread id (host)", 0, P_TID),
	F("proc.sid", I, "session id", 0, P_SID),
	F("proc.vpgid", I, "process group id in its pid namespace", 0, P_VPGID),
	F("proc.pgid", I, "process group id", 0, P_PGID),
	F("proc.pvpid", I, "parent's pid in its pid namespace", 0, P_PVPID),
	F("proc.name", S, "process name (comm)", 0, P_NAME),
	F("proc.exe", S, "first command-line argument (argv[0])", 0, P_EXE),
	F("proc.exepath", S, "full executable path", 0, P_EXEPATH),
	F("proc.cmdline", S, "proc.name followed by the arguments", 0,
	  P_CMDLINE),
	F("proc.args", S, "arguments joined by spaces", 0, P_ARGS),
	F("proc.exeline", S, "proc.exe followed by the arguments", 0,
	  P_EXELINE),
	F("proc.cwd", S, "current working directory", 0, P_CWD),
	F("proc.env", S, "environment (empty: not collected)", 1, P_ENV),
	F("proc.tty", U, "controlling terminal (0: none)", 0, P_TTY),
	F("proc.pname", S, "parent's name", 0, P_PNAME),
	F("proc.pexe", S, "parent's argv[0]", 0, P_PEXE),
	F("proc.pexepath", S, "parent's executable path", 0, P_PEXEPATH),
	F("proc.pcmdline", S, "parent's command line", 0, P_PCMDLINE),
	F("proc.aname", L, "ancestor's name: [N] level (0 self, 1 parent); "
	  "without index any ancestor", 1, P_ANAME),
	F("proc.aexe", L, "ancestor's argv[0], like proc.aname", 1, P_AEXE),
	F("proc.aexepath", L, "ancestor's executable path", 1, P_AEXEPATH),
	F("proc.acmdline", L, "ancestor's command line", 1, P_ACMDLINE),
	F("proc.apid", L, "ancestor's pid", 1, P_APID),
	F("proc.sname", S, "session leader's name", 0, P_SNAME),
	F("proc.vpgid.name", S, "process group leader's name", 0, P_VPGID_NAME),
	F("proc.vpgid.exe", S, "process group leader's argv[0]", 0,
	  P_VPGID_EXE),
	F("proc.vpgid.exepath", S, "process group leader's path", 0,
	  P_VPGID_EXEPATH),
	F("proc.is_vpgid_leader", B, "process is its group's leader", 0,
	  P_IS_VPGID_LEADER),
	F("proc.is_sid_leader", B, "process is its session's leader", 0,
	  P_IS_SID_LEADER),
	F("proc.duration", BW_FT_RELTIME, "ns since the process started", 0,
	  P_DURATION),
	F("proc.ppid.duration", BW_FT_RELTIME, "ns since the parent started",
	  0, P_PPID_DURATION),
	F("proc.exe_ino", U, "inode of the executable", 0, P_EXE_INO),
	F("proc.exe_ino.ctime", BW_FT_ABSTIME, "executable's inode ctime", 0,
	  P_EXE_INO_CTIME),
	F("proc.exe_ino.mtime", BW_FT_ABSTIME, "executable's inode mtime", 0,
	  P_EXE_INO_MTIME),
	F("proc.exe_ino.ctime_duration_proc_start", BW_FT_RELTIME,
	  "ns between the executable's ctime and the process start", 0,
	  P_EXE_INO_CTIME_DUR),
	F("proc.is_exe_writable", B, "executable is writable by the process",
	  0, P_EXE_WRITABLE),
	F("proc.is_exe_upper_layer", B,
	  "executable lives in the overlayfs upper layer", 0, P_EXE_UPPER),
	F("proc.is_exe_from_memfd", B, "executable is a memfd", 0,
	  P_EXE_MEMFD),
	F("proc.cmdnargs", U, "number of arguments", 0, P_CMDNARGS),
	F("proc.cmdlenargs", U, "length of the arguments", 0, P_CMDLENARGS),
	F("proc.is_container_healthcheck", B, "always false", 0,
	  P_HEALTHCHECK),
	F("proc.is_container_liveness_probe", B, "always false", 0,
	  P_LIVENESS),
	F("proc.is_container_readiness_probe", B, "always false", 0,
	  P_READINESS),
	F("proc.loginshellid", I, "not available", 0, P_LOGINSHELLID),
	F("thread.tid", I, "thread id", 0, P_TID),
	F("thread.vtid", I, "thread id in its pid namespace", 0, P_VTID),
	F("thread.cap_effective", S, "effective capabilities", 0, T_CAP_EFF),
	F("thread.cap_permitted", S, "permitted capabilities", 0, T_CAP_PRM),
	F("thread.cap_inheritable", S, "inheritable capabilities", 0,
	  T_CAP_INH),
	F("user.uid", U, "effective user id", 0, U_UID),
	F("user.name", S, "user name (host /etc/passwd)", 0, U_NAME),
	F("user.loginuid", I, "audit login uid (-1: unset)", 0, U_LOGINUID),
	F("user.loginname", S, "name of the login uid", 0, U_LOGINNAME),
	F("user.homedir", S, "not available", 0, U_HOMEDIR),
	F("user.shell", S, "not available", 0, U_SHELL),
	F("group.gid", U, "effective group id", 0, G_GID),
	F("group.name", S, "group name (host /etc/group)", 0, G_NAME),
};
const size_t bw_fields_proc_n =
	sizeof(bw_fields_proc) / sizeof(bw_fields_proc[0]);
