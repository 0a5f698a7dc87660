/* test_k8s_pss.c - Pod Security Standards: the upstream conformance fixtures
 * (shared/conformance/pod-security/<level>/v1.N/{pass,fail}/ files, every
 * pass pod allowed and every fail pod denied at exactly that level and
 * version), then the controller's wording for each check, version
 * selection, overrides, the Windows and hostUsers relaxations, and
 * parsing of levels and versions. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "k8s/k8s.h"

/* ---- helpers ------------------------------------------------------------ */

static struct k8s_pss_version ver(int minor)
{
	struct k8s_pss_version v = {minor};

	return v;
}

/* Loads YAML text holding one Pod. */
static json_t *pod_from(const char *yaml, struct k8s_set *set)
{
	struct bw_error err = {0};
	json_t *spec = NULL, *meta = NULL;

	memset(set, 0, sizeof(*set));
	assert_int_equal(k8s_load_buffer(set, yaml, strlen(yaml), "t", NULL,
					 NULL, &err),
			 0);
	assert_int_equal(set->n, 1);
	assert_int_equal(k8s_pod_spec(&set->objs[0], &spec, &meta, NULL), 0);
	return spec;
}

/* Evaluates a pod given as YAML and returns the full message ("" when
 * allowed; caller frees). */
static char *eval_msg(const char *yaml, enum k8s_pss_level l, int minor)
{
	struct k8s_set set;
	struct k8s_pss_result r;
	json_t *spec = pod_from(yaml, &set), *meta = NULL;
	char *msg;

	k8s_pod_spec(&set.objs[0], &spec, &meta, NULL);
	assert_int_equal(k8s_pss_evaluate(meta, spec, l, ver(minor), &r), 0);
	msg = r.allowed ? strdup("") : k8s_pss_message(&r, l, ver(minor));
	assert_non_null(msg);
	k8s_pss_result_free(&r);
	k8s_set_free(&set);
	return msg;
}

static void expect_msg(const char *yaml, enum k8s_pss_level l, int minor,
		       const char *want)
{
	char *got = eval_msg(yaml, l, minor);

	if (strcmp(got, want))
		fail_msg("\n want: %s\n  got: %s", want, got);
	free(got);
}

/* ---- conformance sweep ---------------------------------------------------- */

struct sweep {
	int total, ok;
};

static int list_dir(const char *path, char ***ret, size_t *ret_n)
{
	DIR *d = opendir(path);
	struct dirent *de;
	char **v = NULL;
	size_t n = 0;

	if (!d)
		return -errno;
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		v = realloc(v, (n + 1) * sizeof(*v));
		assert_non_null(v);
		v[n++] = strdup(de->d_name);
	}
	closedir(d);
	*ret = v;
	*ret_n = n;
	return 0;
}

static void sweep_file(struct sweep *s, const char *path,
		       enum k8s_pss_level l, int minor, int want_allowed)
{
	struct k8s_set set = {0};
	struct bw_error err = {0};
	struct k8s_pss_result r;
	json_t *spec, *meta;

	s->total++;
	if (k8s_load_path(&set, path, NULL, NULL, &err) || set.n != 1 ||
	    k8s_pod_spec(&set.objs[0], &spec, &meta, NULL)) {
		print_message("MISMATCH %s: cannot load (%s)\n", path, err.msg);
		k8s_set_free(&set);
		return;
	}
	assert_int_equal(k8s_pss_evaluate(meta, spec, l, ver(minor), &r), 0);
	if (r.allowed == want_allowed) {
		s->ok++;
	} else {
		char *m = k8s_pss_message(&r, l, ver(minor));

		print_message("MISMATCH %s: want %s, got %s %s\n", path,
			      want_allowed ? "allowed" : "denied",
			      r.allowed ? "allowed" : "denied",
			      m ? m : "");
		free(m);
	}
	k8s_pss_result_free(&r);
	k8s_set_free(&set);
}

