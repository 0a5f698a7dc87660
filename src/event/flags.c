/*
 * flags.c - the named flag sets used to render FLAGS/ENUM parameters the
 * way Falco prints them ("O_WRONLY|O_CREAT", "PTRACE_ATTACH", "AF_INET"),
 * and the errno name table ("ENOENT").
 *
 * Values are the raw Linux x86_64 values (see event.h).  Each entry is
 * {name, value, mask}: an entry matches when (v & mask) == value.  For a
 * plain bit flag mask == value; for a multi-bit field inside a flag word
 * (the open access mode, the socket type) mask is the field and value one
 * of its settings, so O_RDONLY (value 0 in mask O_ACCMODE) is printed too.
 * An ENUM set matches the whole value against each entry's value.
 */
#include "event/event.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

struct flag {
	const char *name;
	uint64_t value;
	uint64_t mask;
};

#define FL(n, v) {#n, (v), (v)}
#define FV(n, v, m) {#n, (v), (m)}
#define EN(n, v) {#n, (v), ~0ull}

static const struct flag open_flags[] = {
	FV(O_RDONLY, 0, 3), FV(O_WRONLY, 1, 3), FV(O_RDWR, 2, 3),
	FL(O_CREAT, 0100), FL(O_EXCL, 0200), FL(O_NOCTTY, 0400),
	FL(O_TRUNC, 01000), FL(O_APPEND, 02000), FL(O_NONBLOCK, 04000),
	/* __O_TMPFILE includes O_DIRECTORY: list it before O_DIRECTORY */
	FL(O_TMPFILE, 020200000),
	/* O_SYNC is __O_SYNC|O_DSYNC: list it before O_DSYNC */
	FL(O_SYNC, 04010000), FL(O_DSYNC, 010000), FL(O_ASYNC, 020000),
	FL(O_DIRECT, 040000), FL(O_LARGEFILE, 0100000),
	FL(O_DIRECTORY, 0200000), FL(O_NOFOLLOW, 0400000),
	FL(O_NOATIME, 01000000), FL(O_CLOEXEC, 02000000),
	FL(O_PATH, 010000000),
	FL(O_F_CREATED, BW_O_F_CREATED),
};

static const struct flag ptrace_reqs[] = {
	EN(PTRACE_TRACEME, 0), EN(PTRACE_PEEKTEXT, 1), EN(PTRACE_PEEKDATA, 2),
	EN(PTRACE_PEEKUSR, 3), EN(PTRACE_POKETEXT, 4), EN(PTRACE_POKEDATA, 5),
	EN(PTRACE_POKEUSR, 6), EN(PTRACE_CONT, 7), EN(PTRACE_KILL, 8),
	EN(PTRACE_SINGLESTEP, 9), EN(PTRACE_GETREGS, 12),
	EN(PTRACE_SETREGS, 13), EN(PTRACE_GETFPREGS, 14),
	EN(PTRACE_SETFPREGS, 15), EN(PTRACE_ATTACH, 16),
	EN(PTRACE_DETACH, 17), EN(PTRACE_GETFPXREGS, 18),
	EN(PTRACE_SETFPXREGS, 19), EN(PTRACE_SYSCALL, 24),
	EN(PTRACE_GET_THREAD_AREA, 25), EN(PTRACE_SET_THREAD_AREA, 26),
	EN(PTRACE_ARCH_PRCTL, 30), EN(PTRACE_SYSEMU, 31),
	EN(PTRACE_SYSEMU_SINGLESTEP, 32), EN(PTRACE_SINGLEBLOCK, 33),
	EN(PTRACE_SETOPTIONS, 0x4200), EN(PTRACE_GETEVENTMSG, 0x4201),
	EN(PTRACE_GETSIGINFO, 0x4202), EN(PTRACE_SETSIGINFO, 0x4203),
	EN(PTRACE_GETREGSET, 0x4204), EN(PTRACE_SETREGSET, 0x4205),
	EN(PTRACE_SEIZE, 0x4206), EN(PTRACE_INTERRUPT, 0x4207),
	EN(PTRACE_LISTEN, 0x4208), EN(PTRACE_PEEKSIGINFO, 0x4209),
	EN(PTRACE_GETSIGMASK, 0x420a), EN(PTRACE_SETSIGMASK, 0x420b),
	EN(PTRACE_SECCOMP_GET_FILTER, 0x420c),
	EN(PTRACE_SECCOMP_GET_METADATA, 0x420d),
	EN(PTRACE_GET_SYSCALL_INFO, 0x420e),
};

