/*
 * test_output_sinks.c - the local sinks and the lifecycle of struct
 * bw_outputs (src/output/outputs.c, sink_file.c, sink_syslog.c, queue.c):
 * the file sink appends lines and reopens after a logrotate-style move,
 * stdout gets one line per alert, stats count, errors name their input,
 * and the bounded queue refuses instead of blocking.
 */
/* cmocka needs these first */
/* clang-format off */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
/* clang-format on */

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "output/output.h"
#include "output/output_int.h"

static const char *const TAGS[] = {"filesystem"};

static struct bw_alert make_alert(int i)
{
	static char out[64];
	struct bw_alert a = {
	    .ts_ns = 1795868462000000000ull + (uint64_t)i,
	    .rule = "Read Sensitive File",
	    .priority = BW_PRIO_WARNING,
	    .source = "syscall",
	    .output = out,
	    .output_fields = NULL,
	    .tags = TAGS,
	    .ntags = 1,
	};

	snprintf(out, sizeof(out), "alert number %d", i);
	return a;
}

struct tmpdir {
	char dir[64];
	char file[128];
};

static int setup_dir(void **state)
{
	struct tmpdir *t = calloc(1, sizeof(*t));

	snprintf(t->dir, sizeof(t->dir), "/tmp/bw-output-XXXXXX");
	assert_non_null(mkdtemp(t->dir));
	snprintf(t->file, sizeof(t->file), "%s/alerts.json", t->dir);
	*state = t;
	return 0;
}

static int teardown_dir(void **state)
{
	struct tmpdir *t = *state;
	char p[160];

	unlink(t->file);
	snprintf(p, sizeof(p), "%s.1", t->file);
	unlink(p);
	rmdir(t->dir);
	free(t);
	return 0;
}

/* Reads a whole small file; caller frees. */
static char *slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	char *buf = calloc(1, 1 << 20);
	size_t n;

	assert_non_null(f);
	n = fread(buf, 1, (1 << 20) - 1, f);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

static size_t count_lines(const char *s)
{
	size_t n = 0;

	for (; *s; s++)
		n += *s == '\n';
	return n;
}

static void test_file_sink_appends_json_lines(void **state)
{
	struct tmpdir *t = *state;
	struct bw_output_config cfg = {
	    .format = BW_OUT_JSON, .file = t->file, .hostname = "h1"};
	struct bw_outputs *o = NULL;
	struct bw_error err = {0};
	FILE *f = fopen(t->file, "w");
	char *text, *line;
	int i = 0;

	fputs("existing line\n", f);
	fclose(f);
	assert_int_equal(output_open(&cfg, &o, &err), 0);
	for (int k = 0; k < 3; k++) {
		struct bw_alert a = make_alert(k);

		output_emit(o, &a);
	}
	output_close(o, 2000);
	text = slurp(t->file);
	assert_int_equal(count_lines(text), 4);
	assert_true(strncmp(text, "existing line\n", 14) == 0);
	for (line = strtok(text + 14, "\n"); line; line = strtok(NULL, "\n")) {
		json_t *j = json_loads(line, 0, NULL);
		char want[32];

		assert_non_null(j);
		snprintf(want, sizeof(want), "alert number %d", i++);
		assert_non_null(strstr(
		    json_string_value(json_object_get(j, "output")), want));
		assert_string_equal(
		    json_string_value(json_object_get(j, "hostname")), "h1");
		json_decref(j);
	}
	assert_int_equal(i, 3);
	free(text);
}

static void test_file_sink_writes_text_format(void **state)
{
	struct tmpdir *t = *state;
	struct bw_output_config cfg = {.format = BW_OUT_TEXT, .file = t->file};
	struct bw_outputs *o = NULL;
	struct bw_alert a = make_alert(7);
	char *text;

	assert_int_equal(output_open(&cfg, &o, NULL), 0);
	output_emit(o, &a);
	output_close(o, 2000);
	text = slurp(t->file);
	assert_string_equal(text, "2026-11-28T12:21:02.000000007Z: Warning "
				  "alert number 7\n");
	free(text);
}

