/*
 * checks_files.c - ownership and permission checks on files, directories,
 * sockets and binaries (CIS 4.1.x, 1.1.19-1.1.21, BW-HOST-001..018), and
 * the audit-rule checks for container runtime paths (BW-HOST-020..024).
 *
 * One generic check (check_file) reads its arg: where the path comes from
 * (fixed candidates, the kubelet unit files, or a kubelet setting), whether
 * it compares the mode against a maximum or the
 * owner against root, and whether it walks a directory.  "Mode 600 or more
 * restrictive" is a bit mask, as in kube-bench: no permission bit outside
 * 0600 (so 0400 passes and 0640 fails).  Directory walks do not follow
 * symlinks at all; single paths follow them inside the root.
 *
 * Audit rules come from `auditctl -l` (live host only, opt-in) and from
 * <root>/etc/audit/audit.rules and <root>/etc/audit/rules.d/ *.rules.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "hostbench/hostbench.h"

extern char **environ;

enum fpath {
	FP_FIXED,	  /* first existing of paths[] */
	FP_KUBELET_UNITS, /* every kubelet unit file and drop-in */
	FP_KUBECONFIG, /* --kubeconfig (default /etc/kubernetes/kubelet.conf) */
	FP_KUBELET_CONFIG, /* --config (default /var/lib/kubelet/config.yaml) */
	FP_CLIENT_CA,	   /* --client-ca-file / clientCAFile */
};
enum fkind { FK_MODE, FK_OWNER };

struct farg {
	enum fpath src;
	const char *paths[5];
	enum fkind kind;
	unsigned maxmode;   /* files (and sockets); FK_MODE */
	unsigned maxdir;    /* directories met in a walk; FK_MODE */
	bool recursive;	    /* walk the directory */
	const char *suffix; /* walk: only files with this suffix */
	bool any_group;	    /* FK_OWNER: only the user must be root */
	enum hb_result missing;
	const char *expected;
};

#define WALK_MAX_DEPTH 8

struct fstate {
	const struct farg *a;
	size_t n_checked, n_bad, n_seen;
	char bad[HB_ACTUAL_MAX - 64];
	size_t bad_len;
	char one[HB_ACTUAL_MAX - 64]; /* the description of a single path */
};

static void describe(const struct fstate *s, const char *path,
		     const struct stat *st, char *buf, size_t len)
{
	if (s->a->kind == FK_MODE)
		snprintf(buf, len, "%s mode %04o", path,
			 (unsigned)(st->st_mode & 07777));
	else
		snprintf(buf, len, "%s owner %u:%u", path, (unsigned)st->st_uid,
			 (unsigned)st->st_gid);
}

static void judge(struct fstate *s, const char *path, const struct stat *st)
{
	const struct farg *a = s->a;
	char d[400];
	bool bad;

	if (a->suffix && !S_ISDIR(st->st_mode)) {
		size_t pl = strlen(path), sl = strlen(a->suffix);
		if (pl < sl || strcmp(path + pl - sl, a->suffix))
			return;
	}
	if (a->suffix && S_ISDIR(st->st_mode) && a->kind == FK_MODE)
		return;
	if (a->kind == FK_MODE) {
		unsigned max = S_ISDIR(st->st_mode) ? a->maxdir : a->maxmode;
		bad = (st->st_mode & 07777) & ~max;
	} else {
		bad = st->st_uid != 0 || (!a->any_group && st->st_gid != 0);
	}
	s->n_checked++;
	describe(s, path, st, d, sizeof(d));
	if (s->n_checked == 1)
		snprintf(s->one, sizeof(s->one), "%s", d);
	if (!bad)
		return;
	if (s->n_bad++ < 3) {
		int n =
		    snprintf(s->bad + s->bad_len, sizeof(s->bad) - s->bad_len,
			     "%s%s", s->bad_len ? "; " : "", d);
		if (n > 0 && s->bad_len + (size_t)n < sizeof(s->bad))
			s->bad_len += (size_t)n;
	}
}

