/*
 * hostbench.h - `bulwark bench host`: the CIS checks that apply to a
 * container host without Docker (containerd / CRI-O / runc + kubelet).
 *
 * The checks are a table (hb_checks()): CIS Kubernetes Benchmark v1.7
 * section 4 (4.1.x worker node file permissions and ownership, 4.2.x
 * kubelet settings) and 1.1.19-1.1.21 (/etc/kubernetes/pki), plus Bulwark
 * host checks BW-HOST-NNN (container runtime files, sockets, binaries,
 * audit rules, kernel parameters).  docs/hostbench.md describes each one.
 *
 * Everything is read under a root directory (default "/"), so a mounted
 * host image or a test's fake tree can be benchmarked.  Paths are resolved
 * component by component under the root (hb_root_open): a symlink is
 * followed with chroot semantics (an absolute target restarts at the root,
 * ".." never climbs above it), so nothing outside the root is ever read.
 * Kernel parameters come from <root>/proc/sys.
 *
 * Kubelet settings: the effective value of a setting is its command-line
 * flag when the kubelet systemd unit (unit file + drop-ins, Environment= /
 * EnvironmentFile= expanded) passes it, else the KubeletConfiguration field
 * of the --config file (default /var/lib/kubelet/config.yaml), else the
 * kubelet default.  Flags override the config file, as in the kubelet.
 *
 * Results: PASS, FAIL, WARN (manual check, or the thing it needs is not
 * found / cannot be read), INFO (not applicable, e.g. a runtime that is not
 * installed).  Library code never prints except through hb_report_write.
 */
#ifndef BW_HOSTBENCH_H
#define BW_HOSTBENCH_H

#include <stdbool.h>
#include <stdio.h>
#include <sys/stat.h>

#include "common/error.h"

#define HB_SCHEMA "bulwark.hostbench/v1"
#define HB_BENCHMARK                                                           \
	"CIS Kubernetes Benchmark v1.7 (worker node) + Bulwark host checks"

/* Bounds on what input controls. */
#define HB_MAX_FILE (1u << 20)	/* a config / unit / rules file read */
#define HB_MAX_KV 1024		/* extracted kubelet config fields */
#define HB_MAX_VALUE 4096	/* one config value / flag value */
#define HB_MAX_FLAGS 256	/* kubelet command-line flags */
#define HB_MAX_DROPINS 64	/* kubelet.service.d drop-in files */
#define HB_MAX_ENV 128		/* Environment= variables */
#define HB_MAX_YAML_DEPTH 32	/* kubelet config nesting */
#define HB_MAX_LINKS 40		/* symlinks followed per lookup */
#define HB_MAX_DEPTH 128	/* path components deep */
#define HB_MAX_DIR_ENTRIES 4096 /* entries walked under one directory */
#define HB_ACTUAL_MAX 512	/* actual / expected text per result */

enum hb_result { HB_PASS, HB_FAIL, HB_WARN, HB_INFO };

enum hb_format { HB_FORMAT_TEXT, HB_FORMAT_JSON, HB_FORMAT_JUNIT };

struct hb_ctx; /* the state of one run: root fd, kubelet settings, ... */

struct hb_outcome {
	enum hb_result result;
	char actual[HB_ACTUAL_MAX];
	char expected[HB_ACTUAL_MAX];
};

/* One row of the check table. */
struct hb_check {
	const char *id;	     /* CIS number ("4.2.1") or "BW-HOST-NNN" */
	const char *section; /* "4.1 Worker Node Configuration Files" */
	const char *title;
	int level; /* CIS profile level 1 or 2 */
	const char *remediation;
	/* Fills out (result, actual, expected); arg is check-specific data. */
	void (*run)(struct hb_ctx *ctx, const struct hb_check *c,
		    struct hb_outcome *out);
	const void *arg;
};

/* The table, in report order; *ret_n gets its length. */
const struct hb_check *hb_checks(size_t *ret_n);
/* The check with this id (case-sensitive), or NULL. */
const struct hb_check *hb_check_find(const char *id);

struct hb_options {
	const char *root;  /* NULL = "/" */
	const char **only; /* run only these ids; NULL = all */
	size_t n_only;
	/* Also read the loaded audit rules with `auditctl -l` (only sensible
	 * when root is "/" on a live host); rules files are always read. */
	bool use_auditctl;
};

struct hb_row {
	const struct hb_check *check;
	struct hb_outcome out;
};

struct hb_report {
	char *root; /* as given */
	struct hb_row *rows;
	size_t n_rows;
	size_t count[4]; /* by enum hb_result */
};

/*
 * Runs the checks.  Fails (-ENOENT / -ENOTDIR / -EINVAL) when the root
 * cannot be opened or opt->only names an unknown check.  On success
 * *ret_report is allocated; free it with hb_report_free.
 */
int hb_run(const struct hb_options *opt, struct hb_report **ret_report,
	   struct bw_error *err);
void hb_report_free(struct hb_report *r);

/* Writes the report as text, JSON (HB_SCHEMA) or JUnit XML.  0 or -EIO. */
int hb_report_write(FILE *out, const struct hb_report *r, enum hb_format fmt,
		    struct bw_error *err);
const char *hb_result_name(enum hb_result r); /* "PASS", ... */

/* ---- internals shared by the check files, the tests and the fuzzer ---- */

