/*
 * cgroup.c - which container a process belongs to, from its cgroup path.
 *
 * Container runtimes name the cgroup of a container after its id; the
 * layouts recognized (component scanned from the innermost outwards, the
 * first that names a container wins, so docker-in-docker gives the inner
 * one):
 *
 *   /docker/<64hex>                               docker (cgroupfs)
 *   /system.slice/docker-<64hex>.scope            docker (systemd)
 *   /kubepods/<qos>/pod<uid>/<64hex>              containerd/CRI (cgroupfs)
 *   /kubepods.slice/.../cri-containerd-<64hex>.scope   containerd (systemd)
 *   /<ns>/<id>  e.g. /default/<64hex>             containerd namespaces
 *   .../crio-<64hex>.scope, .../crio-<64hex>      CRI-O (systemd, cgroupfs)
 *   .../libpod-<64hex>.scope[/container]          podman
 *   /<id>, /parent/<id>                           runc (default, cgroupsPath)
 *   /system.slice/runc-<id>.scope                 runc "slice:runc:<id>"
 *
 * crio-conmon-* and libpod-conmon-* are the monitors beside a container,
 * not in it, and stop the scan.  Ids of 64 hex digits are accepted from the
 * path alone; any other runc name (runc accepts [A-Za-z0-9_+.-]) only when
 * its runtime state dir exists (st_runc_find), which needs the environment.
 */
#include "state/state_int.h"

#include <errno.h>
#include <string.h>

static bool is_hex64(const char *s, size_t n)
{
	if (n != 64)
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];

		if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')))
			return false;
	}
	return true;
}

static bool has_prefix(const char *s, size_t n, const char *p)
{
	size_t pl = strlen(p);

	return n >= pl && !memcmp(s, p, pl);
}

struct scope_prefix {
	const char *prefix;
	const char *runtime; /* NULL: a monitor, not a container */
};

/* Longest prefixes first so "crio-conmon-" wins over "crio-". */
static const struct scope_prefix scope_prefixes[] = {
    {"crio-conmon-", NULL},
    {"libpod-conmon-", NULL},
    {"cri-containerd-", "containerd"},
    {"docker-", "docker"},
    {"crio-", "cri-o"},
    {"libpod-", "podman"},
    {"runc-", "runc"},
};

static int put_id(const char *s, size_t n, char *ret_id, size_t idlen)
{
	if (n + 1 > idlen)
		return -ENAMETOOLONG;
	memcpy(ret_id, s, n);
	ret_id[n] = '\0';
	return 0;
}

/* Asks the runtime state dirs about a non-hex (or ambiguous) id. */
static bool known_to_runtime(const struct st_env *env, const char *s, size_t n,
			     const char **runtime)
{
	char id[STATE_MAX_CID], dir[STATE_MAX_PATH];

	if (!env || !st_runc_id_valid(s, n) || n >= sizeof(id))
		return false;
	memcpy(id, s, n);
	id[n] = '\0';
	return st_runc_find(env, id, dir, sizeof(dir), runtime) == 0;
}

/* Result of looking at one component: 1 = container, 0 = go on, -1 = stop
 * (not a container). */
static int component_id(const struct st_env *env, const char *c, size_t n,
			const char *parent, size_t pn, bool kube,
			const char **runtime, const char **id, size_t *idn)
{
	for (size_t i = 0; i < sizeof(scope_prefixes) / sizeof(*scope_prefixes);
	     i++) {
		const struct scope_prefix *sp = &scope_prefixes[i];
		size_t pl = strlen(sp->prefix);
		const char *s;
		size_t sn;
		bool scope;

		if (!has_prefix(c, n, sp->prefix))
			continue;
		if (!sp->runtime)
			return -1;
		s = c + pl;
		sn = n - pl;
		scope = sn > 6 && !memcmp(s + sn - 6, ".scope", 6);
		if (scope)
			sn -= 6;
		if (is_hex64(s, sn)) {
			*runtime = sp->runtime;
			*id = s;
			*idn = sn;
			return 1;
		}
		if (scope && known_to_runtime(env, s, sn, runtime)) {
			*runtime = sp->runtime;
			*id = s;
			*idn = sn;
			return 1;
		}
		return 0;
	}
	if (is_hex64(c, n)) {
		const char *rt = NULL;

		if (pn == 6 && !memcmp(parent, "docker", 6))
			rt = "docker";
		else if (kube)
			rt = "containerd";
		else if (!known_to_runtime(env, c, n, &rt))
			rt = parent ? "containerd" : "runc";
		*runtime = rt;
		*id = c;
		*idn = n;
		return 1;
	}
	if (known_to_runtime(env, c, n, runtime)) {
		*id = c;
		*idn = n;
		return 1;
	}
	return 0;
}

