/* test_hostbench.c - `bulwark bench host` against fake root trees built in
 * a temp dir: kubelet config good/bad, a drop-in overriding the config,
 * ownership and modes (the tests run as root, so chown works), missing
 * files, symlinks that try to leave the root, audit rules, kernel
 * parameters, the parsers on their own, and the report writers. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "hostbench/hostbench.h"

static char root[64];
static char outside[64];

static void mkdirs(const char *path)
{
	char tmp[4096];

	snprintf(tmp, sizeof(tmp), "%s", path);
	for (char *p = tmp + 1; *p; p++)
		if (*p == '/') {
			*p = '\0';
			mkdir(tmp, 0755);
			*p = '/';
		}
	mkdir(tmp, 0755);
}

static void full(char *buf, size_t len, const char *rel)
{
	snprintf(buf, len, "%s/%s", root, rel);
}

static void put(const char *rel, const char *text, size_t len, mode_t mode,
		uid_t uid, gid_t gid)
{
	char p[4096], d[4096];
	FILE *f;

	full(p, sizeof(p), rel);
	snprintf(d, sizeof(d), "%s", p);
	*strrchr(d, '/') = '\0';
	mkdirs(d);
	f = fopen(p, "w");
	assert_non_null(f);
	fwrite(text, 1, len, f);
	fclose(f);
	assert_int_equal(chmod(p, mode), 0);
	assert_int_equal(chown(p, uid, gid), 0);
}

static void put_text(const char *rel, const char *text, mode_t mode)
{
	put(rel, text, strlen(text), mode, 0, 0);
}

/* Copies tests/data/hostbench/<name> to rel. */
static void put_data(const char *rel, const char *name, mode_t mode)
{
	char p[4096], *buf;
	const char *src = getenv("BW_SOURCE_DIR");
	FILE *f;
	long n;

	snprintf(p, sizeof(p), "%s/tests/data/hostbench/%s",
		 src ? src : BW_SOURCE_DIR, name);
	f = fopen(p, "r");
	assert_non_null(f);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	buf = malloc((size_t)n + 1);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	put(rel, buf, (size_t)n, mode, 0, 0);
	free(buf);
}

static void symlink_in_root(const char *rel, const char *target)
{
	char p[4096], d[4096];

	full(p, sizeof(p), rel);
	snprintf(d, sizeof(d), "%s", p);
	*strrchr(d, '/') = '\0';
	mkdirs(d);
	unlink(p);
	assert_int_equal(symlink(target, p), 0);
}

static void rm_rf(const char *dir)
{
	char cmd[256];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
}

/* A kubeadm-style node: unit + drop-in + env file + config + files. */
static void build_node(const char *config)
{
	put_data("etc/systemd/system/kubelet.service", "kubelet.service", 0600);
	put_data("etc/systemd/system/kubelet.service.d/10-kubeadm.conf",
		 "10-kubeadm.conf", 0600);
	put_data("var/lib/kubelet/kubeadm-flags.env", "kubeadm-flags.env",
		 0600);
	put_data("var/lib/kubelet/config.yaml", config, 0600);
	put_text("etc/kubernetes/kubelet.conf", "apiVersion: v1\n", 0600);
	put_text("etc/kubernetes/pki/ca.crt", "CERT\n", 0600);
	put_text("etc/kubernetes/pki/ca.key", "KEY\n", 0600);
	put_text("usr/bin/kubelet", "ELF", 0755);
}

static int setup(void **state)
{
	snprintf(root, sizeof(root), "/tmp/bw-hostbench-XXXXXX");
	snprintf(outside, sizeof(outside), "/tmp/bw-hostbench-out-XXXXXX");
	if (!mkdtemp(root) || !mkdtemp(outside))
		return -1;
	return 0;
}

static int teardown(void **state)
{
	rm_rf(root);
	rm_rf(outside);
	return 0;
}

