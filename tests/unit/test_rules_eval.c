/*
 * test_rules_eval.c - condition semantics: every operator, precedence,
 * transformers, list fields, IPs/CIDRs, evt.arg rendering, missing values,
 * and the fields read from synthetic events.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "rules_fixture.h"

#define MATCH(f, c) assert_int_equal(fx_match(f, c), 1)
#define NOMATCH(f, c) assert_int_equal(fx_match(f, c), 0)

static void test_equality_and_inequality(void **st)
{
	struct fx f;

	fx_init(&f);
	MATCH(&f, "proc.name = cat");
	MATCH(&f, "proc.name == \"cat\"");
	MATCH(&f, "proc.name != bash");
	NOMATCH(&f, "proc.name = bash");
	NOMATCH(&f, "proc.name != cat");
}

static void test_numeric_comparisons(void **st)
{
	struct fx f;

	fx_init(&f);
	MATCH(&f, "proc.pid = 300");
	MATCH(&f, "proc.pid > 299 and proc.pid >= 300 and proc.pid < 301 and proc.pid <= 300");
	NOMATCH(&f, "proc.pid > 300");
	MATCH(&f, "evt.rawres >= 0");
	MATCH(&f, "fd.num = 3");
	MATCH(&f, "user.uid = 0 and user.name = root");
	MATCH(&f, "user.loginuid = -1");
	MATCH(&f, "proc.pid in (1, 300, 5)");
}

static void test_bad_number_is_compile_error(void **st)
{
	struct fx f;

	fx_init(&f);
	assert_int_equal(fx_match(&f, "proc.pid = abc"), -1);
}

static void test_string_operators(void **st)
{
	struct fx f;

	fx_init(&f);
	MATCH(&f, "fd.name contains shad");
	MATCH(&f, "fd.name icontains SHAD");
	MATCH(&f, "fd.name startswith /etc/");
	MATCH(&f, "fd.name endswith dow");
	MATCH(&f, "fd.name glob '/etc/*'");
	MATCH(&f, "fd.name glob '/e?c/sh*'");
	NOMATCH(&f, "fd.name glob '/usr/*'");
	MATCH(&f, "fd.name iglob '/ETC/*'");
	MATCH(&f, "fd.name regex '/etc/sha[a-z]+'");
	NOMATCH(&f, "fd.name regex 'sha'");
	MATCH(&f, "fd.name bcontains 736861");      /* "sha" */
	MATCH(&f, "fd.name bstartswith 2f657463");  /* "/etc" */
	NOMATCH(&f, "fd.name bstartswith 2f757372");
}

static void test_in_and_pmatch(void **st)
{
	struct fx f;

	fx_init(&f);
	MATCH(&f, "proc.name in (bash, cat, \"c d\")");
	NOMATCH(&f, "proc.name in (bash, sh)");
	MATCH(&f, "fd.name pmatch (/usr, /etc)");
	MATCH(&f, "fd.name pmatch (/etc/shadow)");
	NOMATCH(&f, "fd.name pmatch (/et, /usr)");
	MATCH(&f, "fd.directory pmatch (/)");
	NOMATCH(&f, "proc.name in ()");
}

static void test_intersects_on_list_field(void **st)
{
	struct fx f;

	fx_init(&f);
	MATCH(&f, "proc.aname intersects (sshd, nothing)");
	NOMATCH(&f, "proc.aname intersects (nothing, other)");
	MATCH(&f, "proc.aname = bash");
	MATCH(&f, "proc.aname in (sshd)");
	NOMATCH(&f, "proc.aname = cat"); /* ancestors start at the parent */
}

static void test_exists_and_missing_values(void **st)
{
	struct fx f;

	fx_init(&f);
	MATCH(&f, "proc.pname exists");
	MATCH(&f, "not proc.aname[9] exists");
	NOMATCH(&f, "proc.aname[9] = x");
	NOMATCH(&f, "proc.aname[9] != x");  /* missing: every check false */
	MATCH(&f, "not proc.aname[9] = x");
	f.ev.proc = NULL;
	NOMATCH(&f, "proc.name exists");
}

