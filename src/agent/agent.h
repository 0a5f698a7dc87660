/*
 * agent.h - `bulwark agent`: the runtime pipeline.
 *
 *   sensor (eBPF ring buffer) -> state (process/fd/container tables)
 *     -> rules (event-type index, compiled conditions) -> outputs
 *
 * The agent owns one event-loop thread that does all of the above in order;
 * only the async output sinks have threads of their own.  Signals are turned
 * into flags by the command (SIGINT/SIGTERM -> stop, SIGHUP -> reload) and
 * polled by the loop between ring-buffer polls, so a reload swaps in a newly
 * compiled ruleset without touching the state tables (nothing is lost), and a
 * reload that fails keeps the running rules.
 *
 * Which syscalls the kernel reports is the union of what the loaded rules
 * need and what state tracking needs (agent_state_event_types()).
 */
#ifndef BW_AGENT_AGENT_H
#define BW_AGENT_AGENT_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/error.h"
#include "output/output.h"
#include "rules/rules.h"

#define AGENT_MAX_RULES_PATHS 64
#define AGENT_SWEEP_INTERVAL_MS 10000
#define AGENT_DROP_ALERT_INTERVAL_NS 1000000000ull

struct bw_agent_config {
	const char *rules_paths[AGENT_MAX_RULES_PATHS]; /* files or dirs */
	size_t nrules_paths;
	struct bw_output_config out;
	enum bw_priority min_priority;
	size_t ringbuf_bytes;
	const char *proc_root;       /* "" = real host */
	bool all_events;             /* report every syscall type (testing) */
	uint64_t max_events;         /* stop after this many events, 0 = no */
	int duration_s;              /* stop after this long, 0 = no */
};

struct bw_agent_stats {
	uint64_t events;
	uint64_t drops;
	uint64_t alerts;
	uint64_t alerts_dropped;   /* a sink's queue was full */
	uint64_t alerts_failed;    /* a sink could not deliver (write/HTTP) */
	uint64_t rules_loaded;
	uint64_t reloads;
};

/* Signal flags the agent polls; set them from signal handlers. */
struct bw_agent_signals {
	volatile sig_atomic_t stop;
	volatile sig_atomic_t reload;
};

/*
 * Loads rules from every configured path (a directory means its *.yaml and
 * *.yml files in name order), printing nothing: problems go to diag.
 * On success *ret is a compiled ruleset the caller frees.
 */
int agent_load_rules(const char *const *paths, size_t npaths,
		     enum bw_priority min_priority, struct bw_ruleset **ret,
		     struct bw_rules_diag *diag, struct bw_error *err);

/* The event types state tracking needs whatever the rules say. */
void agent_state_event_types(bool want[BW_EVT__COUNT]);

/*
 * Runs until sig->stop is set (or max_events / duration is reached).
 * Prints rules diagnostics and the final stats line to stderr through the
 * `log` callback.  Returns 0 or a negative code with err filled.
 */
typedef void (*agent_log_fn)(const char *line, void *ctx);
int agent_run(const struct bw_agent_config *cfg, struct bw_agent_signals *sig,
	      agent_log_fn log, void *log_ctx, struct bw_agent_stats *ret_stats,
	      struct bw_error *err);

/*
 * Reads the agent's YAML config file (Falco-like keys: rules_files,
 * json_output, priority, stdout_output.enabled, file_output.{enabled,
 * filename}, syslog_output.enabled, http_output.{enabled,url,insecure,
 * ca_cert}, buffer_size) into cfg.  Strings are owned by *ret_strings, a
 * NULL-terminated array the caller frees with agent_config_strings_free().
 */
int agent_config_load(const char *path, struct bw_agent_config *cfg,
		      char ***ret_strings, struct bw_error *err);
void agent_config_strings_free(char **strings);
/* Same as agent_config_load, from memory; name labels errors. */
int agent_config_parse(const char *name, const char *buf, size_t len,
		       struct bw_agent_config *cfg, char ***ret_strings,
		       struct bw_error *err);

#endif
