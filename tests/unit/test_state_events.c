/* test_state_events.c - event sequences keeping the process and fd tables
 * current: fork -> exec -> open -> dup2 -> connect -> close -> exit, and
 * the other syscalls state_process_event/state_post_event handle. */
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

static char root[64];

static int setup(void **state)
{
	(void)state;
	snprintf(root, sizeof(root), "/tmp/bw-evt-XXXXXX");
	if (!mkdtemp(root))
		abort();
	fx_write(root, "proc/stat", "btime 1700000000\n", 0);
	fx_thread(root, 100, 100, "bash", 1, 100, 100);
	fx_write(root, "proc/100/cmdline", "bash\0", 5);
	fx_link(root, "proc/100/exe", "/usr/bin/bash");
	fx_link(root, "proc/100/cwd", "/home/u");
	fx_write(root, "proc/100/cgroup", "0::/user.slice\n", 0);
	fx_link(root, "proc/100/fd/0", "/dev/pts/0");
	fx_link(root, "proc/100/fd/1", "/dev/pts/0");
	fx_link(root, "proc/100/fd/2", "/dev/pts/0");
	fx_link(root, "proc/100/fd/9", "/var/log/secret.log");
	fx_write(root, "proc/100/fdinfo/9", "flags:\t02100001\n", 0);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	fx_rmtree(root);
	return 0;
}

static struct bw_state *fresh(void)
{
	struct bw_state_config cfg = {.root = root, .seed_from_proc = true};
	struct bw_state *st = NULL;

	assert_int_equal(state_new(&cfg, &st, NULL), 0);
	assert_non_null(state_proc(st, 100));
	return st;
}

static void ev_init(struct bw_event *ev, uint16_t type, int32_t tid,
		    int64_t res)
{
	memset(ev, 0, sizeof(*ev));
	ev->type = type;
	ev->tid = tid;
	ev->pid = tid;
	ev->res = res;
	ev->ts_ns = 1800000000000000000ull;
	ev->nparams = bw_evt_info(type)->nparams;
}

static struct bw_param *ev_p(struct bw_event *ev, const char *name)
{
	int i = bw_evt_param_index(ev->type, name, strlen(name));

	assert_true(i >= 0);
	ev->params[i].type = bw_evt_info(ev->type)->params[i].type;
	return &ev->params[i];
}

static void set_i(struct bw_event *ev, const char *name, int64_t v)
{
	ev_p(ev, name)->v.i64 = v;
}

static void set_s(struct bw_event *ev, const char *name, const char *s)
{
	struct bw_param *p = ev_p(ev, name);

	p->v.str.ptr = s;
	p->v.str.len = (uint32_t)strlen(s);
}

/* Runs one event through both halves, as the agent does around rules. */
static void run(struct bw_state *st, struct bw_event *ev)
{
	state_process_event(st, ev);
	state_post_event(st, ev);
}

static void do_fork(struct bw_state *st, int32_t parent, int32_t child,
		    uint64_t flags)
{
	struct bw_event ev;

	ev_init(&ev, BW_EVT_CLONE, parent, child);
	set_i(&ev, "flags", (int64_t)flags);
	run(st, &ev);
}

static void do_exec(struct bw_state *st, int32_t tid)
{
	struct bw_event ev;

	ev_init(&ev, BW_EVT_EXECVE, tid, 0);
	ev.argc = 3;
	ev.argv[0] = (struct bw_str){"curl", 4};
	ev.argv[1] = (struct bw_str){"-s", 2};
	ev.argv[2] = (struct bw_str){"http://x", 8};
	ev.env_count = 7;
	set_s(&ev, "filename", "/usr/bin/curl");
	set_i(&ev, "uid", 1001);
	run(st, &ev);
	assert_ptr_equal(ev.proc, state_proc(st, tid));
}

static struct bw_fdinfo *do_openat(struct bw_state *st, int32_t tid,
				   int64_t dirfd, const char *name,
				   int64_t flags, int64_t res)
{
	struct bw_event ev;

	ev_init(&ev, BW_EVT_OPENAT, tid, res);
	set_i(&ev, "fd", res);
	set_i(&ev, "dirfd", dirfd);
	set_s(&ev, "name", name);
	set_i(&ev, "flags", flags);
	run(st, &ev);
	return ev.fd;
}

