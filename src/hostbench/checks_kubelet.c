/*
 * checks_kubelet.c - the kubelet's effective settings and the CIS 4.2.x
 * checks on them.
 *
 * The kubelet is configured twice: the systemd unit's ExecStart flags
 * (with Environment= / EnvironmentFile= variables, kubeadm's
 * 10-kubeadm.conf style) and the KubeletConfiguration file named by
 * --config.  hb_kubelet_load finds the unit and its drop-ins the way
 * systemd orders them, expands ExecStart into flags, and flattens the
 * config YAML (libyaml events, no aliases expanded) into dotted keys.  A
 * flag overrides the config field, as in the kubelet itself.
 *
 * Defaults differ between the two: a kubelet started with a config file
 * (KubeletConfiguration v1beta1) defaults to anonymous auth off, Webhook
 * authorization and read-only port 0; one started with flags only
 * defaults to the opposite.  The checks use the default that applies.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <yaml.h>

#include "hostbench/hostbench.h"

#define KUBELET_CONFIG_DEFAULT "/var/lib/kubelet/config.yaml"
#define EXPAND_MAX (64u * 1024)

/* ---- YAML flattening -------------------------------------------------- */

enum frame_state { F_KEY, F_VALUE, F_SKIP_VALUE };

struct yframe {
	bool is_map;
	bool ignore;	     /* inside something we do not extract */
	enum frame_state st; /* maps: what the next node is */
	size_t prefix_len;   /* path length of this container */
	char *join;	     /* sequences: comma-joined scalars */
	size_t join_len;
	bool join_any;
};

struct yflat {
	struct yframe fr[HB_MAX_YAML_DEPTH];
	int depth;
	char path[HB_MAX_VALUE];
	size_t path_len;
	struct hb_kvset *out;
};

static int yflat_join(struct yframe *f, const char *v, size_t vlen)
{
	char *n;

	if (f->join_len + vlen + 2 > HB_MAX_VALUE)
		return -E2BIG;
	n = realloc(f->join, f->join_len + vlen + 2);
	if (!n)
		return -ENOMEM;
	f->join = n;
	if (f->join_any)
		f->join[f->join_len++] = ',';
	memcpy(f->join + f->join_len, v, vlen);
	f->join_len += vlen;
	f->join[f->join_len] = '\0';
	f->join_any = true;
	return 0;
}

/* A node (scalar or container start) arrives in the current frame. */
static int yflat_scalar(struct yflat *y, const char *v, size_t vlen,
			bool is_alias)
{
	struct yframe *f;

	if (y->depth == 0)
		return 0; /* a bare scalar document: nothing to extract */
	f = &y->fr[y->depth - 1];
	if (f->ignore)
		return 0;
	if (!f->is_map)
		return is_alias ? 0 : yflat_join(f, v, vlen);
	switch (f->st) {
	case F_KEY:
		if (is_alias) {
			f->st = F_SKIP_VALUE;
			return 0;
		}
		if (f->prefix_len + 1 + vlen >= sizeof(y->path))
			return -E2BIG;
		y->path_len = f->prefix_len;
		if (y->path_len)
			y->path[y->path_len++] = '.';
		memcpy(y->path + y->path_len, v, vlen);
		y->path_len += vlen;
		y->path[y->path_len] = '\0';
		f->st = F_VALUE;
		return 0;
	case F_VALUE:
		f->st = F_KEY;
		if (is_alias)
			return 0;
		return hb_kvset_put(y->out, y->path, y->path_len, v, vlen);
	case F_SKIP_VALUE:
		f->st = F_KEY;
		return 0;
	}
	return 0;
}

static int yflat_push(struct yflat *y, bool is_map)
{
	struct yframe *parent = y->depth ? &y->fr[y->depth - 1] : NULL;
	struct yframe *f;
	bool ignore = false;

	if (y->depth >= HB_MAX_YAML_DEPTH)
		return -E2BIG;
	if (parent) {
		if (parent->ignore || !parent->is_map)
			ignore = true;
		else if (parent->st == F_KEY) /* a complex key */
			ignore = true;
		else if (parent->st == F_SKIP_VALUE)
			ignore = true;
	} else if (!is_map) {
		ignore = true;
	}
	f = &y->fr[y->depth++];
	memset(f, 0, sizeof(*f));
	f->is_map = is_map;
	f->ignore = ignore;
	f->st = F_KEY;
	f->prefix_len = parent && !ignore ? y->path_len : 0;
	return 0;
}

static int yflat_pop(struct yflat *y)
{
	struct yframe *f, *parent;
	int rc = 0;

	if (y->depth == 0)
		return 0;
	f = &y->fr[--y->depth];
	parent = y->depth ? &y->fr[y->depth - 1] : NULL;
	if (!f->ignore && !f->is_map && parent) {
		y->path_len = f->prefix_len;
		y->path[y->path_len] = '\0';
		rc = hb_kvset_put(y->out, y->path, y->path_len,
				  f->join ? f->join : "", f->join_len);
	}
	free(f->join);
	f->join = NULL;
	if (parent && parent->is_map)
		parent->st = parent->st == F_KEY ? F_SKIP_VALUE : F_KEY;
	return rc;
}

