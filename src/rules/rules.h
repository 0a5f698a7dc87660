/*
 * rules.h - the rules engine: loads Falco-format rules files (rules, macros,
 * lists, overrides, exceptions), compiles each condition once into a tree of
 * field checks, and evaluates, for each event, only the rules indexed by the
 * event's type.  Alerts are rendered like Falco's (output string with %field
 * substitution plus typed output_fields).
 *
 * Usage:
 *   struct bw_ruleset *rs;  rules_new(&rs);
 *   rules_load_file(rs, "a.yaml", &diag, &err);  ... more files ...
 *   rules_compile(rs, &diag, &err);           // resolves macros/lists/overrides
 *   rules_eval(rs, ev, on_match, ctx);        // per event, hot path
 *
 * Diagnostics (warnings and per-rule errors such as an unknown field in an
 * incubating rule, which skip that rule) are collected in a struct
 * bw_rules_diag so the command can print each with file, line and column.
 *
 * Thread model: a compiled ruleset is immutable during rules_eval, which may
 * be called from one thread at a time (it uses per-ruleset scratch buffers).
 * Ownership: the ruleset owns everything loaded into it; rules_free frees it.
 */
#ifndef BW_RULES_RULES_H
#define BW_RULES_RULES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "common/error.h"
#include "event/event.h"

#define RULES_MAX_FILE_SIZE (16u << 20)   /* bytes per rules file */
#define RULES_MAX_ITEMS 100000            /* rules + macros + lists */
#define RULES_MAX_LIST_ITEMS 100000       /* items in one list, expanded */
#define RULES_MAX_EXPR_DEPTH 200          /* nesting (parens, not, macros) */
#define RULES_MAX_CONDITION_LEN (1u << 20)

/* Falco priorities, most severe first (numeric order = Falco's). */
enum bw_priority {
	BW_PRIO_EMERGENCY = 0,
	BW_PRIO_ALERT,
	BW_PRIO_CRITICAL,
	BW_PRIO_ERROR,
	BW_PRIO_WARNING,
	BW_PRIO_NOTICE,
	BW_PRIO_INFORMATIONAL,
	BW_PRIO_DEBUG,
};

/* "Warning", "Informational", ... as Falco prints them. */
const char *rules_priority_name(enum bw_priority p);
/* Parses a priority name case-insensitively ("INFO" accepted too). */
int rules_priority_parse(const char *s, enum bw_priority *ret);

/* One diagnostic: severity, position and message. */
struct bw_rules_diag_item {
	bool is_error;        /* false = warning */
	char file[256];
	int line, column;     /* 1-based; 0 = unknown */
	char item[128];       /* rule/macro/list name, "" if none */
	char msg[512];
};

struct bw_rules_diag {
	struct bw_rules_diag_item *items;  /* owned */
	size_t n, cap;
};
void rules_diag_free(struct bw_rules_diag *d);

struct bw_rule;       /* opaque */
struct bw_ruleset;    /* opaque */

/* An alert produced when a rule matches an event. */
struct bw_alert {
	uint64_t ts_ns;
	const char *rule;            /* borrowed from the ruleset */
	enum bw_priority priority;
	const char *source;          /* "syscall" */
	char *output;                /* owned: rendered output string */
	json_t *output_fields;       /* owned reference: field -> value */
	const char *const *tags;     /* borrowed */
	size_t ntags;
};
void rules_alert_free(struct bw_alert *a);   /* frees owned members only */

int rules_new(struct bw_ruleset **ret);
void rules_free(struct bw_ruleset *rs);

/*
 * Loads one rules file (YAML).  Syntax errors fail the file (-EINVAL, err
 * filled with file:line:column).  Problems confined to one item are recorded
 * in diag; the item is skipped.  May be called for several files before
 * rules_compile; later files override/append to earlier ones as Falco does.
 */
int rules_load_file(struct bw_ruleset *rs, const char *path,
		    struct bw_rules_diag *diag, struct bw_error *err);
/* Same, from memory; name labels diagnostics. */
int rules_load_buffer(struct bw_ruleset *rs, const char *name,
		      const char *buf, size_t len, struct bw_rules_diag *diag,
		      struct bw_error *err);

/*
 * Resolves macros and lists, compiles every enabled rule's condition and
 * output.  A rule using an unknown field is skipped with a diagnostic naming
 * the rule (an error, or a warning when skip-if-unknown-filter is set).
 * Returns 0 if at least the ruleset is usable, negative on fatal errors.
 */