static const struct flag socket_families[] = {
	EN(AF_UNSPEC, 0), EN(AF_UNIX, 1), EN(AF_INET, 2), EN(AF_AX25, 3),
	EN(AF_IPX, 4), EN(AF_APPLETALK, 5), EN(AF_NETROM, 6),
	EN(AF_BRIDGE, 7), EN(AF_ATMPVC, 8), EN(AF_X25, 9), EN(AF_INET6, 10),
	EN(AF_ROSE, 11), EN(AF_DECnet, 12), EN(AF_NETBEUI, 13),
	EN(AF_SECURITY, 14), EN(AF_KEY, 15), EN(AF_NETLINK, 16),
	EN(AF_PACKET, 17), EN(AF_ASH, 18), EN(AF_ECONET, 19),
	EN(AF_ATMSVC, 20), EN(AF_RDS, 21), EN(AF_SNA, 22), EN(AF_IRDA, 23),
	EN(AF_PPPOX, 24), EN(AF_WANPIPE, 25), EN(AF_LLC, 26), EN(AF_IB, 27),
	EN(AF_MPLS, 28), EN(AF_CAN, 29), EN(AF_TIPC, 30),
	EN(AF_BLUETOOTH, 31), EN(AF_IUCV, 32), EN(AF_RXRPC, 33),
	EN(AF_ISDN, 34), EN(AF_PHONET, 35), EN(AF_IEEE802154, 36),
	EN(AF_CAIF, 37), EN(AF_ALG, 38), EN(AF_NFC, 39), EN(AF_VSOCK, 40),
	EN(AF_KCM, 41), EN(AF_QIPCRTR, 42), EN(AF_SMC, 43), EN(AF_XDP, 44),
	EN(AF_MCTP, 45),
};

static const struct flag socket_types[] = {
	FV(SOCK_STREAM, 1, 0xf), FV(SOCK_DGRAM, 2, 0xf), FV(SOCK_RAW, 3, 0xf),
	FV(SOCK_RDM, 4, 0xf), FV(SOCK_SEQPACKET, 5, 0xf),
	FV(SOCK_DCCP, 6, 0xf), FV(SOCK_PACKET, 10, 0xf),
	FL(SOCK_NONBLOCK, 04000), FL(SOCK_CLOEXEC, 02000000),
};

static const struct flag clone_flags[] = {
	FL(CLONE_NEWTIME, 0x80), FL(CLONE_VM, 0x100), FL(CLONE_FS, 0x200),
	FL(CLONE_FILES, 0x400), FL(CLONE_SIGHAND, 0x800),
	FL(CLONE_PIDFD, 0x1000), FL(CLONE_PTRACE, 0x2000),
	FL(CLONE_VFORK, 0x4000), FL(CLONE_PARENT, 0x8000),
	FL(CLONE_THREAD, 0x10000), FL(CLONE_NEWNS, 0x20000),
	FL(CLONE_SYSVSEM, 0x40000), FL(CLONE_SETTLS, 0x80000),
	FL(CLONE_PARENT_SETTID, 0x100000), FL(CLONE_CHILD_CLEARTID, 0x200000),
	FL(CLONE_DETACHED, 0x400000), FL(CLONE_UNTRACED, 0x800000),
	FL(CLONE_CHILD_SETTID, 0x1000000), FL(CLONE_NEWCGROUP, 0x2000000),
	FL(CLONE_NEWUTS, 0x4000000), FL(CLONE_NEWIPC, 0x8000000),
	FL(CLONE_NEWUSER, 0x10000000), FL(CLONE_NEWPID, 0x20000000),
	FL(CLONE_NEWNET, 0x40000000), FL(CLONE_IO, 0x80000000ull),
	FL(CLONE_CLEAR_SIGHAND, 0x100000000ull),
	FL(CLONE_INTO_CGROUP, 0x200000000ull),
};