static void fork_copies_parent_and_its_fds(void **state)
{
	struct bw_state *st = fresh();
	struct bw_proc *p = state_proc(st, 100), *c;

	(void)state;
	do_fork(st, 100, 150, 0x11 /* SIGCHLD */);
	c = state_proc(st, 150);
	assert_non_null(c);
	assert_int_equal(c->pid, 150);
	assert_int_equal(c->ppid, 100);
	assert_int_equal(c->vpid, 150);
	assert_string_equal(c->comm, "bash");
	assert_string_equal(c->cwd, "/home/u");
	assert_string_equal(c->exepath, "/usr/bin/bash");
	assert_ptr_not_equal(c->fds, p->fds);
	assert_string_equal(state_fd(st, c, 2)->name, "/dev/pts/0");
	assert_ptr_equal(c->container, p->container);
	assert_false(c->from_proc);
	state_free(st);
}

static void thread_clone_shares_the_fd_table(void **state)
{
	struct bw_state *st = fresh();
	struct bw_proc *t;

	(void)state;
	do_fork(st, 100, 101, 0x10000 | 0x400 | 0x100);
	t = state_proc(st, 101);
	assert_non_null(t);
	assert_int_equal(t->pid, 100);
	assert_int_equal(t->ppid, 1);
	assert_ptr_equal(t->fds, state_proc(st, 100)->fds);
	do_openat(st, 101, AT_FDCWD, "x", O_RDONLY, 4);
	assert_non_null(state_fd(st, state_proc(st, 100), 4));
	state_free(st);
}

static void exec_refreshes_image_and_closes_cloexec_fds(void **state)
{
	struct bw_state *st = fresh();
	struct bw_proc *c;

	(void)state;
	do_fork(st, 100, 150, 0x11);
	do_exec(st, 150);
	c = state_proc(st, 150);
	assert_string_equal(c->exe, "curl");
	assert_string_equal(c->exepath, "/usr/bin/curl");
	assert_string_equal(c->comm, "curl");
	assert_int_equal(c->argc, 2);
	assert_memory_equal(c->args, "-s\0http://x\0", 12);
	assert_int_equal(c->env_count, 7);
	assert_int_equal(c->euid, 1001);
	assert_null(state_fd(st, c, 9)); /* O_CLOEXEC */
	assert_non_null(state_fd(st, c, 2));
	assert_non_null(state_fd(st, state_proc(st, 100), 9)); /* parent's */
	state_free(st);
}

static void open_resolves_against_cwd_and_dirfd(void **state)
{
	struct bw_state *st = fresh();
	struct bw_fdinfo *f;

	(void)state;
	f = do_openat(st, 100, AT_FDCWD, "../etc/./passwd", O_RDONLY, 3);
	assert_non_null(f);
	assert_string_equal(f->name, "/home/etc/passwd");
	assert_string_equal(f->name_raw, "../etc/./passwd");
	assert_int_equal(f->type, BW_FD_FILE);
	f = do_openat(st, 100, AT_FDCWD, "/etc", O_RDONLY | O_DIRECTORY, 4);
	assert_int_equal(f->type, BW_FD_DIRECTORY);
	f = do_openat(st, 100, 4, "shadow", O_RDONLY, 5);
	assert_string_equal(f->name, "/etc/shadow");
	assert_null(do_openat(st, 100, AT_FDCWD, "/nope", O_RDONLY, -2));
	assert_null(state_fd(st, state_proc(st, 100), -2));
	state_free(st);
}