int hb_yaml_flatten(const char *buf, size_t len, struct hb_kvset *s,
		    const char *input, struct bw_error *err)
{
	yaml_parser_t p;
	yaml_event_t ev;
	struct yflat *y;
	int rc = 0;
	bool done = false, top_seen = false;

	if (len > HB_MAX_FILE)
		return bw_errorf(err, -E2BIG, input, 0, 0,
				 "file larger than %u bytes", HB_MAX_FILE);
	y = calloc(1, sizeof(*y));
	if (!y)
		return -ENOMEM;
	y->out = s;
	if (!yaml_parser_initialize(&p)) {
		free(y);
		return -ENOMEM;
	}
	yaml_parser_set_input_string(&p, (const unsigned char *)buf, len);
	while (!done && !rc) {
		if (!yaml_parser_parse(&p, &ev)) {
			rc = bw_errorf(err, -EINVAL, input,
				       (int)p.problem_mark.line + 1,
				       (int)p.problem_mark.column + 1, "%s",
				       p.problem ? p.problem : "invalid YAML");
			break;
		}
		switch (ev.type) {
		case YAML_SCALAR_EVENT:
			rc = yflat_scalar(y, (const char *)ev.data.scalar.value,
					  ev.data.scalar.length, false);
			break;
		case YAML_ALIAS_EVENT:
			rc = yflat_scalar(y, "", 0, true);
			break;
		case YAML_MAPPING_START_EVENT:
		case YAML_SEQUENCE_START_EVENT:
			if (y->depth == 0) {
				if (top_seen) { /* only the first document */
					done = true;
					break;
				}
				top_seen = true;
			}
			rc = yflat_push(y, ev.type == YAML_MAPPING_START_EVENT);
			if (rc == -E2BIG)
				bw_errorf(err, rc, input,
					  (int)ev.start_mark.line + 1,
					  (int)ev.start_mark.column + 1,
					  "nested deeper than %d levels",
					  HB_MAX_YAML_DEPTH);
			break;
		case YAML_MAPPING_END_EVENT:
		case YAML_SEQUENCE_END_EVENT:
			rc = yflat_pop(y);
			break;
		case YAML_STREAM_END_EVENT:
			done = true;
			break;
		default:
			break;
		}
		yaml_event_delete(&ev);
	}
	if (rc == -E2BIG && err && !err->code)
		bw_errorf(err, rc, input, 0, 0, "too many or too long fields");
	while (y->depth) {
		free(y->fr[y->depth - 1].join);
		y->depth--;
	}
	yaml_parser_delete(&p);
	free(y);
	return rc;
}

/* ---- systemd units ---------------------------------------------------- */

/* Splits s into words (whitespace-separated, "..." and '...' quoted,
 * backslash escapes inside double quotes) and calls fn for each. */
static int split_words(const char *s, size_t len,
		       int (*fn)(void *arg, const char *w, size_t wlen),
		       void *arg)
{
	char *w = malloc(len + 1);
	size_t i = 0;
	int rc = 0;

	if (!w)
		return -ENOMEM;
	while (i < len && !rc) {
		size_t n = 0;
		char q = 0;

		while (i < len && isspace((unsigned char)s[i]))
			i++;
		if (i >= len)
			break;
		while (i < len) {
			char c = s[i];
			if (q) {
				if (c == q) {
					q = 0;
				} else if (c == '\\' && q == '"' &&
					   i + 1 < len) {
					w[n++] = s[++i];
				} else {
					w[n++] = c;
				}
			} else if (c == '"' || c == '\'') {
				q = c;
			} else if (isspace((unsigned char)c)) {
				break;
			} else {
				w[n++] = c;
			}
			i++;
		}
		rc = fn(arg, w, n);
	}
	free(w);
	return rc;
}

static int env_assign(void *arg, const char *w, size_t wlen)
{
	const char *eq = memchr(w, '=', wlen);

	if (!eq || eq == w)
		return 0;
	return hb_kvset_put(arg, w, (size_t)(eq - w), eq + 1,
			    wlen - (size_t)(eq - w) - 1);
}

static char *trim(char *s, char **end)
{
	while (*s && isspace((unsigned char)*s))
		s++;
	*end = s + strlen(s);
	while (*end > s && isspace((unsigned char)(*end)[-1]))
		*--*end = '\0';
	return s;
}

static int append_line(char **dst, const char *v)
{
	size_t old = *dst ? strlen(*dst) : 0, vl = strlen(v);
	char *n;

	if (old + vl + 2 > EXPAND_MAX)
		return -E2BIG;
	n = realloc(*dst, old + vl + 2);
	if (!n)
		return -ENOMEM;
	if (old)
		n[old++] = '\n';
	memcpy(n + old, v, vl + 1);
	*dst = n;
	return 0;
}