static const struct flag mount_flags[] = {
	FL(MS_RDONLY, 1), FL(MS_NOSUID, 2), FL(MS_NODEV, 4), FL(MS_NOEXEC, 8),
	FL(MS_SYNCHRONOUS, 16), FL(MS_REMOUNT, 32), FL(MS_MANDLOCK, 64),
	FL(MS_DIRSYNC, 128), FL(MS_NOSYMFOLLOW, 256), FL(MS_NOATIME, 1024),
	FL(MS_NODIRATIME, 2048), FL(MS_BIND, 4096), FL(MS_MOVE, 8192),
	FL(MS_REC, 16384), FL(MS_SILENT, 32768), FL(MS_POSIXACL, 1 << 16),
	FL(MS_UNBINDABLE, 1 << 17), FL(MS_PRIVATE, 1 << 18),
	FL(MS_SLAVE, 1 << 19), FL(MS_SHARED, 1 << 20),
	FL(MS_RELATIME, 1 << 21), FL(MS_KERNMOUNT, 1 << 22),
	FL(MS_I_VERSION, 1 << 23), FL(MS_STRICTATIME, 1 << 24),
	FL(MS_LAZYTIME, 1 << 25), FL(MS_ACTIVE, 1 << 30),
	FL(MS_NOUSER, 1ull << 31),
};

static const struct flag unlinkat_flags[] = {
	FL(AT_REMOVEDIR, 0x200),
};

static const struct flag prctl_opts[] = {
	EN(PR_SET_PDEATHSIG, 1), EN(PR_GET_PDEATHSIG, 2),
	EN(PR_GET_DUMPABLE, 3), EN(PR_SET_DUMPABLE, 4), EN(PR_GET_UNALIGN, 5),
	EN(PR_SET_UNALIGN, 6), EN(PR_GET_KEEPCAPS, 7), EN(PR_SET_KEEPCAPS, 8),
	EN(PR_GET_FPEMU, 9), EN(PR_SET_FPEMU, 10), EN(PR_GET_FPEXC, 11),
	EN(PR_SET_FPEXC, 12), EN(PR_GET_TIMING, 13), EN(PR_SET_TIMING, 14),
	EN(PR_SET_NAME, 15), EN(PR_GET_NAME, 16), EN(PR_GET_ENDIAN, 19),
	EN(PR_SET_ENDIAN, 20), EN(PR_GET_SECCOMP, 21), EN(PR_SET_SECCOMP, 22),
	EN(PR_CAPBSET_READ, 23), EN(PR_CAPBSET_DROP, 24), EN(PR_GET_TSC, 25),
	EN(PR_SET_TSC, 26), EN(PR_GET_SECUREBITS, 27),
	EN(PR_SET_SECUREBITS, 28), EN(PR_SET_TIMERSLACK, 29),
	EN(PR_GET_TIMERSLACK, 30), EN(PR_TASK_PERF_EVENTS_DISABLE, 31),
	EN(PR_TASK_PERF_EVENTS_ENABLE, 32), EN(PR_MCE_KILL, 33),
	EN(PR_MCE_KILL_GET, 34), EN(PR_SET_MM, 35),
	EN(PR_SET_CHILD_SUBREAPER, 36), EN(PR_GET_CHILD_SUBREAPER, 37),
	EN(PR_SET_NO_NEW_PRIVS, 38), EN(PR_GET_NO_NEW_PRIVS, 39),
	EN(PR_GET_TID_ADDRESS, 40), EN(PR_SET_THP_DISABLE, 41),
	EN(PR_GET_THP_DISABLE, 42), EN(PR_SET_FP_MODE, 45),
	EN(PR_GET_FP_MODE, 46), EN(PR_CAP_AMBIENT, 47),
	EN(PR_SET_VMA, 0x53564d41), EN(PR_SET_PTRACER, 0x59616d61),
};

static const struct flag bpf_cmds[] = {
	EN(BPF_MAP_CREATE, 0), EN(BPF_MAP_LOOKUP_ELEM, 1),
	EN(BPF_MAP_UPDATE_ELEM, 2), EN(BPF_MAP_DELETE_ELEM, 3),
	EN(BPF_MAP_GET_NEXT_KEY, 4), EN(BPF_PROG_LOAD, 5), EN(BPF_OBJ_PIN, 6),
	EN(BPF_OBJ_GET, 7), EN(BPF_PROG_ATTACH, 8), EN(BPF_PROG_DETACH, 9),
	EN(BPF_PROG_TEST_RUN, 10), EN(BPF_PROG_GET_NEXT_ID, 11),
	EN(BPF_MAP_GET_NEXT_ID, 12), EN(BPF_PROG_GET_FD_BY_ID, 13),
	EN(BPF_MAP_GET_FD_BY_ID, 14), EN(BPF_OBJ_GET_INFO_BY_FD, 15),
	EN(BPF_PROG_QUERY, 16), EN(BPF_RAW_TRACEPOINT_OPEN, 17),
	EN(BPF_BTF_LOAD, 18), EN(BPF_BTF_GET_FD_BY_ID, 19),
	EN(BPF_TASK_FD_QUERY, 20), EN(BPF_MAP_LOOKUP_AND_DELETE_ELEM, 21),
	EN(BPF_MAP_FREEZE, 22), EN(BPF_BTF_GET_NEXT_ID, 23),
	EN(BPF_MAP_LOOKUP_BATCH, 24), EN(BPF_MAP_LOOKUP_AND_DELETE_BATCH, 25),
	EN(BPF_MAP_UPDATE_BATCH, 26), EN(BPF_MAP_DELETE_BATCH, 27),
	EN(BPF_LINK_CREATE, 28), EN(BPF_LINK_UPDATE, 29),
	EN(BPF_LINK_GET_FD_BY_ID, 30), EN(BPF_LINK_GET_NEXT_ID, 31),
	EN(BPF_ENABLE_STATS, 32), EN(BPF_ITER_CREATE, 33),
	EN(BPF_LINK_DETACH, 34), EN(BPF_PROG_BIND_MAP, 35),
	EN(BPF_TOKEN_CREATE, 36),
};

