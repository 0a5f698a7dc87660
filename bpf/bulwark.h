/*
 * bulwark.h - the kernel <-> user ABI of the sensor: the ring-buffer record
 * layout written by bulwark.bpf.c and read by src/sensor/decode.c, plus
 * the map sizes both sides agree on.  Included by BPF code (after
 * vmlinux.h) and by user space (after <stdint.h>), so it uses only
 * fixed-width types and explicit padding, and checks its sizes.
 *
 * A record is:
 *
 *   struct bw_rec_hdr              40 bytes
 *   struct bw_rec_param[nparams]   16 bytes each, in the order of the
 *                                  event type's parameters (evttypes.c)
 *   data area                      strings, raw sockaddrs, tuples: each
 *                                  referenced by (off, len) from the
 *                                  record's start
 *
 * hdr.size is the record's total length.  User space checks every size and
 * offset against the bytes it received before reading (records are
 * hostile input as far as the decoder is concerned).
 */
#ifndef BW_BPF_BULWARK_H
#define BW_BPF_BULWARK_H

#ifndef __VMLINUX_H__
#include <linux/types.h>
#endif

#define BW_REC_MAX_PARAMS 26     /* == BW_EVT_MAX_PARAMS */
#define BW_REC_MAX_SIZE 16384    /* a record never exceeds this */
#define BW_REC_MAX_STR 4096      /* one string (path) at most */
#define BW_REC_MAX_ARGS_BYTES 4096 /* execve argv blob */
#define BW_REC_MAX_ARGV 64       /* == BW_EVT_MAX_ARGV */
#define BW_REC_MAX_SOCKADDR 112  /* sizeof(struct sockaddr_un) rounded */

/* Interest map: one u8 per syscall number, plus pseudo-slots for events
 * that are not syscalls. */
#define BW_NR_SLOTS 512
#define BW_SLOT_PROCEXIT 500

/* Parameter kinds. */
#define BW_RK_NONE 0    /* not available */
#define BW_RK_VAL 1     /* the value is in val */
#define BW_RK_DATA 2    /* bytes at (off, len) in the record */

struct bw_rec_hdr {
	__u32 size;      /* total record length in bytes */
	__u16 type;      /* enum bw_evt_type */
	__u16 cpu;
	__u64 ts;        /* bpf_ktime_get_boot_ns() */
	__s64 res;       /* syscall return value */
	__u32 tid;
	__u32 pid;       /* tgid */
	__u8 nparams;
	__u8 pad[7];
};

struct bw_rec_param {
	__u64 val;
	__u32 off;
	__u16 len;
	__u8 kind;       /* BW_RK_* */
	__u8 pad;
};

/*
 * Tuple data (kind DATA, for BW_PT_TUPLE): ports in host order, addresses
 * in network order (IPv4 in the first 4 bytes).  For AF_UNIX the socket
 * path follows the struct (len - sizeof(struct bw_rec_tuple) bytes).
 */
struct bw_rec_tuple {
	__u16 family;
	__u16 sport;
	__u16 dport;
	__u16 pad;
	__u8 saddr[16];
	__u8 daddr[16];
};

/*
 * Sockaddr data (kind DATA, for BW_PT_SOCKADDR): the raw struct sockaddr
 * bytes copied from the caller, at most BW_REC_MAX_SOCKADDR.
 *
 * execve data: the "args" slot (kind DATA) holds the whole argv,
 * NUL-separated, argv[0] first; the decoder splits it into Falco's "exe"
 * (argv[0]) and "args" (the rest) and fills bw_event.argv.
 */

_Static_assert(sizeof(struct bw_rec_hdr) == 40, "bw_rec_hdr layout");
_Static_assert(sizeof(struct bw_rec_param) == 16, "bw_rec_param layout");
_Static_assert(sizeof(struct bw_rec_tuple) == 40, "bw_rec_tuple layout");

#endif
