/* test_event_render.c - Falco-style rendering (src/event/render.c, flags.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/socket.h>

#include "event/event.h"

#define S(x) x, strlen(x)

static const char *render(uint16_t type, const char *pname,
			  const struct bw_param *p)
{
	static char buf[256];
	int i = bw_evt_param_index(type, pname, strlen(pname));

	assert_true(i >= 0);
	bw_param_render(&bw_evt_info(type)->params[i], p, buf, sizeof(buf));
	return buf;
}

static void open_flags_render_with_access_mode(void **state)
{
	char buf[128];

	(void)state;
	bw_flags_render(BW_FS_OPEN_FLAGS, O_WRONLY | O_CREAT, buf, sizeof(buf));
	assert_string_equal(buf, "O_WRONLY|O_CREAT");
	bw_flags_render(BW_FS_OPEN_FLAGS, O_RDONLY | O_CLOEXEC, buf,
			sizeof(buf));
	assert_string_equal(buf, "O_RDONLY|O_CLOEXEC");
	bw_flags_render(BW_FS_OPEN_FLAGS, O_RDWR | O_TRUNC | O_APPEND, buf,
			sizeof(buf));
	assert_string_equal(buf, "O_RDWR|O_TRUNC|O_APPEND");
}

static void combined_open_flags_are_not_split(void **state)
{
	char buf[128];

	(void)state;
	bw_flags_render(BW_FS_OPEN_FLAGS, O_RDWR | 020200000 /* O_TMPFILE */, buf, sizeof(buf));
	assert_string_equal(buf, "O_RDWR|O_TMPFILE");
	bw_flags_render(BW_FS_OPEN_FLAGS, O_WRONLY | O_SYNC, buf, sizeof(buf));
	assert_string_equal(buf, "O_WRONLY|O_SYNC");
	bw_flags_render(BW_FS_OPEN_FLAGS, O_RDONLY | O_DIRECTORY, buf,
			sizeof(buf));
	assert_string_equal(buf, "O_RDONLY|O_DIRECTORY");
}

static void created_flag_is_rendered(void **state)
{
	char buf[128];

	(void)state;
	bw_flags_render(BW_FS_OPEN_FLAGS, O_WRONLY | O_CREAT | BW_O_F_CREATED,
			buf, sizeof(buf));
	assert_string_equal(buf, "O_WRONLY|O_CREAT|O_F_CREATED");
}

static void unknown_bits_render_as_hex(void **state)
{
	char buf[128];

	(void)state;
	bw_flags_render(BW_FS_MEMFD_FLAGS, 0x1 | 0x4000, buf, sizeof(buf));
	assert_string_equal(buf, "MFD_CLOEXEC|0x4000");
	bw_flags_render(BW_FS_CLONE_FLAGS, 0, buf, sizeof(buf));
	assert_string_equal(buf, "0");
}

static void flag_render_truncates_safely(void **state)
{
	char buf[8];
	size_t n;

	(void)state;
	n = bw_flags_render(BW_FS_OPEN_FLAGS, O_WRONLY | O_CREAT, buf,
			    sizeof(buf));
	assert_int_equal(n, 7);
	assert_string_equal(buf, "O_WRONL");
	assert_int_equal(bw_flags_render(BW_FS_OPEN_FLAGS, 1, buf, 0), 0);
}

static void flag_lookup_by_name(void **state)
{
	uint64_t v = 0;

	(void)state;
	assert_int_equal(bw_flag_by_name(BW_FS_OPEN_FLAGS, S("O_CREAT"), &v), 0);
	assert_int_equal(v, O_CREAT);
	assert_int_equal(bw_flag_by_name(BW_FS_PTRACE_REQ, S("PTRACE_SEIZE"), &v),
			 0);
	assert_int_equal(v, 0x4206);
	assert_int_equal(bw_flag_by_name(BW_FS_SOCKET_FAMILY, S("AF_INET6"), &v),
			 0);
	assert_int_equal(v, AF_INET6);
	assert_int_equal(bw_flag_by_name(BW_FS_OPEN_FLAGS, S("O_NOPE"), &v),
			 -ENOENT);
	assert_int_equal(bw_flag_by_name(BW_FS__COUNT, S("O_CREAT"), &v),
			 -ENOENT);
}

static void enums_render_names(void **state)
{
	struct bw_param p = {.type = BW_PT_ENUM, .v.u64 = 16};

	(void)state;
	assert_string_equal(render(BW_EVT_PTRACE, "request", &p),
			    "PTRACE_ATTACH");
	p.v.u64 = 0;
	assert_string_equal(render(BW_EVT_PTRACE, "request", &p),
			    "PTRACE_TRACEME");
	p.v.u64 = AF_NETLINK;
	assert_string_equal(render(BW_EVT_SOCKET, "domain", &p), "AF_NETLINK");
	p.v.u64 = 9;
	assert_string_equal(render(BW_EVT_KILL, "sig", &p), "SIGKILL");
	p.v.u64 = 99999;
	assert_string_equal(render(BW_EVT_KILL, "sig", &p), "99999");
}

