/*
 * state.h - what Bulwark knows about the running system: a process (thread)
 * table, per-process fd tables for files and sockets, and container metadata.
 *
 * The tables are seeded from /proc at start so already-running processes have
 * full information, then kept current by feeding every event through
 * state_process_event() before the rules see it.  Memory is bounded: entries
 * of exited processes are reaped (procexit, plus a periodic sweep against
 * /proc for exits the sensor missed), and every table has a hard maximum.
 *
 * Thread model: a struct bw_state is owned by the single event-loop thread.
 * Nothing here is locked; other threads must not touch it.
 *
 * Ownership: the state owns every bw_proc, bw_fdinfo and bw_container; the
 * pointers it hands out (lookups, event->proc/fd/container) stay valid until
 * the next call that mutates the state (state_process_event, state_sweep,
 * state_free).
 *
 * All paths that read the host (/proc, cgroup files, runtime state dirs) go
 * through a configurable root prefix so tests can use a fake tree.
 */
#ifndef BW_STATE_STATE_H
#define BW_STATE_STATE_H

#include <stdbool.h>
#include <stdint.h>

#include "common/error.h"
#include "event/event.h"

#define STATE_MAX_PROCS 65536        /* thread entries kept */
#define STATE_MAX_FDS_PER_PROC 4096  /* fd entries kept per process */
#define STATE_MAX_CONTAINERS 4096
#define STATE_MAX_ARGS_LEN 4096      /* bytes of argv kept */
#define STATE_MAX_PATH 4096

/* fd types (Falco's fd.type / fd.typechar). */
enum bw_fdtype {
	BW_FD_UNKNOWN = 0, /* typechar '?' */
	BW_FD_FILE,        /* 'f' "file" */
	BW_FD_DIRECTORY,   /* 'd' "directory" */
	BW_FD_IPV4,        /* '4' "ipv4" */
	BW_FD_IPV6,        /* '6' "ipv6" */
	BW_FD_UNIX,        /* 'u' "unix" */
	BW_FD_PIPE,        /* 'p' "pipe" */
	BW_FD_EVENT,       /* 'e' "event" */
	BW_FD_SIGNALFD,    /* 's' "signalfd" */
	BW_FD_EVENTPOLL,   /* 'l' "eventpoll" */
	BW_FD_INOTIFY,     /* 'i' "inotify" */
	BW_FD_TIMERFD,     /* 't' "timerfd" */
	BW_FD_NETLINK,     /* 'n' "netlink" */
	BW_FD_BPF,         /* 'b' "bpf" */
	BW_FD_USERFAULTFD, /* 'u' "userfaultfd" */
	BW_FD_IOURING,     /* 'r' "io_uring" */
	BW_FD_MEMFD,       /* 'm' "memfd" */
	BW_FD_PIDFD,       /* 'P' "pidfd" */
	BW_FD__COUNT
};

/* IP protocol of a socket fd (fd.l4proto). */
enum bw_l4proto { BW_L4_UNKNOWN = 0, BW_L4_TCP, BW_L4_UDP, BW_L4_ICMP, BW_L4_RAW };

struct bw_fdinfo {
	int64_t fd;
	uint8_t type;          /* enum bw_fdtype */
	uint8_t l4proto;       /* enum bw_l4proto */
	bool is_server;        /* listening / accepted-side socket */
	bool connected;        /* fd.connected */
	uint32_t open_flags;   /* flags given to open */
	uint32_t sock_domain;  /* AF_* for sockets */
	uint32_t sock_type;    /* SOCK_* for sockets */
	uint64_t dev, ino;
	char *name;            /* path, or "cip:cport->sip:sport", or unix path */
	char *name_raw;        /* path exactly as the process passed it */
	struct bw_tuple tuple; /* sockets: src = client, dst = server */
	char tuple_path[108];  /* storage for unix paths in tuple */
};

/* One mount of a container (container.mount.*). */
struct bw_mount {
	char *source;
	char *dest;
	char *mode;       /* e.g. "rw" / "ro" */
	bool rw;
	char *propagation;
};

struct bw_container {
	char id[13];           /* short id (12 hex), "host" for the host */
	char *full_id;         /* full id, NULL for the host */
	char *name;            /* runtime name (runc: the container id) */
	char *image;           /* full image reference, NULL if unknown */
	char *image_repository;
	char *image_tag;
	char *image_digest;
	char *type;            /* "runc", "containerd", "cri-o", "docker", "podman" */
	char *pod_name;        /* io.kubernetes.pod.name */
	char *pod_namespace;   /* io.kubernetes.pod.namespace */
	char *pod_uid;
	bool privileged;
	uint64_t start_ts;     /* ns since the epoch, 0 if unknown */
	uint32_t nlabels;
	char **label_keys;
	char **label_values;
	uint32_t nmounts;
	struct bw_mount *mounts;
	char *bundle;          /* runc bundle dir, NULL if unknown */
};

