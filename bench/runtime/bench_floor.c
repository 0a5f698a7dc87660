/*
 * bench_floor.c - attaches bpf/floor.bpf.c (an empty tp_btf/sys_exit
 * program) and waits for SIGINT/SIGTERM.  Prints "attached" on stdout when
 * ready.  The runtime benchmarks measure syscall cost with this attached as
 * the floor any syscall-exit sensor pays, and compare the real sensor to it.
 */
#include <bpf/libbpf.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "floor.skel.h"

int main(void)
{
	struct floor_bpf *skel;
	sigset_t set;
	int sig, r;

	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigprocmask(SIG_BLOCK, &set, NULL);
	skel = floor_bpf__open_and_load();
	if (!skel) {
		fprintf(stderr, "bench_floor: cannot load floor.bpf.o: %s\n",
			strerror(errno));
		return 1;
	}
	r = floor_bpf__attach(skel);
	if (r) {
		fprintf(stderr, "bench_floor: cannot attach: %s\n",
			strerror(-r));
		floor_bpf__destroy(skel);
		return 1;
	}
	printf("attached\n");
	fflush(stdout);
	sigwait(&set, &sig);
	floor_bpf__destroy(skel);
	return 0;
}
