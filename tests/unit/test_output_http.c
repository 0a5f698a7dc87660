/*
 * test_output_http.c - the webhook sink (src/output/sink_http.c) against a
 * tiny HTTP/1.1 server run by the test on 127.0.0.1 (an ephemeral port):
 * the POSTed body is the Falco JSON line with Content-Type
 * application/json, the connection is kept alive, non-2xx and refused
 * connections count as failed, bad URLs are refused at open, and a server
 * that never answers cannot slow output_emit down: the queue fills and the
 * rest is dropped and counted.  All traffic stays on the loopback.
 */
/* cmocka needs these first */
/* clang-format off */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
/* clang-format on */

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#include "output/output.h"

/* ---- the test server ------------------------------------------------------
 */

enum srv_mode { SRV_OK, SRV_500, SRV_SILENT };

#define SRV_BUF (1 << 20)
#define SRV_MAX_SECONDS 30 /* the server stops by itself after this */

struct srv {
	enum srv_mode mode;
	int lfd, port;
	atomic_bool stop;
	pthread_t th;
	bool running;
	pthread_mutex_t mu;
	int requests, connections;
	char head[8192]; /* first request's head */
	char *body;	 /* first request's body, NUL terminated */
};

static const char *find_header(const char *head, const char *name)
{
	size_t n = strlen(name);

	for (const char *p = strstr(head, "\r\n"); p; p = strstr(p + 2, "\r\n"))
		if (!strncasecmp(p + 2, name, n) && p[2 + n] == ':')
			return p + 3 + n;
	return NULL;
}

/* Handles the requests of one connection until it closes or we stop. */
static void serve_conn(struct srv *s, int fd, char *buf)
{
	size_t have = 0;
	time_t end = time(NULL) + SRV_MAX_SECONDS;

	while (!atomic_load(&s->stop) && time(NULL) < end) {
		struct pollfd p = {.fd = fd, .events = POLLIN};
		char *eoh;
		const char *cl;
		size_t head_len, body_len, total;
		ssize_t n;

		if (poll(&p, 1, 50) <= 0)
			continue;
		n = read(fd, buf + have, SRV_BUF - 1 - have);
		if (n <= 0)
			return;
		have += (size_t)n;
		buf[have] = '\0';
		while ((eoh = strstr(buf, "\r\n\r\n"))) {
			static const char OK[] =
			    "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok";
			static const char BAD[] =
			    "HTTP/1.1 500 Oops\r\nContent-Length: 0\r\n\r\n";

			head_len = (size_t)(eoh - buf) + 4;
			*eoh = '\0';
			cl = find_header(buf, "Content-Length");
			body_len = cl ? strtoul(cl, NULL, 10) : 0;
			*eoh = '\r';
			total = head_len + body_len;
			if (have < total)
				break;
			pthread_mutex_lock(&s->mu);
			if (!s->requests) {
				snprintf(s->head, sizeof(s->head), "%.*s",
					 (int)head_len, buf);
				s->body = strndup(buf + head_len, body_len);
			}
			s->requests++;
			pthread_mutex_unlock(&s->mu);
			/* No cmocka asserts off the test's thread. */
			if (s->mode == SRV_OK
				? write(fd, OK, sizeof(OK) - 1) < 0
				: write(fd, BAD, sizeof(BAD) - 1) < 0)
				return;
			memmove(buf, buf + total, have - total);
			have -= total;
			buf[have] = '\0';
		}
	}
}

static void *srv_main(void *arg)
{
	struct srv *s = arg;
	char *buf = malloc(SRV_BUF);
	time_t end = time(NULL) + SRV_MAX_SECONDS;

	while (!atomic_load(&s->stop) && time(NULL) < end) {
		struct pollfd p = {.fd = s->lfd, .events = POLLIN};
		int fd;

		if (poll(&p, 1, 50) <= 0)
			continue;
		fd = accept(s->lfd, NULL, NULL);
		if (fd < 0)
			continue;
		pthread_mutex_lock(&s->mu);
		s->connections++;
		pthread_mutex_unlock(&s->mu);
		serve_conn(s, fd, buf);
		close(fd);
	}
	free(buf);
	return NULL;
}

static struct srv *srv_start(enum srv_mode mode)
{
	struct srv *s = calloc(1, sizeof(*s));
	struct sockaddr_in sa = {.sin_family = AF_INET,
				 .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	socklen_t len = sizeof(sa);