static void test_precedence_not_and_or(void **st)
{
	struct fx f;

	fx_init(&f);
	/* not a and b or c == ((not a) and b) or c */
	MATCH(&f, "not proc.name = bash and proc.pid = 300 or proc.pid = 1");
	MATCH(&f, "not proc.name = cat and proc.pid = 300 or proc.pid = 300");
	NOMATCH(&f, "not proc.name = cat and proc.pid = 300 or proc.pid = 1");
	NOMATCH(&f, "not (proc.name = bash or proc.pid = 300)");
	MATCH(&f, "proc.pid = 1 or proc.pid = 300 and proc.name = cat");
	NOMATCH(&f, "(proc.pid = 1 or proc.pid = 300) and proc.name = bash");
	MATCH(&f, "not not proc.name = cat");
	MATCH(&f, "not(proc.name = bash)");
}

static void test_transformers(void **st)
{
	struct fx f;

	fx_init(&f);
	MATCH(&f, "toupper(proc.name) = CAT");
	MATCH(&f, "tolower(toupper(proc.name)) = cat");
	MATCH(&f, "basename(proc.exepath) = cat");
	MATCH(&f, "len(proc.name) = 3");
	MATCH(&f, "len(fd.name) > 10");
	f.fd.name = "Y2F0";  /* base64 of "cat" */
	MATCH(&f, "b64(fd.name) = cat");
}

static void test_val_on_right_hand_side(void **st)
{
	struct fx f;

	fx_init(&f);
	MATCH(&f, "proc.name = val(proc.exe)");
	NOMATCH(&f, "proc.name = val(proc.pname)");
	MATCH(&f, "proc.pid > val(proc.ppid)");
	MATCH(&f, "fd.name startswith val(fd.directory)");
}

static void test_evt_type_and_dir(void **st)
{
	struct fx f;

	fx_init(&f);
	MATCH(&f, "evt.type = openat and evt.dir = <");
	NOMATCH(&f, "evt.type = openat and evt.dir = >");
	MATCH(&f, "evt.type in (open, openat)");
	NOMATCH(&f, "evt.type != openat");
	MATCH(&f, "evt.type startswith open");
	MATCH(&f, "evt.category = file");
}

static void test_evt_arg_and_open_flags(void **st)
{
	struct fx f;

	fx_init(&f);
	MATCH(&f, "evt.arg.name = /etc/shadow");
	MATCH(&f, "evt.arg[2] = /etc/shadow");
	MATCH(&f, "evt.arg.flags contains O_RDONLY");
	MATCH(&f, "evt.is_open_read = true and evt.is_open_write = false");
	f.ev.params[3].v.u64 = 01 | 0100; /* O_WRONLY|O_CREAT */
	MATCH(&f, "evt.arg.flags contains O_WRONLY");
	MATCH(&f, "evt.is_open_write = true and evt.is_open_read = false");
	MATCH(&f, "evt.arg.fd = 3");
	MATCH(&f, "evt.res = SUCCESS");
	f.ev.res = -2;
	MATCH(&f, "evt.res = ENOENT and evt.failed = true and evt.rawres < 0");
}

static void test_proc_fields_and_ancestors(void **st)
{
	struct fx f;

	fx_init(&f);
	MATCH(&f, "proc.cmdline = \"cat -n /etc/shadow\"");
	MATCH(&f, "proc.args = \"-n /etc/shadow\"");
	MATCH(&f, "proc.exepath = /usr/bin/cat and proc.exe = cat");
	MATCH(&f, "proc.pname = bash and proc.aname[1] = bash");
	MATCH(&f, "proc.aname[2] = sshd and proc.aname[0] = cat");
	MATCH(&f, "proc.pexepath = /bin/bash and proc.aexepath[2] = /usr/sbin/sshd");
	MATCH(&f, "proc.pcmdline = \"bash -i\"");
	MATCH(&f, "proc.ppid = 200 and proc.vpid = 300");
	MATCH(&f, "proc.sname = sshd");
	MATCH(&f, "proc.env = \"\"");
}