static void walk(struct fstate *s, int dfd, const char *path, int depth)
{
	DIR *d = fdopendir(dfd);
	struct dirent *de;

	if (!d) {
		close(dfd);
		return;
	}
	while ((de = readdir(d))) {
		struct stat st;
		char sub[4096];

		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		if (++s->n_seen > HB_MAX_DIR_ENTRIES)
			break;
		if (fstatat(dirfd(d), de->d_name, &st, AT_SYMLINK_NOFOLLOW))
			continue;
		if (S_ISLNK(st.st_mode))
			continue; /* never followed in a walk */
		snprintf(sub, sizeof(sub), "%s/%s", path, de->d_name);
		judge(s, sub, &st);
		if (S_ISDIR(st.st_mode) && depth < WALK_MAX_DEPTH) {
			int fd = openat(dirfd(d), de->d_name,
					O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
					    O_CLOEXEC);
			if (fd >= 0)
				walk(s, fd, sub, depth + 1);
		}
	}
	closedir(d);
}

/* Checks one path; returns false when it does not exist. */
static bool check_path(struct hb_ctx *ctx, struct fstate *s, const char *p)
{
	struct stat st;
	int fd;

	if (hb_stat(ctx->rootfd, p, &st))
		return false;
	judge(s, p, &st);
	if (s->a->recursive && S_ISDIR(st.st_mode) &&
	    !hb_root_open(ctx->rootfd, p, O_RDONLY | O_DIRECTORY, &fd))
		walk(s, fd, p, 1);
	return true;
}

static void check_file(struct hb_ctx *ctx, const struct hb_check *c,
		       struct hb_outcome *out)
{
	const struct farg *a = c->arg;
	struct fstate *s = calloc(1, sizeof(*s));
	const char *p = NULL, *missing_what = NULL;
	size_t found = 0;

	if (!s) {
		hb_set(out, HB_WARN, a->expected, "out of memory");
		return;
	}
	s->a = a;
	switch (a->src) {
	case FP_FIXED:
		for (size_t i = 0; i < 5 && a->paths[i] && !found; i++)
			found += check_path(ctx, s, a->paths[i]);
		missing_what = a->paths[0];
		break;
	case FP_KUBELET_UNITS:
		for (size_t i = 0; i < ctx->n_unit_files; i++)
			found += check_path(ctx, s, ctx->unit_files[i]);
		missing_what = "kubelet.service (and drop-ins)";
		break;
	case FP_KUBECONFIG:
		p = hb_kubelet_setting(ctx, "kubeconfig", NULL, NULL);
		missing_what = p ? p : "/etc/kubernetes/kubelet.conf";
		found = check_path(ctx, s, missing_what);
		break;
	case FP_KUBELET_CONFIG:
		missing_what = ctx->config_path
				   ? ctx->config_path
				   : "/var/lib/kubelet/config.yaml";
		found = check_path(ctx, s, missing_what);
		break;
	case FP_CLIENT_CA:
		p = hb_kubelet_setting(ctx, "client-ca-file",
				       "authentication.x509.clientCAFile",
				       NULL);
		if (!p || !*p) {
			hb_set(out, HB_WARN, a->expected,
			       "no client CA file configured (see 4.2.3)");
			free(s);
			return;
		}
		missing_what = p;
		found = check_path(ctx, s, p);
		break;
	}
	if (!found || !s->n_checked) {
		hb_set(out, a->missing, a->expected, "%s: not found%s",
		       missing_what,
		       a->missing == HB_INFO ? " (not applicable)" : "");
	} else if (s->n_bad) {
		hb_set(out, HB_FAIL, a->expected, "%s%s", s->bad,
		       s->n_bad > 3 ? " (and more)" : "");
	} else if (s->n_checked == 1) {
		hb_set(out, HB_PASS, a->expected, "%s", s->one);
	} else {
		hb_set(out, HB_PASS, a->expected, "%zu paths checked, all OK",
		       s->n_checked);
	}
	free(s);
}

