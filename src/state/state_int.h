/*
 * state_int.h - internals shared by the files of src/state/ (not a public
 * header: other subsystems use state.h only).
 *
 * Layout of the state:
 *   util.c        the intrusive integer hash map, bounded file reads, paths
 *                 under the configured root
 *   proc_table.c  struct bw_state itself: the thread table keyed by tid,
 *                 lookups, sweep, stats
 *   fd_table.c    refcounted per-process fd tables
 *   procfs.c      reading one process/thread (and all of /proc) from procfs
 *   procnet.c     socket inode -> tuple from /proc/PID/net/{tcp,udp,unix,...}
 *   cgroup.c      cgroup path -> container id, /proc/PID/cgroup line choice
 *   runc.c        runc state.json + OCI config.json -> container metadata
 *   container.c   the container cache and the host container
 *   events.c      state_process_event / state_post_event
 */
#ifndef BW_STATE_STATE_INT_H
#define BW_STATE_STATE_INT_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "state/state.h"

#define STATE_MAX_CID 256	       /* container id bytes incl. NUL */
#define STATE_MAX_PROCFILE (64 * 1024) /* status, stat, cgroup, mountinfo */
#define STATE_MAX_MOUNTINFO (1024 * 1024)
#define STATE_MAX_JSON (1024 * 1024)	     /* state.json / config.json */
#define STATE_MAX_NETFILE (16 * 1024 * 1024) /* /proc/net/tcp and friends */
#define STATE_MAX_LABELS 256
#define STATE_MAX_MOUNTS 256
#define STATE_MAX_THREADS_SEEN 65536

/* ---- util.c: intrusive hash map keyed by int64 ------------------------- */
struct st_hnode {
	struct st_hnode *next;
	int64_t key;
};

struct st_hmap {
	struct st_hnode **b;
	size_t nb; /* power of two */
	size_t n;
};

int hmap_init(struct st_hmap *m, size_t nb);
void hmap_destroy(struct st_hmap *m); /* frees the bucket array only */
struct st_hnode *hmap_get(const struct st_hmap *m, int64_t key);
/* Inserts n (n->key set by the caller; the key must not be present). */
void hmap_put(struct st_hmap *m, struct st_hnode *n);
struct st_hnode *hmap_del(struct st_hmap *m, int64_t key);
/* Iteration: *pos starts at 0; returns the next node or NULL.  Removing
 * the node just returned is allowed. */
struct st_hnode *hmap_next(const struct st_hmap *m, size_t *pos,
			   struct st_hnode **cursor);

/* ---- util.c: host paths and bounded reads ------------------------------ */
struct st_env {
	char root[STATE_MAX_PATH]; /* "" for the real root, no trailing / */
	char runc_root[STATE_MAX_PATH]; /* inside root, e.g. "/run/runc" */
};

void st_env_init(struct st_env *env, const char *root, const char *runc_root);
/* root + formatted path into buf; -ENAMETOOLONG when it does not fit. */
int st_path(const struct st_env *env, char *buf, size_t len, const char *fmt,
	    ...) __attribute__((format(printf, 4, 5)));
/* Reads at most max-1 bytes of path into buf and NUL-terminates; returns
 * the byte count or -errno. */
ssize_t st_read_file(const char *path, char *buf, size_t max);
/* Same into a malloc'd buffer (caller frees); at most max bytes. */
ssize_t st_read_file_alloc(const char *path, size_t max, char **ret);
/* Opens a path taken from untrusted data (a runc bundle) so that it cannot
 * leave env->root (openat2 RESOLVE_IN_ROOT), and reads at most max bytes. */
ssize_t st_read_in_root(const struct st_env *env, const char *path, size_t max,
			char **ret);
/* readlink into buf (NUL-terminated); returns length or -errno. */
ssize_t st_readlink(const char *path, char *buf, size_t len);
/* True when a path only holds safe components (absolute, no "..", no
 * empty or control characters). */
bool st_path_is_clean(const char *p);
/* Lexically joins base and rel (rel may be absolute) and normalizes "."
 * and ".." into buf; returns 0 or -ENAMETOOLONG. */
int st_path_join(const char *base, const char *rel, size_t rel_len, char *buf,
		 size_t len);
char *st_strndup(const char *s, size_t n);
/* Replaces *dst with a copy of s (NULL allowed); returns 0 or -ENOMEM. */
int st_set_str(char **dst, const char *s, size_t n);

/* ---- fd_table.c -------------------------------------------------------- */
struct bw_fdtable {
	struct st_hmap map;
	uint32_t refs;
	uint64_t *total; /* the state's fd counter */
};

