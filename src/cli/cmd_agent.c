/*
 * cmd_agent.c - `bulwark agent`: parse options, install signal handlers and
 * run the runtime pipeline (src/agent/).
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "agent/agent.h"
#include "cli/commands.h"

#define DEFAULT_CONFIG "/etc/bulwark/bulwark.yaml"

static struct bw_agent_signals g_signals; /* set from signal handlers only */

static void on_stop(int sig)
{
	(void)sig;
	g_signals.stop = 1;
}

static void on_hup(int sig)
{
	(void)sig;
	g_signals.reload = 1;
}

static void agent_usage(FILE *out)
{
	fprintf(out,
		"usage: bulwark agent [options]\n"
		"\n"
		"Run the eBPF sensor, the rules engine and the alert outputs until\n"
		"SIGINT/SIGTERM.  SIGHUP reloads the rules (process and container\n"
		"state is kept; a reload that fails keeps the running rules).\n"
		"\n"
		"Options:\n"
		"  -r, --rules PATH       rules file or directory (repeatable; default:\n"
		"                         the shipped rules/bulwark_rules.yaml)\n"
		"  -o, --output FORMAT    json (default) or text, for stdout and file\n"
		"      --output-file F    also append alerts to file F\n"
		"      --webhook URL      also POST each alert as JSON to URL\n"
		"                         (falcosidekick: http://HOST:2801/)\n"
		"      --webhook-insecure do not verify the webhook's TLS certificate\n"
		"      --syslog           also send alerts to syslog\n"
		"      --no-stdout        do not print alerts on stdout\n"
		"  -p, --priority P       evaluate only rules at priority P or above\n"
		"                         (emergency..debug; default debug)\n"
		"  -c, --config FILE      YAML config (default %s if present);\n"
		"                         options given on the command line win\n"
		"      --buffer-size N    ring buffer bytes (power of two, default 16 MiB)\n"
		"      --duration SECS    stop after SECS seconds\n"
		"      --max-events N     stop after N events\n"
		"  -h, --help             show this help\n"
		"\n"
		"Alerts are Falco-compatible JSON lines.  A stats line (events, drops,\n"
		"alerts) is printed on stderr at exit.  Needs root (BPF).\n",
		DEFAULT_CONFIG);
}

static const char *default_rules_path(void)
{
	static const char *const candidates[] = {
		"/etc/bulwark/bulwark_rules.yaml",
		BW_SOURCE_DIR "/rules/bulwark_rules.yaml",
	};

	for (size_t i = 0; i < sizeof(candidates) / sizeof(candidates[0]); i++)
		if (!access(candidates[i], R_OK))
			return candidates[i];
	return candidates[1];
}

static void log_stderr(const char *line, void *ctx)
{
	(void)ctx;
	fprintf(stderr, "%s\n", line);
}

enum {
	OPT_OUTPUT_FILE = 256, OPT_WEBHOOK, OPT_WEBHOOK_INSECURE, OPT_SYSLOG,
	OPT_NO_STDOUT, OPT_BUFFER, OPT_DURATION, OPT_MAX_EVENTS,
};