static struct hb_report *run(const char *only)
{
	struct hb_options opt = {.root = root};
	struct hb_report *r = NULL;
	struct bw_error err = {0};
	const char *ids[64];
	char buf[1024], *save = NULL;

	if (only) {
		snprintf(buf, sizeof(buf), "%s", only);
		for (char *t = strtok_r(buf, ",", &save); t;
		     t = strtok_r(NULL, ",", &save))
			ids[opt.n_only++] = t;
		opt.only = ids;
	}
	assert_int_equal(hb_run(&opt, &r, &err), 0);
	return r;
}

static const struct hb_row *row(const struct hb_report *r, const char *id)
{
	for (size_t i = 0; i < r->n_rows; i++)
		if (!strcmp(r->rows[i].check->id, id))
			return &r->rows[i];
	fail_msg("no row %s", id);
	return NULL;
}

static void expect(const struct hb_report *r, const char *id,
		   enum hb_result want)
{
	const struct hb_row *w = row(r, id);

	if (w->out.result != want)
		fail_msg("%s: got %s (%s), want %s", id,
			 hb_result_name(w->out.result), w->out.actual,
			 hb_result_name(want));
}

/* ---- tests ---------------------------------------------------------- */

static void test_table_ids_unique(void **state)
{
	size_t n;
	const struct hb_check *t = hb_checks(&n);

	assert_true(n >= 50);
	for (size_t i = 0; i < n; i++) {
		assert_non_null(t[i].title);
		assert_non_null(t[i].remediation);
		assert_true(t[i].level == 1 || t[i].level == 2);
		for (size_t j = i + 1; j < n; j++)
			assert_string_not_equal(t[i].id, t[j].id);
	}
	assert_non_null(hb_check_find("4.2.1"));
	assert_null(hb_check_find("9.9.9"));
}

static void test_good_node_passes(void **state)
{
	struct hb_report *r;
	static const char *const pass[] = {
	    "4.1.1",  "4.1.2",	"4.1.5",  "4.1.6",  "4.1.7",  "4.1.8",
	    "4.1.9",  "4.1.10", "4.2.1",  "4.2.2",  "4.2.3",  "4.2.4",
	    "4.2.5",  "4.2.6",	"4.2.7",  "4.2.8",  "4.2.9",  "4.2.10",
	    "4.2.11", "4.2.12", "4.2.13", "1.1.19", "1.1.20", "1.1.21"};

	build_node("kubelet-good.yaml");
	r = run(NULL);
	for (size_t i = 0; i < sizeof(pass) / sizeof(pass[0]); i++)
		expect(r, pass[i], HB_PASS);
	/* the value came from the config file, named in actual */
	assert_non_null(strstr(row(r, "4.2.1")->out.actual,
			       "/var/lib/kubelet/config.yaml: "
			       "authentication.anonymous.enabled"));
	expect(r, "4.1.3", HB_INFO); /* no kube-proxy kubeconfig */
	hb_report_free(r);
}

static void test_bad_config_fails(void **state)
{
	struct hb_report *r;
	static const char *const failing[] = {
	    "4.2.1", "4.2.2", "4.2.3",	"4.2.4",  "4.2.5",  "4.2.6",
	    "4.2.7", "4.2.9", "4.2.10", "4.2.11", "4.2.12", "4.2.13"};

	build_node("kubelet-bad.yaml");
	r = run(NULL);
	for (size_t i = 0; i < sizeof(failing) / sizeof(failing[0]); i++)
		expect(r, failing[i], HB_FAIL);
	expect(r, "4.2.8", HB_PASS);
	assert_non_null(strstr(row(r, "4.2.13")->out.actual,
			       "TLS_RSA_WITH_3DES_EDE_CBC_SHA"));
	assert_null(strstr(row(r, "4.2.13")->out.actual,
			   "weak suites: TLS_ECDHE_RSA_WITH_AES_128_GCM"));
	/* no client CA configured: the CA file checks cannot run */
	expect(r, "4.1.7", HB_WARN);
	hb_report_free(r);
}