static void dup2_copies_the_entry_without_cloexec(void **state)
{
	struct bw_state *st = fresh();
	struct bw_event ev;

	(void)state;
	ev_init(&ev, BW_EVT_DUP2, 100, 1);
	set_i(&ev, "oldfd", 9);
	set_i(&ev, "newfd", 1);
	run(st, &ev);
	assert_non_null(ev.fd);
	assert_string_equal(ev.fd->name, "/var/log/secret.log");
	assert_int_equal(ev.fd->fd, 1);
	assert_false(ev.fd->open_flags & O_CLOEXEC);
	ev_init(&ev, BW_EVT_FCNTL, 100, 20);
	set_i(&ev, "fd", 9);
	set_i(&ev, "cmd", 1030 /* F_DUPFD_CLOEXEC */);
	run(st, &ev);
	assert_true(ev.fd->open_flags & O_CLOEXEC);
	assert_int_equal(ev.fd->fd, 20);
	state_free(st);
}

static void socket_connect_close_sequence(void **state)
{
	struct bw_state *st = fresh();
	struct bw_proc *p = state_proc(st, 100);
	struct bw_event ev;
	struct bw_param *t;

	(void)state;
	ev_init(&ev, BW_EVT_SOCKET, 100, 6);
	set_i(&ev, "fd", 6);
	set_i(&ev, "domain", AF_INET);
	set_i(&ev, "type", SOCK_STREAM | SOCK_CLOEXEC);
	set_i(&ev, "proto", 0);
	run(st, &ev);
	assert_int_equal(ev.fd->type, BW_FD_IPV4);
	assert_int_equal(ev.fd->l4proto, BW_L4_TCP);

	ev_init(&ev, BW_EVT_CONNECT, 100, 0);
	set_i(&ev, "fd", 6);
	t = ev_p(&ev, "tuple");
	t->v.tuple.src.family = AF_INET;
	t->v.tuple.src.port = 40000;
	inet_pton(AF_INET, "10.0.0.1", t->v.tuple.src.addr);
	t->v.tuple.dst.family = AF_INET;
	t->v.tuple.dst.port = 443;
	inet_pton(AF_INET, "93.184.216.34", t->v.tuple.dst.addr);
	run(st, &ev);
	assert_non_null(ev.fd);
	assert_string_equal(ev.fd->name, "10.0.0.1:40000->93.184.216.34:443");
	assert_true(ev.fd->connected);
	assert_false(ev.fd->is_server);

	ev_init(&ev, BW_EVT_CLOSE, 100, 0);
	set_i(&ev, "fd", 6);
	state_process_event(st, &ev);
	assert_non_null(ev.fd); /* rules still see what was closed */
	assert_string_equal(ev.fd->name, "10.0.0.1:40000->93.184.216.34:443");
	state_post_event(st, &ev);
	assert_null(state_fd(st, p, 6));
	state_free(st);
}

static void accept_makes_a_server_side_fd(void **state)
{
	struct bw_state *st = fresh();
	struct bw_event ev;
	struct bw_param *t;

	(void)state;
	ev_init(&ev, BW_EVT_ACCEPT4, 100, 7);
	set_i(&ev, "fd", 7);
	t = ev_p(&ev, "tuple");
	t->v.tuple.src.family = AF_INET6;
	t->v.tuple.src.port = 50000;
	inet_pton(AF_INET6, "2001:db8::1", t->v.tuple.src.addr);
	t->v.tuple.dst.family = AF_INET6;
	t->v.tuple.dst.port = 22;
	inet_pton(AF_INET6, "2001:db8::2", t->v.tuple.dst.addr);
	run(st, &ev);
	assert_int_equal(ev.fd->type, BW_FD_IPV6);
	assert_true(ev.fd->is_server);
	assert_string_equal(ev.fd->name, "2001:db8::1:50000->2001:db8::2:22");
	state_free(st);
}

static void unix_connect_keeps_the_path(void **state)
{
	struct bw_state *st = fresh();
	struct bw_event ev;
	struct bw_param *t;
	char path[] = "/run/docker.sock";

	(void)state;
	ev_init(&ev, BW_EVT_CONNECT, 100, 0);
	set_i(&ev, "fd", 8);
	t = ev_p(&ev, "tuple");
	t->v.tuple.dst.family = AF_UNIX;
	t->v.tuple.dst.path = path;
	t->v.tuple.dst.path_len = (uint32_t)strlen(path);
	run(st, &ev);
	memset(path, 0, sizeof(path)); /* the event's memory goes away */
	assert_int_equal(ev.fd->type, BW_FD_UNIX);
	assert_string_equal(ev.fd->name, "/run/docker.sock");
	assert_memory_equal(ev.fd->tuple.dst.path, "/run/docker.sock", 16);
	state_free(st);
}