static void conformance_sweep(void **state)
{
	const char *shared = getenv("BW_SHARED_DIR");
	const char *ci = getenv("CI");
	static const char *const levels[] = {"baseline", "restricted"};
	struct sweep s = {0};
	char root[4096];
	struct stat st;

	(void)state;
	snprintf(root, sizeof(root), "%s/conformance/pod-security",
		 shared ? shared : "../shared");
	if (stat(root, &st)) {
		if (ci && !strcmp(ci, "true"))
			fail_msg("%s missing (CI=true)", root);
		skip();
	}
	for (size_t li = 0; li < 2; li++) {
		char ldir[4200];
		char **vers;
		size_t nv;
		enum k8s_pss_level l;

		assert_int_equal(k8s_pss_level_parse(levels[li], &l), 0);
		snprintf(ldir, sizeof(ldir), "%s/%s", root, levels[li]);
		assert_int_equal(list_dir(ldir, &vers, &nv), 0);
		for (size_t vi = 0; vi < nv; vi++) {
			struct k8s_pss_version v;

			assert_int_equal(k8s_pss_version_parse(vers[vi], &v), 0);
			for (int pass = 0; pass < 2; pass++) {
				char pdir[4400];
				char **files;
				size_t nf;

				snprintf(pdir, sizeof(pdir), "%s/%s/%s", ldir,
					 vers[vi], pass ? "pass" : "fail");
				if (list_dir(pdir, &files, &nf))
					continue;
				for (size_t fi = 0; fi < nf; fi++) {
					char f[4700];

					snprintf(f, sizeof(f), "%s/%s", pdir,
						 files[fi]);
					sweep_file(&s, f, l, v.minor, pass);
					free(files[fi]);
				}
				free(files);
			}
			free(vers[vi]);
		}
		free(vers);
	}
	print_message("pss conformance: %d/%d\n", s.ok, s.total);
	assert_true(s.total > 0);
	assert_int_equal(s.ok, s.total);
}

/* ---- wording, one check at a time ------------------------------------------ */

#define POD_HEAD "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n"

static void baseline_messages(void **state)
{
	(void)state;
	expect_msg(POD_HEAD "spec:\n  hostNetwork: true\n  hostIPC: true\n"
			    "  containers:\n  - name: a\n    image: x\n",
		   K8S_PSS_BASELINE, 29,
		   "violates PodSecurity \"baseline:v1.29\": host namespaces "
		   "(hostNetwork=true, hostIPC=true)");
	expect_msg(POD_HEAD "spec:\n  containers:\n"
			    "  - name: a\n    securityContext: {privileged: true}\n"
			    "    ports: [{containerPort: 80, hostPort: 8080}, {containerPort: 1, hostPort: 443}]\n"
			    "  - name: b\n    securityContext: {privileged: true, capabilities: {add: [SYS_ADMIN, CHOWN, NET_ADMIN]}}\n"
			    "    ports: [{containerPort: 80, hostPort: 8080}]\n"
			    "  volumes:\n  - name: v1\n    hostPath: {path: /}\n",
		   K8S_PSS_BASELINE, K8S_PSS_LATEST,
		   "violates PodSecurity \"baseline:latest\": "
		   "non-default capabilities (container \"b\" must not include "
		   "\"NET_ADMIN\", \"SYS_ADMIN\" in securityContext.capabilities.add), "
		   "hostPath volumes (volume \"v1\"), "
		   "hostPort (containers \"a\", \"b\" use hostPorts 443, 8080), "
		   "privileged (containers \"a\", \"b\" must not set "
		   "securityContext.privileged=true)");
	expect_msg(POD_HEAD "  annotations:\n"
			    "    container.apparmor.security.beta.kubernetes.io/a: unconfined\n"
			    "spec:\n  securityContext:\n    sysctls: [{name: kernel.msgmax, value: '1'}, {name: net.ipv4.tcp_rmem, value: '1'}]\n"
			    "    seLinuxOptions: {type: spc_t, user: root}\n"
			    "    seccompProfile: {type: Unconfined}\n"
			    "  containers:\n  - name: a\n    securityContext: {procMount: Unmasked}\n",
		   K8S_PSS_BASELINE, 30,
		   "violates PodSecurity \"baseline:v1.30\": "
		   "forbidden AppArmor profile (container.apparmor.security.beta."
		   "kubernetes.io/a=\"unconfined\"), "
		   "procMount (container \"a\" must not set securityContext.procMount "
		   "to \"Unmasked\"), "
		   "seLinuxOptions (pod set forbidden securityContext.seLinuxOptions: "
		   "type \"spc_t\"; user may not be set), "
		   "seccompProfile (pod must not set securityContext.seccompProfile."
		   "type to \"Unconfined\"), "
		   "forbidden sysctls (kernel.msgmax, net.ipv4.tcp_rmem)");
	expect_msg(POD_HEAD "spec:\n  containers:\n  - name: a\n"
			    "    livenessProbe: {httpGet: {host: evil.example, port: 80}}\n"
			    "    lifecycle: {preStop: {tcpSocket: {host: 10.0.0.1, port: 1}}}\n",
		   K8S_PSS_BASELINE, 34,
		   "violates PodSecurity \"baseline:v1.34\": probe or lifecycle "
		   "host (container \"a\" uses probe or lifecycle hosts "
		   "\"10.0.0.1\", \"evil.example\")");
	/* not checked before v1.34 */
	expect_msg(POD_HEAD "spec:\n  containers:\n  - name: a\n"
			    "    livenessProbe: {httpGet: {host: evil.example, port: 80}}\n",
		   K8S_PSS_BASELINE, 33, "");
	expect_msg(POD_HEAD "spec:\n  securityContext:\n    windowsOptions: {hostProcess: true}\n"
			    "  containers:\n  - name: a\n    securityContext: {windowsOptions: {hostProcess: true}}\n",
		   K8S_PSS_BASELINE, 29,
		   "violates PodSecurity \"baseline:v1.29\": hostProcess (pod and "
		   "container \"a\" must not set securityContext.windowsOptions."
		   "hostProcess=true)");
}