static void test_dropin_overrides_config(void **state)
{
	struct hb_report *r;

	build_node("kubelet-good.yaml");
	put_data("etc/systemd/system/kubelet.service.d/20-override.conf",
		 "20-override.conf", 0600);
	r = run("4.2.1,4.2.4,4.2.8,4.2.12,4.2.2");
	assert_int_equal(r->n_rows, 5);
	expect(r, "4.2.1", HB_FAIL);
	assert_non_null(
	    strstr(row(r, "4.2.1")->out.actual, "flag --anonymous-auth"));
	assert_non_null(strstr(row(r, "4.2.1")->out.actual, "10-kubeadm.conf"));
	expect(r, "4.2.4", HB_FAIL); /* "--read-only-port 10255" */
	expect(r, "4.2.8", HB_FAIL);
	expect(r, "4.2.12", HB_FAIL);
	expect(r, "4.2.2", HB_PASS); /* not overridden: config's Webhook */
	hb_report_free(r);

	/* /etc/default/kubelet (an EnvironmentFile) can set flags too */
	put_text(
	    "etc/default/kubelet",
	    "# extra\nKUBELET_EXTRA_ARGS='--protect-kernel-defaults=false'\n",
	    0644);
	r = run("4.2.6");
	expect(r, "4.2.6", HB_FAIL);
	hb_report_free(r);
}

static void test_dropin_order_and_exec_reset(void **state)
{
	struct hb_report *r;

	build_node("kubelet-good.yaml");
	/* a drop-in in /usr/lib sorts first (05-) and a same-name file in
	 * /usr/lib is hidden by the one in /etc */
	put_text("usr/lib/systemd/system/kubelet.service.d/05-early.conf",
		 "[Service]\nExecStart=\nExecStart=/usr/bin/kubelet "
		 "--anonymous-auth=true\n",
		 0600);
	put_text("usr/lib/systemd/system/kubelet.service.d/10-kubeadm.conf",
		 "[Service]\nExecStart=\nExecStart=/usr/bin/kubelet "
		 "--read-only-port=10255\n",
		 0600);
	r = run("4.2.1,4.2.4,4.1.1");
	/* 10-kubeadm.conf (from /etc) resets ExecStart after 05-early */
	expect(r, "4.2.1", HB_PASS);
	expect(r, "4.2.4", HB_PASS);
	expect(r, "4.1.1", HB_PASS);
	hb_report_free(r);
}

static void test_file_modes_and_owners(void **state)
{
	struct hb_report *r;
	char p[4096];

	build_node("kubelet-good.yaml");
	put("etc/kubernetes/kubelet.conf", "x", 1, 0644, 1000, 1000);
	put_text("etc/kubernetes/pki/etcd/peer.key", "KEY", 0640);
	put_text("etc/kubernetes/pki/front-proxy-ca.crt", "C", 0400);
	put("etc/systemd/system/kubelet.service.d/10-kubeadm.conf", "", 0, 0644,
	    0, 0);
	full(p, sizeof(p), "etc/kubernetes/pki/etcd");
	assert_int_equal(chown(p, 0, 1000), 0);
	r = run(NULL);
	expect(r, "4.1.5", HB_FAIL);
	assert_non_null(strstr(row(r, "4.1.5")->out.actual, "mode 0644"));
	expect(r, "4.1.6", HB_FAIL);
	assert_non_null(strstr(row(r, "4.1.6")->out.actual, "1000:1000"));
	expect(r, "4.1.1", HB_FAIL); /* one drop-in is 0644 */
	expect(r, "4.1.2", HB_PASS);
	expect(r, "1.1.19", HB_FAIL); /* pki/etcd group 1000 */
	expect(r, "1.1.20", HB_PASS); /* 0600 and 0400 */
	expect(r, "1.1.21", HB_FAIL); /* etcd/peer.key 0640 */
	assert_non_null(strstr(row(r, "1.1.21")->out.actual, "peer.key"));
	hb_report_free(r);
}

