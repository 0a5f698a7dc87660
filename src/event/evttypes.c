/*
 * evttypes.c - the event-type table: for every enum bw_evt_type, Falco's
 * event name, the x86_64 system call number that produces it, its category
 * and the list of parameters it carries (Falco's exit-event parameter names
 * and, where the sensor fills it, the enter-event ones Falco appends to the
 * exit event in recent drivers).  Only parameters the sensor fills are
 * listed; a parameter the kernel side could not read is left BW_PT_NONE in
 * the event.
 *
 * The table is indexed by the enum value; lookups by name and by syscall
 * number are linear scans over ~80 entries (they run at rule-compile and
 * start-up time, never per event: the sensor decodes the type from the
 * record and state/rules index by type).
 */
#include "event/event.h"

#include <string.h>

/* P(name, TYPE) and F(name, TYPE, FLAGSET) build one parameter. */
#define P(n, t) {n, BW_PT_##t, BW_FS_NONE}
#define F(n, t, fs) {n, BW_PT_##t, BW_FS_##fs}

#define NPARAMS(...)                                                         \
	(sizeof((struct bw_param_info[]){__VA_ARGS__}) /                      \
	 sizeof(struct bw_param_info))

/* EV(type, "name", syscall_nr, category, params...) */
#define EV(t, n, nr, cat, ...)                                                \
	[t] = {n, nr, cat, NPARAMS(__VA_ARGS__), {__VA_ARGS__}}

/* The common head of execve/execveat (the process the exec produced). */
#define EXEC_PARAMS                                                           \
	P("res", ERRNO), P("exe", STR), P("args", BYTES), P("tid", PID),      \
		P("pid", PID), P("ptid", PID), P("cwd", PATH),                \
		P("comm", STR), P("tty", INT64), P("loginuid", UID),          \
		F("flags", FLAGS, EXECVE_FLAGS),                              \
		P("cap_inheritable", UINT64), P("cap_permitted", UINT64),     \
		P("cap_effective", UINT64), P("exe_ino", UINT64),             \
		P("exe_ino_ctime", UINT64), P("exe_ino_mtime", UINT64),       \
		P("uid", UID), P("trusted_exepath", PATH), P("gid", GID),     \
		P("cgroups", STR), P("vpid", PID), P("env_count", UINT64)

/* clone/clone3/fork/vfork: res is the child's tid in the parent, 0 in the
 * child (the sensor reports the parent side only). */
#define CLONE_PARAMS                                                          \
	P("res", PID), P("exe", STR), P("tid", PID), P("pid", PID),           \
		P("ptid", PID), P("comm", STR),                               \
		F("flags", FLAGS, CLONE_FLAGS), P("uid", UID), P("gid", GID), \
		P("vtid", PID), P("vpid", PID)

