// SPDX-License-Identifier: GPL-2.0
/*
 * bulwark.bpf.c - the kernel side of the sensor.
 *
 * Hooks (tp_btf, with raw_tp twins the loader picks when tp_btf is
 * missing):
 *   sys_exit              every syscall at exit: a .bss byte per syscall
 *                         number (interest[]) decides in two loads whether
 *                         anything happens; arguments are read from the
 *                         saved user registers (x86-64: di si dx r10 r8 r9),
 *                         which are intact at exit except after a
 *                         successful execve.
 *   sched_process_exec    successful execve/execveat (argv from the new
 *                         mm, exe path, inode, memfd/overlay flags, cwd)
 *   sched_process_fork    clone/clone3/fork/vfork in the parent, before
 *                         the child can run (so state sees the child first)
 *   sched_process_exit    procexit, for every thread
 *
 * Records (bulwark.h) are built in a per-CPU, per-hook scratch buffer and
 * copied to the ring buffer; failed copies are counted per CPU in drops.
 * Reads of user memory happen at exit: a racing thread could change a path
 * between the kernel's use and our read (documented limitation).
 */
#include "vmlinux.h"
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_endian.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

#include "bulwark.h"

char LICENSE[] SEC("license") = "GPL";

#define AF_UNIX 1
#define AF_INET 2
#define AF_INET6 10
#define SOCK_DGRAM 2
#define S_IFMT 00170000
#define S_IFSOCK 0140000
#define S_IWUSR 00200
#define S_IWGRP 00020
#define S_IWOTH 00002
#define FMODE_CREATED 0x100000
#define OVERLAYFS_SUPER_MAGIC 0x794c7630
#define PR_SET_NAME 15
#define MS_MGC_MSK 0xffff0000u
#define MS_MGC_VAL 0xC0ED0000u
#define O_CREAT 0100
#define O_WRONLY 01
#define O_TRUNC 01000
#define BW_O_F_CREATED (1ull << 32)
#define BW_EXE_WRITABLE 0x1u
#define BW_EXE_UPPER_LAYER 0x2u
#define BW_EXE_FROM_MEMFD 0x4u
#define BW_EXE_LOWER_LAYER 0x8u

/* event types: must match enum bw_evt_type in src/event/event.h */
enum {
	T_EXECVE = 1, T_EXECVEAT, T_CLONE, T_CLONE3, T_FORK, T_VFORK,
	T_PROCEXIT, T_OPEN, T_OPENAT, T_OPENAT2, T_CREAT, T_CLOSE, T_UNLINK,
	T_UNLINKAT, T_RENAME, T_RENAMEAT, T_RENAMEAT2, T_LINK, T_LINKAT,
	T_SYMLINK, T_SYMLINKAT, T_CHMOD, T_FCHMOD, T_FCHMODAT, T_CHOWN,
	T_LCHOWN, T_FCHOWN, T_FCHOWNAT, T_MKDIR, T_MKDIRAT, T_RMDIR, T_SOCKET,
	T_CONNECT, T_ACCEPT, T_ACCEPT4, T_BIND, T_LISTEN, T_SENDTO,
	T_RECVFROM, T_SENDMSG, T_RECVMSG, T_DUP, T_DUP2, T_DUP3, T_PIPE,
	T_PIPE2, T_FCNTL, T_SETUID, T_SETGID, T_SETREUID, T_SETREGID,
	T_SETRESUID, T_SETRESGID, T_CAPSET, T_PRCTL, T_PTRACE, T_MOUNT,
	T_UMOUNT, T_UMOUNT2, T_INIT_MODULE, T_FINIT_MODULE, T_DELETE_MODULE,
	T_BPF, T_MEMFD_CREATE, T_UNSHARE, T_SETNS, T_CHROOT, T_CHDIR,
	T_FCHDIR, T_USERFAULTFD, T_PIDFD_OPEN, T_PIDFD_GETFD, T_KILL,
	T_TGKILL,
};

/* ---- configuration, set by user space ---------------------------------- */
const volatile __u64 wakeup_bytes = 1 << 20; /* force a wakeup above this */
const volatile bool fork_from_sched = false; /* clone events from sched hook */

/* Mapped by the loader: interest[nr] != 0 = report syscall nr. */
__u8 interest[BW_NR_SLOTS];
__u32 ignore_tgid;

/* ---- maps --------------------------------------------------------------- */
struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 16 << 20); /* resized by the loader */
} rb SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} drops SEC(".maps");

#define SCRATCH_SIZE 32768
#define DATA_MASK 16383
#define DATA_LIMIT 16384
#define PATH_SIZE 4096

struct scratch {
	__u8 buf[SCRATCH_SIZE];
	__u8 path[2 * PATH_SIZE];
	__u32 pos;
};

/* One scratch per (cpu, hook): programs on faultable syscall tracepoints
 * can be preempted, so hooks must not share a buffer. */
#define NHOOKS 4
enum { H_EXIT, H_EXEC, H_FORK, H_PEXIT };

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 256 * NHOOKS); /* set to ncpus * NHOOKS */
	__type(key, __u32);
	__type(value, struct scratch);
} scratch_map SEC(".maps");

/* ---- record building ----------------------------------------------------- */
static __always_inline struct scratch *scratch_get(int hook)
{
	__u32 k = bpf_get_smp_processor_id() * NHOOKS + hook;

	return bpf_map_lookup_elem(&scratch_map, &k);
}

static __always_inline struct bw_rec_param *param(struct scratch *s, int i)
{
	return (struct bw_rec_param *)(s->buf + sizeof(struct bw_rec_hdr) +
				       (i & 31) * sizeof(struct bw_rec_param));
}

static __always_inline void rec_begin(struct scratch *s, int type, int np,
				      long res)
{
	struct bw_rec_hdr *h = (void *)s->buf;
	__u64 pt = bpf_get_current_pid_tgid();

	h->type = type;
	h->cpu = bpf_get_smp_processor_id();
	h->ts = bpf_ktime_get_boot_ns();
	h->res = res;
	h->tid = (__u32)pt;
	h->pid = pt >> 32;
	h->nparams = np;
	for (int i = 0; i < BW_REC_MAX_PARAMS; i++) {
		if (i >= np)
			break;
		struct bw_rec_param *p = param(s, i);

		p->kind = BW_RK_NONE;
		p->val = 0;
		p->off = 0;
		p->len = 0;
	}
	s->pos = sizeof(struct bw_rec_hdr) + np * sizeof(struct bw_rec_param);
}

static __always_inline void put_val(struct scratch *s, int i, __u64 v)
{
	struct bw_rec_param *p = param(s, i);

	p->kind = BW_RK_VAL;
	p->val = v;
}