int hb_unit_parse(const char *buf, size_t len, struct hb_kvset *env,
		  char **exec, char **envfiles)
{
	char *text, *line, *save = NULL;
	bool service = false;
	int rc = 0;

	if (len > HB_MAX_FILE)
		return -E2BIG;
	text = malloc(len + 1);
	if (!text)
		return -ENOMEM;
	memcpy(text, buf, len);
	text[len] = '\0';
	/* Join continuation lines: a backslash before the newline. */
	for (size_t i = 0; i + 1 < len; i++)
		if (text[i] == '\\' && text[i + 1] == '\n')
			text[i] = text[i + 1] = ' ';
	for (line = strtok_r(text, "\n", &save); line && !rc;
	     line = strtok_r(NULL, "\n", &save)) {
		char *end, *l = trim(line, &end), *eq, *key, *val, *kend;

		if (!*l || *l == '#' || *l == ';')
			continue;
		if (*l == '[') {
			service = !strncmp(l, "[Service]", 9);
			continue;
		}
		eq = strchr(l, '=');
		if (!service || !eq)
			continue;
		*eq = '\0';
		key = trim(l, &kend);
		val = trim(eq + 1, &end);
		if (!strcmp(key, "Environment")) {
			rc = split_words(val, strlen(val), env_assign, env);
		} else if (!strcmp(key, "EnvironmentFile")) {
			if (*val)
				rc = append_line(envfiles, val);
		} else if (!strcmp(key, "ExecStart")) {
			free(*exec);
			*exec = NULL;
			while (*val && strchr("-@:+!", *val))
				val++;
			if (*val) {
				*exec = strdup(val);
				if (!*exec)
					rc = -ENOMEM;
			}
		}
	}
	free(text);
	return rc;
}

int hb_envfile_parse(const char *buf, size_t len, struct hb_kvset *env)
{
	size_t i = 0;
	int rc = 0;

	while (i < len && !rc) {
		size_t s = i, e;
		const char *eq;

		while (i < len && buf[i] != '\n')
			i++;
		e = i++;
		while (s < e && isspace((unsigned char)buf[s]))
			s++;
		while (e > s && isspace((unsigned char)buf[e - 1]))
			e--;
		if (s == e || buf[s] == '#' || buf[s] == ';')
			continue;
		eq = memchr(buf + s, '=', e - s);
		if (!eq || eq == buf + s)
			continue;
		{
			const char *v = eq + 1;
			size_t vlen = (size_t)(buf + e - v);
			size_t klen = (size_t)(eq - (buf + s));

			while (klen &&
			       isspace((unsigned char)buf[s + klen - 1]))
				klen--;
			while (vlen && isspace((unsigned char)*v)) {
				v++;
				vlen--;
			}
			if (vlen >= 2 && (v[0] == '"' || v[0] == '\'') &&
			    v[vlen - 1] == v[0]) {
				v++;
				vlen -= 2;
			}
			rc = hb_kvset_put(env, buf + s, klen, v, vlen);
		}
	}
	return rc;
}

/* Kubelet flags that take no value (pflag bools): "--x" alone is true and
 * the next word is not consumed. */
static bool bool_flag(const char *name, size_t len)
{
	static const char *const bools[] = {
	    "anonymous-auth",
	    "protect-kernel-defaults",
	    "make-iptables-util-chains",
	    "rotate-certificates",
	    "rotate-server-certificates",
	    "authentication-token-webhook",
	    "fail-swap-on",
	    "register-node",
	    "serialize-image-pulls",
	    "enable-server",
	    "v",
	    "allow-privileged",
	    "exit-on-lock-contention",
	    "enable-debugging-handlers",
	};
	for (size_t i = 0; i < sizeof(bools) / sizeof(bools[0]); i++)
		if (strlen(bools[i]) == len && !memcmp(bools[i], name, len))
			return true;
	return false;
}

struct flagparse {
	struct hb_kvset *flags;
	size_t nwords;
	char pending[HB_MAX_VALUE + 1]; /* a flag waiting for its value */
	size_t pending_len;
	bool has_pending;
};

static int flag_word(void *arg, const char *w, size_t wlen)
{
	struct flagparse *fp = arg;
	const char *name, *eq;
	size_t nlen;

	if (fp->nwords++ == 0)
		return 0; /* the binary */
	if (fp->nwords > HB_MAX_FLAGS * 2)
		return -E2BIG;
	if (fp->has_pending) {
		fp->has_pending = false;
		if (wlen == 0 || w[0] != '-')
			return hb_kvset_put(fp->flags, fp->pending,
					    fp->pending_len, w, wlen);
		/* a valueless flag followed by another flag */
		int rc = hb_kvset_put(fp->flags, fp->pending, fp->pending_len,
				      "true", 4);
		if (rc)
			return rc;
	}
	if (wlen < 2 || w[0] != '-')
		return 0; /* a positional word */
	name = w + 1;
	if (*name == '-')
		name++;
	nlen = wlen - (size_t)(name - w);
	eq = memchr(name, '=', nlen);
	if (eq)
		return hb_kvset_put(fp->flags, name, (size_t)(eq - name),
				    eq + 1, nlen - (size_t)(eq - name) - 1);
	if (bool_flag(name, nlen))
		return hb_kvset_put(fp->flags, name, nlen, "true", 4);
	if (nlen > HB_MAX_VALUE)
		return -E2BIG;
	memcpy(fp->pending, name, nlen);
	fp->pending_len = nlen;
	fp->has_pending = true;
	return 0;
}

