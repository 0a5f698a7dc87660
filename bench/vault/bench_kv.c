/*
 * bench_kv.c - load generator for the secrets server (bench/vault/run.sh).
 *
 *   bench_kv --port PORT --cacert FILE --token TOKEN --phase floor|read|write
 *            [--threads 32] [--seconds 5] [--server-pid PID]
 *
 * N threads, each with one TLS connection kept alive for the whole phase
 * (HTTP/1.1, TCP_NODELAY), send requests back to back:
 *   floor  GET /v1/sys/internal/bench-floor (a server started with
 *          --dev --bench-floor: the transport's fixed 200)
 *   read   GET /v1/secret/data/bench/r<thread> (written once before timing)
 *   write  POST /v1/secret/data/bench/w<thread> {"data":{...}}
 * and print one line:
 *   phase=read threads=32 seconds=5.00 requests=N rps=R p50_us=A p99_us=B
 *   errors=E client_cpu_us=C server_cpu_us=S
 * where *_cpu_us is CPU time per request (the server's from /proc/PID/stat
 * when --server-pid is given), so the client's own share is visible.
 *
 * The client speaks HTTP over OpenSSL directly rather than through libcurl:
 * on a 2-core loopback run the load generator shares the CPUs with the
 * server, and a request here costs a few microseconds of client CPU (one
 * SSL_write, one or two SSL_reads, a header scan) — see client_cpu_us.
 * Responses must carry Content-Length (libmicrohttpd sets it for buffers);
 * any status other than 200/204 counts as an error.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/ssl.h>

#define MAX_THREADS 256
#define MAX_SAMPLES (1u << 22) /* per thread */
#define RESP_MAX 65536

enum phase { PH_FLOOR, PH_READ, PH_WRITE };

static struct {
	unsigned port;
	const char *token;
	enum phase phase;
	int threads;
	double seconds;
	SSL_CTX *ctx;
	pthread_barrier_t ready;
	volatile int stop;
} g;

struct worker {
	pthread_t tid;
	int id;
	uint32_t *lat; /* microseconds */
	size_t n, cap;
	unsigned long errors;
	int failed;
};

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static SSL *dial(void)
{
	struct sockaddr_in a = {.sin_family = AF_INET};
	int fd = socket(AF_INET, SOCK_STREAM, 0), one = 1;
	SSL *ssl;

	if (fd < 0)
		return NULL;
	a.sin_port = htons((uint16_t)g.port);
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (connect(fd, (struct sockaddr *)&a, sizeof(a))) {
		close(fd);
		return NULL;
	}
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	ssl = SSL_new(g.ctx);
	if (!ssl || !SSL_set_fd(ssl, fd) || !SSL_set1_host(ssl, "127.0.0.1") ||
	    SSL_connect(ssl) != 1) {
		SSL_free(ssl);
		close(fd);
		return NULL;
	}
	return ssl;
}

static void hangup(SSL *ssl)
{
	int fd;

	if (!ssl)
		return;
	fd = SSL_get_fd(ssl);
	SSL_shutdown(ssl);
	SSL_free(ssl);
	close(fd);
}

