/*
 * cmd_vault_inject.c - delivering secrets into files and containers:
 *
 *   bulwark vault inject   logs in (AppRole, or VAULT_TOKEN), reads KV
 *                          secrets and writes each to a file on a tmpfs;
 *                          --once, or --renew: stays running, renews its
 *                          token at 2/3 of its TTL, re-reads the secrets
 *                          every --interval and rewrites the files that
 *                          changed, and on SIGTERM removes them (and
 *                          unmounts the tmpfs it mounted).
 *   bulwark vault oci-hook an OCI createRuntime (or prestart) hook: reads
 *                          the runtime's state on stdin and the bundle's
 *                          config.json, takes the secrets from the
 *                          io.bulwark.vault.* annotations, logs in with
 *                          the credentials of a root-only config file and
 *                          mounts a tmpfs holding them at /run/secrets in
 *                          the container's mount namespace.
 *
 * The server-free parts (specs, rendering, atomic writes, the OCI inputs)
 * are in src/vault/inject.c.  Secret values are never printed.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <openssl/crypto.h>

#include "cli/commands.h"
#include "vault/vault.h"

#define CRED_MAX 4096

/* ---- a logged-in client ------------------------------------------------- */

struct session {
	const char *prog;
	struct vault_client_config cfg; /* address, ca_cert, skip_verify */
	const char *role_id_file, *secret_id_file;
	char token[CRED_MAX];
	int logged_in; /* we made the token: revoke it at the end */
	long long ttl; /* seconds, 0: never expires */
	int renewable;
	time_t renew_at; /* 0: no renewal */
	struct vault_client *c;
};

static void report(const char *prog, const char *what,
		   const struct bw_error *err)
{
	char msg[1024];

	fprintf(stderr, "%s: %s: %s\n", prog, what,
		bw_error_str(err, msg, sizeof(msg)));
}

/* Reads a credential file (trimmed) into buf; refuses an empty one. */
static int read_cred(const char *prog, const char *path, char *buf, size_t cap)
{
	struct bw_error err = {0};
	char *text = NULL;
	size_t len = 0, a = 0;
	FILE *f = fopen(path, "re");
	int rc;

	if (!f) {
		fprintf(stderr, "%s: %s: %s\n", prog, path, strerror(errno));
		return -errno;
	}
	rc = vault_read_all(f, cap - 1, &text, &len, &err);
	fclose(f);
	if (rc) {
		fprintf(stderr, "%s: %s: too large or unreadable\n", prog,
			path);
		return rc;
	}
	while (len && strchr(" \t\r\n", text[len - 1]))
		len--;
	while (a < len && strchr(" \t\r\n", text[a]))
		a++;
	if (a == len || memchr(text + a, '\0', len - a)) {
		fprintf(stderr, "%s: %s: empty\n", prog, path);
		rc = -EINVAL;
	} else {
		memcpy(buf, text + a, len - a);
		buf[len - a] = '\0';
	}
	OPENSSL_cleanse(text, len);
	free(text);
	return rc;
}

static int session_client(struct session *s, const char *token)
{
	struct vault_client_config cfg = s->cfg;
	struct bw_error err = {0};
	int rc;

	vault_client_free(s->c);
	s->c = NULL;
	cfg.token = token;
	rc = vault_client_new(&cfg, &s->c, &err);
	if (rc)
		report(s->prog, "client", &err);
	return rc;
}

/* One call; 0 with a 2xx answer, else prints and returns negative. */
static int call(struct session *s, const char *method, const char *path,
		const json_t *body, json_t **ret)
{
	struct bw_error err = {0};
	json_t *out = NULL;
	int status = 0, rc;

	rc =
	    vault_client_request(s->c, method, path, body, &status, &out, &err);
	if (rc) {
		report(s->prog, path, &err);
		return rc;
	}
	if (status / 100 != 2) {
		char text[2048];

		fprintf(stderr, "%s: %s\n", s->prog,
			vault_client_error_text(s->c, method, path, status, out,
						text, sizeof(text)));
		json_decref(out);
		return status == 404 ? -ENOENT : -EACCES;
	}
	*ret = out;
	return 0;
}

