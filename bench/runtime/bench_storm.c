/*
 * bench_storm.c - a fixed syscall storm for the runtime benchmark: per
 * iteration open/read/close of a file, stat, a TCP connect to a loopback
 * listener (accepted by a thread), and every EXEC_EVERY iterations a
 * fork+exec of /bin/true.  Prints the elapsed seconds and the syscall-ish
 * operation rate; bench/runtime/run.sh runs it with no sensor, with the empty
 * floor program and with the agent, and prints the ratios.
 *
 * usage: bench_storm [ITERATIONS]   (default 20000)
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define EXEC_EVERY 100

static int listen_fd;

static void *acceptor(void *arg)
{
	(void)arg;
	for (;;) {
		int c = accept(listen_fd, NULL, NULL);

		if (c < 0) {
			if (errno == EINTR)
				continue;
			return NULL;
		}
		close(c);
	}
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	long iters = argc > 1 ? strtol(argv[1], NULL, 10) : 20000;
	struct sockaddr_in sa = {.sin_family = AF_INET};
	socklen_t salen = sizeof(sa);
	pthread_t th;
	char buf[256];
	struct stat sb;
	double t0, dt;
	long ops = 0;

	listen_fd = socket(AF_INET, SOCK_STREAM, 0);
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (bind(listen_fd, (struct sockaddr *)&sa, sizeof(sa)) ||
	    listen(listen_fd, 1024) ||
	    getsockname(listen_fd, (struct sockaddr *)&sa, &salen)) {
		perror("listen");
		return 1;
	}
	pthread_create(&th, NULL, acceptor, NULL);

	t0 = now();
	for (long i = 0; i < iters; i++) {
		int fd = open("/etc/hostname", O_RDONLY);
		int s;

		if (fd >= 0) {
			if (read(fd, buf, sizeof(buf)) < 0)
				perror("read");
			close(fd);
		}
		stat("/etc/passwd", &sb);
		s = socket(AF_INET, SOCK_STREAM, 0);
		if (connect(s, (struct sockaddr *)&sa, sizeof(sa)))
			perror("connect");
		close(s);
		ops += 8;
		if (i % EXEC_EVERY == 0) {
			pid_t p = fork();

			if (p == 0) {
				execl("/bin/true", "true", (char *)NULL);
				_exit(127);
			}
			waitpid(p, NULL, 0);
			ops += 3;
		}
	}
	dt = now() - t0;
	printf("storm iterations=%ld seconds=%.4f ops_per_s=%.0f\n", iters, dt,
	       (double)ops / dt);
	return 0;
}
