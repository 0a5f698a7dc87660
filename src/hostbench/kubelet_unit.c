/*
 * kubelet_unit.c - the kubelet's systemd unit text: hb_unit_parse reads a
 * unit or drop-in's [Service] Environment=, EnvironmentFile= and
 * ExecStart= (kubeadm's 10-kubeadm.conf style), hb_envfile_parse an
 * EnvironmentFile, and hb_exec_flags expands $VAR / ${VAR} in ExecStart
 * and turns its words into kubelet flags (pflag rules: "--x=v", "--x v",
 * and valueless booleans).
 */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "hostbench/hostbench.h"

#define EXPAND_MAX (64u * 1024)

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
