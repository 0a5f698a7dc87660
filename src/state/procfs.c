/*
 * procfs.c - reading one thread (and its process) from /proc.
 *
 * Per thread (/proc/PID/task/TID): stat (ppid, pgid, sid, tty, start time),
 * status (credentials, capabilities, NSpid/NStgid for the ids inside the
 * pid namespace), comm.  Per process (/proc/PID): cmdline (bounded by
 * STATE_MAX_ARGS_LEN), exe (memfd detection, inode and times, writability,
 * overlay upper layer), cwd, loginuid, environ count, cgroup (-> container)
 * and the fd table from /proc/PID/fd (sockets resolved through procnet.c,
 * open flags from /proc/PID/fdinfo).
 *
 * Processes come and go while we read: every file may vanish, be empty or
 * be cut short, and each read is bounded.  Only the stat file is required;
 * everything else is best effort.
 */
#include "state/state_int.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

int st_sysinfo_read(const struct st_env *env, struct st_sysinfo *si)
{
	char p[STATE_MAX_PATH], buf[8192];
	const char *b;
	long hz = sysconf(_SC_CLK_TCK);

	si->hz = hz > 0 ? hz : 100;
	si->btime_ns = 0;
	if (st_path(env, p, sizeof(p), "/proc/stat") ||
	    st_read_file(p, buf, sizeof(buf)) < 0)
		return -ENOENT;
	b = strstr(buf, "\nbtime ");
	if (b) {
		unsigned long long v = strtoull(b + 7, NULL, 10);

		si->btime_ns = (uint64_t)v * 1000000000ull;
	}
	return 0;
}

int st_parse_stat(const char *buf, size_t len, struct bw_proc *p,
		  uint64_t *starttime_ticks)
{
	const char *open = memchr(buf, '(', len), *close = NULL, *s;
	long long v[20] = {0};
	int n = 0;

	for (size_t i = len; i-- > 0;)
		if (buf[i] == ')') {
			close = buf + i;
			break;
		}
	if (!open || !close || close < open)
		return -EINVAL;
	{
		size_t cl = (size_t)(close - open - 1);

		if (cl >= sizeof(p->comm))
			cl = sizeof(p->comm) - 1;
		if (!p->comm[0]) {
			memcpy(p->comm, open + 1, cl);
			p->comm[cl] = '\0';
		}
	}
	/* Fields after ") ": state(0) ppid(1) pgrp(2) session(3) tty_nr(4)
	 * ... starttime(19). */
	s = close + 1;
	while (n < 20 && s < buf + len) {
		char *end;

		while (s < buf + len && *s == ' ')
			s++;
		if (s >= buf + len)
			break;
		if (n == 0) { /* state letter */
			while (s < buf + len && *s != ' ')
				s++;
			n++;
			continue;
		}
		v[n] = strtoll(s, &end, 10);
		if (end == s)
			return -EINVAL;
		s = end;
		n++;
	}
	if (n < 20)
		return -EINVAL;
	p->ppid = (int32_t)v[1];
	p->pgid = (int32_t)v[2];
	p->sid = (int32_t)v[3];
	p->tty = (uint32_t)v[4];
	*starttime_ticks = (uint64_t)v[19];
	return 0;
}

static void last_number(const char *s, int32_t *out)
{
	const char *last = NULL;

	for (const char *c = s; *c && *c != '\n'; c++)
		if (*c >= '0' && *c <= '9' &&
		    (c == s || c[-1] == ' ' || c[-1] == '\t'))
			last = c;
	if (last)
		*out = (int32_t)strtol(last, NULL, 10);
}