static void restricted_messages(void **state)
{
	static const char bare[] = POD_HEAD "spec:\n  containers:\n  - name: nginx\n    image: nginx\n";

	(void)state;
	expect_msg(bare, K8S_PSS_RESTRICTED, 29,
		   "violates PodSecurity \"restricted:v1.29\": "
		   "allowPrivilegeEscalation != false (container \"nginx\" must set "
		   "securityContext.allowPrivilegeEscalation=false), "
		   "unrestricted capabilities (container \"nginx\" must set "
		   "securityContext.capabilities.drop=[\"ALL\"]), "
		   "runAsNonRoot != true (pod or container \"nginx\" must set "
		   "securityContext.runAsNonRoot=true), "
		   "seccompProfile (pod or container \"nginx\" must set "
		   "securityContext.seccompProfile.type to \"RuntimeDefault\" or "
		   "\"Localhost\")");
	/* before v1.8 only runAsNonRoot of those applied */
	expect_msg(bare, K8S_PSS_RESTRICTED, 7,
		   "violates PodSecurity \"restricted:v1.7\": "
		   "runAsNonRoot != true (pod or container \"nginx\" must set "
		   "securityContext.runAsNonRoot=true)");
	expect_msg(POD_HEAD "spec:\n  securityContext: {runAsNonRoot: false, runAsUser: 0,"
			    " seccompProfile: {type: RuntimeDefault}}\n"
			    "  containers:\n  - name: a\n    securityContext: {allowPrivilegeEscalation: false,"
			    " runAsNonRoot: false, capabilities: {drop: [ALL], add: [NET_BIND_SERVICE, SYS_TIME]}}\n"
			    "  volumes:\n  - name: h\n    hostPath: {path: /}\n  - name: nf\n    nfs: {server: x, path: /}\n"
			    "  - name: ok\n    emptyDir: {}\n",
		   K8S_PSS_RESTRICTED, 30,
		   "violates PodSecurity \"restricted:v1.30\": "
		   "unrestricted capabilities (container \"a\" must not include "
		   "\"SYS_TIME\" in securityContext.capabilities.add), "
		   "restricted volume types (volumes \"h\", \"nf\" use restricted "
		   "volume types \"hostPath\", \"nfs\"), "
		   "runAsNonRoot != true (pod and container \"a\" must not set "
		   "securityContext.runAsNonRoot=false), "
		   "runAsUser=0 (pod must not set runAsUser=0)");
}

static const char windows_pod[] =
	POD_HEAD "spec:\n  os: {name: windows}\n  securityContext: {runAsNonRoot: true}\n"
		 "  containers:\n  - name: a\n    image: x\n";

static void windows_pods_exempt_from_v1_25(void **state)
{
	(void)state;
	expect_msg(windows_pod, K8S_PSS_RESTRICTED, 25, "");
	expect_msg(windows_pod, K8S_PSS_RESTRICTED, K8S_PSS_LATEST, "");
	expect_msg(windows_pod, K8S_PSS_RESTRICTED, 24,
		   "violates PodSecurity \"restricted:v1.24\": "
		   "allowPrivilegeEscalation != false (container \"a\" must set "
		   "securityContext.allowPrivilegeEscalation=false), "
		   "unrestricted capabilities (container \"a\" must set "
		   "securityContext.capabilities.drop=[\"ALL\"]), "
		   "seccompProfile (pod or container \"a\" must set "
		   "securityContext.seccompProfile.type to \"RuntimeDefault\" or "
		   "\"Localhost\")");
}

static const char userns_pod[] =
	POD_HEAD "spec:\n  hostUsers: false\n  securityContext: {runAsUser: 0, seccompProfile: {type: RuntimeDefault}}\n"
		 "  containers:\n  - name: a\n    securityContext: {allowPrivilegeEscalation: false,"
		 " capabilities: {drop: [ALL]}, procMount: Unmasked}\n";