static int write_all(SSL *ssl, const char *p, size_t n)
{
	while (n) {
		int w = SSL_write(ssl, p, (int)n);

		if (w <= 0)
			return -EIO;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/* Reads one response; returns its status or a negative errno. */
static int read_response(SSL *ssl, char *buf)
{
	size_t len = 0, hdr = 0, need = 0;
	long clen = -1;
	int status = 0;

	for (;;) {
		int r = SSL_read(ssl, buf + len, (int)(RESP_MAX - 1 - len));
		char *end;

		if (r <= 0)
			return -EIO;
		len += (size_t)r;
		buf[len] = '\0';
		if (!hdr) {
			end = strstr(buf, "\r\n\r\n");
			if (!end) {
				if (len >= RESP_MAX - 1)
					return -E2BIG;
				continue;
			}
			hdr = (size_t)(end - buf) + 4;
			if (strncmp(buf, "HTTP/1.1 ", 9))
				return -EPROTO;
			status = (int)strtol(buf + 9, NULL, 10);
			for (char *l = strstr(buf, "\r\n"); l && l < end;
			     l = strstr(l + 2, "\r\n"))
				if (!strncasecmp(l + 2, "Content-Length:", 15))
					clen = strtol(l + 17, NULL, 10);
			if (clen < 0 || (size_t)clen > RESP_MAX - 1 - hdr)
				return -EPROTO;
			need = hdr + (size_t)clen;
		}
		if (len >= need)
			return len == need ? status : -EPROTO;
	}
}

static int build_request(int id, char *out, size_t cap)
{
	static const char body_fmt[] =
	    "{\"data\":{\"user\":\"svc-%d\",\"password\":"
	    "\"0123456789abcdef0123456789abcdef\"}}";
	char body[256];
	int blen, n;

	switch (g.phase) {
	case PH_FLOOR:
		n = snprintf(out, cap,
			     "GET /v1/sys/internal/bench-floor HTTP/1.1\r\n"
			     "Host: 127.0.0.1\r\n\r\n");
		break;
	case PH_READ:
		n = snprintf(out, cap,
			     "GET /v1/secret/data/bench/r%d HTTP/1.1\r\n"
			     "Host: 127.0.0.1\r\nX-Vault-Token: %s\r\n\r\n",
			     id, g.token);
		break;
	default:
		blen = snprintf(body, sizeof(body), body_fmt, id);
		n = snprintf(out, cap,
			     "POST /v1/secret/data/bench/w%d HTTP/1.1\r\n"
			     "Host: 127.0.0.1\r\nX-Vault-Token: %s\r\n"
			     "Content-Type: application/json\r\n"
			     "Content-Length: %d\r\n\r\n%s",
			     id, g.token, blen, body);
		break;
	}
	return n > 0 && (size_t)n < cap ? n : -1;
}

/* The read phase's secret, written before the clock starts. */
static int seed(SSL *ssl, int id, char *buf)
{
	char req[1024], body[128];
	int blen = snprintf(body, sizeof(body),
			    "{\"data\":{\"user\":\"svc-%d\",\"password\":"
			    "\"0123456789abcdef0123456789abcdef\"}}",
			    id);
	int n = snprintf(req, sizeof(req),
			 "POST /v1/secret/data/bench/r%d HTTP/1.1\r\n"
			 "Host: 127.0.0.1\r\nX-Vault-Token: %s\r\n"
			 "Content-Length: %d\r\n\r\n%s",
			 id, g.token, blen, body);
	int st;

	if (n <= 0 || (size_t)n >= sizeof(req))
		return -1;
	if (write_all(ssl, req, (size_t)n))
		return -1;
	st = read_response(ssl, buf);
	return st == 200 || st == 204 ? 0 : -1;
}

static void *run(void *arg)
{
	struct worker *w = arg;
	char *buf = malloc(RESP_MAX), req[1024];
	SSL *ssl = dial();
	int n = build_request(w->id, req, sizeof(req));

	if (!buf || !ssl || n < 0 ||
	    (g.phase == PH_READ && seed(ssl, w->id, buf)))
		w->failed = 1;
	pthread_barrier_wait(&g.ready);
	while (!w->failed && !g.stop) {
		double t0 = now(), dt;
		int st;

		if (write_all(ssl, req, (size_t)n)) {
			w->failed = 1;
			break;
		}
		st = read_response(ssl, buf);
		if (st < 0) {
			w->failed = 1;
			break;
		}
		dt = (now() - t0) * 1e6;
		if (st != 200 && st != 204)
			w->errors++;
		if (w->n == w->cap) {
			size_t ncap = w->cap ? w->cap * 2 : 65536;
			uint32_t *nl;

			if (ncap > MAX_SAMPLES)
				break;
			nl = realloc(w->lat, ncap * sizeof(*nl));
			if (!nl)
				break;
			w->lat = nl;
			w->cap = ncap;
		}
		w->lat[w->n++] = dt > 4e9 ? UINT32_MAX : (uint32_t)dt;
	}
	hangup(ssl);
	free(buf);
	return NULL;
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

static double cpu_self_us(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1e6 +
	       (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec);
}

/* utime + stime of a process in microseconds, or -1. */
static double cpu_pid_us(long pid)
{
	char path[64], line[1024], *p;
	unsigned long long ut, st;
	FILE *f;
	size_t n;

	if (pid <= 0)
		return -1;
	snprintf(path, sizeof(path), "/proc/%ld/stat", pid);
	f = fopen(path, "r");
	if (!f)
		return -1;
	n = fread(line, 1, sizeof(line) - 1, f);
	fclose(f);
	line[n] = '\0';
	p = strrchr(line, ')'); /* the command name may hold spaces */
	if (!p || sscanf(p + 2,
			 "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u "
			 "%llu %llu",
			 &ut, &st) != 2)
		return -1;
	return (double)(ut + st) * 1e6 / (double)sysconf(_SC_CLK_TCK);
}

static void usage(void)
{
	fprintf(stderr, "usage: bench_kv --port PORT --cacert FILE "
			"--token TOKEN --phase floor|read|write\n"
			"                [--threads N] [--seconds S] "
			"[--server-pid PID]\n");
	exit(2);
}

int main(int argc, char **argv)
{
	static struct worker w[MAX_THREADS];
	const char *cacert = NULL;
	long spid = 0;
	double t0, t1, c0, c1, s0, s1;
	uint32_t *all;
	size_t total = 0, k = 0;
	unsigned long errors = 0;
	int failed = 0;

	g.threads = 32;
	g.seconds = 5;
	g.token = "";
	g.phase = PH_FLOOR;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (!v)
			usage();
		i++;
		if (!strcmp(a, "--port"))
			g.port = (unsigned)strtoul(v, NULL, 10);
		else if (!strcmp(a, "--cacert"))
			cacert = v;
		else if (!strcmp(a, "--token"))
			g.token = v;
		else if (!strcmp(a, "--threads"))
			g.threads = (int)strtol(v, NULL, 10);
		else if (!strcmp(a, "--seconds"))
			g.seconds = strtod(v, NULL);
		else if (!strcmp(a, "--server-pid"))
			spid = strtol(v, NULL, 10);
		else if (!strcmp(a, "--phase"))
			g.phase = !strcmp(v, "read")	? PH_READ
				  : !strcmp(v, "write") ? PH_WRITE
							: PH_FLOOR;
		else
			usage();
	}
	if (!g.port || g.port > 65535 || !cacert || g.threads < 1 ||
	    g.threads > MAX_THREADS || g.seconds <= 0 ||
	    strpbrk(g.token, "\r\n"))
		usage();

	g.ctx = SSL_CTX_new(TLS_client_method());
	if (!g.ctx || !SSL_CTX_load_verify_locations(g.ctx, cacert, NULL)) {
		ERR_print_errors_fp(stderr);
		return 1;
	}
	SSL_CTX_set_verify(g.ctx, SSL_VERIFY_PEER, NULL);
	SSL_CTX_set_min_proto_version(g.ctx, TLS1_2_VERSION);
	pthread_barrier_init(&g.ready, NULL, (unsigned)g.threads + 1);
	for (int i = 0; i < g.threads; i++) {
		w[i].id = i;
		if (pthread_create(&w[i].tid, NULL, run, &w[i])) {
			fprintf(stderr, "bench_kv: pthread_create failed\n");
			return 1;
		}
	}
	pthread_barrier_wait(&g.ready);
	t0 = now();
	c0 = cpu_self_us();
	s0 = cpu_pid_us(spid);
	usleep((useconds_t)(g.seconds * 1e6));
	g.stop = 1;
	t1 = now();
	c1 = cpu_self_us();
	s1 = cpu_pid_us(spid);
	for (int i = 0; i < g.threads; i++) {
		pthread_join(w[i].tid, NULL);
		total += w[i].n;
		errors += w[i].errors;
		failed += w[i].failed;
	}
	if (failed) {
		fprintf(stderr,
			"bench_kv: %d connection(s) failed (TLS, I/O or "
			"a malformed response)\n",
			failed);
		return 1;
	}
	all = malloc((total ? total : 1) * sizeof(*all));
	if (!all)
		return 1;
	for (int i = 0; i < g.threads; i++) {
		memcpy(all + k, w[i].lat, w[i].n * sizeof(*all));
		k += w[i].n;
		free(w[i].lat);
	}
	qsort(all, total, sizeof(*all), cmp_u32);
	printf("phase=%s threads=%d seconds=%.2f requests=%zu rps=%.0f "
	       "p50_us=%u p99_us=%u errors=%lu client_cpu_us=%.1f "
	       "server_cpu_us=%.1f\n",
	       g.phase == PH_FLOOR  ? "floor"
	       : g.phase == PH_READ ? "read"
				    : "write",
	       g.threads, t1 - t0, total, (double)total / (t1 - t0),
	       total ? all[total / 2] : 0, total ? all[total * 99 / 100] : 0,
	       errors, total ? (c1 - c0) / (double)total : 0,
	       total && s0 >= 0 && s1 >= 0 ? (s1 - s0) / (double)total : -1);
	free(all);
	SSL_CTX_free(g.ctx);
	return errors ? 1 : 0;
}