int st_parse_status(const char *buf, size_t len, struct bw_proc *p)
{
	int seen = 0;

	for (size_t i = 0; i < len;) {
		const char *l = buf + i;
		unsigned long long a, b, c;

		while (i < len && buf[i] != '\n')
			i++;
		i++;
		if (!strncmp(l, "Uid:", 4) &&
		    sscanf(l + 4, "%llu %llu %llu", &a, &b, &c) == 3) {
			p->uid = (uint32_t)a;
			p->euid = (uint32_t)b;
			p->suid = (uint32_t)c;
			seen++;
		} else if (!strncmp(l, "Gid:", 4) &&
			   sscanf(l + 4, "%llu %llu %llu", &a, &b, &c) == 3) {
			p->gid = (uint32_t)a;
			p->egid = (uint32_t)b;
			p->sgid = (uint32_t)c;
		} else if (!strncmp(l, "CapInh:", 7)) {
			p->cap_inheritable = strtoull(l + 7, NULL, 16);
		} else if (!strncmp(l, "CapPrm:", 7)) {
			p->cap_permitted = strtoull(l + 7, NULL, 16);
		} else if (!strncmp(l, "CapEff:", 7)) {
			p->cap_effective = strtoull(l + 7, NULL, 16);
		} else if (!strncmp(l, "NSpid:", 6)) {
			last_number(l + 6, &p->vtid);
		} else if (!strncmp(l, "NStgid:", 7)) {
			last_number(l + 7, &p->vpid);
		} else if (!strncmp(l, "NSpgid:", 7)) {
			last_number(l + 7, &p->vpgid);
		} else if (!strncmp(l, "Tgid:", 5)) {
			p->pid = (int32_t)strtol(l + 5, NULL, 10);
		}
	}
	return seen ? 0 : -EINVAL;
}

int st_proc_read_nspid(const struct st_env *env, int32_t tid, int32_t *vtid,
		       int32_t *vpid)
{
	char p[STATE_MAX_PATH], buf[4096];
	struct bw_proc tmp = {0};
	ssize_t n;

	if (st_path(env, p, sizeof(p), "/proc/%d/status", tid))
		return -ENAMETOOLONG;
	n = st_read_file(p, buf, sizeof(buf));
	if (n < 0)
		return (int)n;
	st_parse_status(buf, (size_t)n, &tmp);
	if (!tmp.vtid)
		return -ENOENT;
	*vtid = tmp.vtid;
	*vpid = tmp.vpid;
	return 0;
}

/* argv from cmdline: argv[0] -> exe, the rest (NUL-separated) -> args. */
static void set_cmdline(struct bw_proc *p, const char *buf, size_t n)
{
	size_t a0 = strnlen(buf, n);

	free(p->exe);
	p->exe = st_strndup(buf, a0);
	free(p->args);
	p->args = NULL;
	p->args_len = p->argc = 0;
	if (a0 + 1 >= n)
		return;
	buf += a0 + 1;
	n -= a0 + 1;
	if (n > STATE_MAX_ARGS_LEN)
		n = STATE_MAX_ARGS_LEN;
	while (n && buf[n - 1] == '\0' && (n < 2 || buf[n - 2] == '\0'))
		n--; /* trailing padding NULs */
	if (!n)
		return;
	p->args = malloc(n + 1);
	if (!p->args)
		return;
	memcpy(p->args, buf, n);
	if (p->args[n - 1] != '\0')
		p->args[n++] = '\0'; /* cut short: terminate the last one */
	p->args_len = (uint32_t)n;
	for (size_t i = 0; i < n; i++)
		if (p->args[i] == '\0')
			p->argc++;
}

static void unescape_mount(char *s)
{
	char *o = s;

	for (; *s; s++) {
		if (s[0] == '\\' && s[1] >= '0' && s[1] <= '7' && s[2] &&
		    s[3]) {
			*o++ = (char)(((s[1] - '0') << 6) |
				      ((s[2] - '0') << 3) | (s[3] - '0'));
			s += 3;
		} else {
			*o++ = *s;
		}
	}
	*o = '\0';
}