static void test_missing_files_warn(void **state)
{
	struct hb_report *r;

	/* no kubelet at all: 4.x is not applicable */
	r = run("4.1.5,4.2.1,BW-HOST-001,1.1.19");
	expect(r, "4.1.5", HB_INFO);
	expect(r, "4.2.1", HB_INFO);
	expect(r, "BW-HOST-001", HB_INFO);
	expect(r, "1.1.19", HB_WARN);
	hb_report_free(r);

	/* a kubelet unit but no kubeconfig / config file */
	put_data("etc/systemd/system/kubelet.service", "kubelet.service", 0600);
	r = run("4.1.5,4.1.9,4.1.1,4.2.1,4.2.4");
	expect(r, "4.1.5", HB_WARN);
	assert_non_null(strstr(row(r, "4.1.5")->out.actual, "not found"));
	expect(r, "4.1.9", HB_WARN);
	expect(r, "4.1.1", HB_PASS);
	expect(r, "4.2.1", HB_FAIL); /* flags-only default: anonymous on */
	expect(r, "4.2.4", HB_FAIL); /* flags-only default: 10255 */
	hb_report_free(r);
}

static void test_symlink_never_leaves_root(void **state)
{
	struct hb_report *r;
	char p[4096], target[4096];
	FILE *f;
	int fd;

	/* a perfect config.toml outside the root */
	snprintf(p, sizeof(p), "%s/config.toml", outside);
	f = fopen(p, "w");
	assert_non_null(f);
	fclose(f);
	chmod(p, 0600);
	/* absolute symlink: re-rooted, so <root><outside>/config.toml,
	 * which does not exist */
	symlink_in_root("etc/containerd/config.toml", p);
	/* relative symlink climbing far above the root */
	snprintf(target, sizeof(target),
		 "../../../../../../../..%s/config.toml", outside);
	symlink_in_root("run/containerd/containerd.sock", target);
	r = run("BW-HOST-001,BW-HOST-003");
	expect(r, "BW-HOST-001", HB_INFO);
	assert_non_null(strstr(row(r, "BW-HOST-001")->out.actual, "not found"));
	expect(r, "BW-HOST-003", HB_INFO);
	hb_report_free(r);

	/* the same relative escape resolves to the in-root copy once it
	 * exists: ".." stops at the root */
	snprintf(target, sizeof(target), "%s/config.toml", outside);
	put_text(target + 1, "", 0600); /* <root>/tmp/.../config.toml */
	r = run("BW-HOST-001,BW-HOST-003");
	expect(r, "BW-HOST-001", HB_PASS);
	assert_non_null(strstr(row(r, "BW-HOST-001")->out.actual, "0600"));
	expect(r, "BW-HOST-003", HB_PASS);
	hb_report_free(r);

	/* the resolver itself */
	fd = open(root, O_RDONLY | O_DIRECTORY);
	assert_true(fd >= 0);
	{
		int ofd = -1;
		assert_int_equal(
		    hb_root_open(fd, "../../../../etc/hostname", O_PATH, &ofd),
		    -ENOENT);
		symlink_in_root("loop/a", "b");
		symlink_in_root("loop/b", "a");
		assert_int_equal(hb_root_open(fd, "/loop/a", O_PATH, &ofd),
				 -ELOOP);
		put_text("etc/ok", "x", 0600);
		symlink_in_root("etc/ok-link", "../../etc/./ok");
		assert_int_equal(
		    hb_root_open(fd, "etc/ok-link", O_RDONLY, &ofd), 0);
		close(ofd);
		assert_int_equal(hb_root_open(fd, "etc/ok/x", O_PATH, &ofd),
				 -ENOTDIR);
	}
	close(fd);
}