static const struct bw_evt_info evt_table[BW_EVT__COUNT] = {
	[BW_EVT_UNKNOWN] = {"unknown", -1, BW_EC_INTERNAL, 0, {{0}}},

	/* process lifecycle */
	EV(BW_EVT_EXECVE, "execve", 59, BW_EC_PROCESS, EXEC_PARAMS,
	   P("filename", PATH)),
	EV(BW_EVT_EXECVEAT, "execveat", 322, BW_EC_PROCESS, EXEC_PARAMS,
	   P("dirfd", FD), P("pathname", PATH)),
	EV(BW_EVT_CLONE, "clone", 56, BW_EC_PROCESS, CLONE_PARAMS),
	EV(BW_EVT_CLONE3, "clone3", 435, BW_EC_PROCESS, CLONE_PARAMS),
	EV(BW_EVT_FORK, "fork", 57, BW_EC_PROCESS, CLONE_PARAMS),
	EV(BW_EVT_VFORK, "vfork", 58, BW_EC_PROCESS, CLONE_PARAMS),
	EV(BW_EVT_PROCEXIT, "procexit", -1, BW_EC_PROCESS, P("status", INT64),
	   P("ret", INT64), F("sig", ENUM, SIGNALS), P("core", UINT64),
	   P("reaper_tid", PID)),

	/* files */
	EV(BW_EVT_OPEN, "open", 2, BW_EC_FILE, P("fd", FD), P("name", PATH),
	   F("flags", FLAGS, OPEN_FLAGS), P("mode", MODE), P("dev", UINT64),
	   P("ino", UINT64)),
	EV(BW_EVT_OPENAT, "openat", 257, BW_EC_FILE, P("fd", FD),
	   P("dirfd", FD), P("name", PATH), F("flags", FLAGS, OPEN_FLAGS),
	   P("mode", MODE), P("dev", UINT64), P("ino", UINT64)),
	EV(BW_EVT_OPENAT2, "openat2", 437, BW_EC_FILE, P("fd", FD),
	   P("dirfd", FD), P("name", PATH), F("flags", FLAGS, OPEN_FLAGS),
	   P("mode", MODE), F("resolve", FLAGS, RESOLVE_FLAGS),
	   P("dev", UINT64), P("ino", UINT64)),
	EV(BW_EVT_CREAT, "creat", 85, BW_EC_FILE, P("fd", FD), P("name", PATH),
	   P("mode", MODE), P("dev", UINT64), P("ino", UINT64),
	   F("creat_flags", FLAGS, OPEN_FLAGS)),
	EV(BW_EVT_CLOSE, "close", 3, BW_EC_FILE, P("res", ERRNO), P("fd", FD)),
	EV(BW_EVT_UNLINK, "unlink", 87, BW_EC_FILE, P("res", ERRNO),
	   P("path", PATH)),
	EV(BW_EVT_UNLINKAT, "unlinkat", 263, BW_EC_FILE, P("res", ERRNO),
	   P("dirfd", FD), P("name", PATH), F("flags", FLAGS, UNLINKAT_FLAGS)),
	EV(BW_EVT_RENAME, "rename", 82, BW_EC_FILE, P("res", ERRNO),
	   P("oldpath", PATH), P("newpath", PATH)),
	EV(BW_EVT_RENAMEAT, "renameat", 264, BW_EC_FILE, P("res", ERRNO),
	   P("olddirfd", FD), P("oldpath", PATH), P("newdirfd", FD),
	   P("newpath", PATH)),
	EV(BW_EVT_RENAMEAT2, "renameat2", 316, BW_EC_FILE, P("res", ERRNO),
	   P("olddirfd", FD), P("oldpath", PATH), P("newdirfd", FD),
	   P("newpath", PATH), F("flags", FLAGS, RENAME_FLAGS)),
	EV(BW_EVT_LINK, "link", 86, BW_EC_FILE, P("res", ERRNO),
	   P("oldpath", PATH), P("newpath", PATH)),
	EV(BW_EVT_LINKAT, "linkat", 265, BW_EC_FILE, P("res", ERRNO),
	   P("olddir", FD), P("oldpath", PATH), P("newdir", FD),
	   P("newpath", PATH), F("flags", FLAGS, AT_FLAGS)),
	EV(BW_EVT_SYMLINK, "symlink", 88, BW_EC_FILE, P("res", ERRNO),
	   P("target", STR), P("linkpath", PATH)),
	EV(BW_EVT_SYMLINKAT, "symlinkat", 266, BW_EC_FILE, P("res", ERRNO),
	   P("target", STR), P("linkdirfd", FD), P("linkpath", PATH)),
	EV(BW_EVT_CHMOD, "chmod", 90, BW_EC_FILE, P("res", ERRNO),
	   P("filename", PATH), P("mode", MODE)),
	EV(BW_EVT_FCHMOD, "fchmod", 91, BW_EC_FILE, P("res", ERRNO),
	   P("fd", FD), P("mode", MODE)),
	EV(BW_EVT_FCHMODAT, "fchmodat", 268, BW_EC_FILE, P("res", ERRNO),
	   P("dirfd", FD), P("filename", PATH), P("mode", MODE)),
	EV(BW_EVT_CHOWN, "chown", 92, BW_EC_FILE, P("res", ERRNO),
	   P("path", PATH), P("uid", UID), P("gid", GID)),
	EV(BW_EVT_LCHOWN, "lchown", 94, BW_EC_FILE, P("res", ERRNO),
	   P("path", PATH), P("uid", UID), P("gid", GID)),
	EV(BW_EVT_FCHOWN, "fchown", 93, BW_EC_FILE, P("res", ERRNO),
	   P("fd", FD), P("uid", UID), P("gid", GID)),
	EV(BW_EVT_FCHOWNAT, "fchownat", 260, BW_EC_FILE, P("res", ERRNO),
	   P("dirfd", FD), P("pathname", PATH), P("uid", UID), P("gid", GID),
	   F("flags", FLAGS, AT_FLAGS)),
	EV(BW_EVT_MKDIR, "mkdir", 83, BW_EC_FILE, P("res", ERRNO),
	   P("path", PATH), P("mode", MODE)),
	EV(BW_EVT_MKDIRAT, "mkdirat", 258, BW_EC_FILE, P("res", ERRNO),
	   P("dirfd", FD), P("path", PATH), P("mode", MODE)),
	EV(BW_EVT_RMDIR, "rmdir", 84, BW_EC_FILE, P("res", ERRNO),
	   P("path", PATH)),

	/* network */
	EV(BW_EVT_SOCKET, "socket", 41, BW_EC_NET, P("fd", FD),
	   F("domain", ENUM, SOCKET_FAMILY), F("type", FLAGS, SOCKET_TYPE),
	   P("proto", UINT64)),
	EV(BW_EVT_CONNECT, "connect", 42, BW_EC_NET, P("res", ERRNO),
	   P("tuple", TUPLE), P("fd", FD), P("addr", SOCKADDR)),
	EV(BW_EVT_ACCEPT, "accept", 43, BW_EC_NET, P("fd", FD),
	   P("tuple", TUPLE), P("queuepct", UINT64), P("queuelen", UINT64),
	   P("queuemax", UINT64)),
	EV(BW_EVT_ACCEPT4, "accept4", 288, BW_EC_NET, P("fd", FD),
	   P("tuple", TUPLE), P("queuepct", UINT64), P("queuelen", UINT64),
	   P("queuemax", UINT64), F("flags", FLAGS, OPEN_FLAGS)),
	EV(BW_EVT_BIND, "bind", 49, BW_EC_NET, P("res", ERRNO),
	   P("addr", SOCKADDR), P("fd", FD)),
	EV(BW_EVT_LISTEN, "listen", 50, BW_EC_NET, P("res", ERRNO),
	   P("fd", FD), P("backlog", INT64)),
	EV(BW_EVT_SENDTO, "sendto", 44, BW_EC_NET, P("res", ERRNO),
	   P("fd", FD), P("size", UINT64), P("tuple", TUPLE)),
	EV(BW_EVT_RECVFROM, "recvfrom", 45, BW_EC_NET, P("res", ERRNO),
	   P("tuple", TUPLE), P("fd", FD), P("size", UINT64)),
	EV(BW_EVT_SENDMSG, "sendmsg", 46, BW_EC_NET, P("res", ERRNO),
	   P("fd", FD), P("size", UINT64), P("tuple", TUPLE)),
	EV(BW_EVT_RECVMSG, "recvmsg", 47, BW_EC_NET, P("res", ERRNO),
	   P("size", UINT64), P("tuple", TUPLE), P("fd", FD)),

	/* descriptors */
	EV(BW_EVT_DUP, "dup", 32, BW_EC_FILE, P("res", FD), P("oldfd", FD)),
	EV(BW_EVT_DUP2, "dup2", 33, BW_EC_FILE, P("res", FD), P("oldfd", FD),
	   P("newfd", FD)),
	EV(BW_EVT_DUP3, "dup3", 292, BW_EC_FILE, P("res", FD), P("oldfd", FD),
	   P("newfd", FD), F("flags", FLAGS, OPEN_FLAGS)),
	EV(BW_EVT_PIPE, "pipe", 22, BW_EC_IPC, P("res", ERRNO), P("fd1", FD),
	   P("fd2", FD), P("ino", UINT64)),
	EV(BW_EVT_PIPE2, "pipe2", 293, BW_EC_IPC, P("res", ERRNO),
	   P("fd1", FD), P("fd2", FD), P("ino", UINT64),
	   F("flags", FLAGS, OPEN_FLAGS)),
	EV(BW_EVT_FCNTL, "fcntl", 72, BW_EC_FILE, P("res", FD), P("fd", FD),
	   F("cmd", ENUM, FCNTL_CMD)),

	/* privileges */
	EV(BW_EVT_SETUID, "setuid", 105, BW_EC_SECURITY, P("res", ERRNO),
	   P("uid", UID)),
	EV(BW_EVT_SETGID, "setgid", 106, BW_EC_SECURITY, P("res", ERRNO),
	   P("gid", GID)),
	EV(BW_EVT_SETREUID, "setreuid", 113, BW_EC_SECURITY, P("res", ERRNO),
	   P("ruid", UID), P("euid", UID)),
	EV(BW_EVT_SETREGID, "setregid", 114, BW_EC_SECURITY, P("res", ERRNO),
	   P("rgid", GID), P("egid", GID)),
	EV(BW_EVT_SETRESUID, "setresuid", 117, BW_EC_SECURITY, P("res", ERRNO),
	   P("ruid", UID), P("euid", UID), P("suid", UID)),
	EV(BW_EVT_SETRESGID, "setresgid", 119, BW_EC_SECURITY, P("res", ERRNO),
	   P("rgid", GID), P("egid", GID), P("sgid", GID)),
	EV(BW_EVT_CAPSET, "capset", 126, BW_EC_SECURITY, P("res", ERRNO),
	   P("cap_inheritable", UINT64), P("cap_permitted", UINT64),
	   P("cap_effective", UINT64)),
	EV(BW_EVT_PRCTL, "prctl", 157, BW_EC_PROCESS, P("res", ERRNO),
	   F("option", ENUM, PRCTL_OPT), P("arg2_str", STR),
	   P("arg2_int", INT64)),

	/* kernel / system */
	EV(BW_EVT_PTRACE, "ptrace", 101, BW_EC_PROCESS, P("res", ERRNO),
	   P("addr", UINT64), P("data", UINT64),
	   F("request", ENUM, PTRACE_REQ), P("pid", PID)),
	EV(BW_EVT_MOUNT, "mount", 165, BW_EC_FILE, P("res", ERRNO),
	   P("dev", STR), P("dir", PATH), P("type", STR),
	   F("flags", FLAGS, MOUNT_FLAGS)),
	/* x86_64 has no umount(2); glibc's umount() calls umount2. */
	EV(BW_EVT_UMOUNT, "umount", -1, BW_EC_FILE, P("res", ERRNO),
	   P("name", PATH)),
	EV(BW_EVT_UMOUNT2, "umount2", 166, BW_EC_FILE, P("res", ERRNO),
	   P("name", PATH), F("flags", FLAGS, UMOUNT_FLAGS)),
	EV(BW_EVT_INIT_MODULE, "init_module", 175, BW_EC_SYSTEM,
	   P("res", ERRNO), P("length", UINT64), P("uargs", STR)),
	EV(BW_EVT_FINIT_MODULE, "finit_module", 313, BW_EC_SYSTEM,
	   P("res", ERRNO), P("fd", FD), P("uargs", STR), P("flags", UINT64)),
	EV(BW_EVT_DELETE_MODULE, "delete_module", 176, BW_EC_SYSTEM,
	   P("res", ERRNO), P("name", STR), P("flags", UINT64)),
	EV(BW_EVT_BPF, "bpf", 321, BW_EC_SYSTEM, P("fd", FD),
	   F("cmd", ENUM, BPF_CMD)),
	EV(BW_EVT_MEMFD_CREATE, "memfd_create", 319, BW_EC_FILE, P("fd", FD),
	   P("name", STR), F("flags", FLAGS, MEMFD_FLAGS)),
	EV(BW_EVT_UNSHARE, "unshare", 272, BW_EC_PROCESS, P("res", ERRNO),
	   F("flags", FLAGS, CLONE_FLAGS)),
	EV(BW_EVT_SETNS, "setns", 308, BW_EC_PROCESS, P("res", ERRNO),
	   P("fd", FD), F("nstype", FLAGS, CLONE_FLAGS)),
	EV(BW_EVT_CHROOT, "chroot", 161, BW_EC_PROCESS, P("res", ERRNO),
	   P("path", PATH)),
	EV(BW_EVT_CHDIR, "chdir", 80, BW_EC_FILE, P("res", ERRNO),
	   P("path", PATH)),
	EV(BW_EVT_FCHDIR, "fchdir", 81, BW_EC_FILE, P("res", ERRNO),
	   P("fd", FD)),
	EV(BW_EVT_USERFAULTFD, "userfaultfd", 323, BW_EC_FILE, P("res", FD),
	   F("flags", FLAGS, OPEN_FLAGS)),
	EV(BW_EVT_PIDFD_OPEN, "pidfd_open", 434, BW_EC_PROCESS, P("fd", FD),
	   P("pid", PID), P("flags", UINT64)),
	EV(BW_EVT_PIDFD_GETFD, "pidfd_getfd", 438, BW_EC_PROCESS, P("fd", FD),
	   P("pid_fd", FD), P("target_fd", FD), P("flags", UINT64)),
	EV(BW_EVT_KILL, "kill", 62, BW_EC_PROCESS, P("res", ERRNO),
	   P("pid", PID), F("sig", ENUM, SIGNALS)),
	EV(BW_EVT_TGKILL, "tgkill", 234, BW_EC_PROCESS, P("res", ERRNO),
	   P("pid", PID), P("tid", PID), F("sig", ENUM, SIGNALS)),

	/* internal */
	EV(BW_EVT_DROP, "drop", -1, BW_EC_INTERNAL, P("drops", UINT64),
	   P("total", UINT64)),
};

