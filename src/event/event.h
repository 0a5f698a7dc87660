/*
 * event.h - the one event model of Bulwark, shared by the sensor (which
 * decodes kernel records into it), state (which updates the process and fd
 * tables from it), the rules engine (whose fields read it), capture and
 * response.
 *
 * An event is one system call (or scheduler event) observed at its exit,
 * carrying the arguments read at entry where they were needed.  Event types
 * use Falco's names ("openat", "execve", "procexit", ...) so that Falco
 * rules' `evt.type in (...)` work unchanged; each type has a fixed list of
 * named, typed parameters (Falco's exit-event parameter names, e.g. openat:
 * fd, dirfd, name, flags, mode, dev, ino) described by a table in
 * evttypes.c.
 *
 * Ownership: a struct bw_event and the strings its parameters point to are
 * owned by whoever decoded it (the sensor's ring-buffer callback, a capture
 * reader, a test) and are valid only for the duration of processing.  The
 * proc/fd/container pointers are borrowed from the state tables.
 */
#ifndef BW_EVENT_EVENT_H
#define BW_EVENT_EVENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define BW_EVT_MAX_PARAMS 26    /* execve keeps 24 parameters */
#define BW_EVT_MAX_ARGV 64     /* argv entries kept for an execve */

/* Event types.  The numeric value is the index into the event-type table. */
enum bw_evt_type {
	BW_EVT_UNKNOWN = 0,
	/* process lifecycle */
	BW_EVT_EXECVE, BW_EVT_EXECVEAT, BW_EVT_CLONE, BW_EVT_CLONE3,
	BW_EVT_FORK, BW_EVT_VFORK, BW_EVT_PROCEXIT,
	/* files */
	BW_EVT_OPEN, BW_EVT_OPENAT, BW_EVT_OPENAT2, BW_EVT_CREAT,
	BW_EVT_CLOSE,
	BW_EVT_UNLINK, BW_EVT_UNLINKAT, BW_EVT_RENAME, BW_EVT_RENAMEAT,
	BW_EVT_RENAMEAT2, BW_EVT_LINK, BW_EVT_LINKAT, BW_EVT_SYMLINK,
	BW_EVT_SYMLINKAT, BW_EVT_CHMOD, BW_EVT_FCHMOD, BW_EVT_FCHMODAT,
	BW_EVT_CHOWN, BW_EVT_LCHOWN, BW_EVT_FCHOWN, BW_EVT_FCHOWNAT,
	BW_EVT_MKDIR, BW_EVT_MKDIRAT, BW_EVT_RMDIR,
	/* network */
	BW_EVT_SOCKET, BW_EVT_CONNECT, BW_EVT_ACCEPT, BW_EVT_ACCEPT4,
	BW_EVT_BIND, BW_EVT_LISTEN, BW_EVT_SENDTO, BW_EVT_RECVFROM,
	BW_EVT_SENDMSG, BW_EVT_RECVMSG,
	/* descriptors */
	BW_EVT_DUP, BW_EVT_DUP2, BW_EVT_DUP3, BW_EVT_PIPE, BW_EVT_PIPE2,
	BW_EVT_FCNTL,
	/* privileges */
	BW_EVT_SETUID, BW_EVT_SETGID, BW_EVT_SETREUID, BW_EVT_SETREGID,
	BW_EVT_SETRESUID, BW_EVT_SETRESGID, BW_EVT_CAPSET, BW_EVT_PRCTL,
	/* kernel / system */
	BW_EVT_PTRACE, BW_EVT_MOUNT, BW_EVT_UMOUNT, BW_EVT_UMOUNT2,
	BW_EVT_INIT_MODULE, BW_EVT_FINIT_MODULE, BW_EVT_DELETE_MODULE,
	BW_EVT_BPF, BW_EVT_MEMFD_CREATE, BW_EVT_UNSHARE, BW_EVT_SETNS,
	BW_EVT_CHROOT, BW_EVT_CHDIR, BW_EVT_FCHDIR, BW_EVT_USERFAULTFD,
	BW_EVT_PIDFD_OPEN, BW_EVT_PIDFD_GETFD, BW_EVT_KILL, BW_EVT_TGKILL,
	/* internal (not syscalls) */
	BW_EVT_DROP,       /* synthesized when the sensor counted drops */
	BW_EVT__COUNT
};