static void test_file_sink_reopens_after_rotation(void **state)
{
	struct tmpdir *t = *state;
	struct bw_output_config cfg = {.format = BW_OUT_TEXT, .file = t->file};
	struct bw_outputs *o = NULL;
	struct bw_output_stats st;
	struct bw_alert a = make_alert(1);
	char rotated[160], *text;

	snprintf(rotated, sizeof(rotated), "%s.1", t->file);
	assert_int_equal(output_open(&cfg, &o, NULL), 0);
	output_emit(o, &a);
	assert_int_equal(output_flush(o, 5000), 0);
	assert_int_equal(rename(t->file, rotated), 0);
	output_reopen(o);
	a = make_alert(2);
	output_emit(o, &a);
	assert_int_equal(output_flush(o, 5000), 0);
	output_stats(o, &st);
	assert_int_equal(st.failed, 0);
	output_close(o, 2000);
	text = slurp(rotated);
	assert_non_null(strstr(text, "alert number 1"));
	assert_int_equal(count_lines(text), 1);
	free(text);
	text = slurp(t->file);
	assert_non_null(strstr(text, "alert number 2"));
	assert_int_equal(count_lines(text), 1);
	free(text);
}

static void test_file_open_error_names_the_file(void **state)
{
	struct bw_output_config cfg = {.file =
					   "/nonexistent-dir/x/alerts.json"};
	struct bw_outputs *o = NULL;
	struct bw_error err = {0};

	assert_int_equal(output_open(&cfg, &o, &err), -ENOENT);
	assert_null(o);
	assert_string_equal(err.input, "/nonexistent-dir/x/alerts.json");
	assert_non_null(strstr(err.msg, "cannot open"));
}

static void test_unknown_format_rejected(void **state)
{
	struct bw_output_config cfg = {.format = (enum bw_output_format)7};
	struct bw_outputs *o = NULL;
	struct bw_error err = {0};

	assert_int_equal(output_open(&cfg, &o, &err), -EINVAL);
	assert_null(o);
}

static void test_stdout_gets_one_line_per_alert(void **state)
{
	struct bw_output_config cfg = {
	    .format = BW_OUT_JSON, .to_stdout = true, .hostname = "h"};
	struct bw_outputs *o = NULL;
	struct bw_output_stats st;
	int p[2], saved;
	char buf[4096];
	ssize_t n;

	fflush(stdout);
	assert_int_equal(pipe(p), 0);
	saved = dup(STDOUT_FILENO);
	dup2(p[1], STDOUT_FILENO);
	assert_int_equal(output_open(&cfg, &o, NULL), 0);
	for (int i = 0; i < 2; i++) {
		struct bw_alert a = make_alert(i);

		output_emit(o, &a);
	}
	output_stats(o, &st);
	output_close(o, 1000);
	dup2(saved, STDOUT_FILENO);
	close(saved);
	close(p[1]);
	n = read(p[0], buf, sizeof(buf) - 1);
	close(p[0]);
	assert_true(n > 0);
	buf[n] = '\0';
	assert_int_equal(count_lines(buf), 2);
	assert_true(strncmp(buf, "{\"hostname\":\"h\",", 16) == 0);
	assert_int_equal(st.emitted, 2);
	assert_int_equal(st.dropped, 0);
	assert_int_equal(st.failed, 0);
}

static void test_no_sinks_counts_emitted(void **state)
{
	struct bw_output_config cfg = {0};
	struct bw_outputs *o = NULL;
	struct bw_output_stats st;
	struct bw_alert a = make_alert(0);

	assert_int_equal(output_open(&cfg, &o, NULL), 0);
	output_emit(o, &a);
	output_emit(o, &a);
	output_stats(o, &st);
	assert_int_equal(st.emitted, 2);
	assert_int_equal(output_flush(o, 10), 0);
	output_close(o, 0);
}

static void test_null_outputs_are_no_ops(void **state)
{
	struct bw_output_stats st;
	struct bw_alert a = make_alert(0);

	output_emit(NULL, &a);
	output_reopen(NULL);
	output_stats(NULL, &st);
	assert_int_equal(st.emitted, 0);
	output_close(NULL, 0);
}

static void test_syslog_sink_opens_and_closes(void **state)
{
	struct bw_output_config cfg = {.format = BW_OUT_TEXT,
				       .to_syslog = true};
	struct bw_outputs *o = NULL;
	struct bw_output_stats st;
	struct bw_alert a = make_alert(3);

	assert_int_equal(output_open(&cfg, &o, NULL), 0);
	output_emit(o, &a);
	assert_int_equal(output_flush(o, 5000), 0);
	output_stats(o, &st);
	assert_int_equal(st.emitted, 1);
	assert_int_equal(st.dropped, 0);
	output_close(o, 1000);
}

/* ---- the queue itself -------------------------------------------------- */