struct bw_fdtable;

struct bw_proc {
	int32_t tid;           /* host thread id (table key) */
	int32_t pid;           /* host tgid */
	int32_t ppid;          /* host tgid of the parent */
	int32_t vtid, vpid;    /* ids in the process's own pid namespace */
	int32_t pgid, vpgid, sid;
	char comm[16];         /* proc.name */
	char *exe;             /* argv[0] (proc.exe) */
	char *exepath;         /* full executable path (proc.exepath) */
	char *cwd;
	char *args;            /* argv[1..] as NUL-separated strings */
	uint32_t args_len;     /* bytes in args, including NULs */
	uint32_t argc;         /* number of strings in args */
	uint32_t env_count;
	uint32_t uid, gid, euid, egid, suid, sgid;
	uint32_t loginuid;     /* 0xffffffff = unset (-1) */
	uint32_t tty;          /* tty device number, 0 = none */
	uint64_t start_ts;     /* ns since the epoch */
	uint64_t cap_effective, cap_permitted, cap_inheritable;
	uint64_t exe_ino, exe_ino_ctime, exe_ino_mtime;
	bool exe_writable;          /* proc.is_exe_writable */
	bool exe_upper_layer;       /* proc.is_exe_upper_layer */
	bool exe_from_memfd;        /* proc.is_exe_from_memfd */
	bool vpgid_leader;
	bool from_proc;        /* seeded from /proc rather than seen exec'd */
	char cgroup[256];      /* the cgroup path used to derive the container */
	struct bw_container *container; /* never NULL: the host has one too */
	struct bw_fdtable *fds; /* shared by the threads of one process */
};

struct bw_state_config {
	const char *root;            /* host root prefix, "" or "/" normally */
	const char *runc_root;       /* default "/run/runc" */
	bool seed_from_proc;         /* read /proc at state_new() */
};

struct bw_state_stats {
	uint64_t procs, fds, containers;
	uint64_t reaped;
	uint64_t lookups_missed;     /* events whose process was unknown */
	uint64_t proc_table_full;    /* inserts refused for the bound */
};

struct bw_state;

/* Creates a state; seeds from /proc when cfg->seed_from_proc.  Caller frees
 * with state_free(). */
int state_new(const struct bw_state_config *cfg, struct bw_state **ret,
	      struct bw_error *err);
void state_free(struct bw_state *st);

/*
 * Updates the tables from ev (fork/clone creates entries, execve refreshes
 * exe/args/cwd, open/socket/connect/accept/dup/close maintain fds, setuid
 * and friends update credentials, procexit reaps) and fills ev->proc,
 * ev->fd and ev->container.  A process the state does not know is read from
 * /proc on first sight; if it is already gone, a minimal entry is made from
 * the event so the event stays usable (degraded, never dropped).
 */
void state_process_event(struct bw_state *st, struct bw_event *ev);

/*
 * Applies the changes that must become visible only after the rules have
 * seen ev, so that conditions see the state as it was when the call was
 * made (Falco evaluates these on the enter event): credentials changed by
 * setuid/setgid/setres*id/setre*id/capset (user.uid is still the caller's
 * old uid while rules run), the fd removed by close (fd.name is available on
 * the close event), the thread reaped by procexit.  Call it after
 * rules_eval() for every event given to state_process_event().
 */
void state_post_event(struct bw_state *st, struct bw_event *ev);

/* Lookups; return borrowed pointers or NULL. */
struct bw_proc *state_proc(struct bw_state *st, int32_t tid);
struct bw_fdinfo *state_fd(struct bw_state *st, const struct bw_proc *p,
			   int64_t fd);

/* The container shared by every host process (id "host"). */
const struct bw_container *state_host_container(const struct bw_state *st);

/* Removes entries whose processes no longer exist in /proc. */
void state_sweep(struct bw_state *st);

void state_stats(const struct bw_state *st, struct bw_state_stats *out);

/*
 * Derives a container id and runtime from one cgroup path (one line's path
 * part of /proc/PID/cgroup, e.g. "/docker/<64hex>" or
 * "/kubepods.slice/.../cri-containerd-<64hex>.scope").  Writes the 64-char
 * id (NUL-terminated, ret_id must hold 65 bytes) and a static runtime name.
 * Returns 0, or -ENOENT when the path is not a container's.
 */
int state_cgroup_container_id(const char *cgroup_path, char *ret_id,
			      const char **ret_runtime);

#endif
