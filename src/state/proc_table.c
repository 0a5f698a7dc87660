/*
 * proc_table.c - the state object and its thread table.
 *
 * Threads are kept in a hash map keyed by tid (st_hmap, chained, growing),
 * bounded by STATE_MAX_PROCS: an insert beyond the bound is refused and
 * counted (stats.proc_table_full), never evicting a live entry.  Each entry
 * holds one reference on its fd table (shared by the threads of a process)
 * and one on its container.
 *
 * Seeding walks /proc/PID/task/TID under the configured root; the fd table
 * is read once per process and shared by its threads, and socket tables are
 * read once per network namespace.  state_sweep drops entries whose
 * /proc/TID is gone (exits the sensor did not report) and containers no
 * process uses whose runtime state is gone.
 */
#include "state/state_int.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static struct st_proc *proc_of(struct bw_proc *p)
{
	return (struct st_proc *)((char *)p - offsetof(struct st_proc, p));
}

struct bw_proc *st_proc_alloc(void)
{
	struct st_proc *sp = calloc(1, sizeof(*sp));

	if (!sp)
		return NULL;
	sp->p.loginuid = 0xffffffffu;
	return &sp->p;
}

void st_proc_free(struct bw_proc *p)
{
	if (!p)
		return;
	free(p->exe);
	free(p->exepath);
	free(p->cwd);
	free(p->args);
	fdt_unref(p->fds);
	ctr_unref(p->container);
	free(proc_of(p));
}

void st_proc_set_container(struct bw_proc *p, struct bw_container *c)
{
	if (p->container == c)
		return;
	ctr_ref(c);
	ctr_unref(p->container);
	p->container = c;
}

int st_proc_insert(struct bw_state *st, struct bw_proc *p)
{
	struct st_proc *sp = proc_of(p);

	if (st->procs.n >= STATE_MAX_PROCS) {
		st->stats.proc_table_full++;
		return -ENOSPC;
	}
	sp->h.key = p->tid;
	hmap_put(&st->procs, &sp->h);
	return 0;
}

void st_proc_remove(struct bw_state *st, int32_t tid)
{
	struct st_hnode *n = hmap_del(&st->procs, tid);

	if (!n)
		return;
	st_proc_free(&((struct st_proc *)n)->p);
	st->stats.reaped++;
}

struct bw_proc *state_proc(struct bw_state *st, int32_t tid)
{
	struct st_hnode *n = st ? hmap_get(&st->procs, tid) : NULL;

	return n ? &((struct st_proc *)n)->p : NULL;
}

struct bw_fdinfo *state_fd(struct bw_state *st, const struct bw_proc *p,
			   int64_t fd)
{
	(void)st;
	return p ? fdt_get(p->fds, fd) : NULL;
}

const struct bw_container *state_host_container(const struct bw_state *st)
{
	return &st->ctrs.host.c;
}

void st_procctx_init(struct bw_state *st, struct st_procctx *ctx,
		     struct st_netcache *net)
{
	ctx->env = &st->env;
	ctx->sys = &st->sys;
	ctx->ctrs = &st->ctrs;
	ctx->net = net;
	ctx->nfds = &st->nfds;
}

/* The tgid of a thread, from /proc/TID/status (works for any tid). */
static int32_t tgid_of(const struct st_env *env, int32_t tid)
{
	char p[STATE_MAX_PATH], buf[2048];
	const char *t;

	if (st_path(env, p, sizeof(p), "/proc/%d/status", tid) ||
	    st_read_file(p, buf, sizeof(buf)) < 0)
		return -1;
	t = strstr(buf, "\nTgid:");
	return t ? (int32_t)strtol(t + 6, NULL, 10) : -1;
}

struct bw_proc *st_proc_load(struct bw_state *st, int32_t tid)
{
	struct st_procctx ctx;
	struct bw_proc *p, *sib;
	int32_t pid;

	if (tid <= 0 || st->procs.n >= STATE_MAX_PROCS)
		return NULL;
	pid = tgid_of(&st->env, tid);
	if (pid <= 0)
		return NULL;
	p = st_proc_alloc();
	if (!p)
		return NULL;
	st_procctx_init(st, &ctx, NULL);
	/* A sibling thread we know already shares its fd table. */
	sib = pid != tid ? state_proc(st, pid) : NULL;
	if (st_proc_read(&ctx, pid, tid, sib ? sib->fds : NULL, p) ||
	    st_proc_insert(st, p)) {
		st_proc_free(p);
		return NULL;
	}
	return p;
}