/* Parameter value types. */
enum bw_ptype {
	BW_PT_NONE = 0,
	BW_PT_INT64,     /* signed integer (ints, pids, sizes) */
	BW_PT_UINT64,    /* unsigned integer */
	BW_PT_FD,        /* file descriptor number (int64, may be negative) */
	BW_PT_ERRNO,     /* syscall result: >=0 value, <0 -errno */
	BW_PT_PID,       /* process id */
	BW_PT_UID,       /* user id */
	BW_PT_GID,       /* group id */
	BW_PT_MODE,      /* file mode bits (printed octal) */
	BW_PT_FLAGS,     /* bit flags rendered via a flag set, e.g. O_RDWR|O_CREAT */
	BW_PT_ENUM,      /* one value rendered via a flag set, e.g. PTRACE_ATTACH */
	BW_PT_STR,       /* string (not a path) */
	BW_PT_PATH,      /* filesystem path as given by the caller */
	BW_PT_BYTES,     /* raw byte buffer */
	BW_PT_SOCKADDR,  /* a socket address */
	BW_PT_TUPLE,     /* a connection tuple (source and destination) */
};

/* Flag sets used to render BW_PT_FLAGS / BW_PT_ENUM parameters. */
enum bw_flagset {
	BW_FS_NONE = 0,
	BW_FS_OPEN_FLAGS,     /* O_RDONLY|O_WRONLY|... (Falco's PPM_O_*) */
	BW_FS_PTRACE_REQ,     /* PTRACE_ATTACH, ... */
	BW_FS_SOCKET_FAMILY,  /* AF_INET, ... */
	BW_FS_SOCKET_TYPE,    /* SOCK_STREAM, ... */
	BW_FS_CLONE_FLAGS,    /* CLONE_NEWNS|... */
	BW_FS_MOUNT_FLAGS,    /* MS_RDONLY|... */
	BW_FS_UNLINKAT_FLAGS, /* AT_REMOVEDIR */
	BW_FS_PRCTL_OPT,      /* PR_SET_NAME, ... */
	BW_FS_BPF_CMD,        /* BPF_PROG_LOAD, ... */
	BW_FS_FCNTL_CMD,      /* F_DUPFD, ... */
	BW_FS_MEMFD_FLAGS,    /* MFD_CLOEXEC|... */
	/* added by the sensor/table work (append-only) */
	BW_FS_EXECVE_FLAGS,   /* EXE_WRITABLE|EXE_UPPER_LAYER|EXE_FROM_MEMFD */
	BW_FS_SIGNALS,        /* SIGKILL, ... (enum) */
	BW_FS_UMOUNT_FLAGS,   /* MNT_FORCE|MNT_DETACH|... */
	BW_FS_AT_FLAGS,       /* AT_SYMLINK_NOFOLLOW|AT_EMPTY_PATH|... */
	BW_FS_RENAME_FLAGS,   /* RENAME_NOREPLACE|... */
	BW_FS_RESOLVE_FLAGS,  /* openat2 RESOLVE_* */
	BW_FS__COUNT
};

/*
 * Flag values are the raw Linux x86_64 values the kernel saw (O_CREAT is
 * 0100, CLONE_NEWNS 0x20000, ...), rendered with Falco's names.  Two
 * exceptions, both bits the kernel never uses:
 *   BW_O_F_CREATED  open flags: the open created the file (Falco's
 *                   O_F_CREATED, from FMODE_CREATED at exit)
 * Execve flags (BW_FS_EXECVE_FLAGS) are Falco's PPM_EXE_* bits below.
 */
#define BW_O_F_CREATED (1ull << 32)
#define BW_EXE_WRITABLE    0x1u
#define BW_EXE_UPPER_LAYER 0x2u
#define BW_EXE_FROM_MEMFD  0x4u
#define BW_EXE_LOWER_LAYER 0x8u

/* Socket address: family is AF_INET, AF_INET6, AF_UNIX or 0 (none). */
struct bw_sockaddr {
	uint16_t family;
	uint16_t port;        /* host byte order */
	uint8_t addr[16];     /* IPv4 in the first 4 bytes, network order */
	const char *path;     /* AF_UNIX path (not NUL-terminated), else NULL */
	uint32_t path_len;
};

/* Connection tuple; for connect/accept: src = client, dst = server. */
struct bw_tuple {
	struct bw_sockaddr src;
	struct bw_sockaddr dst;
};

/* A length-carrying string; ptr is not necessarily NUL-terminated. */
struct bw_str {
	const char *ptr;
	uint32_t len;
};