static __always_inline void set_data(struct scratch *s, int i, __u32 off,
				     __u32 len)
{
	struct bw_rec_param *p = param(s, i);

	p->kind = BW_RK_DATA;
	p->off = off;
	p->len = len;
}

/* Copies a NUL-terminated string (user or kernel) into the data area. */
static __always_inline void put_str(struct scratch *s, int i, const void *ptr,
				    bool user)
{
	__u32 off = s->pos;
	long n;

	if (!ptr || off >= DATA_LIMIT)
		return;
	off &= DATA_MASK;
	if (user)
		n = bpf_probe_read_user_str(s->buf + off, BW_REC_MAX_STR, ptr);
	else
		n = bpf_probe_read_kernel_str(s->buf + off, BW_REC_MAX_STR,
					      ptr);
	if (n <= 0)
		return;
	set_data(s, i, off, n - 1);
	s->pos = off + n;
}

/* Copies len (bounded) raw user bytes into the data area. */
static __always_inline void put_user_bytes(struct scratch *s, int i,
					   const void *ptr, __u32 len)
{
	__u32 off = s->pos;

	if (!ptr || off >= DATA_LIMIT)
		return;
	off &= DATA_MASK;
	__u64 n = len & 0xffff;

	if (n > BW_REC_MAX_SOCKADDR)
		n = BW_REC_MAX_SOCKADDR;
	barrier_var(n);
	if (bpf_probe_read_user(s->buf + off, n, ptr))
		return;
	set_data(s, i, off, n);
	s->pos = off + n;
}

static __always_inline void emit(struct scratch *s)
{
	struct bw_rec_hdr *h = (void *)s->buf;
	__u64 size = s->pos & 0xffff;
	__u64 flags;

	if (size > BW_REC_MAX_SIZE)
		size = BW_REC_MAX_SIZE;
	barrier_var(size);
	if (size < sizeof(*h))
		return;
	h->size = size;
	flags = bpf_ringbuf_query(&rb, BPF_RB_AVAIL_DATA) > wakeup_bytes
			? BPF_RB_FORCE_WAKEUP
			: BPF_RB_NO_WAKEUP;
	if (bpf_ringbuf_output(&rb, s->buf, size, flags)) {
		__u32 k = 0;
		__u64 *d = bpf_map_lookup_elem(&drops, &k);

		if (d)
			(*d)++;
	}
}

/* ---- kernel object helpers ------------------------------------------------ */
static __always_inline struct task_struct *cur(void)
{
	return (struct task_struct *)bpf_get_current_task();
}

static __always_inline struct file *fd_file(struct task_struct *t, long fd)
{
	struct file **fds;
	struct fdtable *fdt;
	struct file *f = NULL;

	if (fd < 0)
		return NULL;
	fdt = BPF_CORE_READ(t, files, fdt);
	if (!fdt || (unsigned long)fd >= BPF_CORE_READ(fdt, max_fds))
		return NULL;
	fds = BPF_CORE_READ(fdt, fd);
	bpf_core_read(&f, sizeof(f), &fds[fd]);
	return f;
}

static __always_inline struct sock *file_sock(struct file *f)
{
	struct socket *so;

	if (!f)
		return NULL;
	if ((BPF_CORE_READ(f, f_inode, i_mode) & S_IFMT) != S_IFSOCK)
		return NULL;
	so = BPF_CORE_READ(f, private_data);
	return BPF_CORE_READ(so, sk);
}

/*
 * Path walk: dentry -> root across mounts (at most 64 components, one per
 * bpf_loop step so the verifier checks the step once), writing the path
 * backwards into s->path, then copied into the data area as parameter i.
 */
struct walk {
	struct scratch *s;
	struct dentry *d;
	struct vfsmount *vm;
	struct mount *mnt;
	__u32 p;
};

static long walk_step(__u64 idx, void *data)
{
	struct walk *w = data;
	struct dentry *d = w->d;
	struct vfsmount *vm = w->vm;
	struct mount *mnt = w->mnt;
	struct dentry *parent = BPF_CORE_READ(d, d_parent);
	struct dentry *mroot = BPF_CORE_READ(vm, mnt_root);
	struct scratch *s = w->s;
	struct qstr q;
	__u32 p = w->p, len;

	if (d == mroot || d == parent) {
		struct mount *mp = BPF_CORE_READ(mnt, mnt_parent);

		if (d != mroot || mp == mnt)
			return 1; /* global root (or detached) */
		w->d = BPF_CORE_READ(mnt, mnt_mountpoint);
		w->mnt = mp;
		w->vm = __builtin_preserve_access_index(&mp->mnt);
		return 0;
	}
	if (bpf_core_read(&q, sizeof(q), &d->d_name))
		return 1;
	len = q.len & 255;
	if (p > PATH_SIZE - 1 || p < len + 1)
		return 1;
	p -= len;
	if (bpf_probe_read_kernel(s->path + (p & (PATH_SIZE - 1)), len, q.name))
		return 1;
	p -= 1;
	s->path[p & (PATH_SIZE - 1)] = '/';
	w->p = p;
	w->d = parent;
	return 0;
}

static __always_inline void put_path(struct scratch *s, int i,
				     const struct path *path)
{
	struct walk w = {.s = s, .p = PATH_SIZE - 1};
	__u32 off, p;
	__u64 len;

	w.d = BPF_CORE_READ(path, dentry);
	w.vm = BPF_CORE_READ(path, mnt);
	w.mnt = container_of(w.vm, struct mount, mnt);
	if (!w.d || !w.vm)
		return;
	s->path[PATH_SIZE - 1] = 0;
	bpf_loop(64, walk_step, &w, 0);
	p = w.p;
	if (p >= PATH_SIZE - 1) {
		p = PATH_SIZE - 2;
		s->path[PATH_SIZE - 2] = '/';
	}
	off = s->pos;
	if (off >= DATA_LIMIT)
		return;
	off &= DATA_MASK;
	p &= PATH_SIZE - 1;
	len = (PATH_SIZE - 1 - p) & (PATH_SIZE - 1);
	barrier_var(len);
	if (bpf_probe_read_kernel(s->buf + off, len + 1, s->path + p))
		return;
	set_data(s, i, off, len);
	s->pos = off + len + 1;
}

static __always_inline __u64 arg(struct pt_regs *r, int i)
{
	switch (i) {
	case 0: return BPF_CORE_READ(r, di);
	case 1: return BPF_CORE_READ(r, si);
	case 2: return BPF_CORE_READ(r, dx);
	case 3: return BPF_CORE_READ(r, r10);
	case 4: return BPF_CORE_READ(r, r8);
	default: return BPF_CORE_READ(r, r9);
	}
}