static const struct flag fcntl_cmds[] = {
	EN(F_DUPFD, 0), EN(F_GETFD, 1), EN(F_SETFD, 2), EN(F_GETFL, 3),
	EN(F_SETFL, 4), EN(F_GETLK, 5), EN(F_SETLK, 6), EN(F_SETLKW, 7),
	EN(F_SETOWN, 8), EN(F_GETOWN, 9), EN(F_SETSIG, 10), EN(F_GETSIG, 11),
	EN(F_SETOWN_EX, 15), EN(F_GETOWN_EX, 16), EN(F_OFD_GETLK, 36),
	EN(F_OFD_SETLK, 37), EN(F_OFD_SETLKW, 38), EN(F_SETLEASE, 1024),
	EN(F_GETLEASE, 1025), EN(F_NOTIFY, 1026), EN(F_DUPFD_CLOEXEC, 1030),
	EN(F_SETPIPE_SZ, 1031), EN(F_GETPIPE_SZ, 1032), EN(F_ADD_SEALS, 1033),
	EN(F_GET_SEALS, 1034),
};

static const struct flag memfd_flags[] = {
	FL(MFD_CLOEXEC, 1), FL(MFD_ALLOW_SEALING, 2), FL(MFD_HUGETLB, 4),
	FL(MFD_NOEXEC_SEAL, 8), FL(MFD_EXEC, 0x10),
};

static const struct flag execve_flags[] = {
	FL(EXE_WRITABLE, BW_EXE_WRITABLE),
	FL(EXE_UPPER_LAYER, BW_EXE_UPPER_LAYER),
	FL(EXE_FROM_MEMFD, BW_EXE_FROM_MEMFD),
	FL(EXE_LOWER_LAYER, BW_EXE_LOWER_LAYER),
};

static const struct flag signals[] = {
	EN(SIGHUP, 1), EN(SIGINT, 2), EN(SIGQUIT, 3), EN(SIGILL, 4),
	EN(SIGTRAP, 5), EN(SIGABRT, 6), EN(SIGBUS, 7), EN(SIGFPE, 8),
	EN(SIGKILL, 9), EN(SIGUSR1, 10), EN(SIGSEGV, 11), EN(SIGUSR2, 12),
	EN(SIGPIPE, 13), EN(SIGALRM, 14), EN(SIGTERM, 15), EN(SIGSTKFLT, 16),
	EN(SIGCHLD, 17), EN(SIGCONT, 18), EN(SIGSTOP, 19), EN(SIGTSTP, 20),
	EN(SIGTTIN, 21), EN(SIGTTOU, 22), EN(SIGURG, 23), EN(SIGXCPU, 24),
	EN(SIGXFSZ, 25), EN(SIGVTALRM, 26), EN(SIGPROF, 27), EN(SIGWINCH, 28),
	EN(SIGIO, 29), EN(SIGPWR, 30), EN(SIGSYS, 31),
};

static const struct flag umount_flags[] = {
	FL(MNT_FORCE, 1), FL(MNT_DETACH, 2), FL(MNT_EXPIRE, 4),
	FL(UMOUNT_NOFOLLOW, 8),
};

static const struct flag at_flags[] = {
	FL(AT_SYMLINK_NOFOLLOW, 0x100), FL(AT_REMOVEDIR, 0x200),
	FL(AT_SYMLINK_FOLLOW, 0x400), FL(AT_NO_AUTOMOUNT, 0x800),
	FL(AT_EMPTY_PATH, 0x1000),
};