static void test_queue_refuses_when_full_by_count(void **state)
{
	struct out_queue q;
	struct out_msg *m = out_msg_new("x", 1, BW_PRIO_DEBUG);

	assert_int_equal(out_queue_init(&q, 2, 1 << 20), 0);
	assert_int_equal(out_queue_push(&q, m), 0);
	assert_int_equal(out_queue_push(&q, m), 0);
	assert_int_equal(out_queue_push(&q, m), -ENOSPC);
	assert_int_equal(atomic_load(&m->refs), 3);
	out_queue_destroy(&q);
	assert_int_equal(atomic_load(&m->refs), 1);
	out_msg_unref(m);
}

static void test_queue_refuses_when_full_by_bytes(void **state)
{
	struct out_queue q;
	struct out_msg *m = out_msg_new("0123456789", 10, BW_PRIO_DEBUG);

	assert_int_equal(out_queue_init(&q, 100, 25), 0);
	assert_int_equal(out_queue_push(&q, m), 0);
	assert_int_equal(out_queue_push(&q, m), 0);
	assert_int_equal(out_queue_push(&q, m), -ENOSPC);
	out_queue_destroy(&q);
	out_msg_unref(m);
}

static void test_queue_pops_in_order_and_abort_drops(void **state)
{
	struct out_queue q;
	struct out_msg *a = out_msg_new("a", 1, BW_PRIO_DEBUG);
	struct out_msg *b = out_msg_new("b", 1, BW_PRIO_DEBUG);
	struct out_msg *got = NULL;
	uint64_t dropped = 0;

	assert_int_equal(out_queue_init(&q, 4, 1 << 20), 0);
	out_queue_push(&q, a);
	out_queue_push(&q, b);
	out_queue_push(&q, a);
	assert_int_equal(out_queue_pop(&q, &got, &dropped), 1);
	assert_ptr_equal(got, a);
	out_msg_unref(got);
	out_queue_abort(&q);
	assert_int_equal(out_queue_pop(&q, &got, &dropped), 0);
	assert_int_equal(dropped, 2);
	assert_int_equal(out_queue_push(&q, a), -ENOSPC);
	out_queue_destroy(&q);
	assert_int_equal(atomic_load(&a->refs), 1);
	assert_int_equal(atomic_load(&b->refs), 1);
	out_msg_unref(a);
	out_msg_unref(b);
}

static void test_queue_stopped_refuses(void **state)
{
	struct out_queue q;
	struct out_msg *m = out_msg_new("a", 1, BW_PRIO_DEBUG), *got = NULL;
	uint64_t dropped = 0;

	assert_int_equal(out_queue_init(&q, 4, 1 << 20), 0);
	assert_int_equal(out_queue_push(&q, m), 0);
	out_queue_stop(&q);
	assert_int_equal(out_queue_push(&q, m), -ENOSPC);
	/* What was queued before the stop is still delivered. */
	assert_int_equal(out_queue_pop(&q, &got, &dropped), 1);
	out_msg_unref(got);
	assert_int_equal(out_queue_pop(&q, &got, &dropped), 0);
	assert_int_equal(dropped, 0);
	out_queue_destroy(&q);
	out_msg_unref(m);
}

static void test_message_ends_with_newline(void **state)
{
	struct out_msg *m = out_msg_new("abc", 3, BW_PRIO_ALERT);

	assert_int_equal(m->len, 4);
	assert_string_equal(m->data, "abc\n");
	out_msg_unref(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_file_sink_appends_json_lines,
					    setup_dir, teardown_dir),
	    cmocka_unit_test_setup_teardown(test_file_sink_writes_text_format,
					    setup_dir, teardown_dir),
	    cmocka_unit_test_setup_teardown(
		test_file_sink_reopens_after_rotation, setup_dir, teardown_dir),
	    cmocka_unit_test(test_file_open_error_names_the_file),
	    cmocka_unit_test(test_unknown_format_rejected),
	    cmocka_unit_test(test_stdout_gets_one_line_per_alert),
	    cmocka_unit_test(test_no_sinks_counts_emitted),
	    cmocka_unit_test(test_null_outputs_are_no_ops),
	    cmocka_unit_test(test_syslog_sink_opens_and_closes),
	    cmocka_unit_test(test_queue_refuses_when_full_by_count),
	    cmocka_unit_test(test_queue_refuses_when_full_by_bytes),
	    cmocka_unit_test(test_queue_pops_in_order_and_abort_drops),
	    cmocka_unit_test(test_queue_stopped_refuses),
	    cmocka_unit_test(test_message_ends_with_newline),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
