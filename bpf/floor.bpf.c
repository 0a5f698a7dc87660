// SPDX-License-Identifier: GPL-2.0
/*
 * floor.bpf.c - an empty tp_btf/sys_exit program: the cost of merely having
 * a BPF program on the syscall-exit tracepoint.  Benchmarks compare the
 * real sensor against this floor (bench/runtime/bench_floor.c loads it).
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

char LICENSE[] SEC("license") = "GPL";

SEC("tp_btf/sys_exit")
int BPF_PROG(floor_sys_exit, struct pt_regs *regs, long ret)
{
	return 0;
}