static void test_runtime_files(void **state)
{
	struct hb_report *r;

	put_text("etc/containerd/config.toml", "version = 2\n", 0666);
	put_text("etc/containerd/certs.d/docker.io/hosts.toml", "", 0644);
	put_text("usr/sbin/runc", "ELF", 0755);
	put("usr/bin/containerd", "ELF", 3, 0775, 0, 0);
	put_text("etc/crio/crio.conf", "", 0644);
	r = run("BW-HOST-001,BW-HOST-002,BW-HOST-005,BW-HOST-006,"
		"BW-HOST-007,BW-HOST-009,BW-HOST-010,BW-HOST-011,BW-HOST-013");
	expect(r, "BW-HOST-001", HB_FAIL);
	expect(r, "BW-HOST-002", HB_PASS);
	expect(r, "BW-HOST-005", HB_PASS); /* found at /usr/sbin/runc */
	assert_non_null(
	    strstr(row(r, "BW-HOST-005")->out.actual, "/usr/sbin/runc"));
	expect(r, "BW-HOST-006", HB_PASS);
	expect(r, "BW-HOST-007", HB_FAIL); /* group-writable */
	expect(r, "BW-HOST-009", HB_FAIL); /* config.toml 0666 in the walk */
	expect(r, "BW-HOST-010", HB_PASS);
	expect(r, "BW-HOST-011", HB_PASS);
	expect(r, "BW-HOST-013", HB_INFO);
	hb_report_free(r);
}

static void test_audit_rules(void **state)
{
	struct hb_report *r;

	put_text("usr/bin/runc", "ELF", 0755);
	put_text("usr/bin/containerd", "ELF", 0755);
	put_text("var/lib/containerd/x", "", 0600);
	put_text("etc/containerd/config.toml", "", 0600);
	put_text("run/containerd/x", "", 0600);
	r = run("BW-HOST-020,BW-HOST-021");
	expect(r, "BW-HOST-020", HB_FAIL);
	assert_non_null(
	    strstr(row(r, "BW-HOST-020")->out.actual, "none found"));
	hb_report_free(r);

	put_data("etc/audit/rules.d/container-runtime.rules",
		 "container-runtime.rules", 0640);
	put_text("etc/audit/rules.d/ignored.txt", "-w /run/containerd\n", 0640);
	r = run("BW-HOST-020,BW-HOST-021,BW-HOST-022,BW-HOST-023,BW-HOST-024");
	expect(r, "BW-HOST-020", HB_PASS); /* -F path= */
	expect(r, "BW-HOST-021", HB_PASS); /* -w */
	expect(r, "BW-HOST-022", HB_PASS); /* trailing slash */
	expect(r, "BW-HOST-023", HB_PASS); /* -F dir= */
	expect(r, "BW-HOST-024", HB_FAIL); /* only in a comment / non-.rules */
	hb_report_free(r);

	assert_false(
	    hb_audit_rules_watch("-w /usr/bin/runcx\n", 18, "/usr/bin/runc"));
	assert_false(hb_audit_rules_watch("-w", 2, "/usr/bin/runc"));
	assert_true(
	    hb_audit_rules_watch("\t-w\t/usr/bin/runc", 17, "/usr/bin/runc"));
}

static void test_kernel_params(void **state)
{
	struct hb_report *r;

	put_text("proc/sys/kernel/kptr_restrict", "2\n", 0644);
	put_text("proc/sys/kernel/dmesg_restrict", "0\n", 0644);
	put_text("proc/sys/net/ipv4/ip_forward", "1\n", 0644);
	put_text("proc/sys/vm/overcommit_memory", "1\n", 0644);
	put_text("proc/sys/kernel/panic", "10\n", 0644);
	put_text("proc/sys/kernel/panic_on_oops", "junk\n", 0644);
	put_text("proc/sys/kernel/keys/root_maxkeys", "1000000\n", 0644);
	r = run(NULL);
	expect(r, "BW-HOST-030", HB_PASS);
	expect(r, "BW-HOST-031", HB_FAIL);
	expect(r, "BW-HOST-032", HB_WARN);
	expect(r, "BW-HOST-033", HB_PASS);
	expect(r, "BW-HOST-034", HB_PASS);
	expect(r, "BW-HOST-035", HB_WARN); /* not a number */
	expect(r, "BW-HOST-036", HB_WARN); /* not found */
	expect(r, "BW-HOST-037", HB_PASS);
	assert_int_equal(r->count[HB_PASS] + r->count[HB_FAIL] +
			     r->count[HB_WARN] + r->count[HB_INFO],
			 r->n_rows);
	hb_report_free(r);
}