#define A(i) arg(regs, i)
#define UP(i) ((const void *)arg(regs, i))

static __always_inline __u64 kcap(const kernel_cap_t *c)
{
	__u64 v = 0;

	bpf_probe_read_kernel(&v, sizeof(v), c);
	return v;
}

/* The open family's dev/ino/created from the new fd. */
static __always_inline void put_file_id(struct scratch *s, long fd, int idev,
					int iino, int iflags, __u64 flags)
{
	struct file *f = fd_file(cur(), fd);

	if (f) {
		struct inode *ino = BPF_CORE_READ(f, f_inode);

		put_val(s, idev, BPF_CORE_READ(ino, i_sb, s_dev));
		put_val(s, iino, BPF_CORE_READ(ino, i_ino));
		if (BPF_CORE_READ(f, f_mode) & FMODE_CREATED)
			flags |= BW_O_F_CREATED;
	}
	put_val(s, iflags, flags);
}

/* Fills a tuple from a socket: local end is src when local_src. */
static __always_inline bool sk_tuple(struct sock *sk, struct bw_rec_tuple *t,
				     bool local_src)
{
	__u16 fam = BPF_CORE_READ(sk, __sk_common.skc_family);
	__u16 lport = BPF_CORE_READ(sk, __sk_common.skc_num);
	__u16 rport = bpf_ntohs(BPF_CORE_READ(sk, __sk_common.skc_dport));
	__u8 *la = local_src ? t->saddr : t->daddr;
	__u8 *ra = local_src ? t->daddr : t->saddr;

	t->family = fam;
	t->sport = local_src ? lport : rport;
	t->dport = local_src ? rport : lport;
	if (fam == AF_INET) {
		bpf_core_read(la, 4, &sk->__sk_common.skc_rcv_saddr);
		bpf_core_read(ra, 4, &sk->__sk_common.skc_daddr);
		return true;
	}
	if (fam == AF_INET6) {
		bpf_core_read(la, 16, &sk->__sk_common.skc_v6_rcv_saddr);
		bpf_core_read(ra, 16, &sk->__sk_common.skc_v6_daddr);
		return true;
	}
	return fam == AF_UNIX;
}

/* Fills one end of a tuple from a user sockaddr (inet only). */
static __always_inline void ua_end(const void *ua, __u32 ualen, __u16 *port,
				   __u8 *addr, __u16 *family)
{
	__u16 fam = 0, pbe = 0;

	if (!ua || ualen < 8 || bpf_probe_read_user(&fam, 2, ua))
		return;
	bpf_probe_read_user(&pbe, 2, ua + 2);
	if (fam == AF_INET)
		bpf_probe_read_user(addr, 4, ua + 4);
	else if (fam == AF_INET6 && ualen >= 24)
		bpf_probe_read_user(addr, 16, ua + 8);
	else
		return;
	*port = bpf_ntohs(pbe);
	if (!*family)
		*family = fam;
}

static __always_inline struct bw_rec_tuple *put_tuple(struct scratch *s,
						      int i)
{
	__u32 off = s->pos;
	struct bw_rec_tuple *t;

	if (off >= DATA_LIMIT)
		return NULL;
	off &= DATA_MASK;
	t = (void *)(s->buf + off);
	__builtin_memset(t, 0, sizeof(*t));
	set_data(s, i, off, sizeof(*t));
	s->pos = off + sizeof(*t);
	return t;
}

/* Appends a unix socket path (sun_path of a user sockaddr_un) to the
 * tuple just written as parameter i. */
static __always_inline void tuple_unix_path(struct scratch *s, int i,
					    const void *ua, __u32 ualen)
{
	__u32 off = s->pos;

	if (!ua || ualen <= 2 || off >= DATA_LIMIT)
		return;
	off &= DATA_MASK;
	__u64 n = (ualen - 2) & 0xffff;

	if (n > 108)
		n = 108;
	barrier_var(n);
	if (bpf_probe_read_user(s->buf + off, n, ua + 2))
		return;
	param(s, i)->len += n;
	s->pos = off + n;
}

/* ---- execve argv ---------------------------------------------------------- */
/* Reads argv (user array of string pointers) into the data area. */
static __always_inline void put_argv_ptrs(struct scratch *s, int i,
					  const char *const *argv)
{
	__u32 start = s->pos, off;
	const char *a;
	long n;

	if (!argv || start >= DATA_LIMIT)
		return;
	for (int k = 0; k < BW_REC_MAX_ARGV; k++) {
		if (bpf_probe_read_user(&a, sizeof(a), &argv[k]) || !a)
			break;
		off = s->pos;
		if (off >= DATA_LIMIT || off - start >= BW_REC_MAX_ARGS_BYTES)
			break;
		off &= DATA_MASK;
		n = bpf_probe_read_user_str(s->buf + off, 1024, a);
		if (n <= 0)
			break;
		s->pos = off + n;
	}
	set_data(s, i, start, s->pos - start);
}

/* Reads the new image's argv from mm->arg_start..arg_end. */
static __always_inline void put_argv_mm(struct scratch *s, int i,
					struct task_struct *t)
{
	__u64 as = BPF_CORE_READ(t, mm, arg_start);
	__u64 ae = BPF_CORE_READ(t, mm, arg_end);
	__u32 off = s->pos;

	if (ae <= as || off >= DATA_LIMIT)
		return;
	off &= DATA_MASK;
	__u64 n = (ae - as) & 0xffff;

	if (n > BW_REC_MAX_ARGS_BYTES)
		n = BW_REC_MAX_ARGS_BYTES;
	barrier_var(n);
	if (bpf_probe_read_user(s->buf + off, n, (void *)as))
		return;
	set_data(s, i, off, n);
	s->pos = off + n;
}

/* ---- sys_exit --------------------------------------------------------------- */
static __always_inline void ev_clone_exit(struct scratch *s, int type,
					  long ret)
{
	struct task_struct *t = cur();

	rec_begin(s, type, 11, ret);
	put_val(s, 2, (__u32)bpf_get_current_pid_tgid());
	put_val(s, 3, bpf_get_current_pid_tgid() >> 32);
	put_val(s, 4, BPF_CORE_READ(t, real_parent, tgid));
	put_str(s, 5, t->comm, false);
	emit(s);
}