_Static_assert(sizeof(evt_table) / sizeof(evt_table[0]) == BW_EVT__COUNT,
	       "event table covers every type");

const struct bw_evt_info *bw_evt_info(uint16_t type)
{
	if (type >= BW_EVT__COUNT || !evt_table[type].name)
		return NULL;
	return &evt_table[type];
}

uint16_t bw_evt_type_by_name(const char *name, size_t len)
{
	if (!name)
		return BW_EVT_UNKNOWN;
	for (uint16_t t = 1; t < BW_EVT__COUNT; t++) {
		const char *n = evt_table[t].name;

		if (n && strlen(n) == len && !memcmp(n, name, len))
			return t;
	}
	return BW_EVT_UNKNOWN;
}

uint16_t bw_evt_type_by_syscall(int nr)
{
	if (nr < 0)
		return BW_EVT_UNKNOWN;
	for (uint16_t t = 1; t < BW_EVT__COUNT; t++)
		if (evt_table[t].syscall_nr == nr)
			return t;
	return BW_EVT_UNKNOWN;
}

int bw_evt_param_index(uint16_t type, const char *name, size_t len)
{
	const struct bw_evt_info *info = bw_evt_info(type);

	if (!info || !name)
		return -1;
	for (int i = 0; i < info->nparams; i++) {
		const char *n = info->params[i].name;

		if (strlen(n) == len && !memcmp(n, name, len))
			return i;
	}
	return -1;
}