static const struct flag rename_flags[] = {
	FL(RENAME_NOREPLACE, 1), FL(RENAME_EXCHANGE, 2),
	FL(RENAME_WHITEOUT, 4),
};

static const struct flag resolve_flags[] = {
	FL(RESOLVE_NO_XDEV, 1), FL(RESOLVE_NO_MAGICLINKS, 2),
	FL(RESOLVE_NO_SYMLINKS, 4), FL(RESOLVE_BENEATH, 8),
	FL(RESOLVE_IN_ROOT, 0x10), FL(RESOLVE_CACHED, 0x20),
};

struct flagset {
	const struct flag *f;
	size_t n;
};

#define SET(x) {x, sizeof(x) / sizeof(x[0])}

static const struct flagset flagsets[BW_FS__COUNT] = {
	[BW_FS_OPEN_FLAGS] = SET(open_flags),
	[BW_FS_PTRACE_REQ] = SET(ptrace_reqs),
	[BW_FS_SOCKET_FAMILY] = SET(socket_families),
	[BW_FS_SOCKET_TYPE] = SET(socket_types),
	[BW_FS_CLONE_FLAGS] = SET(clone_flags),
	[BW_FS_MOUNT_FLAGS] = SET(mount_flags),
	[BW_FS_UNLINKAT_FLAGS] = SET(unlinkat_flags),
	[BW_FS_PRCTL_OPT] = SET(prctl_opts),
	[BW_FS_BPF_CMD] = SET(bpf_cmds),
	[BW_FS_FCNTL_CMD] = SET(fcntl_cmds),
	[BW_FS_MEMFD_FLAGS] = SET(memfd_flags),
	[BW_FS_EXECVE_FLAGS] = SET(execve_flags),
	[BW_FS_SIGNALS] = SET(signals),
	[BW_FS_UMOUNT_FLAGS] = SET(umount_flags),
	[BW_FS_AT_FLAGS] = SET(at_flags),
	[BW_FS_RENAME_FLAGS] = SET(rename_flags),
	[BW_FS_RESOLVE_FLAGS] = SET(resolve_flags),
};

static const struct flagset *flagset_get(enum bw_flagset set)
{
	if ((unsigned)set >= BW_FS__COUNT || !flagsets[set].f)
		return NULL;
	return &flagsets[set];
}

/* Appends s to buf at *pos, keeping NUL termination and truncating. */
static void put(char *buf, size_t len, size_t *pos, const char *s)
{
	size_t n = strlen(s);

	if (*pos + 1 >= len)
		return;
	if (n > len - 1 - *pos)
		n = len - 1 - *pos;
	memcpy(buf + *pos, s, n);
	*pos += n;
	buf[*pos] = '\0';
}

size_t bw_flags_render(enum bw_flagset set, uint64_t value, char *buf,
		       size_t len)
{
	const struct flagset *fs = flagset_get(set);
	uint64_t rest = value;
	size_t pos = 0;
	char num[32];

	if (!buf || !len)
		return 0;
	buf[0] = '\0';
	if (!fs) {
		snprintf(num, sizeof(num), "%llu", (unsigned long long)value);
		put(buf, len, &pos, num);
		return pos;
	}
	for (size_t i = 0; i < fs->n; i++) {
		const struct flag *f = &fs->f[i];

		if (f->mask == ~0ull) /* enum entry */
			continue;
		if ((value & f->mask) != f->value)
			continue;
		/* a combined flag (O_SYNC) shadows its parts (O_DSYNC) */
		if (f->value && (rest & f->value) != f->value)
			continue;
		if (pos)
			put(buf, len, &pos, "|");
		put(buf, len, &pos, f->name);
		rest &= ~f->mask;
	}
	for (size_t i = 0; i < fs->n && !pos; i++)
		if (fs->f[i].mask == ~0ull && fs->f[i].value == value) {
			put(buf, len, &pos, fs->f[i].name);
			rest = 0;
		}
	if (rest || !pos) {
		snprintf(num, sizeof(num), pos ? "0x%llx" : "%llu",
			 (unsigned long long)rest);
		if (pos)
			put(buf, len, &pos, "|");
		put(buf, len, &pos, num);
	}
	return pos;
}