static __always_inline void ev_open(struct scratch *s, struct pt_regs *regs,
				    long nr, long ret)
{
	switch (nr) {
	case 2: /* open: fd name flags mode dev ino */
		rec_begin(s, T_OPEN, 6, ret);
		put_val(s, 0, ret);
		put_str(s, 1, UP(0), true);
		put_val(s, 3, A(2));
		put_file_id(s, ret, 4, 5, 2, A(1) & 0xffffffff);
		break;
	case 257: /* openat: fd dirfd name flags mode dev ino */
		rec_begin(s, T_OPENAT, 7, ret);
		put_val(s, 0, ret);
		put_val(s, 1, (int)A(0));
		put_str(s, 2, UP(1), true);
		put_val(s, 4, A(3));
		put_file_id(s, ret, 5, 6, 3, A(2) & 0xffffffff);
		break;
	case 437: { /* openat2: fd dirfd name flags mode resolve dev ino */
		__u64 how[3] = {};

		bpf_probe_read_user(how, sizeof(how), UP(2));
		rec_begin(s, T_OPENAT2, 8, ret);
		put_val(s, 0, ret);
		put_val(s, 1, (int)A(0));
		put_str(s, 2, UP(1), true);
		put_val(s, 4, how[1]);
		put_val(s, 5, how[2]);
		put_file_id(s, ret, 6, 7, 3, how[0] & 0xffffffff);
		break;
	}
	default: /* creat: fd name mode dev ino creat_flags */
		rec_begin(s, T_CREAT, 6, ret);
		put_val(s, 0, ret);
		put_str(s, 1, UP(0), true);
		put_val(s, 2, A(1));
		put_file_id(s, ret, 3, 4, 5, O_CREAT | O_WRONLY | O_TRUNC);
		break;
	}
	emit(s);
}

/* connect/accept/bind/sendto/recvfrom/sendmsg/recvmsg. */
static __always_inline void ev_net(struct scratch *s, struct pt_regs *regs,
				   long nr, long ret)
{
	struct task_struct *t = cur();
	struct bw_rec_tuple *tp;
	struct sock *sk;

	switch (nr) {
	case 42: { /* connect: res tuple fd addr */
		const void *ua = UP(1);
		__u32 ualen = A(2);

		rec_begin(s, T_CONNECT, 4, ret);
		put_val(s, 2, (int)A(0));
		sk = file_sock(fd_file(t, (int)A(0)));
		tp = put_tuple(s, 1);
		if (tp && sk && sk_tuple(sk, tp, true)) {
			if (tp->family == AF_UNIX)
				tuple_unix_path(s, 1, ua, ualen);
			else if (!tp->dport)
				ua_end(ua, ualen, &tp->dport, tp->daddr,
				       &tp->family);
		}
		put_user_bytes(s, 3, ua, ualen);
		break;
	}
	case 43:
	case 288: { /* accept/accept4: fd tuple queuepct queuelen queuemax [flags] */
		struct sock *lsk = file_sock(fd_file(t, (int)A(0)));
		__u32 ql = BPF_CORE_READ(lsk, sk_ack_backlog);
		__u32 qm = BPF_CORE_READ(lsk, sk_max_ack_backlog);

		rec_begin(s, nr == 43 ? T_ACCEPT : T_ACCEPT4,
			  nr == 43 ? 5 : 6, ret);
		put_val(s, 0, ret);
		if (ret >= 0) {
			sk = file_sock(fd_file(t, ret));
			tp = put_tuple(s, 1);
			if (tp && sk)
				sk_tuple(sk, tp, false);
		}
		if (lsk) {
			put_val(s, 2, qm ? ql * 100 / qm : 0);
			put_val(s, 3, ql);
			put_val(s, 4, qm);
		}
		if (nr == 288)
			put_val(s, 5, A(3));
		break;
	}
	case 49: /* bind: res addr fd */
		rec_begin(s, T_BIND, 3, ret);
		put_user_bytes(s, 1, UP(1), A(2));
		put_val(s, 2, (int)A(0));
		break;
	default: { /* UDP only: sendto/recvfrom/sendmsg/recvmsg */
		bool send = nr == 44 || nr == 46;
		const void *ua = NULL;
		__u32 ualen = 0;
		int ti;

		sk = file_sock(fd_file(t, (int)A(0)));
		if (!sk || BPF_CORE_READ(sk, sk_type) != SOCK_DGRAM)
			return;
		if (nr == 44 || nr == 45) {
			ua = UP(4);
			if (nr == 44)
				ualen = A(5);
			else if (ua)
				bpf_probe_read_user(&ualen, 4, UP(5));
		} else {
			struct user_msghdr mh = {};

			if (!bpf_probe_read_user(&mh, sizeof(mh), UP(1))) {
				ua = mh.msg_name;
				ualen = mh.msg_namelen;
			}
		}
		switch (nr) {
		case 44: /* res fd size tuple */
			rec_begin(s, T_SENDTO, 4, ret);
			put_val(s, 1, (int)A(0));
			put_val(s, 2, A(2));
			ti = 3;
			break;
		case 45: /* res tuple fd size */
			rec_begin(s, T_RECVFROM, 4, ret);
			put_val(s, 2, (int)A(0));
			put_val(s, 3, A(2));
			ti = 1;
			break;
		case 46: /* res fd size tuple */
			rec_begin(s, T_SENDMSG, 4, ret);
			put_val(s, 1, (int)A(0));
			ti = 3;
			break;
		default: /* recvmsg: res size tuple fd */
			rec_begin(s, T_RECVMSG, 4, ret);
			if (ret >= 0)
				put_val(s, 1, ret);
			put_val(s, 3, (int)A(0));
			ti = 2;
			break;
		}
		tp = put_tuple(s, ti);
		if (tp && sk_tuple(sk, tp, send) && tp->family != AF_UNIX) {
			if (send)
				ua_end(ua, ualen, &tp->dport, tp->daddr,
				       &tp->family);
			else
				ua_end(ua, ualen, &tp->sport, tp->saddr,
				       &tp->family);
		}
		break;
	}
	}
	if (param(s, 0)->kind == BW_RK_NONE)
		put_val(s, 0, ret);
	emit(s);
}

/* Failed execve/execveat (a successful one is reported at exec). */
static __always_inline void ev_exec_failed(struct scratch *s,
					   struct pt_regs *regs, long nr,
					   long ret)
{
	struct task_struct *t = cur();
	const struct cred *cr = BPF_CORE_READ(t, cred);
	bool at = nr == 322;

	rec_begin(s, at ? T_EXECVEAT : T_EXECVE, at ? 25 : 24, ret);
	put_val(s, 0, ret);
	put_argv_ptrs(s, 2, (const char *const *)UP(at ? 2 : 1));
	put_val(s, 3, (__u32)bpf_get_current_pid_tgid());
	put_val(s, 4, bpf_get_current_pid_tgid() >> 32);
	put_val(s, 5, BPF_CORE_READ(t, real_parent, tgid));
	put_str(s, 7, t->comm, false);
	put_val(s, 17, BPF_CORE_READ(cr, euid.val));
	put_val(s, 19, BPF_CORE_READ(cr, egid.val));
	if (at) {
		put_val(s, 23, (int)A(0));
		put_str(s, 24, UP(1), true);
	} else {
		put_str(s, 23, UP(0), true);
	}
	emit(s);
}