/*
 * Opens PATH (absolute or relative, always taken from the root) under the
 * directory fd rootfd, following symlinks with chroot semantics and never
 * leaving the root.  flags are open(2) flags for the final component
 * (O_PATH to only stat it; O_NOFOLLOW is implied).  Writes the fd to
 * *ret_fd.  Errors: -ENOENT, -ELOOP (too many links), -ENAMETOOLONG, ...
 */
int hb_root_open(int rootfd, const char *path, int flags, int *ret_fd);

/* Flat key/value set: dotted YAML paths or flag names to string values. */
struct hb_kv {
	char *key;
	char *value;
};
struct hb_kvset {
	struct hb_kv *kv;
	size_t n;
};
void hb_kvset_clear(struct hb_kvset *s);
const char *hb_kvset_get(const struct hb_kvset *s, const char *key);
int hb_kvset_put(struct hb_kvset *s, const char *key, size_t klen,
		 const char *value, size_t vlen);

/*
 * Extracts the scalar leaves of a YAML mapping document into *s as dotted
 * keys ("authentication.anonymous.enabled" -> "false"); a sequence of
 * scalars becomes one comma-joined value ("tlsCipherSuites").  Returns 0 or
 * -EINVAL (bad YAML, with position in err) / -E2BIG (bounds).
 */
int hb_yaml_flatten(const char *buf, size_t len, struct hb_kvset *s,
		    const char *input, struct bw_error *err);

/*
 * Systemd unit text handling for the kubelet unit.  env holds the
 * Environment= variables seen so far (a unit and its drop-ins are parsed in
 * order into the same env); *exec is replaced by each ExecStart= line (an
 * empty "ExecStart=" resets it).  EnvironmentFile= paths are appended
 * (newline-separated, a leading "-" kept) to *envfiles so the caller can
 * read them under the root after all units (systemd applies them after
 * Environment=).  Only the [Service] section is read.  0 or -E2BIG/-ENOMEM.
 */
int hb_unit_parse(const char *buf, size_t len, struct hb_kvset *env,
		  char **exec, char **envfiles);
/* Reads KEY=VALUE lines (an EnvironmentFile) into env. */
int hb_envfile_parse(const char *buf, size_t len, struct hb_kvset *env);
/*
 * Expands $VAR / ${VAR} from env in an ExecStart command line, splits it
 * into words and records "--name=value" / "--name value" / "--name" (as
 * "true") into flags (keys without the dashes).
 */
int hb_exec_flags(const char *exec, const struct hb_kvset *env,
		  struct hb_kvset *flags);

/*
 * True when audit rules text (auditctl -l output or *.rules files) has a
 * rule watching path: "-w PATH" or "-F path=PATH" / "-F dir=PATH".
 */
bool hb_audit_rules_watch(const char *rules, size_t len, const char *path);

/* Reads a regular file under the root (at most max bytes, else -EFBIG);
 * *ret_buf is NUL-terminated and allocated (free()). */
int hb_read_file(int rootfd, const char *path, size_t max, char **ret_buf,
		 size_t *ret_len);
/* stat(2) of PATH under the root (symlinks followed inside the root). */
int hb_stat(int rootfd, const char *path, struct stat *ret_st);

/* The state of one run, shared by the check files. */
struct hb_ctx {
	int rootfd;
	const char *root;
	bool use_auditctl;

	/* kubelet, loaded once by hb_kubelet_load */
	char **unit_files; /* unit file then drop-ins, in parse order */
	size_t n_unit_files;
	char *exec_source;	/* the unit file of the effective ExecStart */
	struct hb_kvset env;	/* Environment= / EnvironmentFile= */
	struct hb_kvset flags;	/* kubelet flags from ExecStart */
	char *config_path;	/* --config, or the default path */
	bool config_found;	/* the config file exists and parsed */
	char config_note[256];	/* why it was not read, if it was not */
	struct hb_kvset config; /* flattened KubeletConfiguration */
	/* a kubelet unit, config file or binary exists; when none does the
	 * 4.1 / 4.2 checks are INFO "not applicable" */
	bool kubelet_present;

	/* audit rules, loaded by the first audit check */
	bool audit_loaded;
	char *audit_rules;
	size_t audit_len;
	char audit_sources[256];

	char source_buf[600]; /* hb_kubelet_setting's *ret_source */
};

void hb_kubelet_load(struct hb_ctx *ctx);
/*
 * The effective kubelet setting: flag (from ExecStart) if given, else the
 * config field (dotted path; field may be NULL for flag-only settings),
 * else NULL.  *ret_source (may be NULL) gets "flag --x (UNIT)" or
 * "CONFIG: field", written to a buffer owned by ctx valid until the next
 * call.
 */
const char *hb_kubelet_setting(struct hb_ctx *ctx, const char *flag,
			       const char *field, const char **ret_source);
void hb_kubelet_free(struct hb_ctx *ctx);
/* The check table fragments, one per check file. */
extern const struct hb_check hb_checks_files[];
extern const size_t hb_n_checks_files;
extern const struct hb_check hb_checks_kubelet[];
extern const size_t hb_n_checks_kubelet;
extern const struct hb_check hb_checks_kernel[];
extern const size_t hb_n_checks_kernel;
/* printf into out->actual / out->expected and set the result. */
void hb_set(struct hb_outcome *out, enum hb_result r, const char *expected,
	    const char *fmt, ...) __attribute__((format(printf, 4, 5)));

#endif
