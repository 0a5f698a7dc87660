/* test_state_cgroup.c - cgroup path -> container id for every runtime layout,
 * and the choice of line in /proc/PID/cgroup (v1, v2, hybrid). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "state/state_int.h"

#define H "3f2a9c0d8e7b6a5f4e3d2c1b0a99887766554433221100ffeeddccbbaa998877"

static const char *data(const char *name)
{
	static char path[4096];
	const char *src = getenv("BW_SOURCE_DIR");

	snprintf(path, sizeof(path), "%s/tests/data/state/%s", src ? src : ".",
		 name);
	return path;
}

struct layout {
	const char *path;
	const char *id; /* NULL: not a container */
	const char *runtime;
};

static const struct layout layouts[] = {
    /* Docker */
    {"/docker/" H, H, "docker"},
    {"/system.slice/docker-" H ".scope", H, "docker"},
    {"/docker/" H "/init.scope", H, "docker"},
    {"/docker/"
     "1111111111111111111111111111111111111111111111111111111111111111"
     "/docker/" H,
     H, "docker"}, /* docker in docker: the inner one */
    /* containerd / CRI, cgroupfs and systemd drivers */
    {"/kubepods/besteffort/pod1b2c3d4e-5f60-7182-93a4-b5c6d7e8f901/" H, H,
     "containerd"},
    {"/kubepods/burstable/pod1b2c3d4e-5f60-7182-93a4-b5c6d7e8f901/" H, H,
     "containerd"},
    {"/kubepods/pod1b2c3d4e-5f60-7182-93a4-b5c6d7e8f901/" H, H,
     "containerd"}, /* guaranteed QoS */
    {"/kubepods.slice/kubepods-burstable.slice/"
     "kubepods-burstable-pod1b2c3d4e_5f60_7182_93a4_b5c6d7e8f901.slice/"
     "cri-containerd-" H ".scope",
     H, "containerd"},
    {"/kubepods.slice/kubepods-besteffort.slice/"
     "kubepods-besteffort-pod1b2c3d4e_5f60.slice/cri-containerd-" H ".scope",
     H, "containerd"},
    {"/kubepods.slice/kubepods-pod1b2c3d4e_5f60.slice/cri-containerd-" H
     ".scope",
     H, "containerd"},
    {"/default/" H, H, "containerd"},
    /* CRI-O */
    {"/kubepods.slice/kubepods-burstable.slice/"
     "kubepods-burstable-pod1b2c.slice/crio-" H ".scope",
     H, "cri-o"},
    {"/kubepods/burstable/pod1b2c/crio-" H, H, "cri-o"},
    /* podman */
    {"/machine.slice/libpod-" H ".scope", H, "podman"},
    {"/machine.slice/libpod-" H ".scope/container", H, "podman"},
    {"/user.slice/user-1000.slice/user@1000.service/user.slice/libpod-" H
     ".scope",
     H, "podman"},
    /* runc with hex ids */
    {"/" H, H, "runc"},
    {"/system.slice/runc-" H ".scope", H, "runc"},
    /* not containers */
    {"/", NULL, NULL},
    {"/user.slice/user-1000.slice/session-3.scope", NULL, NULL},
    {"/system.slice/docker.service", NULL, NULL},
    {"/system.slice/containerd.service", NULL, NULL},
    {"/kubepods.slice/kubepods-besteffort.slice/"
     "kubepods-besteffort-pod1b2c.slice",
     NULL, NULL},
    {"/kubepods.slice/kubepods-besteffort.slice/"
     "kubepods-besteffort-pod1b2c.slice/crio-conmon-" H ".scope",
     NULL, NULL},
    {"/machine.slice/libpod-conmon-" H ".scope", NULL, NULL},
    {"/process_api/724a65dd6d4cd89fcb95c0aaad0e7961", NULL, NULL},
    {"/docker/" H "0", NULL, NULL}, /* 65 hex */
    {"/docker/3F2A9C0D8E7B6A5F4E3D2C1B0A99887766554433221100FFEEDDCCBBAA998877",
     NULL, NULL},	    /* upper case */
    {"/mybox", NULL, NULL}, /* a runc name needs the runtime state */
    {"/system.slice/runc-mybox.scope", NULL, NULL},
    {"", NULL, NULL},
};

static void every_layout_maps_to_its_id_and_runtime(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(layouts) / sizeof(*layouts); i++) {
		const struct layout *l = &layouts[i];
		char id[65] = "";
		const char *rt = NULL;
		int r = state_cgroup_container_id(l->path, id, &rt);

		if (!l->id) {
			if (r != -ENOENT)
				fail_msg("%s: expected no container, got %s",
					 l->path, id);
			continue;
		}
		if (r != 0)
			fail_msg("%s: expected %s, got %d", l->path, l->id, r);
		assert_string_equal(id, l->id);
		assert_string_equal(rt, l->runtime);
	}
}

static struct st_env runc_env(void)
{
	struct st_env env;

	st_env_init(&env, data("runc-tree"), "/run/runc");
	return env;
}

static void runc_names_need_their_state_dir(void **state)
{
	struct st_env env = runc_env();
	static const struct layout named[] = {
	    {"/mybox", "mybox", "runc"},
	    {"/some/parent/mybox", "mybox", "runc"},
	    {"/system.slice/runc-mybox.scope", "mybox", "runc"},
	    {"/k8s-web-1", "k8s-web-1", "runc"},
	    {"/otherbox", NULL, NULL},
	    {"/system.slice/runc-otherbox.scope", NULL, NULL},
	    {"/..", NULL, NULL},
	    {"/user.slice", NULL, NULL},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(named) / sizeof(*named); i++) {
		char id[STATE_MAX_CID] = "";
		const char *rt = NULL;
		int r = st_cgroup_path_id(&env, named[i].path,
					  strlen(named[i].path), id, sizeof(id),
					  &rt);

		if (!named[i].id) {
			if (r != -ENOENT)
				fail_msg("%s: expected none, got %s",
					 named[i].path, id);
			continue;
		}
		if (r)
			fail_msg("%s: expected %s", named[i].path, named[i].id);
		assert_string_equal(id, named[i].id);
		assert_string_equal(rt, named[i].runtime);
	}
}