int bw_flag_by_name(enum bw_flagset set, const char *name, size_t len,
		    uint64_t *ret_value)
{
	const struct flagset *fs = flagset_get(set);

	if (!fs || !name)
		return -ENOENT;
	for (size_t i = 0; i < fs->n; i++) {
		const char *n = fs->f[i].name;

		if (strlen(n) == len && !memcmp(n, name, len)) {
			if (ret_value)
				*ret_value = fs->f[i].value;
			return 0;
		}
	}
	return -ENOENT;
}

size_t bw_enum_render(enum bw_flagset set, uint64_t value, char *buf,
		      size_t len)
{
	const struct flagset *fs = flagset_get(set);
	size_t pos = 0;
	char num[32];

	if (!buf || !len)
		return 0;
	buf[0] = '\0';
	for (size_t i = 0; fs && i < fs->n; i++)
		if (fs->f[i].value == value) {
			put(buf, len, &pos, fs->f[i].name);
			return pos;
		}
	snprintf(num, sizeof(num), "%lld", (long long)value);
	put(buf, len, &pos, num);
	return pos;
}

#define E(x) [x] = #x
static const char *const errno_names[] = {
	E(EPERM), E(ENOENT), E(ESRCH), E(EINTR), E(EIO), E(ENXIO), E(E2BIG),
	E(ENOEXEC), E(EBADF), E(ECHILD), E(EAGAIN), E(ENOMEM), E(EACCES),
	E(EFAULT), E(ENOTBLK), E(EBUSY), E(EEXIST), E(EXDEV), E(ENODEV),
	E(ENOTDIR), E(EISDIR), E(EINVAL), E(ENFILE), E(EMFILE), E(ENOTTY),
	E(ETXTBSY), E(EFBIG), E(ENOSPC), E(ESPIPE), E(EROFS), E(EMLINK),
	E(EPIPE), E(EDOM), E(ERANGE), E(EDEADLK), E(ENAMETOOLONG), E(ENOLCK),
	E(ENOSYS), E(ENOTEMPTY), E(ELOOP), E(ENOMSG), E(EIDRM), E(ECHRNG),
	E(EL2NSYNC), E(EL3HLT), E(EL3RST), E(ELNRNG), E(EUNATCH), E(ENOCSI),
	E(EL2HLT), E(EBADE), E(EBADR), E(EXFULL), E(ENOANO), E(EBADRQC),
	E(EBADSLT), E(EBFONT), E(ENOSTR), E(ENODATA), E(ETIME), E(ENOSR),
	E(ENONET), E(ENOPKG), E(EREMOTE), E(ENOLINK), E(EADV), E(ESRMNT),
	E(ECOMM), E(EPROTO), E(EMULTIHOP), E(EDOTDOT), E(EBADMSG),
	E(EOVERFLOW), E(ENOTUNIQ), E(EBADFD), E(EREMCHG), E(ELIBACC),
	E(ELIBBAD), E(ELIBSCN), E(ELIBMAX), E(ELIBEXEC), E(EILSEQ),
	E(ERESTART), E(ESTRPIPE), E(EUSERS), E(ENOTSOCK), E(EDESTADDRREQ),
	E(EMSGSIZE), E(EPROTOTYPE), E(ENOPROTOOPT), E(EPROTONOSUPPORT),
	E(ESOCKTNOSUPPORT), E(EOPNOTSUPP), E(EPFNOSUPPORT), E(EAFNOSUPPORT),
	E(EADDRINUSE), E(EADDRNOTAVAIL), E(ENETDOWN), E(ENETUNREACH),
	E(ENETRESET), E(ECONNABORTED), E(ECONNRESET), E(ENOBUFS), E(EISCONN),
	E(ENOTCONN), E(ESHUTDOWN), E(ETOOMANYREFS), E(ETIMEDOUT),
	E(ECONNREFUSED), E(EHOSTDOWN), E(EHOSTUNREACH), E(EALREADY),
	E(EINPROGRESS), E(ESTALE), E(EUCLEAN), E(ENOTNAM), E(ENAVAIL),
	E(EISNAM), E(EREMOTEIO), E(EDQUOT), E(ENOMEDIUM), E(EMEDIUMTYPE),
	E(ECANCELED), E(ENOKEY), E(EKEYEXPIRED), E(EKEYREVOKED),
	E(EKEYREJECTED), E(EOWNERDEAD), E(ENOTRECOVERABLE), E(ERFKILL),
	E(EHWPOISON),
};

const char *bw_errno_name(int err)
{
	if (err < 0)
		err = -err;
	if (err <= 0 || (size_t)err >= sizeof(errno_names) / sizeof(errno_names[0]))
		return NULL;
	return errno_names[err];
}
