/* test_state_procfs.c - seeding the process table from a fake /proc tree
 * (processes, threads, fds, sockets, containers), bounds, vanished
 * processes, the sweep, and one seed from this machine's real /proc. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <arpa/inet.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "state/state_int.h"
#include "state_fixture.h"

#define H "3f2a9c0d8e7b6a5f4e3d2c1b0a99887766554433221100ffeeddccbbaa998877"
#define BTIME 1700000000ull

static char root[64];

static void build_tree(void)
{
	static const char cmdline[] = "nginx\0-g\0daemon off;\0";
	static const char tcp[] =
	    "  sl  local_address rem_address   st tx_queue rx_queue tr "
	    "tm->when retrnsmt   uid  timeout inode\n"
	    "   0: 00000000:0050 00000000:0000 0A 00000000:00000000 "
	    "00:00000000 00000000     0        0 5001 1 0 100 0 0 10 0\n"
	    "   1: 0500000A:0050 0900000A:C822 01 00000000:00000000 "
	    "00:00000000 00000000     0        0 5002 1 0 20 4 30 10 -1\n"
	    "   2: 0500000A:9C40 0800000A:01BB 01 00000000:00000000 "
	    "00:00000000 00000000     0        0 5004 1 0 20 4 30 10 -1\n";
	static const char unix_[] =
	    "Num       RefCount Protocol Flags    Type St Inode Path\n"
	    "0000000000000000: 00000002 00000000 00010000 0001 01  5003 "
	    "/run/app.sock\n"
	    "0000000000000000: 00000002 00000000 00000000 0001 01  5005\n";
	char big[10000];

	snprintf(root, sizeof(root), "/tmp/bw-proc-XXXXXX");
	if (!mkdtemp(root))
		abort();
	fx_write(root, "proc/stat", "cpu  1 2 3\nbtime 1700000000\n", 0);
	/* pid 100: nginx in a docker container, two threads */
	fx_thread(root, 100, 100, "nginx", 1, 1, 500);
	fx_thread(root, 100, 101, "nginx-worker", 1, 1, 510);
	fx_write(root, "proc/100/cmdline", cmdline, sizeof(cmdline) - 1);
	fx_link(root, "proc/100/exe", "/usr/sbin/nginx");
	fx_link(root, "proc/100/cwd", "/srv/www");
	fx_write(root, "proc/100/loginuid", "4294967295", 0);
	fx_write(root, "proc/100/environ", "A=1\0B=2\0C=3\0", 12);
	fx_write(root, "proc/100/cgroup",
		 "0::/system.slice/docker-" H ".scope\n", 0);
	fx_link(root, "proc/100/ns/net", "net:[4026531992]");
	fx_write(root, "proc/100/net/tcp", tcp, 0);
	fx_write(root, "proc/100/net/unix", unix_, 0);
	fx_write(root, "proc/100/mountinfo",
		 "22 1 0:50 / / rw,relatime - overlay overlay "
		 "rw,lowerdir=/lower,upperdir=/var/upper,workdir=/var/work\n"
		 "23 22 0:5 / /proc rw - proc proc rw\n",
		 0);
	fx_write(root, "var/upper/usr/sbin/nginx", "ELF", 0);
	fx_link(root, "proc/100/fd/0", "/dev/null");
	fx_link(root, "proc/100/fd/3", "socket:[5001]");
	fx_link(root, "proc/100/fd/4", "socket:[5002]");
	fx_link(root, "proc/100/fd/5", "pipe:[777]");
	fx_link(root, "proc/100/fd/6", "anon_inode:[eventfd]");
	fx_link(root, "proc/100/fd/7", "socket:[5003]");
	fx_link(root, "proc/100/fd/8", "socket:[5004]");
	fx_link(root, "proc/100/fd/9", "/memfd:payload (deleted)");
	fx_link(root, "proc/100/fd/10", "socket:[9999]");
	fx_write(root, "proc/100/fdinfo/3", "pos:\t0\nflags:\t02000002\n", 0);
	/* pid 200: started listing but vanished (no stat) */
	fx_write(root, "proc/200/task/200/comm", "ghost\n", 0);
	/* pid 300: a host process with an enormous command line */
	fx_thread(root, 300, 300, "bigargs", 100, 300, 900);
	memset(big, 'x', sizeof(big));
	big[0] = '/';
	big[5] = '\0';
	for (size_t i = 100; i < sizeof(big); i += 100)
		big[i] = '\0';
	fx_write(root, "proc/300/cmdline", big, sizeof(big));
	fx_write(root, "proc/300/cgroup", "0::/user.slice/user-0.slice\n", 0);
	fx_link(root, "proc/300/exe", "/memfd:stage2 (deleted)");
}

static int setup(void **state)
{
	(void)state;
	build_tree();
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	fx_rmtree(root);
	return 0;
}

static struct bw_state *seeded(void)
{
	struct bw_state_config cfg = {.root = root, .seed_from_proc = true};
	struct bw_state *st = NULL;
	struct bw_error err = {0};

