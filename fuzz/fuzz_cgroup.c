/*
 * fuzz_cgroup.c - libFuzzer harness for the state subsystem's parsers of
 * hostile host data: /proc/PID/cgroup files and single cgroup paths, runc
 * state.json and OCI config.json, /proc/net tables, /proc/PID/stat and
 * status, image references and path joining.  The first input byte picks
 * the parser; the rest is its input.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "state/state_int.h"

static void fuzz_cgroup_file(const char *s, size_t n)
{
	struct st_env env;
	char cg[512], id[STATE_MAX_CID];
	const char *rt;

	st_cgroup_pick(NULL, s, n, cg, sizeof(cg), id, sizeof(id), &rt);
	/* With an environment whose runtime dirs do not exist. */
	st_env_init(&env, "/nonexistent-bw-fuzz", "/run/runc");
	st_cgroup_pick(&env, s, n, cg, sizeof(cg), id, sizeof(id), &rt);
	st_cgroup_path_id(&env, s, n, id, sizeof(id), &rt);
}

static void fuzz_runc(const char *s, size_t n, bool config)
{
	struct bw_container c = {0};
	uint64_t created;
	char *bundle = NULL;

	if (config) {
		st_runc_parse_config(s, n, &c);
		bw_container_free_fields(&c);
		return;
	}
	st_runc_parse_state(s, n, &created, &bundle);
	free(bundle);
}

static void fuzz_procnet(const char *s, size_t n)
{
	static const char *const kinds[] = {"tcp", "tcp6", "udp", "unix",
					    "netlink"};
	struct st_netcache nc = {0};
	struct st_netns *ns;
	size_t pos = 0;
	struct st_hnode *cur = NULL, *h;

	if (!n || !(ns = st_netns_new()))
		return;
	ns->next = NULL;
	nc.list = ns;
	st_procnet_parse(ns, kinds[(unsigned char)s[0] % 5], s + 1, n - 1);
	while ((h = hmap_next(&ns->socks, &pos, &cur))) {
		struct bw_fdinfo fi = {0};

		st_sock_to_fd(ns, (const struct st_sock *)h, &fi);
		fdinfo_clear(&fi);
	}
	st_netcache_free(&nc);
}

static void fuzz_procfiles(const char *s, size_t n)
{
	struct bw_proc p = {0};
	uint64_t ticks;
	struct bw_fdinfo fi = {0};
	uint64_t ino;
	char *repo, *tag, *dig, out[STATE_MAX_PATH];

	st_parse_stat(s, n, &p, &ticks);
	st_parse_status(s, n, &p);
	st_fd_from_link(&fi, s, &ino); /* s is NUL-terminated */
	fdinfo_clear(&fi);
	if (!st_image_split(s, &repo, &tag, &dig)) {
		free(repo);
		free(tag);
		free(dig);
	}
	st_path_join("/base/dir", s, n, out, sizeof(out));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s;

	if (size < 1 || size > (1 << 20))
		return 0;
	/* NUL-terminated copy: the parsers take lengths, but some helpers
	 * (fd link classification) take C strings like their callers do. */
	s = malloc(size);
	if (!s)
		return 0;
	memcpy(s, data + 1, size - 1);
	s[size - 1] = '\0';
	switch (data[0] % 5) {
	case 0:
		fuzz_cgroup_file(s, size - 1);
		break;
	case 1:
		fuzz_runc(s, size - 1, false);
		break;
	case 2:
		fuzz_runc(s, size - 1, true);
		break;
	case 3:
		fuzz_procnet(s, size - 1);
		break;
	default:
		fuzz_procfiles(s, size - 1);
		break;
	}
	free(s);
	return 0;
}