/* ---- audit rules ------------------------------------------------------- */

/* Is the token at t (length n) equal to path, allowing one trailing '/'? */
static bool token_is(const char *t, size_t n, const char *path)
{
	size_t pl = strlen(path);

	if (n && t[n - 1] == '/' && n > 1)
		n--;
	return n == pl && !memcmp(t, path, pl);
}

bool hb_audit_rules_watch(const char *rules, size_t len, const char *path)
{
	size_t i = 0;

	while (i < len) {
		size_t s = i, e;
		bool prev_w = false;

		while (i < len && rules[i] != '\n')
			i++;
		e = i++;
		while (s < e && (rules[s] == ' ' || rules[s] == '\t'))
			s++;
		if (s < e && rules[s] == '#')
			continue;
		/* tokens of the line */
		for (size_t t = s; t < e;) {
			size_t te = t;

			while (te < e && rules[te] != ' ' && rules[te] != '\t')
				te++;
			if (te > t) {
				const char *tok = rules + t;
				size_t n = te - t;

				if (prev_w && token_is(tok, n, path))
					return true;
				if (n > 5 && !memcmp(tok, "path=", 5) &&
				    token_is(tok + 5, n - 5, path))
					return true;
				if (n > 4 && !memcmp(tok, "dir=", 4) &&
				    token_is(tok + 4, n - 4, path))
					return true;
				prev_w = n == 2 && !memcmp(tok, "-w", 2);
			}
			t = te;
			while (t < e && (rules[t] == ' ' || rules[t] == '\t'))
				t++;
		}
	}
	return false;
}

static int append(struct hb_ctx *ctx, const char *b, size_t n)
{
	char *nb;

	if (ctx->audit_len + n + 2 > 4 * HB_MAX_FILE)
		return -E2BIG;
	nb = realloc(ctx->audit_rules, ctx->audit_len + n + 2);
	if (!nb)
		return -ENOMEM;
	memcpy(nb + ctx->audit_len, b, n);
	ctx->audit_len += n;
	nb[ctx->audit_len++] = '\n';
	nb[ctx->audit_len] = '\0';
	ctx->audit_rules = nb;
	return 0;
}

static void add_source(struct hb_ctx *ctx, const char *what)
{
	size_t l = strlen(ctx->audit_sources);

	snprintf(ctx->audit_sources + l, sizeof(ctx->audit_sources) - l, "%s%s",
		 l ? ", " : "", what);
}

/* `auditctl -l`, stdout captured (bounded), stderr discarded. */
static void read_auditctl(struct hb_ctx *ctx)
{
	char *argv[] = {"auditctl", "-l", NULL};
	posix_spawn_file_actions_t fa;
	int pfd[2], status;
	pid_t pid;
	char *buf;
	size_t len = 0;

	if (pipe2(pfd, O_CLOEXEC))
		return;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, pfd[1], 1);
	posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
	if (posix_spawnp(&pid, "auditctl", &fa, NULL, argv, environ)) {
		posix_spawn_file_actions_destroy(&fa);
		close(pfd[0]);
		close(pfd[1]);
		return;
	}
	posix_spawn_file_actions_destroy(&fa);
	close(pfd[1]);
	buf = malloc(HB_MAX_FILE);
	if (buf) {
		ssize_t n;
		while (len < HB_MAX_FILE &&
		       (n = read(pfd[0], buf + len, HB_MAX_FILE - len)) > 0)
			len += (size_t)n;
	}
	close(pfd[0]);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (buf && WIFEXITED(status) && WEXITSTATUS(status) == 0 &&
	    !append(ctx, buf, len))
		add_source(ctx, "auditctl -l");
	free(buf);
}

