/* test_state_runc.c - runc state.json + OCI config.json -> container
 * metadata, image reference splitting and the container cache. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "state/state_int.h"

static const char *data(const char *name)
{
	static char path[4096];
	const char *src = getenv("BW_SOURCE_DIR");

	snprintf(path, sizeof(path), "%s/tests/data/state/%s", src ? src : ".",
		 name);
	return path;
}

static struct st_env env_for(const char *tree)
{
	struct st_env env;

	st_env_init(&env, data(tree), "/run/runc");
	return env;
}

static const char *label(const struct bw_container *c, const char *k)
{
	for (uint32_t i = 0; i < c->nlabels; i++)
		if (!strcmp(c->label_keys[i], k))
			return c->label_values[i];
	return NULL;
}

static struct bw_container *load(struct st_ctrcache *cc, const char *id)
{
	struct st_env env = env_for("runc-tree");

	assert_int_equal(ctr_cache_init(cc), 0);
	return ctr_get(cc, &env, id, "runc");
}

static void plain_runc_container_gets_name_mounts_and_start(void **state)
{
	struct st_ctrcache cc;
	struct bw_container *c = load(&cc, "mybox");

	(void)state;
	assert_string_equal(c->id, "mybox");
	assert_string_equal(c->full_id, "mybox");
	assert_string_equal(c->name, "mybox");
	assert_string_equal(c->type, "runc");
	assert_null(c->image);
	assert_false(c->privileged);
	assert_string_equal(c->bundle, "/var/lib/bundles/mybox");
	assert_true(c->start_ts == 1714566896123456789ull);
	assert_int_equal(c->nmounts, 3);
	assert_string_equal(c->mounts[1].source, "/srv/data");
	assert_string_equal(c->mounts[1].dest, "/data");
	assert_string_equal(c->mounts[1].mode, "ro");
	assert_false(c->mounts[1].rw);
	assert_string_equal(c->mounts[1].propagation, "rslave");
	assert_true(c->mounts[2].rw);
	assert_string_equal(c->mounts[2].propagation, "");
	ctr_cache_free(&cc);
}

static void all_capabilities_without_masks_is_privileged(void **state)
{
	struct st_ctrcache cc;
	struct bw_container *c = load(&cc, "privbox");

	(void)state;
	assert_true(c->privileged);
	assert_string_equal(c->mounts[0].propagation, "rshared");
	ctr_cache_free(&cc);
}

static void kubernetes_annotations_give_pod_name_and_image(void **state)
{
	struct st_ctrcache cc;
	struct bw_container *c = load(&cc, "k8s-web-1");

	(void)state;
	assert_false(c->privileged);
	assert_string_equal(c->name, "web");
	assert_string_equal(c->pod_name, "web-7d9f8-xk2lp");
	assert_string_equal(c->pod_namespace, "shop");
	assert_string_equal(c->pod_uid, "1b2c3d4e-5f60-7182-93a4-b5c6d7e8f901");
	assert_string_equal(c->image_repository,
			    "registry.example.com:5000/team/web");
	assert_string_equal(c->image_tag, "1.4.2");
	assert_string_equal(c->image_digest,
			    "sha256:0123456789abcdef0123456789abcdef0123456789"
			    "abcdef0123456789abcdef");
	assert_string_equal(label(c, "io.kubernetes.cri.container-type"),
			    "container");
	assert_string_equal(c->id, "k8s-web-1");
	ctr_cache_free(&cc);
}

static void cache_returns_the_same_entry_and_host_for_null(void **state)
{
	struct st_ctrcache cc;
	struct st_env env = env_for("runc-tree");
	struct bw_container *a = load(&cc, "mybox");

	(void)state;
	assert_ptr_equal(ctr_get(&cc, &env, "mybox", "runc"), a);
	assert_ptr_equal(ctr_get(&cc, &env, NULL, NULL), &cc.host.c);
	assert_string_equal(cc.host.c.id, "host");
	assert_string_equal(cc.host.c.name, "host");
	ctr_cache_free(&cc);
}

static void unknown_id_gets_a_bare_entry(void **state)
{
	struct st_ctrcache cc;
	struct bw_container *c =
	    load(&cc, "0123456789abcdef0123456789abcdef0123456789abcdef012345"
		      "6789abcdef");

	(void)state;
	assert_string_equal(c->id, "0123456789ab");
	assert_string_equal(c->type, "runc");
	assert_null(c->bundle);
	ctr_cache_free(&cc);
}

static void sweep_drops_unreferenced_containers_without_state(void **state)
{
	struct st_ctrcache cc;
	struct st_env env = env_for("runc-tree");
	struct bw_container *gone = load(&cc, "gone-box");
	struct bw_container *kept = ctr_get(&cc, &env, "mybox", "runc");

	(void)state;
	(void)kept;
	ctr_ref(gone);
	ctr_sweep(&cc, &env);
	assert_int_equal(cc.n, 2); /* referenced: kept */
	ctr_unref(gone);
	ctr_sweep(&cc, &env);
	assert_int_equal(cc.n, 1);
	assert_string_equal(cc.v[0]->c.full_id, "mybox");
	ctr_cache_free(&cc);
}

struct image_case {
	const char *ref, *repo, *tag, *digest;
};