/* Expands $NAME and ${NAME} (unknown names expand to nothing). */
static int expand(const char *s, const struct hb_kvset *env, char **ret)
{
	size_t cap = strlen(s) + 1, n = 0;
	char *o;

	if (cap > EXPAND_MAX)
		return -E2BIG;
	o = malloc(cap);
	if (!o)
		return -ENOMEM;
	for (const char *p = s; *p;) {
		const char *val = NULL;
		size_t vlen;

		if (p[0] == '$' && p[1] == '$') { /* literal $ */
			val = "$";
			p += 2;
		} else if (p[0] == '$' &&
			   (p[1] == '{' || isalpha((unsigned char)p[1]) ||
			    p[1] == '_')) {
			char name[256];
			size_t k = 0;
			bool brace = p[1] == '{';

			p += brace ? 2 : 1;
			while (*p &&
			       (isalnum((unsigned char)*p) || *p == '_')) {
				if (k + 1 < sizeof(name))
					name[k++] = *p;
				p++;
			}
			name[k] = '\0';
			if (brace && *p == '}')
				p++;
			val = hb_kvset_get(env, name);
			if (!val)
				val = "";
		} else {
			val = p;
			vlen = 1;
			p++;
			goto append;
		}
		vlen = strlen(val);
	append:
		if (n + vlen + 1 > cap) {
			size_t ncap = (n + vlen + 1) * 2;
			char *no;

			if (ncap > EXPAND_MAX) {
				free(o);
				return -E2BIG;
			}
			no = realloc(o, ncap);
			if (!no) {
				free(o);
				return -ENOMEM;
			}
			o = no;
			cap = ncap;
		}
		memcpy(o + n, val, vlen);
		n += vlen;
	}
	o[n] = '\0';
	*ret = o;
	return 0;
}

int hb_exec_flags(const char *exec, const struct hb_kvset *env,
		  struct hb_kvset *flags)
{
	struct flagparse *fp;
	char *x;
	int rc = expand(exec, env, &x);

	if (rc)
		return rc;
	fp = calloc(1, sizeof(*fp));
	if (!fp) {
		free(x);
		return -ENOMEM;
	}
	fp->flags = flags;
	rc = split_words(x, strlen(x), flag_word, fp);
	if (!rc && fp->has_pending) /* trailing valueless flag */
		rc = hb_kvset_put(flags, fp->pending, fp->pending_len, "true",
				  4);
	free(fp);
	free(x);
	return rc;
}

/* ---- loading ------------------------------------------------------------ */

static const char *const unit_paths[] = {
    "/etc/systemd/system/kubelet.service",
    "/run/systemd/system/kubelet.service",
    "/usr/local/lib/systemd/system/kubelet.service",
    "/usr/lib/systemd/system/kubelet.service",
    "/lib/systemd/system/kubelet.service",
};
/* Highest priority first: a drop-in name found here hides the same name
 * in the directories after it. */
static const char *const dropin_dirs[] = {
    "/etc/systemd/system/kubelet.service.d",
    "/run/systemd/system/kubelet.service.d",
    "/usr/local/lib/systemd/system/kubelet.service.d",
    "/usr/lib/systemd/system/kubelet.service.d",
    "/lib/systemd/system/kubelet.service.d",
};

static int add_unit(struct hb_ctx *ctx, const char *path)
{
	char **n =
	    realloc(ctx->unit_files, (ctx->n_unit_files + 1) * sizeof(*n));
	if (!n)
		return -ENOMEM;
	ctx->unit_files = n;
	n[ctx->n_unit_files] = strdup(path);
	if (!n[ctx->n_unit_files])
		return -ENOMEM;
	ctx->n_unit_files++;
	return 0;
}

static const char *base(const char *p)
{
	const char *s = strrchr(p, '/');
	return s ? s + 1 : p;
}

static int cmp_base(const void *a, const void *b)
{
	return strcmp(base(*(char *const *)a), base(*(char *const *)b));
}

static void find_units(struct hb_ctx *ctx)
{
	struct stat st;
	size_t first_dropin;

	for (size_t i = 0; i < sizeof(unit_paths) / sizeof(unit_paths[0]); i++)
		if (!hb_stat(ctx->rootfd, unit_paths[i], &st) &&
		    S_ISREG(st.st_mode)) {
			if (add_unit(ctx, unit_paths[i]))
				return;
			break;
		}
	first_dropin = ctx->n_unit_files;
	for (size_t i = 0; i < sizeof(dropin_dirs) / sizeof(dropin_dirs[0]);
	     i++) {
		int fd;
		DIR *d;
		struct dirent *de;

		if (hb_root_open(ctx->rootfd, dropin_dirs[i],
				 O_RDONLY | O_DIRECTORY, &fd))
			continue;
		d = fdopendir(fd);
		if (!d) {
			close(fd);
			continue;
		}
		while ((de = readdir(d))) {
			size_t nl = strlen(de->d_name);
			char path[4096];
			bool seen = false;

			if (nl < 6 || strcmp(de->d_name + nl - 5, ".conf"))
				continue;
			for (size_t j = first_dropin; j < ctx->n_unit_files;
			     j++)
				if (!strcmp(base(ctx->unit_files[j]),
					    de->d_name))
					seen = true;
			if (seen ||
			    ctx->n_unit_files - first_dropin >= HB_MAX_DROPINS)
				continue;
			snprintf(path, sizeof(path), "%s/%s", dropin_dirs[i],
				 de->d_name);
			if (hb_stat(ctx->rootfd, path, &st) ||
			    !S_ISREG(st.st_mode))
				continue;
			if (add_unit(ctx, path))
				break;
		}
		closedir(d);
	}
	if (ctx->n_unit_files > first_dropin) /* unit_files may be NULL */
		qsort(ctx->unit_files + first_dropin,
		      ctx->n_unit_files - first_dropin, sizeof(char *),
		      cmp_base);
}