int cmd_agent(int argc, char **argv)
{
	static const struct option opts[] = {
		{"rules", required_argument, NULL, 'r'},
		{"output", required_argument, NULL, 'o'},
		{"output-file", required_argument, NULL, OPT_OUTPUT_FILE},
		{"webhook", required_argument, NULL, OPT_WEBHOOK},
		{"webhook-insecure", no_argument, NULL, OPT_WEBHOOK_INSECURE},
		{"syslog", no_argument, NULL, OPT_SYSLOG},
		{"no-stdout", no_argument, NULL, OPT_NO_STDOUT},
		{"priority", required_argument, NULL, 'p'},
		{"config", required_argument, NULL, 'c'},
		{"buffer-size", required_argument, NULL, OPT_BUFFER},
		{"duration", required_argument, NULL, OPT_DURATION},
		{"max-events", required_argument, NULL, OPT_MAX_EVENTS},
		{"help", no_argument, NULL, 'h'},
		{0},
	};
	struct bw_agent_config cfg = {.out = {.format = BW_OUT_JSON, .to_stdout = true},
				      .min_priority = BW_PRIO_DEBUG};
	const char *cli_rules[AGENT_MAX_RULES_PATHS];
	size_t ncli_rules = 0;
	const char *config_path = NULL;
	char **cfg_strings = NULL;
	struct bw_agent_stats st = {0};
	struct bw_error err = {0};
	struct sigaction sa = {0};
	char buf[1024];
	int c, r;

	/* First pass: find --config so the file is read before the other
	 * options, which then override it. */
	for (int i = 1; i < argc; i++) {
		if ((!strcmp(argv[i], "-c") || !strcmp(argv[i], "--config")) && i + 1 < argc)
			config_path = argv[i + 1];
		else if (!strncmp(argv[i], "--config=", 9))
			config_path = argv[i] + 9;
		else if (cli_is_help(argv[i])) {
			agent_usage(stdout);
			return 0;
		}
	}
	if (!config_path && !access(DEFAULT_CONFIG, R_OK))
		config_path = DEFAULT_CONFIG;
	if (config_path && agent_config_load(config_path, &cfg, &cfg_strings, &err)) {
		fprintf(stderr, "bulwark agent: %s\n", bw_error_str(&err, buf, sizeof(buf)));
		return 2;
	}

	optind = 1;
	while ((c = getopt_long(argc, argv, "r:o:p:c:h", opts, NULL)) != -1) {
		switch (c) {
		case 'r':
			if (ncli_rules >= AGENT_MAX_RULES_PATHS) {
				fprintf(stderr, "bulwark agent: too many --rules\n");
				goto usage_err;
			}
			cli_rules[ncli_rules++] = optarg;
			break;
		case 'o':
			if (!strcmp(optarg, "json"))
				cfg.out.format = BW_OUT_JSON;
			else if (!strcmp(optarg, "text"))
				cfg.out.format = BW_OUT_TEXT;
			else {
				fprintf(stderr, "bulwark agent: --output must be json or text\n");
				goto usage_err;
			}
			break;
		case OPT_OUTPUT_FILE:
			cfg.out.file = optarg;
			break;
		case OPT_WEBHOOK:
			cfg.out.webhook_url = optarg;
			break;
		case OPT_WEBHOOK_INSECURE:
			cfg.out.insecure = true;
			break;
		case OPT_SYSLOG:
			cfg.out.to_syslog = true;
			break;
		case OPT_NO_STDOUT:
			cfg.out.to_stdout = false;
			break;
		case 'p':
			if (rules_priority_parse(optarg, &cfg.min_priority)) {
				fprintf(stderr, "bulwark agent: unknown priority '%s'\n", optarg);
				goto usage_err;
			}
			break;
		case 'c':
			break; /* handled above */
		case OPT_BUFFER: {
			char *end;
			unsigned long long n = strtoull(optarg, &end, 10);

			if (*end || n < 4096 || n > (1ull << 30) || (n & (n - 1))) {
				fprintf(stderr, "bulwark agent: --buffer-size must be a power of two between 4096 and 1073741824\n");
				goto usage_err;
			}
			cfg.ringbuf_bytes = n;
			break;
		}
		case OPT_DURATION:
		case OPT_MAX_EVENTS: {
			char *end;
			unsigned long long n = strtoull(optarg, &end, 10);

			if (*end || !*optarg || n > 1000000000ull) {
				fprintf(stderr, "bulwark agent: bad number '%s'\n", optarg);
				goto usage_err;
			}
			if (c == OPT_DURATION)
				cfg.duration_s = (int)n;
			else
				cfg.max_events = n;
			break;
		}
		case 'h':
			agent_usage(stdout);
			agent_config_strings_free(cfg_strings);
			return 0;
		default:
			goto usage_err;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "bulwark agent: unexpected argument '%s'\n", argv[optind]);
		goto usage_err;
	}
	if (ncli_rules) {
		memcpy(cfg.rules_paths, cli_rules, ncli_rules * sizeof(cli_rules[0]));
		cfg.nrules_paths = ncli_rules;
	}
	if (!cfg.nrules_paths) {
		cfg.rules_paths[0] = default_rules_path();
		cfg.nrules_paths = 1;
	}

	sa.sa_handler = on_stop;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sa.sa_handler = on_hup;
	sigaction(SIGHUP, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	setvbuf(stdout, NULL, _IOLBF, 0);

	r = agent_run(&cfg, &g_signals, log_stderr, NULL, &st, &err);
	fprintf(stderr,
		"bulwark agent stopped: events=%llu drops=%llu alerts=%llu alerts_dropped=%llu alerts_failed=%llu rules=%llu reloads=%llu\n",
		(unsigned long long)st.events, (unsigned long long)st.drops,
		(unsigned long long)st.alerts, (unsigned long long)st.alerts_dropped,
		(unsigned long long)st.alerts_failed,
		(unsigned long long)st.rules_loaded, (unsigned long long)st.reloads);
	agent_config_strings_free(cfg_strings);
	if (r) {
		fprintf(stderr, "bulwark agent: %s\n", bw_error_str(&err, buf, sizeof(buf)));
		return 2;
	}
	return 0;

usage_err:
	agent_config_strings_free(cfg_strings);
	fprintf(stderr, "See 'bulwark agent --help'.\n");
	return 2;
}