static void image_references_split_into_parts(void **state)
{
	static const struct image_case cases[] = {
	    {"nginx", "nginx", NULL, NULL},
	    {"nginx:1.25", "nginx", "1.25", NULL},
	    {"docker.io/library/nginx:latest", "docker.io/library/nginx",
	     "latest", NULL},
	    {"localhost:5000/app", "localhost:5000/app", NULL, NULL},
	    {"localhost:5000/app:v2", "localhost:5000/app", "v2", NULL},
	    {"quay.io/x/y@sha256:abcd", "quay.io/x/y", NULL, "sha256:abcd"},
	    {"r:443/a/b:t@sha256:ff", "r:443/a/b", "t", "sha256:ff"},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		char *repo, *tag, *dig;

		assert_int_equal(
		    st_image_split(cases[i].ref, &repo, &tag, &dig), 0);
		assert_string_equal(repo, cases[i].repo);
		if (cases[i].tag)
			assert_string_equal(tag, cases[i].tag);
		else
			assert_null(tag);
		if (cases[i].digest)
			assert_string_equal(dig, cases[i].digest);
		else
			assert_null(dig);
		free(repo);
		free(tag);
		free(dig);
	}
}

static void bad_image_references_are_rejected(void **state)
{
	char *repo, *tag, *dig;

	(void)state;
	assert_int_equal(st_image_split("", &repo, &tag, &dig), -EINVAL);
	assert_int_equal(st_image_split(":tag", &repo, &tag, &dig), -EINVAL);
	assert_int_equal(st_image_split("@sha256:x", &repo, &tag, &dig),
			 -EINVAL);
}

static void state_json_rejects_unclean_bundles(void **state)
{
	static const char bad[] =
	    "{\"created\":\"2024-05-01T00:00:00+02:00\",\"config\":"
	    "{\"labels\":[\"bundle=/var/../../etc\"]}}";
	uint64_t created;
	char *bundle;

	(void)state;
	assert_int_equal(
	    st_runc_parse_state(bad, sizeof(bad) - 1, &created, &bundle), 0);
	assert_null(bundle);
	assert_true(created == 1714514400ull * 1000000000ull);
	assert_int_equal(st_runc_parse_state("[1,2]", 5, &created, &bundle),
			 -EINVAL);
	assert_int_equal(st_runc_parse_state("{\"a\":", 5, &created, &bundle),
			 -EINVAL);
}

static void config_json_of_wrong_shapes_is_tolerated(void **state)
{
	static const char odd[] =
	    "{\"annotations\":[1],\"mounts\":{\"x\":1},\"process\":"
	    "{\"capabilities\":{\"bounding\":\"CAP_SYS_ADMIN\"}},"
	    "\"linux\":7}";
	struct bw_container c = {0};

	(void)state;
	assert_int_equal(st_runc_parse_config(odd, sizeof(odd) - 1, &c), 0);
	assert_int_equal(c.nlabels, 0);
	assert_int_equal(c.nmounts, 0);
	assert_false(c.privileged);
	bw_container_free_fields(&c);
}

static void bundle_symlink_cannot_leave_the_root(void **state)
{
	char root[] = "/tmp/bw-runc-XXXXXX", outside[] = "/tmp/bw-out-XXXXXX";
	char p[4096];
	struct st_env env;
	struct st_ctrcache cc;
	struct bw_container *c;
	FILE *f;

	(void)state;
	assert_non_null(mkdtemp(root));
	assert_non_null(mkdtemp(outside));
	snprintf(p, sizeof(p), "%s/config.json", outside);
	f = fopen(p, "w");
	assert_non_null(f);
	fputs("{\"annotations\":{\"io.kubernetes.pod.name\":\"stolen\"}}", f);
	fclose(f);
	snprintf(p, sizeof(p), "mkdir -p %s/run/runc/esc %s/b", root, root);
	assert_int_equal(system(p), 0);
	snprintf(p, sizeof(p), "%s/b/esc", root);
	assert_int_equal(symlink(outside, p), 0);
	snprintf(p, sizeof(p), "%s/run/runc/esc/state.json", root);
	f = fopen(p, "w");
	assert_non_null(f);
	fputs("{\"config\":{\"labels\":[\"bundle=/b/esc\"]}}", f);
	fclose(f);
	st_env_init(&env, root, "/run/runc");
	assert_int_equal(ctr_cache_init(&cc), 0);
	c = ctr_get(&cc, &env, "esc", "runc");
	assert_string_equal(c->name, "esc");
	assert_null(c->pod_name);
	ctr_cache_free(&cc);
	snprintf(p, sizeof(p), "rm -rf %s %s", root, outside);
	assert_int_equal(system(p), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(plain_runc_container_gets_name_mounts_and_start),
	    cmocka_unit_test(all_capabilities_without_masks_is_privileged),
	    cmocka_unit_test(kubernetes_annotations_give_pod_name_and_image),
	    cmocka_unit_test(cache_returns_the_same_entry_and_host_for_null),
	    cmocka_unit_test(unknown_id_gets_a_bare_entry),
	    cmocka_unit_test(sweep_drops_unreferenced_containers_without_state),
	    cmocka_unit_test(image_references_split_into_parts),
	    cmocka_unit_test(bad_image_references_are_rejected),
	    cmocka_unit_test(state_json_rejects_unclean_bundles),
	    cmocka_unit_test(config_json_of_wrong_shapes_is_tolerated),
	    cmocka_unit_test(bundle_symlink_cannot_leave_the_root),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