static void load_audit(struct hb_ctx *ctx)
{
	static const char *const dir = "/etc/audit/rules.d";
	char *buf;
	size_t len;
	int fd;

	ctx->audit_loaded = true;
	if (ctx->use_auditctl)
		read_auditctl(ctx);
	if (!hb_read_file(ctx->rootfd, "/etc/audit/audit.rules", HB_MAX_FILE,
			  &buf, &len)) {
		if (!append(ctx, buf, len))
			add_source(ctx, "/etc/audit/audit.rules");
		free(buf);
	}
	if (!hb_root_open(ctx->rootfd, dir, O_RDONLY | O_DIRECTORY, &fd)) {
		DIR *d = fdopendir(fd);
		struct dirent *de;
		size_t n = 0;

		if (!d) {
			close(fd);
			return;
		}
		while ((de = readdir(d)) && n++ < HB_MAX_DIR_ENTRIES) {
			size_t nl = strlen(de->d_name);
			char path[512];

			if (nl < 7 || strcmp(de->d_name + nl - 6, ".rules"))
				continue;
			snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
			if (hb_read_file(ctx->rootfd, path, HB_MAX_FILE, &buf,
					 &len))
				continue;
			if (!append(ctx, buf, len))
				add_source(ctx, path);
			free(buf);
		}
		closedir(d);
	}
}

static void check_audit(struct hb_ctx *ctx, const struct hb_check *c,
			struct hb_outcome *out)
{
	const char *path = c->arg;
	char exp[300];
	struct stat st;

	snprintf(exp, sizeof(exp),
		 "an audit rule watching %s (-w %s -k "
		 "container-runtime)",
		 path, path);
	if (hb_stat(ctx->rootfd, path, &st)) {
		hb_set(out, HB_INFO, exp, "%s: not found (not applicable)",
		       path);
		return;
	}
	if (!ctx->audit_loaded)
		load_audit(ctx);
	if (hb_audit_rules_watch(ctx->audit_rules, ctx->audit_len, path))
		hb_set(out, HB_PASS, exp, "watched (rules from %s)",
		       ctx->audit_sources);
	else
		hb_set(out, HB_FAIL, exp, "no rule for %s (rules from %s)",
		       path,
		       ctx->audit_sources[0] ? ctx->audit_sources
					     : "nowhere: none found");
}

/* ---- the table ------------------------------------------------------- */

#define S4_1 "4.1 Worker Node Configuration Files"
#define S1_1 "1.1 Control Plane Node Configuration Files"
#define SRT "Container runtime files"
#define SAU "Container runtime audit rules"

#define PROXY_KUBECONFIG                                                       \
	{                                                                      \
		"/etc/kubernetes/proxy.conf",                                  \
		    "/etc/kubernetes/kube-proxy.conf",                         \
		    "/var/lib/kube-proxy/kubeconfig.conf",                     \
		    "/var/lib/kube-proxy/kubeconfig", NULL                     \
	}
#define RUNC                                                                   \
	{                                                                      \
		"/usr/bin/runc", "/usr/sbin/runc", "/usr/local/bin/runc",      \
		    "/usr/local/sbin/runc", NULL                               \
	}
#define CONTAINERD                                                             \
	{                                                                      \
		"/usr/bin/containerd", "/usr/local/bin/containerd",            \
		    "/usr/sbin/containerd", NULL                               \
	}
#define KUBELET                                                                \
	{                                                                      \
		"/usr/bin/kubelet", "/usr/local/bin/kubelet", NULL             \
	}
#define CONTAINERD_SOCK                                                        \
	{                                                                      \
		"/run/containerd/containerd.sock",                             \
		    "/var/run/containerd/containerd.sock", NULL                \
	}
#define CRIO_SOCK                                                              \
	{                                                                      \
		"/run/crio/crio.sock", "/var/run/crio/crio.sock", NULL         \
	}