void hb_kubelet_load(struct hb_ctx *ctx)
{
	char *exec = NULL, *envfiles = NULL, *buf;
	size_t len;
	struct bw_error err = {0};
	const char *cfg;

	find_units(ctx);
	{
		struct stat st;
		ctx->kubelet_present =
		    ctx->n_unit_files ||
		    !hb_stat(ctx->rootfd, "/usr/bin/kubelet", &st) ||
		    !hb_stat(ctx->rootfd, "/usr/local/bin/kubelet", &st) ||
		    !hb_stat(ctx->rootfd, KUBELET_CONFIG_DEFAULT, &st);
	}
	for (size_t i = 0; i < ctx->n_unit_files; i++) {
		char *before = exec ? strdup(exec) : NULL;

		if (hb_read_file(ctx->rootfd, ctx->unit_files[i], HB_MAX_FILE,
				 &buf, &len)) {
			free(before);
			continue;
		}
		hb_unit_parse(buf, len, &ctx->env, &exec, &envfiles);
		free(buf);
		if (exec && (!before || strcmp(before, exec))) {
			free(ctx->exec_source);
			ctx->exec_source = strdup(ctx->unit_files[i]);
		}
		free(before);
	}
	/* EnvironmentFile= is applied after Environment=, in order. */
	for (char *p = envfiles, *nl; p && *p; p = nl ? nl + 1 : NULL) {
		nl = strchr(p, '\n');
		if (nl)
			*nl = '\0';
		if (*p == '-')
			p++;
		if (!hb_read_file(ctx->rootfd, p, HB_MAX_FILE, &buf, &len)) {
			hb_envfile_parse(buf, len, &ctx->env);
			free(buf);
		}
	}
	free(envfiles);
	if (exec)
		hb_exec_flags(exec, &ctx->env, &ctx->flags);
	free(exec);

	cfg = hb_kvset_get(&ctx->flags, "config");
	ctx->config_path = strdup(cfg && *cfg ? cfg : KUBELET_CONFIG_DEFAULT);
	if (!ctx->config_path)
		return;
	{
		int rc = hb_read_file(ctx->rootfd, ctx->config_path,
				      HB_MAX_FILE, &buf, &len);
		if (rc) {
			snprintf(ctx->config_note, sizeof(ctx->config_note),
				 "%s: %s", ctx->config_path,
				 rc == -ENOENT ? "not found" : strerror(-rc));
			return;
		}
	}
	if (hb_yaml_flatten(buf, len, &ctx->config, ctx->config_path, &err)) {
		char m[BW_ERROR_MSG_MAX + 300];
		snprintf(ctx->config_note, sizeof(ctx->config_note), "%s",
			 bw_error_str(&err, m, sizeof(m)));
		hb_kvset_clear(&ctx->config);
	} else {
		ctx->config_found = true;
	}
	free(buf);
}

void hb_kubelet_free(struct hb_ctx *ctx)
{
	for (size_t i = 0; i < ctx->n_unit_files; i++)
		free(ctx->unit_files[i]);
	free(ctx->unit_files);
	ctx->unit_files = NULL;
	ctx->n_unit_files = 0;
	free(ctx->exec_source);
	free(ctx->config_path);
	ctx->exec_source = ctx->config_path = NULL;
	hb_kvset_clear(&ctx->env);
	hb_kvset_clear(&ctx->flags);
	hb_kvset_clear(&ctx->config);
}

const char *hb_kubelet_setting(struct hb_ctx *ctx, const char *flag,
			       const char *field, const char **ret_source)
{
	const char *v = flag ? hb_kvset_get(&ctx->flags, flag) : NULL;

	if (v) {
		snprintf(ctx->source_buf, sizeof(ctx->source_buf),
			 "flag --%s (%s)", flag,
			 ctx->exec_source ? ctx->exec_source : "unit");
	} else if (field && (v = hb_kvset_get(&ctx->config, field))) {
		snprintf(ctx->source_buf, sizeof(ctx->source_buf), "%s: %s",
			 ctx->config_path, field);
	} else {
		return NULL;
	}
	if (ret_source)
		*ret_source = ctx->source_buf;
	return v;
}

/* ---- the 4.2.x checks ---------------------------------------------------- */

static bool is_true(const char *v)
{
	static const char *const t[] = {"true", "True", "TRUE", "1", "t",
					"T",	"yes",	"Yes",	"on"};
	for (size_t i = 0; v && i < sizeof(t) / sizeof(t[0]); i++)
		if (!strcmp(v, t[i]))
			return true;
	return false;
}

static bool is_false(const char *v)
{
	static const char *const f[] = {"false", "False", "FALSE", "0",	 "f",
					"F",	 "no",	  "No",	   "off"};
	for (size_t i = 0; v && i < sizeof(f) / sizeof(f[0]); i++)
		if (!strcmp(v, f[i]))
			return true;
	return false;
}

