/*
 * state_fixture.h - builds fake /proc trees for the state tests in a temp
 * directory (they need symlinks: exe, cwd, fd/N, ns/net, which are easier
 * to make at run time than to keep in git).  Header-only, test use only.
 */
#ifndef BW_TESTS_STATE_FIXTURE_H
#define BW_TESTS_STATE_FIXTURE_H

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static void fx_mkdirs(const char *path)
{
	char tmp[4096];

	snprintf(tmp, sizeof(tmp), "%s", path);
	for (char *p = tmp + 1; *p; p++) {
		if (*p == '/') {
			*p = '\0';
			mkdir(tmp, 0755);
			*p = '/';
		}
	}
	mkdir(tmp, 0755);
}

static void fx_parent(const char *path)
{
	char tmp[4096], *s;

	snprintf(tmp, sizeof(tmp), "%s", path);
	s = strrchr(tmp, '/');
	if (s) {
		*s = '\0';
		fx_mkdirs(tmp);
	}
}

/* Writes len bytes (len 0: strlen) to root/rel. */
static void fx_write(const char *root, const char *rel, const char *data,
		     size_t len)
{
	char p[4096];
	FILE *f;

	snprintf(p, sizeof(p), "%s/%s", root, rel);
	fx_parent(p);
	f = fopen(p, "w");
	if (!f)
		abort();
	fwrite(data, 1, len ? len : strlen(data), f);
	fclose(f);
}

static void fx_link(const char *root, const char *rel, const char *target)
{
	char p[4096];

	snprintf(p, sizeof(p), "%s/%s", root, rel);
	fx_parent(p);
	unlink(p);
	if (symlink(target, p))
		abort();
}

static void fx_rmtree(const char *root)
{
	char cmd[4200];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
	if (system(cmd))
		abort();
}

/* One thread's stat/status/comm; ppid/pgid/starttime as given. */
static void fx_thread(const char *root, int pid, int tid, const char *comm,
		      int ppid, int vpid, unsigned long long start)
{
	char rel[256], buf[2048], status[2048];

	snprintf(rel, sizeof(rel), "proc/%d/task/%d/stat", pid, tid);
	snprintf(buf, sizeof(buf),
		 "%d (%s) S %d %d %d 34817 -1 4194560 0 0 0 0 0 0 0 0 20 0 1 "
		 "0 %llu 1000 100 18446744073709551615\n",
		 tid, comm, ppid, pid, pid, start);
	fx_write(root, rel, buf, 0);
	snprintf(rel, sizeof(rel), "proc/%d/task/%d/status", pid, tid);
	snprintf(status, sizeof(status),
		 "Name:\t%s\nTgid:\t%d\nPid:\t%d\nPPid:\t%d\n"
		 "Uid:\t1000\t1001\t1002\t1003\nGid:\t50\t51\t52\t53\n"
		 "NStgid:\t%d\t%d\nNSpid:\t%d\t%d\nNSpgid:\t%d\t%d\n"
		 "CapInh:\t0000000000000000\nCapPrm:\t00000000a80425fb\n"
		 "CapEff:\t00000000a80425fb\n",
		 comm, pid, tid, ppid, pid, vpid, tid, vpid + (tid - pid), pid,
		 vpid);
	fx_write(root, rel, status, 0);
	snprintf(rel, sizeof(rel), "proc/%d/task/%d/comm", pid, tid);
	snprintf(buf, sizeof(buf), "%s\n", comm);
	fx_write(root, rel, buf, 0);
	/* /proc/TID, as the kernel also shows hidden tids */
	if (tid != pid) {
		char src[4096], dst[4096];

		snprintf(src, sizeof(src), "%s/proc/%d/task/%d", root, pid,
			 tid);
		snprintf(dst, sizeof(dst), "%s/proc/%d", root, tid);
		unlink(dst);
		if (symlink(src, dst))
			abort();
	} else {
		snprintf(rel, sizeof(rel), "proc/%d/status", pid);
		fx_write(root, rel, status, 0);
	}
}

#endif