static void socket_type_renders_kind_and_flags(void **state)
{
	struct bw_param p = {.type = BW_PT_FLAGS,
			     .v.u64 = SOCK_STREAM | SOCK_CLOEXEC};

	(void)state;
	assert_string_equal(render(BW_EVT_SOCKET, "type", &p),
			    "SOCK_STREAM|SOCK_CLOEXEC");
}

static void errors_render_as_errno_names(void **state)
{
	struct bw_param p = {.type = BW_PT_ERRNO, .v.i64 = -ENOENT};

	(void)state;
	assert_string_equal(render(BW_EVT_UNLINK, "res", &p), "ENOENT");
	p.v.i64 = 3;
	assert_string_equal(render(BW_EVT_UNLINK, "res", &p), "3");
	p.v.i64 = -4000;
	assert_string_equal(render(BW_EVT_UNLINK, "res", &p), "-4000");
	assert_string_equal(bw_errno_name(EACCES), "EACCES");
	assert_string_equal(bw_errno_name(-EPERM), "EPERM");
	assert_null(bw_errno_name(0));
	assert_null(bw_errno_name(100000));
}

static void modes_render_octal(void **state)
{
	struct bw_param p = {.type = BW_PT_MODE, .v.u64 = 0755};

	(void)state;
	assert_string_equal(render(BW_EVT_CHMOD, "mode", &p), "0755");
}

static void sockaddr_and_tuple_render(void **state)
{
	struct bw_param p = {.type = BW_PT_SOCKADDR};
	struct bw_param t = {.type = BW_PT_TUPLE};

	(void)state;
	p.v.sa.family = AF_INET;
	p.v.sa.port = 80;
	memcpy(p.v.sa.addr, "\x01\x02\x03\x04", 4);
	assert_string_equal(render(BW_EVT_BIND, "addr", &p), "1.2.3.4:80");

	t.v.tuple.src = p.v.sa;
	t.v.tuple.src.port = 40000;
	t.v.tuple.dst.family = AF_INET;
	t.v.tuple.dst.port = 443;
	memcpy(t.v.tuple.dst.addr, "\x0a\x00\x00\x01", 4);
	assert_string_equal(render(BW_EVT_CONNECT, "tuple", &t),
			    "1.2.3.4:40000->10.0.0.1:443");

	p.v.sa.family = AF_INET6;
	memset(p.v.sa.addr, 0, 16);
	p.v.sa.addr[15] = 1;
	p.v.sa.port = 22;
	assert_string_equal(render(BW_EVT_BIND, "addr", &p), "::1:22");
}

static void unix_sockaddr_renders_path(void **state)
{
	struct bw_param p = {.type = BW_PT_SOCKADDR};

	(void)state;
	p.v.sa.family = AF_UNIX;
	p.v.sa.path = "/run/docker.sockJUNK";
	p.v.sa.path_len = 16;
	assert_string_equal(render(BW_EVT_BIND, "addr", &p), "/run/docker.sock");
	p.v.sa.path = "\0abstract";
	p.v.sa.path_len = 9;
	assert_string_equal(render(BW_EVT_BIND, "addr", &p), "@abstract");
}

static void strings_are_length_bounded(void **state)
{
	struct bw_param p = {.type = BW_PT_PATH};

	(void)state;
	p.v.str.ptr = "/etc/shadowXXXX";
	p.v.str.len = 11;
	assert_string_equal(render(BW_EVT_OPENAT, "name", &p), "/etc/shadow");
}

static void args_render_space_separated(void **state)
{
	struct bw_param p = {.type = BW_PT_BYTES};

	(void)state;
	p.v.str.ptr = "ls\0-la\0/tmp\0";
	p.v.str.len = 12;
	assert_string_equal(render(BW_EVT_EXECVE, "args", &p), "ls -la /tmp");
}

static void missing_param_renders_na(void **state)
{
	struct bw_param p = {.type = BW_PT_NONE};

	(void)state;
	assert_string_equal(render(BW_EVT_OPENAT, "dev", &p), "<NA>");
}

static void ip_render_rejects_other_families(void **state)
{
	char buf[64];
	uint8_t a[16] = {127, 0, 0, 1};

	(void)state;
	bw_ip_render(AF_INET, a, buf, sizeof(buf));
	assert_string_equal(buf, "127.0.0.1");
	bw_ip_render(AF_UNIX, a, buf, sizeof(buf));
	assert_string_equal(buf, "");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(open_flags_render_with_access_mode),
		cmocka_unit_test(combined_open_flags_are_not_split),
		cmocka_unit_test(created_flag_is_rendered),
		cmocka_unit_test(unknown_bits_render_as_hex),
		cmocka_unit_test(flag_render_truncates_safely),
		cmocka_unit_test(flag_lookup_by_name),
		cmocka_unit_test(enums_render_names),
		cmocka_unit_test(socket_type_renders_kind_and_flags),
		cmocka_unit_test(errors_render_as_errno_names),
		cmocka_unit_test(modes_render_octal),
		cmocka_unit_test(sockaddr_and_tuple_render),
		cmocka_unit_test(unix_sockaddr_renders_path),
		cmocka_unit_test(strings_are_length_bounded),
		cmocka_unit_test(args_render_space_separated),
		cmocka_unit_test(missing_param_renders_na),
		cmocka_unit_test(ip_render_rejects_other_families),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