int rules_compile(struct bw_ruleset *rs, struct bw_rules_diag *diag,
		  struct bw_error *err);

/* Counts after compile. */
size_t rules_count_loaded(const struct bw_ruleset *rs);   /* enabled+compiled */
size_t rules_count_skipped(const struct bw_ruleset *rs);

/*
 * How the engine finds a process by host pid, to walk ancestors
 * (proc.pname, proc.aname[N], proc.aexepath[N], ...).  fn returns a borrowed
 * pointer or NULL.  Without it, ancestor fields have no value.
 */
struct bw_proc;
void rules_set_proc_lookup(struct bw_ruleset *rs,
			   struct bw_proc *(*fn)(void *ctx, int32_t pid),
			   void *ctx);

/*
 * Ancestor lookup for proc.pname, proc.aname[N], proc.sname, ...: fn returns
 * the process (thread-group leader) with host pid `pid`, or NULL.  The
 * engine walks ppid through it and never calls the state itself.  Without a
 * lookup, only the event's own process is known.
 */
struct bw_proc;
void rules_set_proc_lookup(struct bw_ruleset *rs,
			   struct bw_proc *(*fn)(void *ctx, int32_t pid),
			   void *ctx);

/* Root prefix for host files read by fields (/etc/passwd, /etc/group for
 * user.name and group.name); default "" (the real root). */
int rules_set_host_root(struct bw_ruleset *rs, const char *root);

/* required_engine_version seen while loading, or NULL. */
const char *rules_required_engine_version(const struct bw_ruleset *rs);

/* Whether a rule compiled (false: disabled, skipped or unsupported). */
bool rules_rule_compiled(const struct bw_rule *rule);

/* Minimum priority: rules below it are not evaluated. */
void rules_set_min_priority(struct bw_ruleset *rs, enum bw_priority p);

/*
 * Which event types the compiled rules need (true at index type).  A rule
 * whose condition does not constrain evt.type marks every type.
 */
void rules_event_types(const struct bw_ruleset *rs, bool out[BW_EVT__COUNT]);

typedef void (*rules_match_fn)(const struct bw_rule *rule,
			       struct bw_event *ev, void *ctx);

/* Evaluates the rules indexed by ev->type; calls on_match for each match.
 * Returns the number of matches. */
int rules_eval(struct bw_ruleset *rs, struct bw_event *ev,
	       rules_match_fn on_match, void *ctx);

/* Builds the alert for a matched rule (output string and output_fields,
 * which always include container.id, container.name,
 * container.image.repository, k8s.pod.name and k8s.ns.name). */
int rules_render_alert(const struct bw_rule *rule, struct bw_event *ev,
		       struct bw_alert *ret);

const char *rules_rule_name(const struct bw_rule *rule);
enum bw_priority rules_rule_priority(const struct bw_rule *rule);

/* Iteration over compiled rules (for `rules list`). */
size_t rules_count_all(const struct bw_ruleset *rs);
const struct bw_rule *rules_rule_at(const struct bw_ruleset *rs, size_t i);
const char *rules_rule_desc(const struct bw_rule *rule);
bool rules_rule_enabled(const struct bw_rule *rule);

/* required_plugin_versions / required_engine_version seen while loading,
 * for reporting ("name version" strings). */
size_t rules_required_plugins(const struct bw_ruleset *rs,
			      const char *const **ret);

/* ---- fields ----------------------------------------------------------- */

/* Field value types. */
enum bw_ftype {
	BW_FT_STRING = 1,
	BW_FT_INT64,
	BW_FT_UINT64,
	BW_FT_BOOL,
	BW_FT_IPADDR,   /* compared with IPs and CIDRs */
	BW_FT_IPNET,
	BW_FT_PORT,
	BW_FT_RELTIME,  /* ns duration */
	BW_FT_ABSTIME,  /* ns since epoch */
	BW_FT_MODE,
	BW_FT_CHARBUF_LIST, /* several strings (e.g. proc.aname without index) */
};

struct bw_field_info {
	const char *name;       /* "proc.name" */
	enum bw_ftype type;
	const char *desc;
	uint8_t arg;            /* 0 none, 1 index optional, 2 index/key required */
};

/* The field table (for `bulwark fields` and docs/fields.md). */
size_t rules_fields(const struct bw_field_info **ret);

#endif