struct bw_fdtable *fdt_new(uint64_t *total);
struct bw_fdtable *fdt_ref(struct bw_fdtable *t);
void fdt_unref(struct bw_fdtable *t);
/* Deep copy (fork without CLONE_FILES); NULL on allocation failure. */
struct bw_fdtable *fdt_copy(const struct bw_fdtable *t);
struct bw_fdinfo *fdt_get(const struct bw_fdtable *t, int64_t fd);
/* Returns a fresh zeroed entry for fd (replacing an existing one), or NULL
 * when the table is full (STATE_MAX_FDS_PER_PROC) or memory ran out. */
struct bw_fdinfo *fdt_add(struct bw_fdtable *t, int64_t fd);
int fdt_del(struct bw_fdtable *t, int64_t fd);
uint32_t fdt_count(const struct bw_fdtable *t);
void fdt_close_cloexec(struct bw_fdtable *t);
/* Copies src into dst (deep; dst->fd kept).  Returns 0 or -ENOMEM. */
int fdinfo_copy(struct bw_fdinfo *dst, const struct bw_fdinfo *src);
void fdinfo_clear(struct bw_fdinfo *fi);
/* Sets tuple (copying a unix path into fi->tuple_path) and the Falco-style
 * name "cip:cport->sip:sport" (or the unix path). */
int fdinfo_set_tuple(struct bw_fdinfo *fi, const struct bw_tuple *t);
/* Renders "ip:port" into buf. */
size_t st_sockaddr_render(const struct bw_sockaddr *sa, char *buf, size_t len);

/* ---- container.c ------------------------------------------------------- */
struct st_container {
	struct bw_container c;		  /* first member */
	uint32_t refs;			  /* processes pointing here */
	char runtime_dir[STATE_MAX_PATH]; /* state dir found, "" if none */
};

struct st_ctrcache {
	struct st_container host;
	struct st_container **v;
	uint32_t n;
};

int ctr_cache_init(struct st_ctrcache *cc);
void ctr_cache_free(struct st_ctrcache *cc);
/* The container of id (cached, or created from runtime state).  Returns
 * the host container when id is NULL or the cache is full. */
struct bw_container *ctr_get(struct st_ctrcache *cc, const struct st_env *env,
			     const char *id, const char *runtime);
void ctr_ref(struct bw_container *c);
void ctr_unref(struct bw_container *c);
/* Drops unreferenced containers whose runtime state is gone. */
void ctr_sweep(struct st_ctrcache *cc, const struct st_env *env);
void bw_container_free_fields(struct bw_container *c);
/* Splits an image reference into repository, tag and digest (malloc'd,
 * NULL when absent).  Returns 0 or -ENOMEM / -EINVAL. */
int st_image_split(const char *ref, char **repo, char **tag, char **digest);

/* ---- cgroup.c ---------------------------------------------------------- */
/*
 * Derives a container id from one cgroup path.  env may be NULL: then only
 * ids of 64 hex digits are accepted; with env, runc/containerd names of any
 * form are accepted when their runtime state dir exists.
 */
int st_cgroup_path_id(const struct st_env *env, const char *path, size_t len,
		      char *ret_id, size_t idlen, const char **ret_runtime);
/*
 * Picks the line of a /proc/PID/cgroup file that names the container (v2
 * "0::" first, then pids/memory/cpu/name=systemd v1 lines, then any other).
 * Writes the chosen path to cgpath (when none names a container: the v2
 * path, else the name=systemd one, else the first).  Returns 0 when a
 * container was found, -ENOENT when not, -EINVAL for a file with no valid
 * line.
 */
int st_cgroup_pick(const struct st_env *env, const char *buf, size_t len,
		   char *cgpath, size_t cglen, char *ret_id, size_t idlen,
		   const char **ret_runtime);

/* ---- runc.c ------------------------------------------------------------ */
bool st_runc_id_valid(const char *id, size_t len);
/* Finds the runtime state dir of id under the known runtime roots; writes
 * the dir (with root) to dir.  Returns 0 or -ENOENT.  *ret_runtime gets the
 * runtime the root belongs to ("runc", "docker", "containerd"). */
int st_runc_find(const struct st_env *env, const char *id, char *dir,
		 size_t dirlen, const char **ret_runtime);
/* Parses state.json: created time and bundle dir (malloc'd or NULL). */
int st_runc_parse_state(const char *buf, size_t len, uint64_t *created_ns,
			char **bundle);
/* Parses an OCI config.json into c (annotations -> labels, pod fields,
 * image, name, mounts, privileged). */
int st_runc_parse_config(const char *buf, size_t len, struct bw_container *c);
/* Fills c from the runtime state of its full_id (best effort). */
int st_runc_load(const struct st_env *env, const char *dir,
		 struct bw_container *c);