	assert_int_equal(state_new(&cfg, &st, &err), 0);
	return st;
}

static void seed_reads_process_identity(void **state)
{
	struct bw_state *st = seeded();
	struct bw_proc *p = state_proc(st, 100);

	(void)state;
	assert_non_null(p);
	assert_int_equal(p->pid, 100);
	assert_int_equal(p->ppid, 1);
	assert_int_equal(p->pgid, 100);
	assert_int_equal(p->sid, 100);
	assert_int_equal(p->tty, 34817);
	assert_int_equal(p->vpid, 1);
	assert_int_equal(p->vtid, 1);
	assert_string_equal(p->comm, "nginx");
	assert_string_equal(p->exe, "nginx");
	assert_string_equal(p->exepath, "/usr/sbin/nginx");
	assert_string_equal(p->cwd, "/srv/www");
	assert_int_equal(p->argc, 2);
	assert_memory_equal(p->args, "-g\0daemon off;\0", 15);
	assert_int_equal(p->args_len, 15);
	assert_int_equal(p->env_count, 3);
	assert_int_equal(p->loginuid, 0xffffffffu);
	assert_true(p->from_proc);
	assert_true(p->start_ts ==
		    BTIME * 1000000000ull +
			500ull *
			    (1000000000ull / (uint64_t)sysconf(_SC_CLK_TCK)));
	state_free(st);
}

static void seed_reads_credentials_and_capabilities(void **state)
{
	struct bw_state *st = seeded();
	struct bw_proc *p = state_proc(st, 100);

	(void)state;
	assert_int_equal(p->uid, 1000);
	assert_int_equal(p->euid, 1001);
	assert_int_equal(p->suid, 1002);
	assert_int_equal(p->gid, 50);
	assert_int_equal(p->egid, 51);
	assert_int_equal(p->sgid, 52);
	assert_true(p->cap_effective == 0xa80425fbull);
	assert_true(p->cap_permitted == 0xa80425fbull);
	assert_true(p->cap_inheritable == 0);
	state_free(st);
}

static void threads_share_the_fd_table_and_keep_their_names(void **state)
{
	struct bw_state *st = seeded();
	struct bw_proc *p = state_proc(st, 100), *t = state_proc(st, 101);

	(void)state;
	assert_non_null(t);
	assert_int_equal(t->pid, 100);
	assert_string_equal(t->comm, "nginx-worker");
	assert_int_equal(t->vtid, 2);
	assert_ptr_equal(t->fds, p->fds);
	assert_ptr_equal(t->container, p->container);
	state_free(st);
}

static void container_comes_from_the_cgroup(void **state)
{
	struct bw_state *st = seeded();
	struct bw_proc *p = state_proc(st, 100), *h = state_proc(st, 300);

	(void)state;
	assert_string_equal(p->container->id, "3f2a9c0d8e7b");
	assert_string_equal(p->container->full_id, H);
	assert_string_equal(p->container->type, "docker");
	assert_string_equal(p->cgroup, "/system.slice/docker-" H ".scope");
	assert_ptr_equal(h->container, state_host_container(st));
	assert_string_equal(h->container->id, "host");
	state_free(st);
}

static void fds_are_classified(void **state)
{
	struct bw_state *st = seeded();
	struct bw_proc *p = state_proc(st, 100);
	struct bw_fdinfo *f;

	(void)state;
	f = state_fd(st, p, 0);
	assert_non_null(f);
	assert_int_equal(f->type, BW_FD_FILE);
	assert_string_equal(f->name, "/dev/null");
	f = state_fd(st, p, 5);
	assert_int_equal(f->type, BW_FD_PIPE);
	assert_true(f->ino == 777);
	assert_int_equal(state_fd(st, p, 6)->type, BW_FD_EVENT);
	f = state_fd(st, p, 9);
	assert_int_equal(f->type, BW_FD_MEMFD);
	f = state_fd(st, p, 10); /* socket missing from the tables */
	assert_int_equal(f->type, BW_FD_UNKNOWN);
	assert_string_equal(f->name, "socket:[9999]");
	assert_null(state_fd(st, p, 11));
	state_free(st);
}

static void sockets_resolve_through_proc_net(void **state)
{
	struct bw_state *st = seeded();
	struct bw_proc *p = state_proc(st, 100);
	struct bw_fdinfo *f;

	(void)state;
	f = state_fd(st, p, 3); /* listening */
	assert_int_equal(f->type, BW_FD_IPV4);
	assert_int_equal(f->l4proto, BW_L4_TCP);
	assert_true(f->is_server);
	assert_string_equal(f->name, "0.0.0.0:80");
	assert_true(f->open_flags & O_CLOEXEC);
	f = state_fd(st, p, 4); /* accepted: the client is the remote */
	assert_true(f->is_server);
	assert_true(f->connected);
	assert_string_equal(f->name, "10.0.0.9:51234->10.0.0.5:80");
	assert_int_equal(f->tuple.dst.port, 80);
	f = state_fd(st, p, 8); /* outgoing */
	assert_false(f->is_server);
	assert_string_equal(f->name, "10.0.0.5:40000->10.0.0.8:443");
	f = state_fd(st, p, 7);
	assert_int_equal(f->type, BW_FD_UNIX);
	assert_string_equal(f->name, "/run/app.sock");
	assert_true(f->is_server);
	state_free(st);
}