/* Reads the token's TTL from an auth block or lookup-self data. */
static void set_ttl(struct session *s, long long ttl, int renewable)
{
	s->ttl = ttl > 0 ? ttl : 0;
	s->renewable = renewable;
	s->renew_at = s->ttl ? time(NULL) + (time_t)(s->ttl * 2 / 3) : 0;
	if (s->ttl && s->ttl * 2 / 3 < 1)
		s->renew_at = time(NULL) + 1;
}

static int approle_login(struct session *s)
{
	char role_id[CRED_MAX], secret_id[CRED_MAX];
	json_t *body = NULL, *out = NULL, *auth;
	const char *tok;
	int rc;

	if ((rc = read_cred(s->prog, s->role_id_file, role_id,
			    sizeof(role_id))) ||
	    (rc = read_cred(s->prog, s->secret_id_file, secret_id,
			    sizeof(secret_id))))
		goto out;
	if ((rc = session_client(s, NULL)))
		goto out;
	body =
	    json_pack("{s:s, s:s}", "role_id", role_id, "secret_id", secret_id);
	if (!body) {
		rc = -ENOMEM;
		goto out;
	}
	if ((rc = call(s, "POST", "auth/approle/login", body, &out)))
		goto out;
	auth = json_object_get(out, "auth");
	tok = json_string_value(json_object_get(auth, "client_token"));
	if (!tok || strlen(tok) >= sizeof(s->token)) {
		fprintf(stderr, "%s: login: no client_token in the answer\n",
			s->prog);
		rc = -EPROTO;
		goto out;
	}
	snprintf(s->token, sizeof(s->token), "%s", tok);
	s->logged_in = 1;
	set_ttl(s, json_integer_value(json_object_get(auth, "lease_duration")),
		json_is_true(json_object_get(auth, "renewable")));
	rc = session_client(s, s->token);
out:
	if (body) {
		/* the body holds copies of the credentials */
		json_t *v = json_object_get(body, "secret_id");

		if (v)
			OPENSSL_cleanse((void *)json_string_value(v),
					json_string_length(v));
	}
	json_decref(body);
	json_decref(out);
	OPENSSL_cleanse(role_id, sizeof(role_id));
	OPENSSL_cleanse(secret_id, sizeof(secret_id));
	return rc;
}

/* A token given to us (VAULT_TOKEN or a token file): its TTL from
 * lookup-self, when the token may ask. */
static int token_login(struct session *s)
{
	json_t *out = NULL, *data;
	struct bw_error err = {0};
	int status = 0;

	if (session_client(s, s->token))
		return -EINVAL;
	if (!vault_client_request(s->c, "GET", "auth/token/lookup-self", NULL,
				  &status, &out, &err) &&
	    status == 200) {
		data = json_object_get(out, "data");
		set_ttl(s, json_integer_value(json_object_get(data, "ttl")),
			json_is_true(json_object_get(data, "renewable")));
	}
	json_decref(out);
	return 0;
}

static int session_login(struct session *s)
{
	if (s->role_id_file)
		return approle_login(s);
	return token_login(s);
}

/* renew-self; on failure an AppRole session logs in again. */
static int session_renew(struct session *s)
{
	json_t *out = NULL, *auth;
	int rc;

	if (s->renewable) {
		rc = call(s, "POST", "auth/token/renew-self", NULL, &out);
		if (!rc) {
			auth = json_object_get(out, "auth");
			set_ttl(
			    s,
			    json_integer_value(
				json_object_get(auth, "lease_duration")),
			    json_is_true(json_object_get(auth, "renewable")));
			json_decref(out);
			fprintf(stderr, "%s: token renewed (ttl %llds)\n",
				s->prog, s->ttl);
			return 0;
		}
	}
	if (!s->role_id_file) {
		s->renew_at = 0;
		fprintf(stderr, "%s: the token cannot be renewed\n", s->prog);
		return -EACCES;
	}
	rc = approle_login(s);
	if (!rc)
		fprintf(stderr, "%s: logged in again\n", s->prog);
	return rc;
}

static void session_end(struct session *s)
{
	json_t *out = NULL;

	if (s->c && s->logged_in &&
	    !call(s, "POST", "auth/token/revoke-self", NULL, &out))
		json_decref(out);
	vault_client_free(s->c);
	s->c = NULL;
	OPENSSL_cleanse(s->token, sizeof(s->token));
}

/* ---- reading and rendering the secrets ---------------------------------- */