static void pipe_and_memfd_make_typed_fds(void **state)
{
	struct bw_state *st = fresh();
	struct bw_proc *p = state_proc(st, 100);
	struct bw_event ev;

	(void)state;
	ev_init(&ev, BW_EVT_PIPE2, 100, 0);
	set_i(&ev, "fd1", 10);
	set_i(&ev, "fd2", 11);
	set_i(&ev, "ino", 4242);
	set_i(&ev, "flags", O_CLOEXEC);
	run(st, &ev);
	assert_int_equal(state_fd(st, p, 10)->type, BW_FD_PIPE);
	assert_string_equal(state_fd(st, p, 11)->name, "pipe:[4242]");
	ev_init(&ev, BW_EVT_MEMFD_CREATE, 100, 12);
	set_i(&ev, "fd", 12);
	set_s(&ev, "name", "stage2");
	set_i(&ev, "flags", 0);
	run(st, &ev);
	assert_int_equal(ev.fd->type, BW_FD_MEMFD);
	assert_string_equal(ev.fd->name, "memfd:stage2");
	state_free(st);
}

static void setuid_applies_after_the_rules(void **state)
{
	struct bw_state *st = fresh();
	struct bw_proc *p = state_proc(st, 100);
	struct bw_event ev;

	(void)state;
	p->uid = p->euid = p->suid = 0;
	p->cap_effective = p->cap_permitted = ~0ull >> 23;
	ev_init(&ev, BW_EVT_SETUID, 100, 0);
	set_i(&ev, "uid", 1000);
	state_process_event(st, &ev);
	assert_int_equal(ev.proc->euid, 0); /* rules see the caller */
	state_post_event(st, &ev);
	assert_int_equal(p->uid, 1000);
	assert_int_equal(p->euid, 1000);
	assert_int_equal(p->suid, 1000);
	assert_true(p->cap_effective == 0 && p->cap_permitted == 0);
	ev_init(&ev, BW_EVT_SETRESUID, 100, -1); /* failed: no change */
	set_i(&ev, "ruid", 0);
	set_i(&ev, "euid", 0);
	set_i(&ev, "suid", 0);
	run(st, &ev);
	assert_int_equal(p->euid, 1000);
	state_free(st);
}

static void chdir_moves_cwd_for_later_opens(void **state)
{
	struct bw_state *st = fresh();
	struct bw_event ev;

	(void)state;
	ev_init(&ev, BW_EVT_CHDIR, 100, 0);
	set_s(&ev, "path", "../../tmp/x/..");
	run(st, &ev);
	assert_string_equal(state_proc(st, 100)->cwd, "/tmp");
	assert_string_equal(do_openat(st, 100, AT_FDCWD, "a", 0, 3)->name,
			    "/tmp/a");
	state_free(st);
}

static void procexit_reaps_after_the_rules(void **state)
{
	struct bw_state *st = fresh();
	struct bw_state_stats s;
	struct bw_event ev;

	(void)state;
	do_fork(st, 100, 150, 0x11);
	ev_init(&ev, BW_EVT_PROCEXIT, 150, 0);
	state_process_event(st, &ev);
	assert_ptr_equal(ev.proc, state_proc(st, 150));
	state_post_event(st, &ev);
	assert_null(state_proc(st, 150));
	assert_null(ev.proc);
	state_stats(st, &s);
	assert_int_equal(s.reaped, 1);
	state_free(st);
}