/* What a check compares; arg of the generic setting checks. */
enum kcmp {
	K_BOOL_TRUE,	  /* must be true; unset uses dflt */
	K_BOOL_NOT_FALSE, /* must not be false */
	K_SET,		  /* must be set (non-empty) */
	K_UNSET,	  /* must not be set */
	K_NOT_VALUE,	  /* must not contain the word `value` */
	K_EQ,		  /* must equal `value` */
};

struct ksetting {
	const char *flag, *field;
	enum kcmp cmp;
	const char *value;
	/* the default when unset: with a config file / flags only */
	const char *dflt_config, *dflt_flags;
	const char *expected;
};

/* Does the comma-separated list v contain word w? */
static bool list_has(const char *v, const char *w)
{
	size_t wl = strlen(w);

	for (const char *p = v; p && *p;) {
		const char *e = strchr(p, ',');
		size_t n = e ? (size_t)(e - p) : strlen(p);
		while (n && *p == ' ') {
			p++;
			n--;
		}
		while (n && p[n - 1] == ' ')
			n--;
		if (n == wl && !memcmp(p, w, wl))
			return true;
		p = e ? e + 1 : p + n;
	}
	return false;
}

static bool kcompare(const struct ksetting *k, const char *v)
{
	switch (k->cmp) {
	case K_BOOL_TRUE:
		return is_true(v);
	case K_BOOL_NOT_FALSE:
		return !is_false(v);
	case K_SET:
		return v && *v;
	case K_UNSET:
		return !v;
	case K_NOT_VALUE:
		return v && !list_has(v, k->value);
	case K_EQ:
		return v && !strcmp(v, k->value);
	}
	return false;
}

static void check_setting(struct hb_ctx *ctx, const struct hb_check *c,
			  struct hb_outcome *out)
{
	const struct ksetting *k = c->arg;
	const char *src, *v = hb_kubelet_setting(ctx, k->flag, k->field, &src);
	const char *dflt;

	if (v) {
		hb_set(out, kcompare(k, v) ? HB_PASS : HB_FAIL, k->expected,
		       "%s = \"%s\"", src, v);
		return;
	}
	if (k->cmp == K_UNSET) {
		hb_set(out, HB_PASS, k->expected, "--%s not set", k->flag);
		return;
	}
	dflt = ctx->config_found ? k->dflt_config : k->dflt_flags;
	if (!dflt) {
		hb_set(out, HB_FAIL, k->expected, "not set (%s)",
		       ctx->config_found ? "no flag, no config field"
					 : ctx->config_note);
		return;
	}
	hb_set(out, kcompare(k, dflt) ? HB_PASS : HB_FAIL, k->expected,
	       "not set; kubelet default %s \"%s\"",
	       ctx->config_found ? "with a config file"
				 : "without a config file",
	       dflt);
}

/* 4.2.5: any duration that is all zeros ("0", "0s", "0h0m0s"). */
static void check_idle_timeout(struct hb_ctx *ctx, const struct hb_check *c,
			       struct hb_outcome *out)
{
	const char *src,
	    *v = hb_kubelet_setting(ctx, "streaming-connection-idle-timeout",
				    "streamingConnectionIdleTimeout", &src);
	const char *exp = "not 0 (default 4h0m0s)";

	if (!v) {
		hb_set(out, HB_PASS, exp, "not set (default 4h0m0s)");
		return;
	}
	hb_set(out, strpbrk(v, "123456789") ? HB_PASS : HB_FAIL, exp,
	       "%s = \"%s\"", src, v);
}

/* 4.2.9 (Manual): any level >= 0 passes, as kube-bench does. */
static void check_event_qps(struct hb_ctx *ctx, const struct hb_check *c,
			    struct hb_outcome *out)
{
	const char *src,
	    *v = hb_kubelet_setting(ctx, "event-qps", "eventRecordQPS", &src);
	const char *exp = "0 or a level that captures events (>= 0)";
	char *end;
	long n;

	if (!v) {
		hb_set(out, HB_WARN, exp,
		       "not set (default 50); review manually");
		return;
	}
	errno = 0;
	n = strtol(v, &end, 10);
	hb_set(out, errno || end == v || *end || n < 0 ? HB_FAIL : HB_PASS, exp,
	       "%s = \"%s\"", src, v);
}

/* 4.2.10: serving certificate and key given, or bootstrapped. */
static void check_tls_cert(struct hb_ctx *ctx, const struct hb_check *c,
			   struct hb_outcome *out)
{
	const char *cert, *key, *boot, *src;
	char csrc[300];
	const char *exp = "--tls-cert-file and --tls-private-key-file set "
			  "(or serverTLSBootstrap: true)";

	cert = hb_kubelet_setting(ctx, "tls-cert-file", "tlsCertFile", &src);
	snprintf(csrc, sizeof(csrc), "%.290s", cert ? src : "");
	key = hb_kubelet_setting(ctx, "tls-private-key-file",
				 "tlsPrivateKeyFile", &src);
	if (cert && *cert && key && *key) {
		hb_set(out, HB_PASS, exp, "cert \"%s\" (%s), key \"%s\" (%s)",
		       cert, csrc, key, src);
		return;
	}
	boot = hb_kubelet_setting(ctx, "rotate-server-certificates",
				  "serverTLSBootstrap", &src);
	if (is_true(boot)) {
		hb_set(out, HB_PASS, exp, "%s = \"%s\"", src, boot);
		return;
	}
	hb_set(out, HB_FAIL, exp, "%s%s",
	       cert && *cert ? "key not set"
	       : key && *key ? "cert not set"
			     : "cert and key not set",
	       ctx->config_found ? "" : " (no kubelet config file)");
}