struct item {
	struct vault_inject_secret spec;
	char *bytes; /* rendered; cleansed when freed */
	size_t len;
};

static void item_clear(struct item *it)
{
	if (it->bytes)
		OPENSSL_cleanse(it->bytes, it->len);
	free(it->bytes);
	it->bytes = NULL;
	it->len = 0;
}

/* Reads it's secret (KV v2 or v1 found by the mount) and renders it. */
static int fetch(struct session *s, struct item *it,
		 enum vault_inject_format fmt, const char *field)
{
	char mount[VAULT_MAX_PATH], api[VAULT_MAX_PATH + 64];
	struct bw_error err = {0};
	json_t *out = NULL, *data;
	int version = 0, rc;

	rc = vault_kv_detect(s->c, it->spec.path, mount, sizeof(mount),
			     &version, &err);
	if (!rc)
		rc = vault_kv_path(mount, version, "data", it->spec.path, api,
				   sizeof(api), &err);
	if (rc) {
		report(s->prog, it->spec.path, &err);
		return rc;
	}
	rc = call(s, "GET", api, NULL, &out);
	if (rc)
		return rc;
	data = json_object_get(out, "data");
	if (version == 2)
		data = json_object_get(data, "data");
	if (!json_is_object(data)) {
		fprintf(stderr, "%s: no value at %s\n", s->prog, api);
		json_decref(out);
		return -ENOENT;
	}
	item_clear(it);
	rc = vault_inject_render(data, fmt, field, &it->bytes, &it->len, &err);
	json_decref(out);
	if (rc)
		report(s->prog, it->spec.path, &err);
	return rc;
}

/* ---- bulwark vault inject ----------------------------------------------- */

static void inject_usage(FILE *out)
{
	fprintf(
	    out,
	    "usage: bulwark vault inject [--role-id-file F --secret-id-file "
	    "F]\n"
	    "         --secret PATH[=NAME] ... --into DIR [--owner UID:GID]\n"
	    "         [--mode 0400] [--format json|env|raw] [--field NAME]\n"
	    "         [--once | --renew [--interval 60s]]\n\n"
	    "Reads KV secrets (v2 or v1) and writes each to DIR/NAME on a "
	    "tmpfs\n(mounted at DIR when DIR is not one and we are root).\n\n"
	    "  --role-id-file F, --secret-id-file F\n"
	    "                  log in with AppRole; without them the token "
	    "is VAULT_TOKEN\n"
	    "  --secret PATH[=NAME]  a secret and its file name (default: "
	    "the last\n"
	    "                  path segment + .json / .env); repeat it\n"
	    "  --into DIR      the directory (created 0700 when missing)\n"
	    "  --owner UID:GID the files' owner (default: ours)\n"
	    "  --mode MODE     the files' mode, octal (default 0400)\n"
	    "  --format F      json: the secret's data as a JSON object "
	    "(default);\n"
	    "                  env: KEY='value' lines; raw: one field's value "
	    "(--field)\n"
	    "  --field NAME    only this field of each secret\n"
	    "  --once          write the files and exit (default)\n"
	    "  --renew         keep running: renew the token at 2/3 of its "
	    "TTL, re-read\n"
	    "                  the secrets every --interval, rewrite files "
	    "that changed;\n"
	    "                  on SIGTERM/SIGINT remove the files (and "
	    "unmount)\n"
	    "  --interval D    re-read interval (default 60s)\n"
	    "  --address A, --ca-cert F, --tls-skip-verify\n"
	    "                  the server (VAULT_ADDR, VAULT_CACERT, "
	    "VAULT_SKIP_VERIFY)\n\n"
	    "Exit 0 on success, 1 when a secret could not be read or "
	    "written, 2 on\nusage errors.\n");
}

static int parse_owner(const char *s, long *uid, long *gid)
{
	char *end;
	long u, g;

	errno = 0;
	u = strtol(s, &end, 10);
	if (errno || end == s || *end != ':' || u < 0 || u > 0x7fffffff)
		return -EINVAL;
	s = end + 1;
	g = strtol(s, &end, 10);
	if (errno || end == s || *end || g < 0 || g > 0x7fffffff)
		return -EINVAL;
	*uid = u;
	*gid = g;
	return 0;
}