static int pick_file(const struct st_env *env, const char *name, char *cg,
		     size_t cglen, char *id, const char **rt)
{
	char buf[8192];
	ssize_t n = st_read_file(data(name), buf, sizeof(buf));

	assert_true(n > 0);
	return st_cgroup_pick(env, buf, (size_t)n, cg, cglen, id, STATE_MAX_CID,
			      rt);
}

static void v1_file_uses_the_pids_line(void **state)
{
	char cg[256], id[STATE_MAX_CID];
	const char *rt = NULL;

	(void)state;
	assert_int_equal(
	    pick_file(NULL, "cgroup/v1-docker.txt", cg, sizeof(cg), id, &rt),
	    0);
	assert_string_equal(id, H);
	assert_string_equal(rt, "docker");
	assert_string_equal(cg, "/docker/" H);
}

static void v2_file_names_a_kubernetes_container(void **state)
{
	char cg[512], id[STATE_MAX_CID];
	const char *rt = NULL;

	(void)state;
	assert_int_equal(pick_file(NULL, "cgroup/v2-kubepods-systemd.txt", cg,
				   sizeof(cg), id, &rt),
			 0);
	assert_string_equal(id, H);
	assert_string_equal(rt, "containerd");
}

static void hybrid_runc_uses_v1_lines_when_v2_is_root(void **state)
{
	struct st_env env = runc_env();
	char cg[256], id[STATE_MAX_CID];
	const char *rt = NULL;

	(void)state;
	assert_int_equal(
	    pick_file(&env, "cgroup/hybrid-runc.txt", cg, sizeof(cg), id, &rt),
	    0);
	assert_string_equal(id, "mybox");
	assert_string_equal(cg, "/mybox");
}

static void hybrid_host_is_not_a_container(void **state)
{
	struct st_env env = runc_env();
	char cg[256], id[STATE_MAX_CID];
	const char *rt = NULL;

	(void)state;
	assert_int_equal(
	    pick_file(&env, "cgroup/hybrid-host.txt", cg, sizeof(cg), id, &rt),
	    -ENOENT);
	assert_string_equal(cg, "/"); /* the v2 path is the fallback */
}

static void host_user_slice_is_not_a_container(void **state)
{
	char cg[256], id[STATE_MAX_CID];
	const char *rt = NULL;

	(void)state;
	assert_int_equal(pick_file(NULL, "cgroup/v2-host-user-slice.txt", cg,
				   sizeof(cg), id, &rt),
			 -ENOENT);
	assert_string_equal(cg, "/user.slice/user-1000.slice/session-3.scope");
}

static void crio_conmon_is_not_a_container(void **state)
{
	char cg[512], id[STATE_MAX_CID];
	const char *rt = NULL;

	(void)state;
	assert_int_equal(pick_file(NULL, "cgroup/v2-crio-conmon.txt", cg,
				   sizeof(cg), id, &rt),
			 -ENOENT);
}

static void v2_line_wins_over_v1_when_both_name_containers(void **state)
{
	char cg[512], id[STATE_MAX_CID];
	const char *rt = NULL;

	(void)state;
	assert_int_equal(pick_file(NULL, "cgroup/v1-v2-disagree.txt", cg,
				   sizeof(cg), id, &rt),
			 0);
	assert_string_equal(cg, "/system.slice/docker-"
				"3f2a9c0d8e7b6a5f4e3d2c1b0a99887766554433221100"
				"ffeeddccbbaa998870.scope");
}

static void malformed_file_is_rejected(void **state)
{
	char cg[256], id[STATE_MAX_CID];
	const char *rt = NULL;

	(void)state;
	assert_int_equal(
	    pick_file(NULL, "cgroup/malformed.txt", cg, sizeof(cg), id, &rt),
	    -EINVAL);
}

static void overlong_and_binary_paths_are_not_containers(void **state)
{
	char big[STATE_MAX_PATH + 10], id[65];
	const char *rt;

	(void)state;
	memset(big, 'a', sizeof(big) - 1);
	big[0] = '/';
	big[sizeof(big) - 1] = '\0';
	assert_int_equal(state_cgroup_container_id(big, id, &rt), -ENOENT);
	assert_int_equal(state_cgroup_container_id("/docker/\x01" H, id, &rt),
			 -ENOENT);
	assert_int_equal(
	    st_cgroup_path_id(NULL, "/docker/" H, 5, id, sizeof(id), &rt),
	    -ENOENT); /* length honoured: "/dock" */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(every_layout_maps_to_its_id_and_runtime),
	    cmocka_unit_test(runc_names_need_their_state_dir),
	    cmocka_unit_test(v1_file_uses_the_pids_line),
	    cmocka_unit_test(v2_file_names_a_kubernetes_container),
	    cmocka_unit_test(hybrid_runc_uses_v1_lines_when_v2_is_root),
	    cmocka_unit_test(hybrid_host_is_not_a_container),
	    cmocka_unit_test(host_user_slice_is_not_a_container),
	    cmocka_unit_test(crio_conmon_is_not_a_container),
	    cmocka_unit_test(v2_line_wins_over_v1_when_both_name_containers),
	    cmocka_unit_test(malformed_file_is_rejected),
	    cmocka_unit_test(overlong_and_binary_paths_are_not_containers),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