/* 4.2.12: the feature gate, from --feature-gates=A=true,B=false or the
 * featureGates map. */
static void check_rotate_server(struct hb_ctx *ctx, const struct hb_check *c,
				struct hb_outcome *out)
{
	const char *exp = "RotateKubeletServerCertificate not false "
			  "(default true)";
	const char *fg = hb_kvset_get(&ctx->flags, "feature-gates");
	const char *v, *src;

	if (fg) {
		const char *p = strstr(fg, "RotateKubeletServerCertificate=");
		if (p) {
			p += strlen("RotateKubeletServerCertificate=");
			hb_set(out, !strncmp(p, "false", 5) ? HB_FAIL : HB_PASS,
			       exp, "flag --feature-gates (%s) = \"%s\"",
			       ctx->exec_source ? ctx->exec_source : "unit",
			       fg);
			return;
		}
	}
	v = hb_kubelet_setting(
	    ctx, NULL, "featureGates.RotateKubeletServerCertificate", &src);
	if (!v) {
		hb_set(out, HB_PASS, exp, "not set (default true)");
		return;
	}
	hb_set(out, is_false(v) ? HB_FAIL : HB_PASS, exp, "%s = \"%s\"", src,
	       v);
}

/* 4.2.13: only strong cipher suites (the CIS list, plus TLS 1.3 ones). */
static void check_ciphers(struct hb_ctx *ctx, const struct hb_check *c,
			  struct hb_outcome *out)
{
	static const char *const strong[] = {
	    "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
	    "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
	    "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305",
	    "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256",
	    "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
	    "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305",
	    "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256",
	    "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
	    "TLS_RSA_WITH_AES_256_GCM_SHA384",
	    "TLS_RSA_WITH_AES_128_GCM_SHA256",
	    "TLS_AES_128_GCM_SHA256",
	    "TLS_AES_256_GCM_SHA384",
	    "TLS_CHACHA20_POLY1305_SHA256",
	};
	const char *exp = "only strong suites (ECDHE/RSA with AES-GCM or "
			  "ChaCha20-Poly1305)";
	const char *src, *v = hb_kubelet_setting(ctx, "tls-cipher-suites",
						 "tlsCipherSuites", &src);
	char weak[256] = "";
	size_t wl = 0;

	if (!v || !*v) {
		hb_set(out, HB_FAIL, exp,
		       "not set (Go defaults include CBC "
		       "and 3DES suites)");
		return;
	}
	for (const char *p = v; *p;) {
		const char *e = strchr(p, ',');
		size_t n = e ? (size_t)(e - p) : strlen(p);
		bool ok = false;

		while (n && *p == ' ') {
			p++;
			n--;
		}
		while (n && p[n - 1] == ' ')
			n--;
		for (size_t i = 0; i < sizeof(strong) / sizeof(strong[0]); i++)
			if (strlen(strong[i]) == n && !memcmp(strong[i], p, n))
				ok = true;
		if (!ok && n && wl + n + 2 < sizeof(weak)) {
			if (wl)
				weak[wl++] = ',';
			memcpy(weak + wl, p, n);
			wl += n;
			weak[wl] = '\0';
		}
		if (!e)
			break;
		p = e + 1;
	}
	if (wl)
		hb_set(out, HB_FAIL, exp, "%s has weak suites: %s", src, weak);
	else
		hb_set(out, HB_PASS, exp, "%s = \"%s\"", src, v);
}

#define S4_2 "4.2 Kubelet"
#define RESTART                                                                \
	" then: systemctl daemon-reload && systemctl restart kubelet.service"

static const struct ksetting k_anon = {
    "anonymous-auth", "authentication.anonymous.enabled",
    K_BOOL_NOT_FALSE, NULL,
    "false",	      "true",
    "false"};
static const struct ksetting k_authz = {"authorization-mode",
					"authorization.mode",
					K_NOT_VALUE,
					"AlwaysAllow",
					"Webhook",
					"AlwaysAllow",
					"not AlwaysAllow (Webhook)"};
static const struct ksetting k_clientca = {"client-ca-file",
					   "authentication.x509.clientCAFile",
					   K_SET,
					   NULL,
					   NULL,
					   NULL,
					   "set to the client CA bundle"};
static const struct ksetting k_roport = {
    "read-only-port", "readOnlyPort", K_EQ, "0", "0", "10255", "0"};
static const struct ksetting k_protect = {"protect-kernel-defaults",
					  "protectKernelDefaults",
					  K_BOOL_TRUE,
					  NULL,
					  "false",
					  "false",
					  "true"};
static const struct ksetting k_iptables = {"make-iptables-util-chains",
					   "makeIPTablesUtilChains",
					   K_BOOL_TRUE,
					   NULL,
					   "true",
					   "true",
					   "true"};
static const struct ksetting k_hostname = {
    "hostname-override", NULL, K_UNSET, NULL, NULL, NULL, "not set"};
static const struct ksetting k_rotate = {"rotate-certificates",
					 "rotateCertificates",
					 K_BOOL_NOT_FALSE,
					 NULL,
					 "true",
					 "true",
					 "not false"};