static int sync_files(struct session *s, int dirfd, const char *dir,
		      struct item *items, size_t n,
		      enum vault_inject_format fmt, const char *field,
		      unsigned mode, long uid, long gid, int first)
{
	int failed = 0;

	for (size_t i = 0; i < n; i++) {
		struct bw_error err = {0};
		int changed = 0;

		if (fetch(s, &items[i], fmt, field)) {
			failed = 1;
			continue;
		}
		if (vault_inject_write(dirfd, items[i].spec.name,
				       items[i].bytes, items[i].len, mode, uid,
				       gid, &changed, &err)) {
			report(s->prog, dir, &err);
			failed = 1;
		} else if (changed) {
			fprintf(stderr, "%s: %s %s/%s\n", s->prog,
				first ? "wrote" : "updated", dir,
				items[i].spec.name);
		}
		item_clear(&items[i]);
	}
	return failed;
}

static int renew_loop(struct session *s, int dirfd, const char *dir,
		      struct item *items, size_t n,
		      enum vault_inject_format fmt, const char *field,
		      unsigned mode, long uid, long gid, long long interval)
{
	sigset_t set;
	time_t next_read = time(NULL) + (time_t)interval;

	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	for (;;) {
		time_t now = time(NULL), wake = next_read;
		struct timespec ts;
		int sig;

		if (s->renew_at && s->renew_at < wake)
			wake = s->renew_at;
		ts.tv_sec = wake > now ? wake - now : 0;
		ts.tv_nsec = 0;
		sig = sigtimedwait(&set, NULL, &ts);
		if (sig == SIGTERM || sig == SIGINT)
			return 0;
		now = time(NULL);
		if (s->renew_at && now >= s->renew_at)
			session_renew(s);
		if (sig == SIGHUP || now >= next_read) {
			sync_files(s, dirfd, dir, items, n, fmt, field, mode,
				   uid, gid, 0);
			next_read = time(NULL) + (time_t)interval;
		}
	}
}

