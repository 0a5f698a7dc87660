/*
 * bw_attack.c - attacker actions for the runtime integration tests, built
 * statically so it runs inside the busybox container.  Each subcommand does
 * one thing a default rule must catch; failures of the syscall itself
 * (EPERM in an unprivileged container) are expected and ignored: the rules
 * look at the attempt.
 *
 *   bw_attack ptrace          fork a child and PTRACE_ATTACH to it
 *   bw_attack packet          socket(AF_PACKET, SOCK_RAW, ...)
 *   bw_attack setuid-root     (setuid-root binary, run as a user) seteuid(user)
 *                             then setuid(0): a non-root process becomes root
 *   bw_attack memfd-exec      run /bin/busybox true from a memfd
 *   bw_attack module          finit_module on /dev/null
 *   bw_attack bpf             bpf(BPF_PROG_LOAD) with an empty program
 *   bw_attack unshare         unshare(CLONE_NEWNS|CLONE_NEWUTS)
 *   bw_attack connect IP PORT connect (TCP) and close
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/bpf.h>
#include <netinet/in.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/ptrace.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static int do_ptrace(void)
{
	pid_t child = fork();

	if (child == 0) {
		pause();
		_exit(0);
	}
	usleep(100000);
	if (ptrace(PTRACE_ATTACH, child, NULL, NULL) == 0) {
		waitpid(child, NULL, 0);
		ptrace(PTRACE_DETACH, child, NULL, NULL);
	} else {
		perror("ptrace");
	}
	kill(child, SIGKILL);
	waitpid(child, NULL, 0);
	return 0;
}

static int do_copy_exec_memfd(void)
{
	int fd = memfd_create("payload", 0), in = open("/bin/busybox", O_RDONLY);
	char buf[65536];
	ssize_t n;
	char *argv[] = {"payload", "true", NULL};
	char *envp[] = {NULL};

	if (fd < 0 || in < 0) {
		perror("memfd");
		return 1;
	}
	while ((n = read(in, buf, sizeof(buf))) > 0)
		if (write(fd, buf, (size_t)n) != n)
			return 1;
	close(in);
	fexecve(fd, argv, envp);
	perror("fexecve");
	return 1;
}

int main(int argc, char **argv)
{
	const char *cmd = argc > 1 ? argv[1] : "";

	if (!strcmp(cmd, "ptrace"))
		return do_ptrace();
	if (!strcmp(cmd, "packet")) {
		int s = socket(AF_PACKET, SOCK_RAW, htons(3));

		if (s >= 0)
			close(s);
		return 0;
	}
	if (!strcmp(cmd, "setuid-root")) {
		uid_t ruid = getuid();

		if (seteuid(ruid))
			perror("seteuid");
		if (setuid(0))
			perror("setuid");
		printf("uid=%d euid=%d\n", getuid(), geteuid());
		return 0;
	}
	if (!strcmp(cmd, "memfd-exec"))
		return do_copy_exec_memfd();
	if (!strcmp(cmd, "module")) {
		int fd = open("/dev/null", O_RDONLY);

		syscall(SYS_finit_module, fd, "", 0);
		return 0;
	}
	if (!strcmp(cmd, "bpf")) {
		union bpf_attr attr;

		memset(&attr, 0, sizeof(attr));
		attr.prog_type = BPF_PROG_TYPE_SOCKET_FILTER;
		syscall(SYS_bpf, BPF_PROG_LOAD, &attr, sizeof(attr));
		return 0;
	}
	if (!strcmp(cmd, "unshare")) {
		unshare(CLONE_NEWNS | CLONE_NEWUTS);
		return 0;
	}
	if (!strcmp(cmd, "connect") && argc == 4) {
		struct sockaddr_in sa = {.sin_family = AF_INET,
					 .sin_port = htons((uint16_t)strtol(argv[3], NULL, 10))};
		int s = socket(AF_INET, SOCK_STREAM, 0);

		inet_pton(AF_INET, argv[2], &sa.sin_addr);
		if (connect(s, (struct sockaddr *)&sa, sizeof(sa)))
			perror("connect");
		close(s);
		return 0;
	}
	fprintf(stderr, "usage: bw_attack ptrace|packet|setuid-root|memfd-exec|module|bpf|unshare|connect IP PORT\n");
	return 2;
}