static bool numeric(const char *s, long *out)
{
	char *end;
	long v;

	if (*s < '0' || *s > '9')
		return false;
	v = strtol(s, &end, 10);
	if (*end || v <= 0 || v > 0x7fffffff)
		return false;
	*out = v;
	return true;
}

static void seed_process(struct bw_state *st, struct st_procctx *ctx, long pid)
{
	char dir[STATE_MAX_PATH];
	struct bw_fdtable *shared = NULL;
	DIR *d;
	struct dirent *de;
	long tid;

	if (st_path(&st->env, dir, sizeof(dir), "/proc/%ld/task", pid))
		return;
	d = opendir(dir);
	if (!d)
		return;
	while ((de = readdir(d))) {
		struct bw_proc *p;

		if (!numeric(de->d_name, &tid) || state_proc(st, (int32_t)tid))
			continue;
		if (st->procs.n >= STATE_MAX_PROCS) {
			st->stats.proc_table_full++;
			break;
		}
		p = st_proc_alloc();
		if (!p)
			break;
		if (st_proc_read(ctx, (int32_t)pid, (int32_t)tid, shared, p) ||
		    st_proc_insert(st, p)) {
			st_proc_free(p); /* vanished mid-read: skip it */
			continue;
		}
		if (!shared)
			shared = p->fds;
	}
	closedir(d);
}

int st_seed(struct bw_state *st, struct bw_error *err)
{
	char dir[STATE_MAX_PATH];
	struct st_netcache net = {0};
	struct st_procctx ctx;
	DIR *d;
	struct dirent *de;
	long pid;

	if (st_path(&st->env, dir, sizeof(dir), "/proc"))
		return bw_errorf(err, -ENAMETOOLONG, st->env.root, 0, 0,
				 "root path too long");
	d = opendir(dir);
	if (!d)
		return bw_errorf(err, -errno, dir, 0, 0,
				 "cannot list processes: %s", strerror(errno));
	st_procctx_init(st, &ctx, &net);
	while ((de = readdir(d)))
		if (numeric(de->d_name, &pid))
			seed_process(st, &ctx, pid);
	closedir(d);
	st_netcache_free(&net);
	return 0;
}

int state_new(const struct bw_state_config *cfg, struct bw_state **ret,
	      struct bw_error *err)
{
	struct bw_state *st = calloc(1, sizeof(*st));
	int r;

	if (!st)
		return bw_errorf(err, -ENOMEM, NULL, 0, 0, "out of memory");
	st_env_init(&st->env, cfg ? cfg->root : NULL,
		    cfg ? cfg->runc_root : NULL);
	st_sysinfo_read(&st->env, &st->sys);
	if (hmap_init(&st->procs, 1024) || ctr_cache_init(&st->ctrs)) {
		state_free(st);
		return bw_errorf(err, -ENOMEM, NULL, 0, 0, "out of memory");
	}
	if (cfg && cfg->seed_from_proc) {
		r = st_seed(st, err);
		if (r) {
			state_free(st);
			return r;
		}
	}
	*ret = st;
	return 0;
}

void state_free(struct bw_state *st)
{
	size_t pos = 0;
	struct st_hnode *cur = NULL, *n;

	if (!st)
		return;
	while ((n = hmap_next(&st->procs, &pos, &cur)))
		st_proc_free(&((struct st_proc *)n)->p);
	hmap_destroy(&st->procs);
	ctr_cache_free(&st->ctrs);
	free(st);
}

void state_sweep(struct bw_state *st)
{
	size_t pos = 0;
	struct st_hnode *cur = NULL, *n;

	if (!st)
		return;
	while ((n = hmap_next(&st->procs, &pos, &cur))) {
		struct bw_proc *p = &((struct st_proc *)n)->p;
		char path[STATE_MAX_PATH];
		struct stat sb;

		if (st_path(&st->env, path, sizeof(path), "/proc/%d/task/%d",
			    p->pid, p->tid) ||
		    stat(path, &sb) == 0)
			continue;
		if (errno != ENOENT && errno != ESRCH)
			continue;
		st_proc_remove(st, p->tid);
	}
	ctr_sweep(&st->ctrs, &st->env);
}

void state_stats(const struct bw_state *st, struct bw_state_stats *out)
{
	*out = st->stats;
	out->procs = st->procs.n;
	out->fds = st->nfds;
	out->containers = st->ctrs.n + 1;
}