/* 4.2.1: anonymous-auth must be false (the one setting that must be
 * explicitly or by default false). */
static void check_anon(struct hb_ctx *ctx, const struct hb_check *c,
		       struct hb_outcome *out)
{
	const struct ksetting *k = c->arg;
	const char *src, *v = hb_kubelet_setting(ctx, k->flag, k->field, &src);
	const char *dflt = ctx->config_found ? k->dflt_config : k->dflt_flags;

	if (v)
		hb_set(out, is_false(v) ? HB_PASS : HB_FAIL, k->expected,
		       "%s = \"%s\"", src, v);
	else
		hb_set(out, is_false(dflt) ? HB_PASS : HB_FAIL, k->expected,
		       "not set; kubelet default %s \"%s\"",
		       ctx->config_found ? "with a config file"
					 : "without a config file",
		       dflt);
}

const struct hb_check hb_checks_kubelet[] = {
    {"4.2.1", S4_2, "Ensure that the --anonymous-auth argument is set to false",
     1,
     "Set authentication: anonymous: enabled: false in the kubelet config "
     "file, or --anonymous-auth=false in KUBELET_SYSTEM_PODS_ARGS;" RESTART,
     check_anon, &k_anon},
    {"4.2.2", S4_2,
     "Ensure that the --authorization-mode argument is not set to AlwaysAllow",
     1,
     "Set authorization: mode: Webhook in the kubelet config file, or "
     "--authorization-mode=Webhook;" RESTART,
     check_setting, &k_authz},
    {"4.2.3", S4_2,
     "Ensure that the --client-ca-file argument is set as appropriate", 1,
     "Set authentication: x509: clientCAFile: to the CA bundle (e.g. "
     "/etc/kubernetes/pki/ca.crt) in the kubelet config file, or "
     "--client-ca-file;" RESTART,
     check_setting, &k_clientca},
    {"4.2.4", S4_2, "Verify that the --read-only-port argument is set to 0", 1,
     "Set readOnlyPort: 0 in the kubelet config file, or "
     "--read-only-port=0;" RESTART,
     check_setting, &k_roport},
    {"4.2.5", S4_2,
     "Ensure that the --streaming-connection-idle-timeout argument is not set "
     "to 0",
     1,
     "Set streamingConnectionIdleTimeout: to a non-zero duration (e.g. "
     "5m) in the kubelet config file, or "
     "--streaming-connection-idle-timeout=5m;" RESTART,
     check_idle_timeout, NULL},
    {"4.2.6", S4_2,
     "Ensure that the --protect-kernel-defaults argument is set to true", 1,
     "Set protectKernelDefaults: true in the kubelet config file (and set "
     "the kernel parameters BW-HOST-033..038 first, or the kubelet will "
     "not start), or --protect-kernel-defaults=true;" RESTART,
     check_setting, &k_protect},
    {"4.2.7", S4_2,
     "Ensure that the --make-iptables-util-chains argument is set to true", 1,
     "Set makeIPTablesUtilChains: true in the kubelet config file, or "
     "remove --make-iptables-util-chains=false;" RESTART,
     check_setting, &k_iptables},
    {"4.2.8", S4_2, "Ensure that the --hostname-override argument is not set",
     1,
     "Remove --hostname-override from the kubelet unit and its "
     "environment files;" RESTART,
     check_setting, &k_hostname},
    {"4.2.9", S4_2,
     "Ensure that the --event-qps argument is set to 0 or a level which "
     "ensures appropriate event capture (Manual)",
     2,
     "Set eventRecordQPS: to an appropriate level in the kubelet config "
     "file, or --event-qps;" RESTART,
     check_event_qps, NULL},
    {"4.2.10", S4_2,
     "Ensure that the --tls-cert-file and --tls-private-key-file arguments are "
     "set as appropriate",
     1,
     "Set tlsCertFile: and tlsPrivateKeyFile: in the kubelet config file "
     "(or serverTLSBootstrap: true with CSR approval), or --tls-cert-file "
     "and --tls-private-key-file;" RESTART,
     check_tls_cert, NULL},
    {"4.2.11", S4_2,
     "Ensure that the --rotate-certificates argument is not set to false", 1,
     "Set rotateCertificates: true in the kubelet config file, or remove "
     "--rotate-certificates=false;" RESTART,
     check_setting, &k_rotate},
    {"4.2.12", S4_2,
     "Verify that the RotateKubeletServerCertificate argument is set to true",
     1,
     "Set featureGates: RotateKubeletServerCertificate: true in the "
     "kubelet config file, or --feature-gates="
     "RotateKubeletServerCertificate=true;" RESTART,
     check_rotate_server, NULL},
    {"4.2.13", S4_2,
     "Ensure that the Kubelet only makes use of Strong Cryptographic Ciphers",
     1,
     "Set tlsCipherSuites: to TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,"
     "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,"
     "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305,"
     "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,"
     "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305,"
     "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384 (or a subset) in the "
     "kubelet config file, or --tls-cipher-suites;" RESTART,
     check_ciphers, NULL},
};
const size_t hb_n_checks_kubelet =
    sizeof(hb_checks_kubelet) / sizeof(hb_checks_kubelet[0]);