#define OWNER_EXP "root:root"
static const struct farg
    a_unit_mode = {FP_KUBELET_UNITS,
		   {0},
		   FK_MODE,
		   0600,
		   0,
		   false,
		   NULL,
		   false,
		   HB_WARN,
		   "0600 or more restrictive"},
    a_unit_own =
	{FP_KUBELET_UNITS, {0},	     FK_OWNER, 0, 0, false, NULL, false,
	 HB_WARN,	   OWNER_EXP},
    a_proxy_mode = {FP_FIXED, PROXY_KUBECONFIG,
		    FK_MODE,  0600,
		    0,	      false,
		    NULL,     false,
		    HB_INFO,  "0600 or more restrictive"},
    a_proxy_own = {FP_FIXED, PROXY_KUBECONFIG, FK_OWNER, 0, 0, false, NULL,
		   false,    HB_INFO,	       OWNER_EXP},
    a_kc_mode =
	{FP_KUBECONFIG, {0},  FK_MODE, 0600,	0,
	 false,		NULL, false,   HB_WARN, "0600 or more restrictive"},
    a_kc_own = {FP_KUBECONFIG, {0},  FK_OWNER, 0,	0,
		false,	       NULL, false,    HB_WARN, OWNER_EXP},
    a_ca_mode =
	{FP_CLIENT_CA, {0},  FK_MODE, 0600,    0,
	 false,	       NULL, false,   HB_WARN, "0600 or more restrictive"},
    a_ca_own = {FP_CLIENT_CA, {0},  FK_OWNER, 0,       0,
		false,	      NULL, false,    HB_WARN, OWNER_EXP},
    a_cfg_mode = {FP_KUBELET_CONFIG,
		  {0},
		  FK_MODE,
		  0600,
		  0,
		  false,
		  NULL,
		  false,
		  HB_WARN,
		  "0600 or more restrictive"},
    a_cfg_own =
	{FP_KUBELET_CONFIG, {0},      FK_OWNER, 0, 0, false, NULL, false,
	 HB_WARN,	    OWNER_EXP},
    a_pki_own = {FP_FIXED, {"/etc/kubernetes/pki", NULL},
		 FK_OWNER, 0,
		 0,	   true,
		 NULL,	   false,
		 HB_WARN,  "root:root for the directory and everything in it"},
    a_pki_crt = {FP_FIXED, {"/etc/kubernetes/pki", NULL},
		 FK_MODE,  0600,
		 07777,	   true,
		 ".crt",   false,
		 HB_WARN,  "*.crt 0600 or more restrictive"},
    a_pki_key = {FP_FIXED, {"/etc/kubernetes/pki", NULL},
		 FK_MODE,  0600,
		 07777,	   true,
		 ".key",   false,
		 HB_WARN,  "*.key 0600 or more restrictive"},
    a_ctd_cfg_mode = {FP_FIXED, {"/etc/containerd/config.toml", NULL},
		      FK_MODE,	0644,
		      0,	false,
		      NULL,	false,
		      HB_INFO,	"0644 or more restrictive"},
    a_ctd_cfg_own = {FP_FIXED, {"/etc/containerd/config.toml", NULL},
		     FK_OWNER, 0,
		     0,	       false,
		     NULL,     false,
		     HB_INFO,  OWNER_EXP},
    a_ctd_sock_mode = {FP_FIXED, CONTAINERD_SOCK,
		       FK_MODE,	 0660,
		       0,	 false,
		       NULL,	 false,
		       HB_INFO,	 "0660 or more restrictive"},
    a_ctd_sock_own = {FP_FIXED, CONTAINERD_SOCK, FK_OWNER, 0,
		      0,	false,		 NULL,	   true,
		      HB_INFO,	"owned by root"},
    a_runc_mode = {FP_FIXED, RUNC,
		   FK_MODE,  0755,
		   0,	     false,
		   NULL,     false,
		   HB_INFO,  "0755 or more restrictive"},
    a_runc_own = {FP_FIXED, RUNC, FK_OWNER, 0,	     0,
		  false,    NULL, false,    HB_INFO, OWNER_EXP},
    a_ctd_mode = {FP_FIXED, CONTAINERD,
		  FK_MODE,  0755,
		  0,	    false,
		  NULL,	    false,
		  HB_INFO,  "0755 or more restrictive"},
    a_ctd_own = {FP_FIXED, CONTAINERD, FK_OWNER, 0,	  0,
		 false,	   NULL,       false,	 HB_INFO, OWNER_EXP},
    a_ctd_dir_mode =
	{FP_FIXED, {"/etc/containerd", NULL},
	 FK_MODE,  0644,
	 0755,	   true,
	 NULL,	   false,
	 HB_INFO,  "directories 0755, files 0644 or more restrictive"},
    a_ctd_dir_own =
	{FP_FIXED, {"/etc/containerd", NULL},
	 FK_OWNER, 0,
	 0,	   true,
	 NULL,	   false,
	 HB_INFO,  "root:root for the directory and everything in it"},
    a_crio_mode =
	{FP_FIXED, {"/etc/crio", NULL},
	 FK_MODE,  0644,
	 0755,	   true,
	 NULL,	   false,
	 HB_INFO,  "directories 0755, files 0644 or more restrictive"},
    a_crio_own = {FP_FIXED, {"/etc/crio", NULL},
		  FK_OWNER, 0,
		  0,	    true,
		  NULL,	    false,
		  HB_INFO,  "root:root for the directory and everything in it"},
    a_crio_sock_mode = {FP_FIXED, CRIO_SOCK,
			FK_MODE,  0660,
			0,	  false,
			NULL,	  false,
			HB_INFO,  "0660 or more restrictive"},
    a_crio_sock_own = {FP_FIXED, CRIO_SOCK, FK_OWNER, 0,       0,
		       false,	 NULL,	    true,     HB_INFO, "owned by root"},
    a_ctd_root_mode = {FP_FIXED, {"/var/lib/containerd", NULL},
		       FK_MODE,	 0711,
		       0711,	 false,
		       NULL,	 false,
		       HB_INFO,	 "0711 or more restrictive"},
    a_ctd_root_own = {FP_FIXED, {"/var/lib/containerd", NULL},
		      FK_OWNER, 0,
		      0,	false,
		      NULL,	false,
		      HB_INFO,	OWNER_EXP},
    a_kubelet_mode = {FP_FIXED, KUBELET,
		      FK_MODE,	0755,
		      0,	false,
		      NULL,	false,
		      HB_INFO,	"0755 or more restrictive"},
    a_kubelet_own = {FP_FIXED, KUBELET, FK_OWNER, 0,	   0,
		     false,    NULL,	false,	  HB_INFO, OWNER_EXP};