static void exe_flags_memfd_and_upper_layer(void **state)
{
	struct bw_state *st = seeded();

	(void)state;
	assert_true(state_proc(st, 100)->exe_upper_layer);
	assert_false(state_proc(st, 100)->exe_from_memfd);
	assert_true(state_proc(st, 300)->exe_from_memfd);
	state_free(st);
}

static void huge_cmdline_is_bounded(void **state)
{
	struct bw_state *st = seeded();
	struct bw_proc *p = state_proc(st, 300);

	(void)state;
	assert_string_equal(p->exe, "/xxxx");
	assert_true(p->args_len <= STATE_MAX_ARGS_LEN + 1);
	assert_true(p->args_len > STATE_MAX_ARGS_LEN - 200);
	assert_int_equal(p->args[p->args_len - 1], '\0');
	state_free(st);
}

static void vanished_process_is_skipped(void **state)
{
	struct bw_state *st = seeded();
	struct bw_state_stats s;

	(void)state;
	assert_null(state_proc(st, 200));
	state_stats(st, &s);
	assert_int_equal(s.procs, 3);
	assert_int_equal(s.fds, 9); /* 0, 3..10 of pid 100 */
	state_free(st);
}

static void sweep_reaps_processes_gone_from_proc(void **state)
{
	struct bw_state *st = seeded();
	struct bw_state_stats s;
	char p[256];

	(void)state;
	snprintf(p, sizeof(p), "%s/proc/100/task/101", root);
	fx_rmtree(p);
	state_sweep(st);
	assert_null(state_proc(st, 101));
	assert_non_null(state_proc(st, 100));
	state_stats(st, &s);
	assert_int_equal(s.reaped, 1);
	state_free(st);
	fx_rmtree(root);
	build_tree();
}

static void table_full_refuses_and_counts(void **state)
{
	struct bw_state_config cfg = {.root = root};
	struct bw_state *st = NULL;
	struct bw_state_stats s;
	struct bw_proc *p;

	(void)state;
	assert_int_equal(state_new(&cfg, &st, NULL), 0);
	for (int32_t i = 0; i < STATE_MAX_PROCS; i++) {
		p = st_proc_alloc();
		p->tid = p->pid = 100000 + i;
		assert_int_equal(st_proc_insert(st, p), 0);
	}
	p = st_proc_alloc();
	p->tid = 7;
	assert_int_equal(st_proc_insert(st, p), -ENOSPC);
	st_proc_free(p);
	state_stats(st, &s);
	assert_int_equal(s.procs, STATE_MAX_PROCS);
	assert_int_equal(s.proc_table_full, 1);
	assert_null(st_proc_load(st, 100)); /* lookups refused as well */
	state_free(st);
}

static void real_proc_has_our_own_process(void **state)
{
	struct bw_state_config cfg = {.root = "", .seed_from_proc = true};
	struct bw_state *st = NULL;
	struct bw_error err = {0};
	struct bw_proc *p;
	char exe[4096], cwd[4096], comm[32] = "";
	ssize_t n;
	FILE *f;

	(void)state;
	assert_int_equal(state_new(&cfg, &st, &err), 0);
	p = state_proc(st, getpid());
	assert_non_null(p);
	f = fopen("/proc/self/comm", "r");
	assert_non_null(f);
	assert_non_null(fgets(comm, sizeof(comm), f));
	fclose(f);
	comm[strcspn(comm, "\n")] = '\0';
	assert_string_equal(p->comm, comm);
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	assert_true(n > 0);
	exe[n] = '\0';
	assert_string_equal(p->exepath, exe);
	assert_non_null(getcwd(cwd, sizeof(cwd)));
	assert_string_equal(p->cwd, cwd);
	assert_int_equal(p->ppid, getppid());
	assert_int_equal(p->euid, geteuid());
	assert_non_null(p->container);
	state_free(st);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(seed_reads_process_identity),
	    cmocka_unit_test(seed_reads_credentials_and_capabilities),
	    cmocka_unit_test(threads_share_the_fd_table_and_keep_their_names),
	    cmocka_unit_test(container_comes_from_the_cgroup),
	    cmocka_unit_test(fds_are_classified),
	    cmocka_unit_test(sockets_resolve_through_proc_net),
	    cmocka_unit_test(exe_flags_memfd_and_upper_layer),
	    cmocka_unit_test(huge_cmdline_is_bounded),
	    cmocka_unit_test(vanished_process_is_skipped),
	    cmocka_unit_test(sweep_reaps_processes_gone_from_proc),
	    cmocka_unit_test(table_full_refuses_and_counts),
	    cmocka_unit_test(real_proc_has_our_own_process),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