int cmd_vault_inject(int argc, char **argv)
{
	static const struct option opts[] = {
	    {"role-id-file", required_argument, NULL, 'r'},
	    {"secret-id-file", required_argument, NULL, 's'},
	    {"secret", required_argument, NULL, 'S'},
	    {"into", required_argument, NULL, 'i'},
	    {"owner", required_argument, NULL, 'o'},
	    {"mode", required_argument, NULL, 'm'},
	    {"format", required_argument, NULL, 'f'},
	    {"field", required_argument, NULL, 'F'},
	    {"once", no_argument, NULL, '1'},
	    {"renew", no_argument, NULL, 'R'},
	    {"interval", required_argument, NULL, 'I'},
	    {"address", required_argument, NULL, 'a'},
	    {"ca-cert", required_argument, NULL, 'c'},
	    {"tls-skip-verify", no_argument, NULL, 'k'},
	    {"help", no_argument, NULL, 'h'},
	    {0, 0, 0, 0}};
	struct session s = {.prog = "bulwark vault inject"};
	struct vault_inject_secret specs[VAULT_INJECT_MAX_SECRETS];
	struct item items[VAULT_INJECT_MAX_SECRETS];
	const char *raw_specs[VAULT_INJECT_MAX_SECRETS];
	size_t nraw = 0, n = 0;
	enum vault_inject_format fmt = VAULT_INJECT_JSON;
	const char *dir = NULL, *field = NULL, *env;
	long uid = -1, gid = -1;
	unsigned mode = 0400;
	long long interval = 60;
	int renew = 0, once = 0, o, rc = 0, dirfd = -1, mounted = 0, t;
	struct bw_error err = {0};
	sigset_t set;

	memset(items, 0, sizeof(items));
	optind = 1;
	while ((o = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		char *end;
		long m;

		switch (o) {
		case 'r':
			s.role_id_file = optarg;
			break;
		case 's':
			s.secret_id_file = optarg;
			break;
		case 'S':
			if (nraw == VAULT_INJECT_MAX_SECRETS) {
				fprintf(stderr, "%s: more than %d secrets\n",
					s.prog, VAULT_INJECT_MAX_SECRETS);
				return 2;
			}
			raw_specs[nraw++] = optarg;
			break;
		case 'i':
			dir = optarg;
			break;
		case 'o':
			if (parse_owner(optarg, &uid, &gid)) {
				fprintf(stderr, "%s: --owner wants UID:GID\n",
					s.prog);
				return 2;
			}
			break;
		case 'm':
			errno = 0;
			m = strtol(optarg, &end, 8);
			if (errno || *end || end == optarg || m < 0 ||
			    m > 0777) {
				fprintf(stderr,
					"%s: --mode wants an octal "
					"mode like 0400\n",
					s.prog);
				return 2;
			}
			mode = (unsigned)m;
			break;
		case 'f':
			if (vault_inject_parse_format(optarg, &fmt)) {
				fprintf(stderr,
					"%s: --format is json, env or "
					"raw\n",
					s.prog);
				return 2;
			}
			break;
		case 'F':
			field = optarg;
			break;
		case '1':
			once = 1;
			break;
		case 'R':
			renew = 1;
			break;
		case 'I':
			if (vault_parse_duration(optarg, &interval) ||
			    interval < 1 || interval > 86400 * 30) {
				fprintf(stderr, "%s: bad --interval\n", s.prog);
				return 2;
			}
			break;
		case 'a':
			s.cfg.address = optarg;
			break;
		case 'c':
			s.cfg.ca_cert = optarg;
			break;
		case 'k':
			s.cfg.skip_verify = 1;
			break;
		case 'h':
			inject_usage(stdout);
			return 0;
		default:
			inject_usage(stderr);
			return 2;
		}
	}
	if (optind < argc || !dir || !nraw || (once && renew) ||
	    (!s.role_id_file != !s.secret_id_file) ||
	    (fmt == VAULT_INJECT_RAW && !field)) {
		fprintf(
		    stderr, "%s: %s\n\n", s.prog,
		    optind < argc   ? "unexpected argument"
		    : !dir	    ? "--into is required"
		    : !nraw	    ? "--secret is required"
		    : once && renew ? "--once and --renew exclude each other"
		    : fmt == VAULT_INJECT_RAW && !field
			? "--format raw needs --field"
			: "--role-id-file and --secret-id-file go together");
		inject_usage(stderr);
		return 2;
	}
	for (size_t i = 0; i < nraw; i++) {
		const char *ext = fmt == VAULT_INJECT_JSON  ? ".json"
				  : fmt == VAULT_INJECT_ENV ? ".env"
							    : "";

		if (vault_inject_parse_list(raw_specs[i], strlen(raw_specs[i]),
					    ext, specs, &n, &err)) {
			report(s.prog, "--secret", &err);
			return 2;
		}
	}
	for (size_t i = 0; i < n; i++)
		items[i].spec = specs[i];
	if (!s.cfg.address)
		s.cfg.address = getenv("VAULT_ADDR");
	if (!s.cfg.ca_cert)
		s.cfg.ca_cert = getenv("VAULT_CACERT");
	env = getenv("VAULT_SKIP_VERIFY");
	if (!s.cfg.skip_verify && env && *env &&
	    vault_parse_bool(env, &s.cfg.skip_verify))
		s.cfg.skip_verify = 0;
	if (!s.role_id_file) {
		env = getenv("VAULT_TOKEN");
		if (!env || !*env || strlen(env) >= sizeof(s.token)) {
			fprintf(stderr,
				"%s: no credentials: give "
				"--role-id-file and --secret-id-file, "
				"or set VAULT_TOKEN\n",
				s.prog);
			return 2;
		}
		snprintf(s.token, sizeof(s.token), "%s", env);
	}

	/* the directory, on a tmpfs */
	if (mkdir(dir, 0700) && errno != EEXIST) {
		fprintf(stderr, "%s: %s: %s\n", s.prog, dir, strerror(errno));
		return 1;
	}
	t = vault_inject_is_tmpfs(dir);
	if (t < 0) {
		fprintf(stderr, "%s: %s: %s\n", s.prog, dir, strerror(-t));
		return 1;
	}
	if (!t) {
		if (geteuid() != 0) {
			fprintf(stderr,
				"%s: %s is not a tmpfs and only root can mount "
				"one there; refusing to write secrets to "
				"disk\n",
				s.prog, dir);
			return 1;
		}
		if (vault_inject_mount_tmpfs(dir, uid, gid, &err)) {
			report(s.prog, dir, &err);
			return 1;
		}
		mounted = 1;
		fprintf(stderr, "%s: mounted a tmpfs at %s\n", s.prog, dir);
	}
	dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dirfd < 0) {
		fprintf(stderr, "%s: %s: %s\n", s.prog, dir, strerror(errno));
		rc = 1;
		goto out;
	}
	/* SIGTERM waits in sigtimedwait from now on (and cannot kill us
	 * between writing a file and the loop) */
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	if (renew)
		sigprocmask(SIG_BLOCK, &set, NULL);
	if (session_login(&s)) {
		rc = 1;
		goto out;
	}
	rc =
	    sync_files(&s, dirfd, dir, items, n, fmt, field, mode, uid, gid, 1);
	if (renew) {
		fprintf(stderr, "%s: watching %zu secret(s) every %llds\n",
			s.prog, n, interval);
		renew_loop(&s, dirfd, dir, items, n, fmt, field, mode, uid, gid,
			   interval);
		for (size_t i = 0; i < n; i++)
			vault_inject_remove(dirfd, items[i].spec.name);
		fprintf(stderr, "%s: removed the files\n", s.prog);
		rc = 0;
	}
out:
	session_end(&s);
	for (size_t i = 0; i < n; i++)
		item_clear(&items[i]);
	if (dirfd >= 0)
		close(dirfd);
	if (mounted && renew) {
		if (umount2(dir, MNT_DETACH))
			fprintf(stderr, "%s: umount %s: %s\n", s.prog, dir,
				strerror(errno));
	}
	return rc ? 1 : 0;
}