int st_cgroup_path_id(const struct st_env *env, const char *path, size_t len,
		      char *ret_id, size_t idlen, const char **ret_runtime)
{
	/* Component boundaries, innermost last. */
	size_t starts[64], lens[64];
	unsigned nc = 0;
	bool kube;

	if (!path || !len || len >= STATE_MAX_PATH)
		return -ENOENT;
	for (size_t i = 0; i < len;) {
		size_t s;

		while (i < len && path[i] == '/')
			i++;
		s = i;
		while (i < len && path[i] != '/')
			i++;
		if (i == s)
			break;
		if (nc == 64)
			return -ENOENT; /* deeper than any real layout */
		for (size_t k = s; k < i; k++)
			if ((unsigned char)path[k] < 0x20)
				return -ENOENT;
		starts[nc] = s;
		lens[nc++] = i - s;
	}
	if (!nc)
		return -ENOENT;
	kube = has_prefix(path + starts[0], lens[0], "kubepods");
	for (unsigned k = nc; k-- > 0;) {
		const char *rt = NULL, *id = NULL;
		size_t idn = 0;
		int r = component_id(env, path + starts[k], lens[k],
				     k ? path + starts[k - 1] : NULL,
				     k ? lens[k - 1] : 0, kube, &rt, &id, &idn);

		if (r < 0)
			return -ENOENT;
		if (r > 0) {
			if (put_id(id, idn, ret_id, idlen))
				return -ENOENT;
			if (ret_runtime)
				*ret_runtime = rt;
			return 0;
		}
	}
	return -ENOENT;
}

int state_cgroup_container_id(const char *cgroup_path, char *ret_id,
			      const char **ret_runtime)
{
	if (!cgroup_path || !ret_id)
		return -EINVAL;
	return st_cgroup_path_id(NULL, cgroup_path, strlen(cgroup_path), ret_id,
				 65, ret_runtime);
}

/* ---- /proc/PID/cgroup ---------------------------------------------------- */

static bool has_controller(const char *ctl, size_t n, const char *want)
{
	size_t wl = strlen(want);

	for (size_t i = 0; i < n;) {
		size_t s = i;

		while (i < n && ctl[i] != ',')
			i++;
		if (i - s == wl && !memcmp(ctl + s, want, wl))
			return true;
		i++;
	}
	return false;
}

/* Preference rank of a line: lower is better. */
static int line_rank(const char *hier, size_t hn, const char *ctl, size_t cn)
{
	static const char *const pref[] = {"pids", "memory", "cpu",
					   "name=systemd"};

	if (hn == 1 && hier[0] == '0' && cn == 0)
		return 0;
	for (int i = 0; i < 4; i++)
		if (has_controller(ctl, cn, pref[i]))
			return 1 + i;
	return 5;
}

int st_cgroup_pick(const struct st_env *env, const char *buf, size_t len,
		   char *cgpath, size_t cglen, char *ret_id, size_t idlen,
		   const char **ret_runtime)
{
	int best_rank = 99, fallback_rank = 99;
	const char *fb = NULL;
	size_t fbn = 0;
	bool found = false, any = false;

	if (cglen)
		cgpath[0] = '\0';
	for (size_t i = 0; i < len;) {
		const char *line = buf + i, *c1, *c2;
		size_t ln, hn, cn, pn;
		const char *p;
		char id[STATE_MAX_CID];
		const char *rt = NULL;
		int rank, frank;

		while (i < len && buf[i] != '\n')
			i++;
		ln = (size_t)(buf + i - line);
		i++;
		c1 = memchr(line, ':', ln);
		if (!c1)
			continue;
		c2 = memchr(c1 + 1, ':', ln - (size_t)(c1 + 1 - line));
		if (!c2)
			continue;
		hn = (size_t)(c1 - line);
		cn = (size_t)(c2 - c1 - 1);
		p = c2 + 1;
		pn = ln - (size_t)(p - line);
		if (!hn || !pn || p[0] != '/')
			continue;
		any = true;
		rank = line_rank(line, hn, c1 + 1, cn);
		/* Fallback path for hosts: v2, then name=systemd, then first.
		 */
		frank = rank == 0 ? 0 : rank == 4 ? 1 : 2;
		if (frank < fallback_rank) {
			fallback_rank = frank;
			fb = p;
			fbn = pn;
		}
		if (rank >= best_rank)
			continue;
		if (st_cgroup_path_id(env, p, pn, id, sizeof(id), &rt))
			continue;
		if (strlen(id) + 1 > idlen || pn + 1 > cglen)
			continue;
		best_rank = rank;
		found = true;
		memcpy(ret_id, id, strlen(id) + 1);
		memcpy(cgpath, p, pn);
		cgpath[pn] = '\0';
		if (ret_runtime)
			*ret_runtime = rt;
	}
	if (!any)
		return -EINVAL;
	if (found)
		return 0;
	if (fb && fbn + 1 <= cglen) {
		memcpy(cgpath, fb, fbn);
		cgpath[fbn] = '\0';
	}
	return -ENOENT;
}