struct bw_param {
	uint8_t type;        /* enum bw_ptype; BW_PT_NONE = not available */
	union {
		int64_t i64;
		uint64_t u64;
		struct bw_str str;  /* STR, PATH, BYTES */
		struct bw_sockaddr sa;
		struct bw_tuple tuple;
	} v;
};

struct bw_proc;
struct bw_fdinfo;
struct bw_container;

struct bw_event {
	uint64_t num;        /* sequence number, starting at 1 */
	uint64_t ts_ns;      /* wall-clock time (ns since the epoch) */
	uint16_t type;       /* enum bw_evt_type */
	uint16_t cpu;
	int64_t res;         /* return value: >=0 ok, <0 -errno */
	int32_t tid;         /* host thread id */
	int32_t pid;         /* host process id (tgid) */
	uint8_t nparams;     /* == table's nparams for the type */
	struct bw_param params[BW_EVT_MAX_PARAMS];

	/* execve: argv (argv[0] first) and environment count. */
	uint16_t argc;
	struct bw_str argv[BW_EVT_MAX_ARGV];
	uint32_t env_count;

	/* Filled by state_process_event(); borrowed, may be NULL. */
	struct bw_proc *proc;
	struct bw_fdinfo *fd;            /* the fd the event concerns */
	const struct bw_container *container;
};

/* Description of one parameter of an event type. */
struct bw_param_info {
	const char *name;    /* Falco's name: "fd", "name", "flags", ... */
	uint8_t type;        /* enum bw_ptype */
	uint8_t flagset;     /* enum bw_flagset for FLAGS/ENUM */
};

/* Event categories (bit flags), used by fields such as evt.category. */
#define BW_EC_PROCESS 0x01
#define BW_EC_FILE    0x02
#define BW_EC_NET     0x04
#define BW_EC_IPC     0x08
#define BW_EC_SECURITY 0x10
#define BW_EC_SYSTEM  0x20
#define BW_EC_INTERNAL 0x40

struct bw_evt_info {
	const char *name;      /* Falco's event name */
	int syscall_nr;        /* x86_64 syscall number, -1 for non-syscalls */
	uint8_t category;      /* BW_EC_* */
	uint8_t nparams;
	struct bw_param_info params[BW_EVT_MAX_PARAMS];
};

/* Table access.  Returns NULL for an out-of-range type. */
const struct bw_evt_info *bw_evt_info(uint16_t type);

/* Looks up an event type by Falco name; returns BW_EVT_UNKNOWN if none. */
uint16_t bw_evt_type_by_name(const char *name, size_t len);

/* Maps an x86_64 syscall number to an event type (BW_EVT_UNKNOWN if none). */
uint16_t bw_evt_type_by_syscall(int nr);

/* Index of the parameter called name for the type, or -1. */
int bw_evt_param_index(uint16_t type, const char *name, size_t len);

/*
 * Renders a parameter as Falco prints it (flags as "O_RDWR|O_CREAT", errors
 * as "ENOENT", sockaddrs as "1.2.3.4:80", tuples as "a:p->b:q").  Writes a
 * NUL-terminated string, truncating to len.  Returns the number of bytes
 * written (excluding the NUL).
 */
size_t bw_param_render(const struct bw_param_info *info,
		       const struct bw_param *p, char *buf, size_t len);

/* Name of an errno value as Falco prints it ("ENOENT"), or NULL. */
const char *bw_errno_name(int err);

/* Renders flags of a flag set ("O_WRONLY|O_CREAT"); same contract as above. */
size_t bw_flags_render(enum bw_flagset set, uint64_t value, char *buf,
		       size_t len);

/*
 * Looks a single flag name up in a flag set (e.g. "O_CREAT" in
 * BW_FS_OPEN_FLAGS).  Returns 0 and writes *ret_value, or -ENOENT.
 */
int bw_flag_by_name(enum bw_flagset set, const char *name, size_t len,
		    uint64_t *ret_value);

/* Renders one value of an enum-like flag set ("PTRACE_ATTACH", "SIGKILL",
 * "AF_INET"), or the decimal number when it has no name; same contract as
 * bw_param_render. */
size_t bw_enum_render(enum bw_flagset set, uint64_t value, char *buf,
		      size_t len);

/* Formats an IP address (family AF_INET/AF_INET6) into buf. */
size_t bw_ip_render(uint16_t family, const uint8_t addr[16], char *buf,
		    size_t len);

#endif