static void test_yaml_flatten(void **state)
{
	struct hb_kvset s = {0};
	struct bw_error err = {0};
	static const char y[] =
	    "a:\n  b:\n    c: 1\n  list: [x, y]\n  maps:\n  - k: v\n"
	    "  ? [complex]\n  : skipped\n  after: ok\n"
	    "anchor: &A {q: 1}\nalias: *A\nlast: \"s\"\n---\nsecond: 2\n";
	char deep[400];
	size_t n = 0;

	assert_int_equal(hb_yaml_flatten(y, strlen(y), &s, "t", &err), 0);
	assert_string_equal(hb_kvset_get(&s, "a.b.c"), "1");
	assert_string_equal(hb_kvset_get(&s, "a.list"), "x,y");
	assert_string_equal(hb_kvset_get(&s, "a.after"), "ok");
	assert_string_equal(hb_kvset_get(&s, "anchor.q"), "1");
	assert_string_equal(hb_kvset_get(&s, "last"), "s");
	assert_null(hb_kvset_get(&s, "alias"));
	assert_null(hb_kvset_get(&s, "second"));
	assert_null(hb_kvset_get(&s, "a.maps.k"));
	hb_kvset_clear(&s);

	assert_int_equal(hb_yaml_flatten("a: [\n", 5, &s, "bad.yaml", &err),
			 -EINVAL);
	assert_string_equal(err.input, "bad.yaml");
	assert_true(err.line >= 1);
	hb_kvset_clear(&s);

	for (int i = 0; i < 100; i++)
		deep[n++] = '[';
	assert_int_equal(hb_yaml_flatten(deep, n, &s, "deep", &err), -E2BIG);
	hb_kvset_clear(&s);
	assert_int_equal(hb_yaml_flatten("just a scalar", 13, &s, "s", &err),
			 0);
	assert_int_equal(s.n, 0);
}

static void test_unit_and_flags(void **state)
{
	struct hb_kvset env = {0}, flags = {0};
	char *exec = NULL, *files = NULL;
	static const char unit[] =
	    "[Unit]\nExecStart=/not/service\n[Service]\n"
	    "Environment=\"A=--x=1 --y 2\" B=--anonymous-auth\n"
	    "Environment='C=--z'\n"
	    "EnvironmentFile=-/etc/default/kubelet\n"
	    "ExecStart=-/usr/bin/kubelet $A ${B} \\\n  --read-only-port 0 $C "
	    "--v=2 --unset-var=$NOPE --last\n";

	assert_int_equal(hb_unit_parse(unit, strlen(unit), &env, &exec, &files),
			 0);
	assert_non_null(exec);
	assert_string_equal(files, "-/etc/default/kubelet");
	assert_string_equal(hb_kvset_get(&env, "A"), "--x=1 --y 2");
	assert_int_equal(hb_exec_flags(exec, &env, &flags), 0);
	assert_string_equal(hb_kvset_get(&flags, "x"), "1");
	assert_string_equal(hb_kvset_get(&flags, "y"), "2");
	assert_string_equal(hb_kvset_get(&flags, "anonymous-auth"), "true");
	assert_string_equal(hb_kvset_get(&flags, "read-only-port"), "0");
	assert_string_equal(hb_kvset_get(&flags, "z"), "true");
	assert_string_equal(hb_kvset_get(&flags, "v"), "2");
	assert_string_equal(hb_kvset_get(&flags, "unset-var"), "");
	assert_string_equal(hb_kvset_get(&flags, "last"), "true");
	hb_kvset_clear(&flags);
	free(exec);
	exec = NULL;
	assert_int_equal(
	    hb_unit_parse("[Service]\nExecStart=\n", 21, &env, &exec, &files),
	    0);
	assert_null(exec);
	free(files);
	hb_kvset_clear(&env);

	{
		static const char ef[] = "# c\n K = \"v w\" \nbad\n=x\n";
		assert_int_equal(hb_envfile_parse(ef, strlen(ef), &env), 0);
	}
	assert_string_equal(hb_kvset_get(&env, "K"), "v w");
	assert_int_equal(env.n, 1);
	hb_kvset_clear(&env);
}