/* ---- bulwark vault oci-hook --------------------------------------------- */

static void hook_usage(FILE *out)
{
	fprintf(
	    out,
	    "usage: bulwark vault oci-hook [--config FILE]\n\n"
	    "An OCI createRuntime (or prestart) hook: reads the container's "
	    "state on\nstdin, takes the secrets from its annotations\n"
	    "  %s: \"secret/app/db=db.json,secret/app/api\"\n"
	    "  %s: ROLE (credentials from roles_dir/ROLE/)\n"
	    "  %s: json (default) or env\n"
	    "and mounts a read-only tmpfs holding them at %s in the\n"
	    "container, files mode 0400 owned by the container's user.  "
	    "Without the\nsecrets annotation it does nothing.\n\n"
	    "  --config FILE  root-only YAML (default %s): address, "
	    "ca_cert,\n"
	    "                 role_id_file, secret_id_file, roles_dir, "
	    "token_file\n",
	    VAULT_ANN_SECRETS, VAULT_ANN_ROLE, VAULT_ANN_FORMAT, VAULT_HOOK_DIR,
	    VAULT_HOOK_CONFIG);
}

/* A file the hook trusts: root's, not writable by others (and for
 * credentials, not readable by them either). */
static int trusted_file(const char *prog, const char *path, int secret)
{
	struct stat st;

	if (stat(path, &st)) {
		fprintf(stderr, "%s: %s: %s\n", prog, path, strerror(errno));
		return -errno;
	}
	if (st.st_uid != 0 || (st.st_mode & 022) ||
	    (secret && (st.st_mode & 077))) {
		fprintf(stderr,
			"%s: %s must be owned by root and %s by others\n", prog,
			path, secret ? "not accessible" : "not writable");
		return -EPERM;
	}
	return 0;
}

static int read_file(const char *path, size_t max, char **ret, size_t *ret_len)
{
	struct bw_error err = {0};
	FILE *f = fopen(path, "re");
	int rc;

	if (!f)
		return -errno;
	rc = vault_read_all(f, max, ret, ret_len, &err);
	fclose(f);
	return rc;
}

static const char *ann_str(const json_t *ann, const char *key)
{
	return json_string_value(json_object_get(ann, key));
}

/* openat a directory component without following symlinks, making it
 * (0755) when missing. */