static void host_users_false_relaxations(void **state)
{
	(void)state;
	expect_msg(userns_pod, K8S_PSS_BASELINE, 35, "");
	expect_msg(userns_pod, K8S_PSS_BASELINE, 34,
		   "violates PodSecurity \"baseline:v1.34\": procMount (container "
		   "\"a\" must not set securityContext.procMount to \"Unmasked\")");
	expect_msg(userns_pod, K8S_PSS_RESTRICTED, 35,
		   "violates PodSecurity \"restricted:v1.35\": procMount (container "
		   "\"a\" must not set securityContext.procMount to \"Unmasked\")");
}

static void sysctls_grow_per_version(void **state)
{
	static const char p[] = POD_HEAD "spec:\n  securityContext:\n    sysctls:\n"
				"    - {name: net.ipv4.ip_local_reserved_ports, value: '1'}\n"
				"  containers: [{name: a}]\n";

	(void)state;
	expect_msg(p, K8S_PSS_BASELINE, 27, "");
	expect_msg(p, K8S_PSS_BASELINE, 26,
		   "violates PodSecurity \"baseline:v1.26\": forbidden sysctls "
		   "(net.ipv4.ip_local_reserved_ports)");
}

static void seccomp_annotations_before_v1_19(void **state)
{
	static const char p[] = POD_HEAD "  annotations:\n"
				"    seccomp.security.alpha.kubernetes.io/pod: unconfined\n"
				"    container.seccomp.security.alpha.kubernetes.io/a: unconfined\n"
				"spec:\n  containers: [{name: a}]\n";

	(void)state;
	expect_msg(p, K8S_PSS_BASELINE, 18,
		   "violates PodSecurity \"baseline:v1.18\": seccompProfile "
		   "(forbidden annotations container.seccomp.security.alpha."
		   "kubernetes.io/a=\"unconfined\", seccomp.security.alpha."
		   "kubernetes.io/pod=\"unconfined\")");
	expect_msg(p, K8S_PSS_BASELINE, 19, "");
}

static void privileged_level_allows_everything(void **state)
{
	(void)state;
	expect_msg(POD_HEAD "spec:\n  hostPID: true\n  containers: [{name: a, securityContext: {privileged: true}}]\n",
		   K8S_PSS_PRIVILEGED, K8S_PSS_LATEST, "");
}

static void levels_and_versions_parse(void **state)
{
	struct k8s_pss_version v = {-1};
	enum k8s_pss_level l = K8S_PSS_PRIVILEGED;

	(void)state;
	assert_int_equal(k8s_pss_level_parse("restricted", &l), 0);
	assert_int_equal(l, K8S_PSS_RESTRICTED);
	assert_string_equal(k8s_pss_level_name(l), "restricted");
	assert_int_equal(k8s_pss_level_parse("Restricted", &l), -EINVAL);
	assert_int_equal(k8s_pss_level_parse(NULL, &l), -EINVAL);
	assert_int_equal(k8s_pss_version_parse("v1.29", &v), 0);
	assert_int_equal(v.minor, 29);
	assert_int_equal(k8s_pss_version_parse("latest", &v), 0);
	assert_int_equal(v.minor, K8S_PSS_LATEST);
	assert_int_equal(k8s_pss_version_parse("v1.0", &v), 0);
	assert_int_equal(v.minor, 0);
	static const char *const bad[] = {"1.29", "v1.", "v2.3", "v1.29x",
					  "v1.029", "v1.-1", "", "v1.99999"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(k8s_pss_version_parse(bad[i], &v), -EINVAL);
	k8s_pss_result_free(NULL);
}

static void workloads_are_evaluated_through_templates(void **state)
{
	static const char cj[] =
		"apiVersion: batch/v1\nkind: CronJob\nmetadata: {name: c}\nspec:\n"
		"  jobTemplate:\n    spec:\n      template:\n        spec:\n"
		"          hostPID: true\n          containers: [{name: a}]\n";

	(void)state;
	expect_msg(cj, K8S_PSS_BASELINE, 29,
		   "violates PodSecurity \"baseline:v1.29\": host namespaces "
		   "(hostPID=true)");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(conformance_sweep),
		cmocka_unit_test(baseline_messages),
		cmocka_unit_test(restricted_messages),
		cmocka_unit_test(windows_pods_exempt_from_v1_25),
		cmocka_unit_test(host_users_false_relaxations),
		cmocka_unit_test(sysctls_grow_per_version),
		cmocka_unit_test(seccomp_annotations_before_v1_19),
		cmocka_unit_test(privileged_level_allows_everything),
		cmocka_unit_test(levels_and_versions_parse),
		cmocka_unit_test(workloads_are_evaluated_through_templates),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