	s->mode = mode;
	pthread_mutex_init(&s->mu, NULL);
	s->lfd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	assert_true(s->lfd >= 0);
	assert_int_equal(bind(s->lfd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	assert_int_equal(listen(s->lfd, 16), 0);
	assert_int_equal(getsockname(s->lfd, (struct sockaddr *)&sa, &len), 0);
	s->port = ntohs(sa.sin_port);
	/* A silent server listens (the kernel completes the handshake) but
	 * never accepts nor answers. */
	if (mode != SRV_SILENT) {
		assert_int_equal(pthread_create(&s->th, NULL, srv_main, s), 0);
		s->running = true;
	}
	return s;
}

static void srv_stop(struct srv *s)
{
	atomic_store(&s->stop, true);
	if (s->running)
		pthread_join(s->th, NULL);
	close(s->lfd);
	pthread_mutex_destroy(&s->mu);
	free(s->body);
	free(s);
}

static int srv_count(struct srv *s, const int *counter)
{
	int n;

	pthread_mutex_lock(&s->mu);
	n = *counter;
	pthread_mutex_unlock(&s->mu);
	return n;
}

static void url_of(const struct srv *s, char *buf, size_t len)
{
	snprintf(buf, len, "http://127.0.0.1:%d/", s->port);
}

/* ---- alerts ----------------------------------------------------------------
 */

static const char *const TAGS[] = {"T1059", "shell"};

static struct bw_alert make_alert(void)
{
	struct bw_alert a = {
	    .ts_ns = 1795868462123456789ull,
	    .rule = "Terminal shell in container",
	    .priority = BW_PRIO_NOTICE,
	    .source = "syscall",
	    .output = "A shell was spawned (proc.name=bash)",
	    .output_fields = json_pack("{s:s}", "proc.name", "bash"),
	    .tags = TAGS,
	    .ntags = 2,
	};
	return a;
}

static int setup(void **state)
{
	/* Only loopback traffic: never through a proxy from the environment. */
	setenv("no_proxy", "*", 1);
	setenv("NO_PROXY", "*", 1);
	return 0;
}

/* ---- tests -----------------------------------------------------------------
 */

static void test_webhook_posts_the_json_line(void **state)
{
	struct srv *s = srv_start(SRV_OK);
	struct bw_output_config cfg = {.hostname = "testhost"};
	struct bw_outputs *o = NULL;
	struct bw_output_stats st;
	struct bw_alert a = make_alert();
	char url[64], *want = output_format_json(&a, "testhost");
	const char *ct;

	url_of(s, url, sizeof(url));
	cfg.webhook_url = url;
	assert_int_equal(output_open(&cfg, &o, NULL), 0);
	output_emit(o, &a);
	assert_int_equal(output_flush(o, 10000), 0);
	output_stats(o, &st);
	output_close(o, 1000);
	assert_int_equal(srv_count(s, &s->requests), 1);
	assert_int_equal(st.failed, 0);
	assert_int_equal(st.dropped, 0);
	assert_true(strncmp(s->head, "POST / HTTP/1.1\r\n", 17) == 0);
	ct = find_header(s->head, "Content-Type");
	assert_non_null(ct);
	assert_true(strncmp(ct, " application/json\r\n", 19) == 0);
	assert_null(find_header(s->head, "Expect"));
	assert_string_equal(s->body, want);
	free(want);
	json_decref(a.output_fields);
	srv_stop(s);
}

static void test_webhook_reuses_one_connection(void **state)
{
	struct srv *s = srv_start(SRV_OK);
	struct bw_output_config cfg = {0};
	struct bw_outputs *o = NULL;
	struct bw_alert a = make_alert();
	char url[64];

	url_of(s, url, sizeof(url));
	cfg.webhook_url = url;
	assert_int_equal(output_open(&cfg, &o, NULL), 0);
	for (int i = 0; i < 5; i++)
		output_emit(o, &a);
	assert_int_equal(output_flush(o, 10000), 0);
	output_close(o, 1000);
	assert_int_equal(srv_count(s, &s->requests), 5);
	assert_int_equal(srv_count(s, &s->connections), 1);
	json_decref(a.output_fields);
	srv_stop(s);
}

static void test_webhook_non_2xx_counts_failed(void **state)
{
	struct srv *s = srv_start(SRV_500);
	struct bw_output_config cfg = {0};
	struct bw_outputs *o = NULL;
	struct bw_output_stats st;
	struct bw_alert a = make_alert();
	char url[64];

	url_of(s, url, sizeof(url));
	cfg.webhook_url = url;
	assert_int_equal(output_open(&cfg, &o, NULL), 0);
	for (int i = 0; i < 3; i++)
		output_emit(o, &a);
	assert_int_equal(output_flush(o, 10000), 0);
	output_stats(o, &st);
	output_close(o, 1000);
	assert_int_equal(srv_count(s, &s->requests), 3);
	assert_int_equal(st.failed, 3);
	assert_int_equal(st.dropped, 0);
	json_decref(a.output_fields);
	srv_stop(s);
}

static void test_webhook_refused_connection_counts_failed(void **state)
{
	struct srv *s = srv_start(SRV_SILENT);
	struct bw_output_config cfg = {0};
	struct bw_outputs *o = NULL;
	struct bw_output_stats st;
	struct bw_alert a = make_alert();
	char url[64];

	/* Free the port again: connecting to it is refused. */
	url_of(s, url, sizeof(url));
	srv_stop(s);
	cfg.webhook_url = url;
	assert_int_equal(output_open(&cfg, &o, NULL), 0);
	output_emit(o, &a);
	assert_int_equal(output_flush(o, 10000), 0);
	output_stats(o, &st);
	output_close(o, 1000);
	assert_int_equal(st.failed, 1);
	json_decref(a.output_fields);
}

static void test_webhook_bad_urls_refused_at_open(void **state)
{
	static const char *const BAD[] = {"ftp://127.0.0.1/",
					  "file:///etc/passwd", "http://",
					  "not a url at all"};

	for (size_t i = 0; i < sizeof(BAD) / sizeof(BAD[0]); i++) {
		struct bw_output_config cfg = {.webhook_url = BAD[i]};
		struct bw_outputs *o = NULL;
		struct bw_error err = {0};

		assert_int_equal(output_open(&cfg, &o, &err), -EINVAL);
		assert_null(o);
		assert_true(err.msg[0] != '\0');
	}
}

static void test_webhook_missing_ca_file_refused(void **state)
{
	struct bw_output_config cfg = {.webhook_url = "https://127.0.0.1:1/",
				       .ca_file = "/nonexistent/ca.pem"};
	struct bw_outputs *o = NULL;
	struct bw_error err = {0};

	assert_int_equal(output_open(&cfg, &o, &err), -ENOENT);
	assert_string_equal(err.input, "/nonexistent/ca.pem");
}

static void
test_silent_server_never_blocks_emit_and_drops_are_counted(void **state)
{
	enum { N = 20000 };
	struct srv *s = srv_start(SRV_SILENT);
	struct bw_output_config cfg = {0};
	struct bw_outputs *o = NULL;
	struct bw_output_stats st;
	struct bw_alert a = make_alert();
	char url[64];

	url_of(s, url, sizeof(url));
	cfg.webhook_url = url;
	assert_int_equal(output_open(&cfg, &o, NULL), 0);
	for (int i = 0; i < N; i++)
		output_emit(o, &a);
	output_stats(o, &st);
	assert_int_equal(st.emitted, N);
	/* At most one in flight and OUTPUT_QUEUE_MAX queued; the rest
	 * dropped. */
	assert_true(st.dropped > 0);
	assert_true(st.dropped >= N - OUTPUT_QUEUE_MAX - 1);
	assert_int_equal(output_flush(o, 50), -ETIMEDOUT);
	/* Close gives up on the queue after its timeout and joins. */
	output_close(o, 100);
	json_decref(a.output_fields);
	srv_stop(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_webhook_posts_the_json_line),
	    cmocka_unit_test(test_webhook_reuses_one_connection),
	    cmocka_unit_test(test_webhook_non_2xx_counts_failed),
	    cmocka_unit_test(test_webhook_refused_connection_counts_failed),
	    cmocka_unit_test(test_webhook_bad_urls_refused_at_open),
	    cmocka_unit_test(test_webhook_missing_ca_file_refused),
	    cmocka_unit_test(
		test_silent_server_never_blocks_emit_and_drops_are_counted),
	};

	return cmocka_run_group_tests(tests, setup, NULL);
}