#define CHMOD(m, what) "chmod " m " " what
#define CHOWN(what) "chown root:root " what

const struct hb_check hb_checks_files[] = {
    {"4.1.1", S4_1,
     "Ensure that the kubelet service file permissions are set to 600 or more "
     "restrictive",
     1,
     CHMOD("600", "/etc/systemd/system/kubelet.service.d/10-kubeadm.conf (each "
		  "kubelet unit file and drop-in)"),
     check_file, &a_unit_mode},
    {"4.1.2", S4_1,
     "Ensure that the kubelet service file ownership is set to root:root", 1,
     CHOWN("/etc/systemd/system/kubelet.service.d/10-kubeadm.conf (each "
	   "kubelet unit file and drop-in)"),
     check_file, &a_unit_own},
    {"4.1.3", S4_1,
     "If proxy kubeconfig file exists ensure permissions are set to 600 or "
     "more restrictive",
     1, CHMOD("600", "<proxy kubeconfig file>"), check_file, &a_proxy_mode},
    {"4.1.4", S4_1,
     "If proxy kubeconfig file exists ensure ownership is set to root:root", 1,
     CHOWN("<proxy kubeconfig file>"), check_file, &a_proxy_own},
    {"4.1.5", S4_1,
     "Ensure that the --kubeconfig kubelet.conf file permissions are set to "
     "600 or more restrictive",
     1, CHMOD("600", "/etc/kubernetes/kubelet.conf (the --kubeconfig file)"),
     check_file, &a_kc_mode},
    {"4.1.6", S4_1,
     "Ensure that the --kubeconfig kubelet.conf file ownership is set to "
     "root:root",
     1, CHOWN("/etc/kubernetes/kubelet.conf (the --kubeconfig file)"),
     check_file, &a_kc_own},
    {"4.1.7", S4_1,
     "Ensure that the certificate authorities file permissions are set to 600 "
     "or more restrictive",
     1, CHMOD("600", "<client CA file> (clientCAFile / --client-ca-file)"),
     check_file, &a_ca_mode},
    {"4.1.8", S4_1,
     "Ensure that the client certificate authorities file ownership is set to "
     "root:root",
     1, CHOWN("<client CA file> (clientCAFile / --client-ca-file)"), check_file,
     &a_ca_own},
    {"4.1.9", S4_1,
     "If the kubelet config.yaml configuration file is being used validate "
     "permissions set to 600 or more restrictive",
     1, CHMOD("600", "/var/lib/kubelet/config.yaml (the --config file)"),
     check_file, &a_cfg_mode},
    {"4.1.10", S4_1,
     "If the kubelet config.yaml configuration file is being used validate "
     "file ownership is set to root:root",
     1, CHOWN("/var/lib/kubelet/config.yaml (the --config file)"), check_file,
     &a_cfg_own},
    {"1.1.19", S1_1,
     "Ensure that the Kubernetes PKI directory and file ownership is set to "
     "root:root",
     1, "chown -R root:root /etc/kubernetes/pki/", check_file, &a_pki_own},
    {"1.1.20", S1_1,
     "Ensure that the Kubernetes PKI certificate file permissions are set to "
     "600 or more restrictive",
     1,
     "chmod -R 600 /etc/kubernetes/pki/*.crt (and the *.crt files in "
     "subdirectories)",
     check_file, &a_pki_crt},
    {"1.1.21", S1_1,
     "Ensure that the Kubernetes PKI key file permissions are set to 600", 1,
     "chmod -R 600 /etc/kubernetes/pki/*.key (and the *.key files in "
     "subdirectories)",
     check_file, &a_pki_key},
    {"BW-HOST-001", SRT,
     "Ensure that the containerd config.toml permissions are set to 644 or "
     "more restrictive",
     1, CHMOD("644", "/etc/containerd/config.toml"), check_file,
     &a_ctd_cfg_mode},
    {"BW-HOST-002", SRT,
     "Ensure that the containerd config.toml ownership is set to root:root", 1,
     CHOWN("/etc/containerd/config.toml"), check_file, &a_ctd_cfg_own},
    {"BW-HOST-003", SRT,
     "Ensure that the containerd socket permissions are set to 660 or more "
     "restrictive",
     1,
     CHMOD("660", "/run/containerd/containerd.sock") " (set [grpc] uid/gid in "
						     "config.toml for a "
						     "restart-proof fix)",
     check_file, &a_ctd_sock_mode},
    {"BW-HOST-004", SRT, "Ensure that the containerd socket is owned by root",
     1,
     "chown root /run/containerd/containerd.sock (and [grpc] uid = 0 in "
     "config.toml)",
     check_file, &a_ctd_sock_own},
    {"BW-HOST-005", SRT,
     "Ensure that the runc binary permissions are set to 755 or more "
     "restrictive",
     1, CHMOD("755", "$(command -v runc)"), check_file, &a_runc_mode},
    {"BW-HOST-006", SRT,
     "Ensure that the runc binary ownership is set to root:root", 1,
     CHOWN("$(command -v runc)"), check_file, &a_runc_own},
    {"BW-HOST-007", SRT,
     "Ensure that the containerd binary permissions are set to 755 or more "
     "restrictive",
     1, CHMOD("755", "$(command -v containerd)"), check_file, &a_ctd_mode},
    {"BW-HOST-008", SRT,
     "Ensure that the containerd binary ownership is set to root:root", 1,
     CHOWN("$(command -v containerd)"), check_file, &a_ctd_own},
    {"BW-HOST-009", SRT,
     "Ensure that /etc/containerd directories are 755 and files 644 or more "
     "restrictive",
     1,
     "find /etc/containerd -type d -exec chmod go-w {} + ; find "
     "/etc/containerd -type f -exec chmod 644 {} +",
     check_file, &a_ctd_dir_mode},
    {"BW-HOST-010", SRT,
     "Ensure that /etc/containerd and its contents are owned by root:root", 1,
     "chown -R root:root /etc/containerd", check_file, &a_ctd_dir_own},
    {"BW-HOST-011", SRT,
     "Ensure that /etc/crio directories are 755 and files 644 or more "
     "restrictive",
     1,
     "find /etc/crio -type d -exec chmod go-w {} + ; find /etc/crio -type f "
     "-exec chmod 644 {} +",
     check_file, &a_crio_mode},
    {"BW-HOST-012", SRT,
     "Ensure that /etc/crio and its contents are owned by root:root", 1,
     "chown -R root:root /etc/crio", check_file, &a_crio_own},
    {"BW-HOST-013", SRT,
     "Ensure that the CRI-O socket permissions are set to 660 or more "
     "restrictive",
     1, CHMOD("660", "/run/crio/crio.sock"), check_file, &a_crio_sock_mode},
    {"BW-HOST-014", SRT, "Ensure that the CRI-O socket is owned by root", 1,
     "chown root /run/crio/crio.sock", check_file, &a_crio_sock_own},
    {"BW-HOST-015", SRT,
     "Ensure that the containerd root directory /var/lib/containerd "
     "permissions are 711 or more restrictive",
     1, CHMOD("711", "/var/lib/containerd"), check_file, &a_ctd_root_mode},
    {"BW-HOST-016", SRT,
     "Ensure that /var/lib/containerd is owned by root:root", 1,
     CHOWN("/var/lib/containerd"), check_file, &a_ctd_root_own},
    {"BW-HOST-017", SRT,
     "Ensure that the kubelet binary permissions are set to 755 or more "
     "restrictive",
     1, CHMOD("755", "$(command -v kubelet)"), check_file, &a_kubelet_mode},
    {"BW-HOST-018", SRT,
     "Ensure that the kubelet binary ownership is set to root:root", 1,
     CHOWN("$(command -v kubelet)"), check_file, &a_kubelet_own},
    {"BW-HOST-020", SAU,
     "Ensure auditing is configured for the containerd binary "
     "/usr/bin/containerd",
     2,
     "echo '-w /usr/bin/containerd -k container-runtime' >> "
     "/etc/audit/rules.d/container-runtime.rules; augenrules --load",
     check_audit, "/usr/bin/containerd"},
    {"BW-HOST-021", SAU,
     "Ensure auditing is configured for the runc binary /usr/bin/runc", 2,
     "echo '-w /usr/bin/runc -k container-runtime' >> "
     "/etc/audit/rules.d/container-runtime.rules; augenrules --load",
     check_audit, "/usr/bin/runc"},
    {"BW-HOST-022", SAU,
     "Ensure auditing is configured for /var/lib/containerd", 2,
     "echo '-w /var/lib/containerd -k container-runtime' >> "
     "/etc/audit/rules.d/container-runtime.rules; augenrules --load",
     check_audit, "/var/lib/containerd"},
    {"BW-HOST-023", SAU, "Ensure auditing is configured for /etc/containerd", 2,
     "echo '-w /etc/containerd -k container-runtime' >> "
     "/etc/audit/rules.d/container-runtime.rules; augenrules --load",
     check_audit, "/etc/containerd"},
    {"BW-HOST-024", SAU, "Ensure auditing is configured for /run/containerd", 2,
     "echo '-w /run/containerd -k container-runtime' >> "
     "/etc/audit/rules.d/container-runtime.rules; augenrules --load",
     check_audit, "/run/containerd"},
};
const size_t hb_n_checks_files =
    sizeof(hb_checks_files) / sizeof(hb_checks_files[0]);