/* Whether exepath lives in the upper layer of an overlay mount. */
static bool exe_in_upper(const struct st_env *env, int32_t pid,
			 const char *exepath)
{
	char p[STATE_MAX_PATH], best_mp[STATE_MAX_PATH] = "",
				best_upper[STATE_MAX_PATH] = "";
	size_t best = 0;
	char *buf = NULL, *save = NULL, *line;
	struct stat sb;
	bool overlay = false;

	if (st_path(env, p, sizeof(p), "/proc/%d/mountinfo", pid) ||
	    st_read_file_alloc(p, STATE_MAX_MOUNTINFO, &buf) < 0)
		return false;
	for (line = strtok_r(buf, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		char *f[6] = {0}, *dash, *save2 = NULL, *t;
		int k = 0;
		size_t ml;

		dash = strstr(line, " - ");
		if (!dash)
			continue;
		*dash = '\0';
		for (t = strtok_r(line, " ", &save2); t && k < 6;
		     t = strtok_r(NULL, " ", &save2))
			f[k++] = t;
		if (k < 5)
			continue;
		unescape_mount(f[4]);
		ml = strlen(f[4]);
		if (strncmp(exepath, f[4], ml) ||
		    (ml > 1 && exepath[ml] != '/' && exepath[ml]) || ml < best)
			continue;
		best = ml;
		snprintf(best_mp, sizeof(best_mp), "%s", f[4]);
		overlay = !strncmp(dash + 3, "overlay ", 8);
		best_upper[0] = '\0';
		if (overlay) {
			const char *u = strstr(dash + 3, "upperdir=");

			if (u) {
				size_t ul = strcspn(u + 9, ", ");

				if (ul < sizeof(best_upper)) {
					memcpy(best_upper, u + 9, ul);
					best_upper[ul] = '\0';
				}
			}
		}
	}
	free(buf);
	if (!overlay || !best_upper[0] || !st_path_is_clean(best_upper))
		return false;
	if (st_path(env, p, sizeof(p), "%s/%s", best_upper,
		    exepath + (strlen(best_mp) > 1 ? strlen(best_mp) : 0)))
		return false;
	return lstat(p, &sb) == 0;
}

static void read_exe(const struct st_procctx *ctx, int32_t pid,
		     struct bw_proc *p)
{
	char path[STATE_MAX_PATH], link[STATE_MAX_PATH];
	struct stat sb;
	ssize_t n;

	if (st_path(ctx->env, path, sizeof(path), "/proc/%d/exe", pid))
		return;
	n = st_readlink(path, link, sizeof(link));
	if (n <= 0)
		return;
	st_set_str(&p->exepath, link, (size_t)n);
	p->exe_from_memfd = !strncmp(link, "/memfd:", 7);
	if (stat(path, &sb) == 0) {
		p->exe_ino = sb.st_ino;
		p->exe_ino_ctime = (uint64_t)sb.st_ctim.tv_sec * 1000000000ull +
				   (uint64_t)sb.st_ctim.tv_nsec;
		p->exe_ino_mtime = (uint64_t)sb.st_mtim.tv_sec * 1000000000ull +
				   (uint64_t)sb.st_mtim.tv_nsec;
		if (p->euid == 0)
			p->exe_writable = (sb.st_mode & 0222) != 0;
		else if (sb.st_uid == p->euid)
			p->exe_writable = (sb.st_mode & 0200) != 0;
		else if (sb.st_gid == p->egid)
			p->exe_writable = (sb.st_mode & 0020) != 0;
		else
			p->exe_writable = (sb.st_mode & 0002) != 0;
	}
	if (!p->exe_from_memfd && link[0] == '/')
		p->exe_upper_layer = exe_in_upper(ctx->env, pid, link);
}

static uint32_t count_environ(const char *path)
{
	char buf[16384];
	uint32_t n = 0;
	size_t total = 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t r;
	char last = '\0';

	if (fd < 0)
		return 0;
	while (total < (4u << 20) && (r = read(fd, buf, sizeof(buf))) > 0) {
		for (ssize_t i = 0; i < r; i++)
			if (buf[i] == '\0')
				n++;
		last = buf[r - 1];
		total += (size_t)r;
	}
	close(fd);
	if (total && last != '\0')
		n++;
	return n;
}

/* Classifies what readlink of /proc/PID/fd/N says. */
void st_fd_from_link(struct bw_fdinfo *fi, const char *t, uint64_t *sock_ino)
{
	static const struct {
		const char *name;
		uint8_t type;
	} anon[] = {
	    {"[eventfd]", BW_FD_EVENT},
	    {"[signalfd]", BW_FD_SIGNALFD},
	    {"[eventpoll]", BW_FD_EVENTPOLL},
	    {"inotify", BW_FD_INOTIFY},
	    {"[timerfd]", BW_FD_TIMERFD},
	    {"bpf-", BW_FD_BPF},
	    {"bpf_", BW_FD_BPF},
	    {"[userfaultfd]", BW_FD_USERFAULTFD},
	    {"[io_uring]", BW_FD_IOURING},
	    {"[pidfd]", BW_FD_PIDFD},
	};
	unsigned long long ino;

	*sock_ino = 0;
	if (sscanf(t, "socket:[%llu]", &ino) == 1) {
		*sock_ino = ino;
		fi->type = BW_FD_UNKNOWN;
		return;
	}
	if (sscanf(t, "pipe:[%llu]", &ino) == 1) {
		fi->type = BW_FD_PIPE;
		fi->ino = ino;
	} else if (!strncmp(t, "anon_inode:", 11)) {
		fi->type = BW_FD_UNKNOWN;
		for (size_t i = 0; i < sizeof(anon) / sizeof(*anon); i++)
			if (!strncmp(t + 11, anon[i].name,
				     strlen(anon[i].name)))
				fi->type = anon[i].type;
	} else if (!strncmp(t, "/memfd:", 7)) {
		fi->type = BW_FD_MEMFD;
	} else if (t[0] == '/') {
		fi->type = BW_FD_FILE;
	} else {
		fi->type = BW_FD_UNKNOWN;
	}
	st_set_str(&fi->name, t, strlen(t));
}

static void read_fdinfo_flags(const struct st_env *env, int32_t pid, int64_t fd,
			      struct bw_fdinfo *fi)
{
	char p[STATE_MAX_PATH], buf[1024];
	const char *f;

	if (st_path(env, p, sizeof(p), "/proc/%d/fdinfo/%lld", pid,
		    (long long)fd) ||
	    st_read_file(p, buf, sizeof(buf)) < 0)
		return;
	f = strstr(buf, "flags:");
	if (f)
		fi->open_flags = (uint32_t)strtoul(f + 6, NULL, 8);
}

static void read_fds(const struct st_procctx *ctx, int32_t pid,
		     struct bw_fdtable *t)
{
	char dir[STATE_MAX_PATH];
	struct st_netcache local = {0};
	struct st_netcache *nc = ctx->net ? ctx->net : &local;
	struct st_netns *ns = NULL;
	DIR *d;
	struct dirent *de;

	if (st_path(ctx->env, dir, sizeof(dir), "/proc/%d/fd", pid))
		return;
	d = opendir(dir);
	if (!d)
		return;
	while ((de = readdir(d))) {
		char p[STATE_MAX_PATH], link[STATE_MAX_PATH], *end;
		long long fd = strtoll(de->d_name, &end, 10);
		struct bw_fdinfo *fi;
		uint64_t sino;
		struct stat sb;

		if (de->d_name[0] < '0' || de->d_name[0] > '9' || *end ||
		    fd < 0)
			continue;
		if (snprintf(p, sizeof(p), "%s/%s", dir, de->d_name) >=
			(int)sizeof(p) ||
		    st_readlink(p, link, sizeof(link)) < 0)
			continue;
		fi = fdt_add(t, fd);
		if (!fi)
			break; /* table full */
		st_fd_from_link(fi, link, &sino);
		read_fdinfo_flags(ctx->env, pid, fd, fi);
		if (sino) {
			const struct st_hnode *h;

			if (!ns)
				ns = st_netns_get(nc, ctx->env, pid);
			h = ns ? hmap_get(&ns->socks, (int64_t)sino) : NULL;
			fi->ino = sino;
			if (h)
				st_sock_to_fd(ns, (const struct st_sock *)h,
					      fi);
			else
				st_set_str(&fi->name, link, strlen(link));
			continue;
		}
		if ((fi->type == BW_FD_FILE || fi->type == BW_FD_MEMFD) &&
		    stat(p, &sb) == 0) {
			fi->dev = sb.st_dev;
			fi->ino = sb.st_ino;
			if (S_ISDIR(sb.st_mode))
				fi->type = BW_FD_DIRECTORY;
		}
	}
	closedir(d);
	if (nc == &local)
		st_netcache_free(&local);
}

struct bw_container *st_proc_read_container(const struct st_procctx *ctx,
					    int32_t pid, char *cgpath,
					    size_t cglen)
{
	char p[STATE_MAX_PATH], buf[8192], id[STATE_MAX_CID],
	    path[STATE_MAX_PATH];
	const char *rt = NULL;
	struct bw_container *c;
	ssize_t n;
	int r;

	if (st_path(ctx->env, p, sizeof(p), "/proc/%d/cgroup", pid))
		return NULL;
	n = st_read_file(p, buf, sizeof(buf));
	if (n < 0)
		return NULL;
	r = st_cgroup_pick(ctx->env, buf, (size_t)n, path, sizeof(path), id,
			   sizeof(id), &rt);
	if (r == -EINVAL)
		return NULL;
	if (cglen) {
		snprintf(cgpath, cglen, "%s", path);
	}
	c = ctr_get(ctx->ctrs, ctx->env, r == 0 ? id : NULL, rt);
	ctr_ref(c);
	return c;
}

int st_proc_read(const struct st_procctx *ctx, int32_t pid, int32_t tid,
		 struct bw_fdtable *shared, struct bw_proc *p)
{
	const struct st_env *env = ctx->env;
	char path[STATE_MAX_PATH], buf[STATE_MAX_PROCFILE];
	char *big = NULL;
	uint64_t ticks = 0;
	ssize_t n;

	p->tid = tid;
	p->pid = pid;
	p->from_proc = true;
	/* comm first: stat's copy is only the fallback */
	if (!st_path(env, path, sizeof(path), "/proc/%d/task/%d/comm", pid,
		     tid) &&
	    (n = st_read_file(path, buf, sizeof(p->comm) + 1)) > 0) {
		size_t cl = strcspn(buf, "\n");

		if (cl >= sizeof(p->comm))
			cl = sizeof(p->comm) - 1;
		memcpy(p->comm, buf, cl);
		p->comm[cl] = '\0';
	}
	if (st_path(env, path, sizeof(path), "/proc/%d/task/%d/stat", pid, tid))
		return -ENAMETOOLONG;
	n = st_read_file(path, buf, sizeof(buf));
	if (n < 0)
		return (int)n;
	if (st_parse_stat(buf, (size_t)n, p, &ticks))
		return -EINVAL;
	p->start_ts = ctx->sys->btime_ns +
		      ticks * (1000000000ull / (uint64_t)ctx->sys->hz);
	if (!st_path(env, path, sizeof(path), "/proc/%d/task/%d/status", pid,
		     tid) &&
	    (n = st_read_file(path, buf, sizeof(buf))) > 0)
		st_parse_status(buf, (size_t)n, p);
	p->pid = pid; /* the caller's tgid wins over a racing status */
	if (!p->vtid)
		p->vtid = tid;
	if (!p->vpid)
		p->vpid = pid;
	if (!p->vpgid)
		p->vpgid = p->pgid;
	p->vpgid_leader = p->vpgid == p->vpid;
	p->loginuid = 0xffffffffu;
	if (!st_path(env, path, sizeof(path), "/proc/%d/loginuid", pid) &&
	    st_read_file(path, buf, 32) > 0)
		p->loginuid = (uint32_t)strtoul(buf, NULL, 10);
	if (!st_path(env, path, sizeof(path), "/proc/%d/cmdline", pid) &&
	    (n = st_read_file_alloc(path, STATE_MAX_ARGS_LEN + 4096, &big)) > 0)
		set_cmdline(p, big, (size_t)n);
	free(big);
	if (!p->exe)
		p->exe = st_strndup(p->comm, strlen(p->comm));
	read_exe(ctx, pid, p);
	if (!p->exepath)
		p->exepath = st_strndup("", 0);
	if (!st_path(env, path, sizeof(path), "/proc/%d/cwd", pid) &&
	    (n = st_readlink(path, buf, sizeof(buf))) > 0)
		st_set_str(&p->cwd, buf, (size_t)n);
	if (!p->cwd)
		p->cwd = st_strndup("/", 1);
	if (!st_path(env, path, sizeof(path), "/proc/%d/environ", pid))
		p->env_count = count_environ(path);
	p->container =
	    st_proc_read_container(ctx, pid, p->cgroup, sizeof(p->cgroup));
	if (!p->container) {
		p->container = ctr_get(ctx->ctrs, env, NULL, NULL);
		ctr_ref(p->container);
	}
	if (shared) {
		p->fds = fdt_ref(shared);
	} else {
		p->fds = fdt_new(ctx->nfds);
		if (p->fds)
			read_fds(ctx, pid, p->fds);
	}
	if (!p->exe || !p->exepath || !p->cwd || !p->fds)
		return -ENOMEM;
	return 0;
}