static int open_dir_at(int at, const char *name)
{
	int fd =
	    openat(at, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);

	if (fd < 0 && errno == ENOENT) {
		if (mkdirat(at, name, 0755) && errno != EEXIST)
			return -errno;
		fd = openat(at, name,
			    O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	}
	return fd < 0 ? -errno : fd;
}

/*
 * The child: enters the container's mount namespace (the runtime has made
 * it and bind-mounted the rootfs at its own path; pivot_root comes after
 * the hooks), mounts a tmpfs on <rootfs>/run/secrets reached through
 * O_NOFOLLOW opens (an image's symlink cannot redirect the mount), writes
 * the files and remounts it read-only.
 */
static int hook_child(const char *prog, long pid, const char *rootfs,
		      struct item *items, size_t n, long uid, long gid)
{
	char nspath[64], fdpath[64];
	struct bw_error err = {0};
	int ns, root, run, sec, mnt;

	snprintf(nspath, sizeof(nspath), "/proc/%ld/ns/mnt", pid);
	ns = open(nspath, O_RDONLY | O_CLOEXEC);
	if (ns < 0 || setns(ns, CLONE_NEWNS)) {
		fprintf(stderr, "%s: enter %s: %s\n", prog, nspath,
			strerror(errno));
		return 1;
	}
	close(ns);
	root = open(rootfs, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (root < 0) {
		fprintf(stderr, "%s: %s: %s\n", prog, rootfs, strerror(errno));
		return 1;
	}
	run = open_dir_at(root, "run");
	sec = run >= 0 ? open_dir_at(run, "secrets") : run;
	if (sec < 0) {
		fprintf(stderr, "%s: %s/run/secrets: %s\n", prog, rootfs,
			strerror(-sec));
		return 1;
	}
	snprintf(fdpath, sizeof(fdpath), "/proc/self/fd/%d", sec);
	if (vault_inject_mount_tmpfs(fdpath, uid, gid, &err)) {
		report(prog, "/run/secrets", &err);
		return 1;
	}
	close(sec);
	mnt = openat(run, "secrets",
		     O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (mnt < 0) {
		fprintf(stderr, "%s: the tmpfs did not appear\n", prog);
		return 1;
	}
	/* the directory now resolves to the new mount's root */
	snprintf(fdpath, sizeof(fdpath), "/proc/self/fd/%d", mnt);
	if (vault_inject_is_tmpfs(fdpath) != 1) {
		fprintf(stderr, "%s: the tmpfs did not appear\n", prog);
		return 1;
	}
	for (size_t i = 0; i < n; i++) {
		int changed;

		if (vault_inject_write(mnt, items[i].spec.name, items[i].bytes,
				       items[i].len, 0400, uid, gid, &changed,
				       &err)) {
			report(prog, "/run/secrets", &err);
			return 1;
		}
	}
	if (mount(NULL, fdpath, NULL,
		  MS_REMOUNT | MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC,
		  NULL)) {
		fprintf(stderr, "%s: remount read-only: %s\n", prog,
			strerror(errno));
		return 1;
	}
	return 0;
}

int cmd_vault_oci_hook(int argc, char **argv)
{
	static const struct option opts[] = {
	    {"config", required_argument, NULL, 'c'},
	    {"help", no_argument, NULL, 'h'},
	    {0, 0, 0, 0}};
	const char *prog = "bulwark vault oci-hook";
	const char *cfg_path = VAULT_HOOK_CONFIG, *list, *role, *fmt_name;
	struct session s = {.prog = prog};
	struct vault_oci_state st = {0};
	struct vault_oci_config oc = {0};
	struct vault_hook_config hc = {0};
	struct vault_inject_secret specs[VAULT_INJECT_MAX_SECRETS];
	struct item items[VAULT_INJECT_MAX_SECRETS];
	enum vault_inject_format fmt = VAULT_INJECT_JSON;
	char path[VAULT_MAX_PATH + 64], role_id[VAULT_MAX_PATH + 64],
	    secret_id[VAULT_MAX_PATH + 64];
	struct bw_error err = {0};
	const json_t *ann;
	char *text = NULL;
	size_t len = 0, n = 0;
	int o, rc = 1, status = 1 << 8;
	pid_t child;

	memset(items, 0, sizeof(items));
	optind = 1;
	while ((o = getopt_long(argc, argv, "c:h", opts, NULL)) != -1) {
		if (o == 'c') {
			cfg_path = optarg;
		} else if (o == 'h') {
			hook_usage(stdout);
			return 0;
		} else {
			hook_usage(stderr);
			return 2;
		}
	}
	if (optind < argc) {
		hook_usage(stderr);
		return 2;
	}
	if (vault_read_all(stdin, VAULT_INJECT_MAX_STATE, &text, &len, &err) ||
	    vault_oci_state_parse(text, len, &st, &err)) {
		report(prog, "stdin", &err);
		goto out;
	}
	free(text);
	text = NULL;
	snprintf(path, sizeof(path), "%s/config.json", st.bundle);
	if (read_file(path, VAULT_INJECT_MAX_OCI_CONFIG, &text, &len) ||
	    vault_oci_config_parse(text, len, st.bundle, &oc, &err)) {
		fprintf(stderr, "%s: %s: %s\n", prog, path,
			err.msg[0] ? err.msg : "cannot read");
		goto out;
	}
	free(text);
	text = NULL;
	ann = oc.annotations ? oc.annotations : st.annotations;
	list = ann_str(ann, VAULT_ANN_SECRETS);
	if (!list) {
		rc = 0; /* not a container that asks for secrets */
		goto out;
	}
	fmt_name = ann_str(ann, VAULT_ANN_FORMAT);
	if (fmt_name && (vault_inject_parse_format(fmt_name, &fmt) ||
			 fmt == VAULT_INJECT_RAW)) {
		fprintf(stderr, "%s: %s: json or env\n", prog,
			VAULT_ANN_FORMAT);
		goto out;
	}
	if (vault_inject_parse_list(list, strlen(list),
				    fmt == VAULT_INJECT_ENV ? ".env" : ".json",
				    specs, &n, &err)) {
		report(prog, VAULT_ANN_SECRETS, &err);
		goto out;
	}
	if (trusted_file(prog, cfg_path, 0) ||
	    read_file(cfg_path, 1u << 20, &text, &len)) {
		fprintf(stderr, "%s: %s: cannot use the configuration\n", prog,
			cfg_path);
		goto out;
	}
	if (vault_hook_config_parse(text, len, cfg_path, &hc, &err)) {
		report(prog, "configuration", &err);
		goto out;
	}
	s.cfg.address = hc.address;
	s.cfg.ca_cert = hc.ca_cert;
	role = ann_str(ann, VAULT_ANN_ROLE);
	if (role) {
		if (!hc.roles_dir ||
		    !vault_inject_name_ok(role, strlen(role))) {
			fprintf(stderr, "%s: %s: %s\n", prog, VAULT_ANN_ROLE,
				hc.roles_dir ? "bad role name"
					     : "no roles_dir configured");
			goto out;
		}
		snprintf(role_id, sizeof(role_id), "%s/%s/role_id",
			 hc.roles_dir, role);
		snprintf(secret_id, sizeof(secret_id), "%s/%s/secret_id",
			 hc.roles_dir, role);
		s.role_id_file = role_id;
		s.secret_id_file = secret_id;
	} else if (hc.role_id_file) {
		s.role_id_file = hc.role_id_file;
		s.secret_id_file = hc.secret_id_file;
	} else if (hc.token_file) {
		if (trusted_file(prog, hc.token_file, 1) ||
		    read_cred(prog, hc.token_file, s.token, sizeof(s.token)))
			goto out;
	} else {
		fprintf(stderr,
			"%s: %s names no role and the configuration "
			"has no default credentials\n",
			prog, VAULT_ANN_SECRETS);
		goto out;
	}
	if (s.role_id_file && (trusted_file(prog, s.role_id_file, 1) ||
			       trusted_file(prog, s.secret_id_file, 1)))
		goto out;
	if (session_login(&s))
		goto out;
	for (size_t i = 0; i < n; i++) {
		items[i].spec = specs[i];
		if (fetch(&s, &items[i], fmt, NULL))
			goto out;
	}
	fflush(stderr);
	child = fork();
	if (child < 0) {
		fprintf(stderr, "%s: fork: %s\n", prog, strerror(errno));
		goto out;
	}
	if (child == 0)
		_exit(hook_child(prog, st.pid, oc.rootfs, items, n, oc.uid,
				 oc.gid));
	while (waitpid(child, &status, 0) < 0 && errno == EINTR)
		;
	rc = WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : 1;
	if (!rc)
		fprintf(stderr, "%s: %s: %zu secret(s) at %s\n", prog,
			st.id[0] ? st.id : "container", n, VAULT_HOOK_DIR);
out:
	session_end(&s);
	for (size_t i = 0; i < n; i++)
		item_clear(&items[i]);
	free(text);
	vault_oci_state_free(&st);
	vault_oci_config_free(&oc);
	vault_hook_config_free(&hc);
	return rc;
}