static __always_inline void ev_misc(struct scratch *s, struct pt_regs *regs,
				    long nr, long ret)
{
	struct task_struct *t;
	const struct cred *cr;

	switch (nr) {
	case 3: /* close: res fd */
		rec_begin(s, T_CLOSE, 2, ret);
		put_val(s, 0, ret);
		put_val(s, 1, (int)A(0));
		break;
	case 87: case 84: case 161: case 80: /* res path */
		rec_begin(s, nr == 87 ? T_UNLINK : nr == 84 ? T_RMDIR :
			  nr == 161 ? T_CHROOT : T_CHDIR, 2, ret);
		put_str(s, 1, UP(0), true);
		break;
	case 263: /* unlinkat: res dirfd name flags */
		rec_begin(s, T_UNLINKAT, 4, ret);
		put_val(s, 1, (int)A(0));
		put_str(s, 2, UP(1), true);
		put_val(s, 3, A(2));
		break;
	case 82: case 86: case 88: /* rename/link/symlink: res a b */
		rec_begin(s, nr == 82 ? T_RENAME : nr == 86 ? T_LINK : T_SYMLINK,
			  3, ret);
		put_str(s, 1, UP(0), true);
		put_str(s, 2, UP(1), true);
		break;
	case 264: case 316: case 265: /* renameat/renameat2/linkat */
		rec_begin(s, nr == 264 ? T_RENAMEAT : nr == 316 ? T_RENAMEAT2 :
			  T_LINKAT, nr == 264 ? 5 : 6, ret);
		put_val(s, 1, (int)A(0));
		put_str(s, 2, UP(1), true);
		put_val(s, 3, (int)A(2));
		put_str(s, 4, UP(3), true);
		if (nr != 264)
			put_val(s, 5, A(4));
		break;
	case 266: /* symlinkat: res target linkdirfd linkpath */
		rec_begin(s, T_SYMLINKAT, 4, ret);
		put_str(s, 1, UP(0), true);
		put_val(s, 2, (int)A(1));
		put_str(s, 3, UP(2), true);
		break;
	case 90: case 83: /* chmod/mkdir: res path mode */
		rec_begin(s, nr == 90 ? T_CHMOD : T_MKDIR, 3, ret);
		put_str(s, 1, UP(0), true);
		put_val(s, 2, A(1) & 07777);
		break;
	case 91: /* fchmod: res fd mode */
		rec_begin(s, T_FCHMOD, 3, ret);
		put_val(s, 1, (int)A(0));
		put_val(s, 2, A(1) & 07777);
		break;
	case 268: case 258: /* fchmodat/mkdirat: res dirfd path mode */
		rec_begin(s, nr == 268 ? T_FCHMODAT : T_MKDIRAT, 4, ret);
		put_val(s, 1, (int)A(0));
		put_str(s, 2, UP(1), true);
		put_val(s, 3, A(2) & 07777);
		break;
	case 92: case 94: /* chown/lchown: res path uid gid */
		rec_begin(s, nr == 92 ? T_CHOWN : T_LCHOWN, 4, ret);
		put_str(s, 1, UP(0), true);
		put_val(s, 2, (__u32)A(1));
		put_val(s, 3, (__u32)A(2));
		break;
	case 93: /* fchown: res fd uid gid */
		rec_begin(s, T_FCHOWN, 4, ret);
		put_val(s, 1, (int)A(0));
		put_val(s, 2, (__u32)A(1));
		put_val(s, 3, (__u32)A(2));
		break;
	case 260: /* fchownat: res dirfd pathname uid gid flags */
		rec_begin(s, T_FCHOWNAT, 6, ret);
		put_val(s, 1, (int)A(0));
		put_str(s, 2, UP(1), true);
		put_val(s, 3, (__u32)A(2));
		put_val(s, 4, (__u32)A(3));
		put_val(s, 5, A(4));
		break;
	case 41: /* socket: fd domain type proto */
		rec_begin(s, T_SOCKET, 4, ret);
		put_val(s, 0, ret);
		put_val(s, 1, A(0));
		put_val(s, 2, A(1));
		put_val(s, 3, A(2));
		break;
	case 50: /* listen: res fd backlog */
		rec_begin(s, T_LISTEN, 3, ret);
		put_val(s, 1, (int)A(0));
		put_val(s, 2, (int)A(1));
		break;
	case 32: case 33: case 292: /* dup/dup2/dup3: res oldfd [newfd] [flags] */
		rec_begin(s, nr == 32 ? T_DUP : nr == 33 ? T_DUP2 : T_DUP3,
			  nr == 32 ? 2 : nr == 33 ? 3 : 4, ret);
		put_val(s, 0, ret);
		put_val(s, 1, (int)A(0));
		if (nr != 32)
			put_val(s, 2, (int)A(1));
		if (nr == 292)
			put_val(s, 3, A(2));
		break;
	case 22: case 293: { /* pipe/pipe2: res fd1 fd2 ino [flags] */
		int fds[2] = {-1, -1};

		rec_begin(s, nr == 22 ? T_PIPE : T_PIPE2, nr == 22 ? 4 : 5, ret);
		if (ret == 0 && !bpf_probe_read_user(fds, sizeof(fds), UP(0))) {
			struct file *f = fd_file(cur(), fds[0]);

			put_val(s, 1, fds[0]);
			put_val(s, 2, fds[1]);
			if (f)
				put_val(s, 3, BPF_CORE_READ(f, f_inode, i_ino));
		}
		if (nr == 293)
			put_val(s, 4, A(1));
		break;
	}
	case 72: /* fcntl: res fd cmd */
		rec_begin(s, T_FCNTL, 3, ret);
		put_val(s, 0, ret);
		put_val(s, 1, (int)A(0));
		put_val(s, 2, (int)A(1));
		break;
	case 105: case 106: /* setuid/setgid: res id */
		rec_begin(s, nr == 105 ? T_SETUID : T_SETGID, 2, ret);
		put_val(s, 1, (__u32)A(0));
		break;
	case 113: case 114: /* setreuid/setregid: res r e */
		rec_begin(s, nr == 113 ? T_SETREUID : T_SETREGID, 3, ret);
		put_val(s, 1, (__u32)A(0));
		put_val(s, 2, (__u32)A(1));
		break;
	case 117: case 119: /* setresuid/setresgid: res r e s */
		rec_begin(s, nr == 117 ? T_SETRESUID : T_SETRESGID, 4, ret);
		put_val(s, 1, (__u32)A(0));
		put_val(s, 2, (__u32)A(1));
		put_val(s, 3, (__u32)A(2));
		break;
	case 126: /* capset: res inh perm eff (as now in force) */
		t = cur();
		cr = BPF_CORE_READ(t, cred);
		rec_begin(s, T_CAPSET, 4, ret);
		put_val(s, 1, kcap(&cr->cap_inheritable));
		put_val(s, 2, kcap(&cr->cap_permitted));
		put_val(s, 3, kcap(&cr->cap_effective));
		break;
	case 157: /* prctl: res option arg2_str arg2_int */
		rec_begin(s, T_PRCTL, 4, ret);
		put_val(s, 1, (int)A(0));
		if ((int)A(0) == PR_SET_NAME)
			put_str(s, 2, UP(1), true);
		else
			put_val(s, 3, A(1));
		break;
	case 101: /* ptrace: res addr data request pid */
		rec_begin(s, T_PTRACE, 5, ret);
		put_val(s, 1, A(2));
		put_val(s, 2, A(3));
		put_val(s, 3, A(0));
		put_val(s, 4, (int)A(1));
		break;
	case 165: { /* mount: res dev dir type flags */
		__u64 fl = A(3);

		if ((fl & MS_MGC_MSK) == MS_MGC_VAL)
			fl &= ~(__u64)MS_MGC_MSK;
		rec_begin(s, T_MOUNT, 5, ret);
		put_str(s, 1, UP(0), true);
		put_str(s, 2, UP(1), true);
		put_str(s, 3, UP(2), true);
		put_val(s, 4, fl & 0xffffffff);
		break;
	}
	case 166: /* umount2: res name flags */
		rec_begin(s, T_UMOUNT2, 3, ret);
		put_str(s, 1, UP(0), true);
		put_val(s, 2, A(1));
		break;
	case 175: /* init_module: res length uargs */
		rec_begin(s, T_INIT_MODULE, 3, ret);
		put_val(s, 1, A(1));
		put_str(s, 2, UP(2), true);
		break;
	case 313: /* finit_module: res fd uargs flags */
		rec_begin(s, T_FINIT_MODULE, 4, ret);
		put_val(s, 1, (int)A(0));
		put_str(s, 2, UP(1), true);
		put_val(s, 3, A(2));
		break;
	case 176: /* delete_module: res name flags */
		rec_begin(s, T_DELETE_MODULE, 3, ret);
		put_str(s, 1, UP(0), true);
		put_val(s, 2, A(1));
		break;
	case 321: /* bpf: fd cmd */
		rec_begin(s, T_BPF, 2, ret);
		put_val(s, 0, ret);
		put_val(s, 1, (int)A(0));
		break;
	case 319: /* memfd_create: fd name flags */
		rec_begin(s, T_MEMFD_CREATE, 3, ret);
		put_val(s, 0, ret);
		put_str(s, 1, UP(0), true);
		put_val(s, 2, A(1));
		break;
	case 272: /* unshare: res flags */
		rec_begin(s, T_UNSHARE, 2, ret);
		put_val(s, 1, A(0));
		break;
	case 308: /* setns: res fd nstype */
		rec_begin(s, T_SETNS, 3, ret);
		put_val(s, 1, (int)A(0));
		put_val(s, 2, A(1));
		break;
	case 81: /* fchdir: res fd */
		rec_begin(s, T_FCHDIR, 2, ret);
		put_val(s, 1, (int)A(0));
		break;
	case 323: /* userfaultfd: res flags */
		rec_begin(s, T_USERFAULTFD, 2, ret);
		put_val(s, 0, ret);
		put_val(s, 1, A(0));
		break;
	case 434: /* pidfd_open: fd pid flags */
		rec_begin(s, T_PIDFD_OPEN, 3, ret);
		put_val(s, 0, ret);
		put_val(s, 1, (int)A(0));
		put_val(s, 2, A(1));
		break;
	case 438: /* pidfd_getfd: fd pid_fd target_fd flags */
		rec_begin(s, T_PIDFD_GETFD, 4, ret);
		put_val(s, 0, ret);
		put_val(s, 1, (int)A(0));
		put_val(s, 2, (int)A(1));
		put_val(s, 3, A(2));
		break;
	case 62: /* kill: res pid sig */
		rec_begin(s, T_KILL, 3, ret);
		put_val(s, 1, (int)A(0));
		put_val(s, 2, (int)A(1));
		break;
	case 234: /* tgkill: res pid tid sig */
		rec_begin(s, T_TGKILL, 4, ret);
		put_val(s, 1, (int)A(0));
		put_val(s, 2, (int)A(1));
		put_val(s, 3, (int)A(2));
		break;
	default:
		return;
	}
	/* every syscall result in slot 0 unless set above */
	if (param(s, 0)->kind == BW_RK_NONE)
		put_val(s, 0, ret);
	emit(s);
}