/* ---- procnet.c --------------------------------------------------------- */
struct st_sock {
	struct st_hnode h; /* key: inode */
	uint8_t type;	   /* BW_FD_IPV4/IPV6/UNIX/NETLINK */
	uint8_t l4proto;
	bool listening;
	struct bw_sockaddr local, remote;
	char path[108];
};

struct st_netns {
	uint64_t ns_ino; /* 0 = unknown namespace (never shared) */
	struct st_hmap socks;
	struct st_netns *next;
};

struct st_netcache {
	struct st_netns *list;
};

/* Returns the socket table of pid's network namespace (read on first
 * use, cached in nc by namespace). NULL when nothing could be read. */
struct st_netns *st_netns_get(struct st_netcache *nc, const struct st_env *env,
			      int32_t pid);
void st_netcache_free(struct st_netcache *nc);
/* A namespace not read from /proc (tests, fuzzing); put it in a cache's
 * list so st_netcache_free frees it. */
struct st_netns *st_netns_new(void);
/* Parses one /proc/net file's contents into ns. kind: "tcp", "tcp6", "udp",
 * "udp6", "raw", "raw6", "unix", "netlink". */
int st_procnet_parse(struct st_netns *ns, const char *kind, const char *buf,
		     size_t len);
/* Fills an fd entry from a known socket. */
void st_sock_to_fd(const struct st_netns *ns, const struct st_sock *s,
		   struct bw_fdinfo *fi);

/* ---- procfs.c ---------------------------------------------------------- */
struct st_sysinfo {
	uint64_t btime_ns; /* boot time, ns since the epoch */
	long hz;
};

struct st_procctx {
	const struct st_env *env;
	const struct st_sysinfo *sys;
	struct st_ctrcache *ctrs;
	struct st_netcache *net; /* may be NULL: a cache is made for the call */
	uint64_t *nfds;
};

int st_sysinfo_read(const struct st_env *env, struct st_sysinfo *si);
/*
 * Reads thread tid of process pid from procfs into p (p zeroed by the
 * caller; p->container and p->fds set here; fds shared is used instead of
 * reading the fd table when not NULL).  Returns 0 or -errno (-ENOENT when
 * the thread is gone).
 */
int st_proc_read(const struct st_procctx *ctx, int32_t pid, int32_t tid,
		 struct bw_fdtable *shared, struct bw_proc *p);
/* Re-reads only the cgroup and returns the container (refcount taken) or
 * NULL when the file is unreadable. */
struct bw_container *st_proc_read_container(const struct st_procctx *ctx,
					    int32_t pid, char *cgpath,
					    size_t cglen);
/* Reads vtid/vpid from status NSpid/NStgid; 0 or -errno. */
int st_proc_read_nspid(const struct st_env *env, int32_t tid, int32_t *vtid,
		       int32_t *vpid);
/* Parsers exposed for tests and fuzzing. */
int st_parse_stat(const char *buf, size_t len, struct bw_proc *p,
		  uint64_t *starttime_ticks);
int st_parse_status(const char *buf, size_t len, struct bw_proc *p);
/* Classifies a /proc/PID/fd readlink target. */
void st_fd_from_link(struct bw_fdinfo *fi, const char *target,
		     uint64_t *sock_ino);

/* ---- proc_table.c ------------------------------------------------------ */
struct st_proc {
	struct st_hnode h; /* key: tid */
	struct bw_proc p;
};

struct bw_state {
	struct st_env env;
	struct st_sysinfo sys;
	struct st_hmap procs;
	struct st_ctrcache ctrs;
	uint64_t nfds;
	struct bw_state_stats stats;
};

/* Allocates an entry (zeroed, loginuid -1, host container not yet set). */
struct bw_proc *st_proc_alloc(void);
/* Frees an entry not in the table (drops its fd table and container). */
void st_proc_free(struct bw_proc *p);
/* Inserts p (tid must be unique); -ENOSPC when the table is full (the
 * caller still owns p), 0 otherwise. */
int st_proc_insert(struct bw_state *st, struct bw_proc *p);
/* Removes and frees the entry of tid. */
void st_proc_remove(struct bw_state *st, int32_t tid);
void st_proc_set_container(struct bw_proc *p, struct bw_container *c);
void st_procctx_init(struct bw_state *st, struct st_procctx *ctx,
		     struct st_netcache *net);
/* Reads tid from procfs and inserts it; returns the entry or NULL. */
struct bw_proc *st_proc_load(struct bw_state *st, int32_t tid);
/* Seeds the table from every /proc/PID/task/TID. */
int st_seed(struct bw_state *st, struct bw_error *err);

#endif