static void test_fd_fields(void **st)
{
	struct fx f;

	fx_init(&f);
	MATCH(&f, "fd.typechar = f and fd.type = file");
	MATCH(&f, "fd.directory = /etc and fd.filename = shadow");
	MATCH(&f, "fd.nameraw = /etc/../etc/shadow");
	f.ev.fd = NULL; /* fallback to the event's path */
	MATCH(&f, "fd.name = /etc/shadow and fd.directory = /etc");
}

static void test_ip_and_cidr(void **st)
{
	struct fx f;

	fx_init(&f);
	fx_connect(&f);
	MATCH(&f, "fd.sip = 1.2.3.4 and fd.cip = \"10.0.0.5\"");
	MATCH(&f, "fd.sip in (\"127.0.0.1\", \"1.2.3.4\")");
	MATCH(&f, "fd.cnet in (\"10.0.0.0/8\")");
	NOMATCH(&f, "fd.snet in (\"10.0.0.0/8\", \"192.168.0.0/16\")");
	MATCH(&f, "fd.net = \"10.0.0.0/8\""); /* either end */
	MATCH(&f, "fd.ip != \"0.0.0.0\"");
	MATCH(&f, "fd.sport = 443 and fd.rport = 443 and fd.lport = 40000");
	MATCH(&f, "fd.port in (443)");
	MATCH(&f, "fd.l4proto = tcp and fd.typechar = 4 and fd.sockfamily = ip");
	MATCH(&f, "fd.name = \"10.0.0.5:40000->1.2.3.4:443\"");
	MATCH(&f, "fd.rip = 1.2.3.4 and fd.lip = 10.0.0.5");
	assert_int_equal(fx_match(&f, "fd.sip = not.an.ip"), -1);
}

static void test_container_fields(void **st)
{
	struct fx f;

	fx_init(&f);
	MATCH(&f, "container.id = abcdef123456 and container.name = web");
	MATCH(&f, "container.image.repository = docker.io/library/nginx");
	MATCH(&f, "container.image.tag = \"1.25\"");
	MATCH(&f, "container.privileged = true");
	MATCH(&f, "container.mount.dest[/var/run/docker.sock] = /var/run/docker.sock");
	MATCH(&f, "container.mount.dest[/data] = /srv");
	MATCH(&f, "container.mount.source[/srv] = /data");
	MATCH(&f, "container.mount.dest[/etc] = \"N/A\"");
	/* Falco's sensitive_mount macro: `not container.mount.dest[X] in ("N/A")` */
	MATCH(&f, "container.mount.dest[/etc] in (\"N/A\")");
	MATCH(&f, "container.mounts contains docker.sock");
	MATCH(&f, "container.label[app] = web");
	MATCH(&f, "k8s.pod.name = web-0 and k8s.ns.name = prod");
	f.ev.container = NULL;
	f.proc.container = &f.host;
	MATCH(&f, "container.id = host");
}

static void test_user_and_caps(void **st)
{
	struct fx f;

	fx_init(&f);
	f.proc.cap_effective = 1ull << 21;
	MATCH(&f, "thread.cap_effective contains CAP_SYS_ADMIN");
	f.proc.loginuid = 1000;
	MATCH(&f, "user.loginuid = 1000");
	f.proc.euid = 4242;
	NOMATCH(&f, "user.name = root");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_equality_and_inequality),
		cmocka_unit_test(test_numeric_comparisons),
		cmocka_unit_test(test_bad_number_is_compile_error),
		cmocka_unit_test(test_string_operators),
		cmocka_unit_test(test_in_and_pmatch),
		cmocka_unit_test(test_intersects_on_list_field),
		cmocka_unit_test(test_exists_and_missing_values),
		cmocka_unit_test(test_precedence_not_and_or),
		cmocka_unit_test(test_transformers),
		cmocka_unit_test(test_val_on_right_hand_side),
		cmocka_unit_test(test_evt_type_and_dir),
		cmocka_unit_test(test_evt_arg_and_open_flags),
		cmocka_unit_test(test_proc_fields_and_ancestors),
		cmocka_unit_test(test_fd_fields),
		cmocka_unit_test(test_ip_and_cidr),
		cmocka_unit_test(test_container_fields),
		cmocka_unit_test(test_user_and_caps),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