static __always_inline int on_sys_exit(struct pt_regs *regs, long nr,
				       long ret)
{
	struct scratch *s;

	if ((unsigned long)nr >= BW_NR_SLOTS || !interest[nr & 511])
		return 0;
	if ((bpf_get_current_pid_tgid() >> 32) == ignore_tgid)
		return 0;
	s = scratch_get(H_EXIT);
	if (!s)
		return 0;
	switch (nr) {
	case 2: case 257: case 437: case 85:
		ev_open(s, regs, nr, ret);
		break;
	case 42: case 43: case 288: case 49: case 44: case 45: case 46:
	case 47:
		ev_net(s, regs, nr, ret);
		break;
	case 59: case 322:
		if (ret != 0)
			ev_exec_failed(s, regs, nr, ret);
		break;
	case 56: case 435: case 57: case 58:
		if (ret < 0 || (!fork_from_sched && ret > 0))
			ev_clone_exit(s, nr == 56 ? T_CLONE : nr == 435 ? T_CLONE3 :
				      nr == 57 ? T_FORK : T_VFORK, ret);
		break;
	default:
		ev_misc(s, regs, nr, ret);
		break;
	}
	return 0;
}

SEC("tp_btf/sys_exit")
int BPF_PROG(bw_sys_exit, struct pt_regs *regs, long ret)
{
	return on_sys_exit(regs, regs->orig_ax, ret);
}

SEC("raw_tp/sys_exit")
int BPF_PROG(bw_sys_exit_raw, struct pt_regs *regs, long ret)
{
	return on_sys_exit(regs, BPF_CORE_READ(regs, orig_ax), ret);
}

