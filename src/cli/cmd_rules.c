/*
 * cmd_rules.c - `bulwark rules validate|list FILE...`: load Falco-format rules
 * files as the agent would and report problems with file, line and column.
 */
#include <stdio.h>
#include <string.h>

#include "agent/agent.h"
#include "cli/commands.h"

static void rules_usage(FILE *out)
{
	fprintf(out,
		"usage: bulwark rules validate [--strict] FILE|DIR...\n"
		"       bulwark rules list FILE|DIR...\n"
		"\n"
		"validate  load and compile the rules files together (later files\n"
		"          override and append to earlier ones, as in the agent) and\n"
		"          print every error and warning as FILE:LINE:COLUMN: message.\n"
		"          A rule that uses a field Bulwark does not know is skipped\n"
		"          and reported by name.  Exit status: 0 when the files load\n"
		"          with no errors (warnings allowed; --strict makes skipped\n"
		"          rules errors), 1 when there are errors, 2 on usage errors.\n"
		"list      print each rule's name, priority and whether it is enabled.\n");
}

static void print_diag(const struct bw_rules_diag *d, size_t *nerr, size_t *nwarn)
{
	for (size_t i = 0; i < d->n; i++) {
		const struct bw_rules_diag_item *it = &d->items[i];
		char pos[64] = "";

		if (it->line > 0 && it->column > 0)
			snprintf(pos, sizeof(pos), ":%d:%d", it->line, it->column);
		else if (it->line > 0)
			snprintf(pos, sizeof(pos), ":%d", it->line);
		fprintf(it->is_error ? stderr : stdout, "%s%s: %s: %s%s%s%s\n",
			it->file, pos, it->is_error ? "error" : "warning",
			it->item[0] ? "'" : "", it->item, it->item[0] ? "': " : "",
			it->msg);
		if (it->is_error)
			(*nerr)++;
		else
			(*nwarn)++;
	}
}

int cmd_rules(int argc, char **argv)
{
	struct bw_rules_diag diag = {0};
	struct bw_error err = {0};
	struct bw_ruleset *rs = NULL;
	const char *files[AGENT_MAX_RULES_PATHS];
	size_t nfiles = 0, nerr = 0, nwarn = 0;
	bool strict = false, list;
	char buf[1024];
	int r;

	if (argc < 2 || cli_is_help(argv[1])) {
		rules_usage(argc < 2 ? stderr : stdout);
		return argc < 2 ? 2 : 0;
	}
	if (strcmp(argv[1], "validate") && strcmp(argv[1], "list")) {
		fprintf(stderr, "bulwark rules: unknown subcommand '%s'\n", argv[1]);
		rules_usage(stderr);
		return 2;
	}
	list = !strcmp(argv[1], "list");
	for (int i = 2; i < argc; i++) {
		if (cli_is_help(argv[i])) {
			rules_usage(stdout);
			return 0;
		}
		if (!strcmp(argv[i], "--strict")) {
			strict = true;
			continue;
		}
		if (argv[i][0] == '-' && argv[i][1]) {
			fprintf(stderr, "bulwark rules: unknown option '%s'\n", argv[i]);
			return 2;
		}
		if (nfiles >= AGENT_MAX_RULES_PATHS) {
			fprintf(stderr, "bulwark rules: too many files\n");
			return 2;
		}
		files[nfiles++] = argv[i];
	}
	if (!nfiles) {
		fprintf(stderr, "bulwark rules %s: no rules files given\n", argv[1]);
		return 2;
	}

	r = agent_load_rules(files, nfiles, BW_PRIO_DEBUG, &rs, &diag, &err);
	print_diag(&diag, &nerr, &nwarn);
	rules_diag_free(&diag);
	if (r) {
		fprintf(stderr, "%s\n", bw_error_str(&err, buf, sizeof(buf)));
		return 1;
	}
	if (list) {
		for (size_t i = 0; i < rules_count_all(rs); i++) {
			const struct bw_rule *rule = rules_rule_at(rs, i);

			printf("%-12s %-8s %s\n",
			       rules_priority_name(rules_rule_priority(rule)),
			       rules_rule_enabled(rule) ? "enabled" : "disabled",
			       rules_rule_name(rule));
		}
	} else {
		const char *const *plugins;
		size_t np = rules_required_plugins(rs, &plugins);

		for (size_t i = 0; i < np; i++)
			printf("note: requires plugin %s (container metadata is built in)\n",
			       plugins[i]);
		printf("%zu rules loaded, %zu skipped, %zu errors, %zu warnings\n",
		       rules_count_loaded(rs), rules_count_skipped(rs), nerr, nwarn);
	}
	if (strict && rules_count_skipped(rs))
		nerr++;
	rules_free(rs);
	return nerr ? 1 : 0;
}
