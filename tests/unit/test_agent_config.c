/* test_agent_config.c - the agent's YAML configuration file. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agent/agent.h"

static const char *data(const char *name)
{
	static char path[4096];
	const char *src = getenv("BW_SOURCE_DIR");

	snprintf(path, sizeof(path), "%s/tests/data/agent/%s", src ? src : ".", name);
	return path;
}

static void full_config_sets_every_option(void **state)
{
	struct bw_agent_config cfg = {.out = {.to_stdout = true}};
	struct bw_error err = {0};
	char **strings = NULL;

	(void)state;
	assert_int_equal(agent_config_load(data("full.yaml"), &cfg, &strings, &err), 0);
	assert_int_equal(cfg.nrules_paths, 2);
	assert_string_equal(cfg.rules_paths[1], "/etc/bulwark/rules.d");
	assert_int_equal(cfg.min_priority, BW_PRIO_WARNING);
	assert_int_equal(cfg.out.format, BW_OUT_TEXT);
	assert_int_equal(cfg.ringbuf_bytes, 8388608);
	assert_false(cfg.out.to_stdout);
	assert_true(cfg.out.to_syslog);
	assert_string_equal(cfg.out.file, "/var/log/bulwark.json");
	assert_string_equal(cfg.out.webhook_url, "http://127.0.0.1:2801/");
	assert_true(cfg.out.insecure);
	agent_config_strings_free(strings);
}

static void unknown_key_is_an_error_with_position(void **state)
{
	struct bw_agent_config cfg = {0};
	struct bw_error err = {0};
	char **strings = NULL;

	(void)state;
	assert_int_equal(agent_config_load(data("unknown-key.yaml"), &cfg, &strings, &err), -22);
	assert_int_equal(err.line, 3);
	assert_int_equal(err.column, 12);
	assert_non_null(strstr(err.msg, "enabeld"));
}

/* Fuzzer finding: an empty json_output used an unset bool. */
static void json_output_without_a_value_is_an_error(void **state)
{
	struct bw_agent_config cfg = {0};
	struct bw_error err = {0};
	char **strings = NULL;

	(void)state;
	assert_int_equal(agent_config_load(data("json-output-empty.yaml"), &cfg,
					   &strings, &err),
			 -22);
	assert_int_equal(err.line, 1);
	agent_config_strings_free(strings);
}

static void invalid_yaml_reports_line(void **state)
{
	struct bw_agent_config cfg = {0};
	struct bw_error err = {0};
	char **strings = NULL;

	(void)state;
	assert_int_equal(agent_config_load(data("bad-yaml.yaml"), &cfg, &strings, &err), -22);
	assert_true(err.line >= 1);
	assert_non_null(strstr(err.input, "bad-yaml.yaml"));
}

static void missing_file_is_an_error(void **state)
{
	struct bw_agent_config cfg = {0};
	struct bw_error err = {0};
	char **strings = NULL;

	(void)state;
	assert_true(agent_config_load("/nonexistent/bulwark.yaml", &cfg, &strings, &err) < 0);
	assert_non_null(strstr(err.msg, "cannot open"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(full_config_sets_every_option),
		cmocka_unit_test(unknown_key_is_an_error_with_position),
		cmocka_unit_test(invalid_yaml_reports_line),
		cmocka_unit_test(json_output_without_a_value_is_an_error),
		cmocka_unit_test(missing_file_is_an_error),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