/* ---- sched_process_exec ------------------------------------------------------ */
/*
 * The process's cgroup path, read at exec time: user space cannot read
 * /proc/PID/cgroup later for a process that has already exited, and a
 * runtime moves its init process into the container's cgroup just before
 * the exec.  kernfs_node's parent was renamed __parent in Linux 6.15:
 * both flavours are handled through CO-RE.
 */
struct kernfs_node___new {
	struct kernfs_node *__parent;
} __attribute__((preserve_access_index));
struct kernfs_node___old {
	struct kernfs_node *parent;
} __attribute__((preserve_access_index));

static __always_inline struct kernfs_node *kn_parent(struct kernfs_node *kn)
{
	struct kernfs_node___new *n = (void *)kn;
	struct kernfs_node___old *o = (void *)kn;

	if (bpf_core_field_exists(n->__parent))
		return BPF_CORE_READ(n, __parent);
	return BPF_CORE_READ(o, parent);
}

#define CG_DEPTH 6   /* trailing path components kept */
#define CG_NAME 128  /* bytes of one component */

/* Writes the kernfs path of kn (at most CG_DEPTH trailing components) as
 * parameter i; returns the number of components (0 = the root, "/"). */
static __always_inline int put_cgroup(struct scratch *s, int i,
				      struct kernfs_node *kn)
{
	const char *names[CG_DEPTH] = {};
	__u32 off = s->pos, pos;
	int depth = 0;

	if (!kn || off >= DATA_LIMIT)
		return 0;
#pragma unroll
	for (int k = 0; k < CG_DEPTH; k++) {
		struct kernfs_node *parent = kn_parent(kn);

		if (!parent)
			break; /* kn is the hierarchy's root: not in the path */
		names[k] = BPF_CORE_READ(kn, name);
		depth = k + 1;
		kn = parent;
	}
	off &= DATA_MASK;
	pos = off;
	if (!depth)
		s->buf[pos++ & DATA_MASK] = '/';
#pragma unroll
	for (int k = CG_DEPTH - 1; k >= 0; k--) {
		long n;

		if (k >= depth)
			continue;
		s->buf[pos++ & DATA_MASK] = '/';
		n = bpf_probe_read_kernel_str(s->buf + (pos & DATA_MASK),
					      CG_NAME, names[k]);
		if (n > 1)
			pos += n - 1;
	}
	s->buf[pos & DATA_MASK] = 0;
	set_data(s, i, off, (pos - off) & DATA_MASK);
	s->pos = (pos + 1) & (2 * DATA_LIMIT - 1);
	return depth;
}

/* The cgroup path (v2 default hierarchy; on a host where that is "/", the
 * cpu v1 controller's) and the pid in the task's own pid namespace. */
static __always_inline void put_cgroup_and_vpid(struct scratch *s, int icg,
						int ivpid,
						struct task_struct *t)
{
	struct css_set *cs = BPF_CORE_READ(t, cgroups);
	struct pid *tp = BPF_CORE_READ(t, thread_pid);
	__u32 pos0 = s->pos;

	if (cs && put_cgroup(s, icg, BPF_CORE_READ(cs, dfl_cgrp, kn)) == 0) {
		int id = bpf_core_enum_value(enum cgroup_subsys_id, cpu_cgrp_id);
		struct cgroup_subsys_state *css = NULL;

		bpf_core_read(&css, sizeof(css), &cs->subsys[id & 15]);
		if (css) {
			s->pos = pos0; /* overwrite the "/" */
			put_cgroup(s, icg, BPF_CORE_READ(css, cgroup, kn));
		}
	}
	if (tp) {
		unsigned int level = BPF_CORE_READ(tp, level);
		struct upid up = {};

		bpf_core_read(&up, sizeof(up), &tp->numbers[level & 31]);
		put_val(s, ivpid, up.nr);
	}
}

static __always_inline __u64 ts_ns(__s64 sec, __u32 nsec)
{
	return (__u64)sec * 1000000000ull + nsec;
}

static __always_inline int on_exec(struct task_struct *t,
				   struct linux_binprm *bprm, long nr)
{
	struct scratch *s;
	const struct cred *cr;
	struct file *exe;
	struct inode *ino;
	struct tty_struct *tty;
	__u32 flags = 0;
	bool at = nr == 322;

	if (!interest[at ? 322 : 59])
		return 0;
	if ((bpf_get_current_pid_tgid() >> 32) == ignore_tgid)
		return 0;
	s = scratch_get(H_EXEC);
	if (!s)
		return 0;
	cr = BPF_CORE_READ(t, cred);
	exe = BPF_CORE_READ(bprm, file);
	ino = BPF_CORE_READ(exe, f_inode);

	rec_begin(s, at ? T_EXECVEAT : T_EXECVE, at ? 25 : 24, 0);
	put_val(s, 0, 0);
	put_argv_mm(s, 2, t);
	put_val(s, 3, BPF_CORE_READ(t, pid));
	put_val(s, 4, BPF_CORE_READ(t, tgid));
	put_val(s, 5, BPF_CORE_READ(t, real_parent, tgid));
	{
		struct fs_struct *fs = BPF_CORE_READ(t, fs);

		if (fs)
			put_path(s, 6, __builtin_preserve_access_index(&fs->pwd));
	}
	put_str(s, 7, t->comm, false);
	tty = BPF_CORE_READ(t, signal, tty);
	if (tty) {
		__u32 major = BPF_CORE_READ(tty, driver, major);
		__u32 minor = BPF_CORE_READ(tty, driver, minor_start) +
			      BPF_CORE_READ(tty, index);

		put_val(s, 8, (minor & 0xff) | (major << 8) |
				      ((minor & ~0xffu) << 12));
	} else {
		put_val(s, 8, 0);
	}
	put_val(s, 9, BPF_CORE_READ(t, loginuid.val));