static void unknown_vanished_thread_gets_a_degraded_entry(void **state)
{
	struct bw_state *st = fresh();
	struct bw_state_stats s;
	struct bw_event ev;

	(void)state;
	ev_init(&ev, BW_EVT_EXECVE, 777, 0);
	set_s(&ev, "comm", "sh");
	set_s(&ev, "exe", "/bin/sh");
	set_i(&ev, "ptid", 100);
	set_s(&ev, "cwd", "/root");
	run(st, &ev);
	assert_non_null(ev.proc);
	assert_int_equal(ev.proc->tid, 777);
	assert_string_equal(ev.proc->comm, "sh");
	assert_string_equal(ev.proc->cwd, "/root");
	assert_string_equal(ev.proc->exepath, "/bin/sh");
	assert_int_equal(ev.proc->ppid, 100);
	assert_ptr_equal(ev.container, state_host_container(st));
	state_stats(st, &s);
	assert_int_equal(s.lookups_missed, 1);
	ev_init(&ev, BW_EVT_OPENAT, 777, 3); /* now known */
	set_i(&ev, "dirfd", AT_FDCWD);
	set_s(&ev, "name", "f");
	run(st, &ev);
	assert_string_equal(ev.fd->name, "/root/f");
	state_stats(st, &s);
	assert_int_equal(s.lookups_missed, 1);
	state_free(st);
}

static void full_sequence_fork_exec_open_dup2_connect_close_exit(void **state)
{
	struct bw_state *st = fresh();
	struct bw_state_stats s;
	struct bw_event ev;
	struct bw_param *t;

	(void)state;
	do_fork(st, 100, 150, 0x11);
	do_exec(st, 150);
	do_openat(st, 150, AT_FDCWD, "out.txt", O_WRONLY | O_CREAT, 3);
	ev_init(&ev, BW_EVT_DUP2, 150, 1);
	set_i(&ev, "oldfd", 3);
	set_i(&ev, "newfd", 1);
	run(st, &ev);
	assert_string_equal(state_fd(st, state_proc(st, 150), 1)->name,
			    "/home/u/out.txt");
	ev_init(&ev, BW_EVT_CONNECT, 150, -115 /* EINPROGRESS */);
	set_i(&ev, "fd", 4);
	t = ev_p(&ev, "tuple");
	t->v.tuple.src.family = t->v.tuple.dst.family = AF_INET;
	t->v.tuple.dst.port = 80;
	run(st, &ev);
	assert_string_equal(ev.fd->name, "0.0.0.0:0->0.0.0.0:80");
	assert_string_equal(ev.proc->comm, "curl");
	ev_init(&ev, BW_EVT_CLOSE, 150, 0);
	set_i(&ev, "fd", 3);
	run(st, &ev);
	assert_null(state_fd(st, state_proc(st, 150), 3));
	assert_non_null(state_fd(st, state_proc(st, 150), 1));
	ev_init(&ev, BW_EVT_PROCEXIT, 150, 0);
	run(st, &ev);
	assert_null(state_proc(st, 150));
	state_stats(st, &s);
	assert_int_equal(s.procs, 1);
	assert_int_equal(s.fds, 4); /* bash's 0, 1, 2, 9 */
	state_free(st);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(fork_copies_parent_and_its_fds),
	    cmocka_unit_test(thread_clone_shares_the_fd_table),
	    cmocka_unit_test(exec_refreshes_image_and_closes_cloexec_fds),
	    cmocka_unit_test(open_resolves_against_cwd_and_dirfd),
	    cmocka_unit_test(dup2_copies_the_entry_without_cloexec),
	    cmocka_unit_test(socket_connect_close_sequence),
	    cmocka_unit_test(accept_makes_a_server_side_fd),
	    cmocka_unit_test(unix_connect_keeps_the_path),
	    cmocka_unit_test(pipe_and_memfd_make_typed_fds),
	    cmocka_unit_test(setuid_applies_after_the_rules),
	    cmocka_unit_test(chdir_moves_cwd_for_later_opens),
	    cmocka_unit_test(procexit_reaps_after_the_rules),
	    cmocka_unit_test(unknown_vanished_thread_gets_a_degraded_entry),
	    cmocka_unit_test(
		full_sequence_fork_exec_open_dup2_connect_close_exit),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