static void test_unknown_check_and_bad_root(void **state)
{
	struct hb_options opt = {.root = root};
	const char *ids[] = {"4.2.1", "nope"};
	struct hb_report *r = NULL;
	struct bw_error err = {0};

	opt.only = ids;
	opt.n_only = 2;
	assert_int_equal(hb_run(&opt, &r, &err), -EINVAL);
	assert_non_null(strstr(err.msg, "nope"));
	assert_null(r);
	opt.only = NULL;
	opt.n_only = 0;
	opt.root = "/nonexistent/bulwark";
	assert_int_equal(hb_run(&opt, &r, &err), -ENOENT);
	assert_null(r);
}

static void test_report_formats(void **state)
{
	struct hb_report *r;
	char *buf = NULL;
	size_t len = 0;
	FILE *f;
	json_t *doc;
	json_error_t jerr;

	build_node("kubelet-bad.yaml");
	r = run(NULL);

	f = open_memstream(&buf, &len);
	assert_int_equal(hb_report_write(f, r, HB_FORMAT_JSON, NULL), 0);
	fclose(f);
	doc = json_loadb(buf, len, 0, &jerr);
	assert_non_null(doc);
	assert_string_equal(json_string_value(json_object_get(doc, "schema")),
			    HB_SCHEMA);
	assert_int_equal(json_array_size(json_object_get(doc, "checks")),
			 r->n_rows);
	assert_int_equal(json_integer_value(json_object_get(
			     json_object_get(doc, "summary"), "fail")),
			 (json_int_t)r->count[HB_FAIL]);
	json_decref(doc);
	free(buf);

	f = open_memstream(&buf, &len);
	assert_int_equal(hb_report_write(f, r, HB_FORMAT_JUNIT, NULL), 0);
	fclose(f);
	assert_non_null(strstr(buf, "<testsuites"));
	assert_non_null(strstr(buf, "<failure message="));
	assert_non_null(strstr(buf, "<skipped message=\"INFO: "));
	assert_null(strstr(buf, "< "));
	free(buf);

	f = open_memstream(&buf, &len);
	assert_int_equal(hb_report_write(f, r, HB_FORMAT_TEXT, NULL), 0);
	fclose(f);
	assert_non_null(strstr(buf, "[FAIL] 4.2.1"));
	assert_non_null(strstr(buf, "== Summary: "));
	free(buf);
	hb_report_free(r);
	hb_report_free(NULL);
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_table_ids_unique),
	    T(test_good_node_passes),
	    T(test_bad_config_fails),
	    T(test_dropin_overrides_config),
	    T(test_dropin_order_and_exec_reset),
	    T(test_file_modes_and_owners),
	    T(test_missing_files_warn),
	    T(test_symlink_never_leaves_root),
	    T(test_runtime_files),
	    T(test_audit_rules),
	    T(test_kernel_params),
	    cmocka_unit_test(test_yaml_flatten),
	    cmocka_unit_test(test_unit_and_flags),
	    T(test_unknown_check_and_bad_root),
	    T(test_report_formats),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