	/* flags: writable by the caller, memfd, overlay upper/lower layer */
	{
		umode_t mode = BPF_CORE_READ(ino, i_mode);
		__u32 iuid = BPF_CORE_READ(ino, i_uid.val);
		__u32 igid = BPF_CORE_READ(ino, i_gid.val);
		__u32 euid = BPF_CORE_READ(cr, euid.val);
		__u32 egid = BPF_CORE_READ(cr, egid.val);
		char nm[8] = {};
		const unsigned char *dn;

		if ((mode & S_IWOTH) || (euid == iuid && (mode & S_IWUSR)) ||
		    (egid == igid && (mode & S_IWGRP)) || euid == 0)
			flags |= BW_EXE_WRITABLE;
		dn = BPF_CORE_READ(exe, f_path.dentry, d_name.name);
		bpf_probe_read_kernel(nm, 6, dn);
		if (nm[0] == 'm' && nm[1] == 'e' && nm[2] == 'm' &&
		    nm[3] == 'f' && nm[4] == 'd' && nm[5] == ':')
			flags |= BW_EXE_FROM_MEMFD;
		if (BPF_CORE_READ(ino, i_sb, s_magic) ==
		    OVERLAYFS_SUPER_MAGIC) {
			if (bpf_core_type_exists(struct ovl_inode)) {
				struct ovl_inode *oi = container_of(
					ino, struct ovl_inode, vfs_inode);

				if (BPF_CORE_READ(oi, __upperdentry))
					flags |= BW_EXE_UPPER_LAYER;
				else
					flags |= BW_EXE_LOWER_LAYER;
			}
		}
	}
	put_val(s, 10, flags);
	put_val(s, 11, kcap(&cr->cap_inheritable));
	put_val(s, 12, kcap(&cr->cap_permitted));
	put_val(s, 13, kcap(&cr->cap_effective));
	put_val(s, 14, BPF_CORE_READ(ino, i_ino));
	if (bpf_core_field_exists(ino->i_ctime_sec)) {
		/* bit 31 of i_ctime_nsec is the multigrain "queried" flag */
		put_val(s, 15, ts_ns(BPF_CORE_READ(ino, i_ctime_sec),
				     BPF_CORE_READ(ino, i_ctime_nsec) &
					     0x3fffffff));
		put_val(s, 16, ts_ns(BPF_CORE_READ(ino, i_mtime_sec),
				     BPF_CORE_READ(ino, i_mtime_nsec) &
					     0x3fffffff));
	}
	put_val(s, 17, BPF_CORE_READ(cr, euid.val));
	put_path(s, 18, __builtin_preserve_access_index(&exe->f_path));
	put_val(s, 19, BPF_CORE_READ(cr, egid.val));
	put_cgroup_and_vpid(s, 20, 21, t);
	put_val(s, 22, BPF_CORE_READ(bprm, envc));
	/* execve: filename; execveat: pathname (dirfd is gone by now) */
	put_str(s, at ? 24 : 23, BPF_CORE_READ(bprm, filename), false);
	emit(s);
	return 0;
}

SEC("tp_btf/sched_process_exec")
int BPF_PROG(bw_exec, struct task_struct *p, pid_t old_pid,
	     struct linux_binprm *bprm)
{
	struct pt_regs *regs = (struct pt_regs *)bpf_task_pt_regs(p);

	return on_exec(p, bprm, BPF_CORE_READ(regs, orig_ax));
}

SEC("raw_tp/sched_process_exec")
int BPF_PROG(bw_exec_raw, struct task_struct *p, pid_t old_pid,
	     struct linux_binprm *bprm)
{
	return on_exec(p, bprm, 59);
}

/* ---- sched_process_fork (tp_btf only: needs the parent's regs) -------------- */
SEC("tp_btf/sched_process_fork")
int BPF_PROG(bw_fork, struct task_struct *parent, struct task_struct *child)
{
	struct pt_regs *regs = (struct pt_regs *)bpf_task_pt_regs(parent);
	long nr = BPF_CORE_READ(regs, orig_ax);
	const struct cred *cr;
	struct scratch *s;
	__u64 flags = 0;
	int type;

	switch (nr) {
	case 56:
		type = T_CLONE;
		flags = A(0) & ~0xffull;
		break;
	case 435:
		type = T_CLONE3;
		bpf_probe_read_user(&flags, sizeof(flags), UP(0));
		break;
	case 57:
		type = T_FORK;
		break;
	case 58:
		type = T_VFORK;
		flags = 0x4000 | 0x100; /* CLONE_VFORK|CLONE_VM */
		break;
	default:
		return 0; /* kernel threads, io_uring workers, ... */
	}
	if (!interest[nr & 511])
		return 0;
	if ((bpf_get_current_pid_tgid() >> 32) == ignore_tgid)
		return 0;
	s = scratch_get(H_FORK);
	if (!s)
		return 0;
	cr = BPF_CORE_READ(parent, cred);
	/* res exe tid pid ptid comm flags uid gid vtid vpid */
	rec_begin(s, type, 11, BPF_CORE_READ(child, pid));
	put_val(s, 0, BPF_CORE_READ(child, pid));
	put_val(s, 2, BPF_CORE_READ(parent, pid));
	put_val(s, 3, BPF_CORE_READ(parent, tgid));
	put_val(s, 4, BPF_CORE_READ(parent, real_parent, tgid));
	put_str(s, 5, parent->comm, false);
	put_val(s, 6, flags);
	put_val(s, 7, BPF_CORE_READ(cr, euid.val));
	put_val(s, 8, BPF_CORE_READ(cr, egid.val));
	{
		struct pid *tp = BPF_CORE_READ(child, thread_pid);
		unsigned int lvl = BPF_CORE_READ(tp, level);
		struct upid up = {};

		bpf_core_read(&up, sizeof(up), &tp->numbers[lvl & 31]);
		put_val(s, 9, up.nr);
	}
	{
		struct pid *tp = BPF_CORE_READ(child, group_leader, thread_pid);
		unsigned int lvl = BPF_CORE_READ(tp, level);
		struct upid up = {};

		bpf_core_read(&up, sizeof(up), &tp->numbers[lvl & 31]);
		put_val(s, 10, up.nr);
	}
	emit(s);
	return 0;
}

/* ---- sched_process_exit ------------------------------------------------------- */
static __always_inline int on_exit(struct task_struct *p)
{
	struct scratch *s;
	int code;

	if (!interest[BW_SLOT_PROCEXIT])
		return 0;
	if ((bpf_get_current_pid_tgid() >> 32) == ignore_tgid)
		return 0;
	s = scratch_get(H_PEXIT);
	if (!s)
		return 0;
	code = BPF_CORE_READ(p, exit_code);
	/* status ret sig core reaper_tid */
	rec_begin(s, T_PROCEXIT, 4, 0);
	put_val(s, 0, code);
	put_val(s, 1, code >> 8);
	put_val(s, 2, code & 0x7f);
	put_val(s, 3, (code & 0x80) ? 1 : 0);
	emit(s);
	return 0;
}

SEC("tp_btf/sched_process_exit")
int BPF_PROG(bw_exit, struct task_struct *p)
{
	return on_exit(p);
}

SEC("raw_tp/sched_process_exit")
int BPF_PROG(bw_exit_raw, struct task_struct *p)
{
	return on_exit(p);
}
