/*
 * checks_kernel.c - kernel parameters read from <root>/proc/sys
 * (BW-HOST-030..038): pointer and dmesg restrictions, IP forwarding
 * awareness, and the values the kubelet insists on when
 * protectKernelDefaults is true (it refuses to start if they differ).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "hostbench/hostbench.h"

enum kop { OP_EQ, OP_GE, OP_AWARE };

struct sysctl {
	const char *name; /* dotted, as sysctl(8) prints it */
	enum kop op;
	long want;
	const char *expected;
};

static void check_sysctl(struct hb_ctx *ctx, const struct hb_check *c,
			 struct hb_outcome *out)
{
	const struct sysctl *k = c->arg;
	char path[256], *buf, *end;
	size_t len, i;
	long v;
	int rc;

	snprintf(path, sizeof(path), "/proc/sys/%s", k->name);
	for (i = strlen("/proc/sys/"); path[i]; i++)
		if (path[i] == '.')
			path[i] = '/';
	rc = hb_read_file(ctx->rootfd, path, 4096, &buf, &len);
	if (rc) {
		hb_set(out, HB_WARN, k->expected, "%s: %s", path,
		       rc == -ENOENT ? "not found" : strerror(-rc));
		return;
	}
	errno = 0;
	v = strtol(buf, &end, 10);
	while (*end == '\n' || *end == ' ' || *end == '\t')
		end++;
	if (errno || end == buf || *end) {
		hb_set(out, HB_WARN, k->expected,
		       "%s = \"%.60s\" (not a number)", k->name, buf);
		free(buf);
		return;
	}
	free(buf);
	switch (k->op) {
	case OP_EQ:
		hb_set(out, v == k->want ? HB_PASS : HB_FAIL, k->expected,
		       "%s = %ld", k->name, v);
		break;
	case OP_GE:
		hb_set(out, v >= k->want ? HB_PASS : HB_FAIL, k->expected,
		       "%s = %ld", k->name, v);
		break;
	case OP_AWARE: /* set: a thing to know about, not a failure */
		if (v == k->want)
			hb_set(out, HB_WARN, k->expected,
			       "%s = %ld: the host routes packets; needed for "
			       "pod networking, so make sure the FORWARD chain "
			       "policy is deliberate",
			       k->name, v);
		else
			hb_set(out, HB_PASS, k->expected, "%s = %ld", k->name,
			       v);
		break;
	}
}

static const struct sysctl
    s_kptr = {"kernel.kptr_restrict", OP_GE, 1, ">= 1"},
    s_dmesg = {"kernel.dmesg_restrict", OP_EQ, 1, "1"},
    s_fwd = {"net.ipv4.ip_forward", OP_AWARE, 1,
	     "0, or 1 deliberately (Kubernetes nodes need 1)"},
    s_overcommit = {"vm.overcommit_memory", OP_EQ, 1, "1"},
    s_panic = {"kernel.panic", OP_EQ, 10, "10"},
    s_oops = {"kernel.panic_on_oops", OP_EQ, 1, "1"},
    s_oom = {"vm.panic_on_oom", OP_EQ, 0, "0"},
    s_maxkeys = {"kernel.keys.root_maxkeys", OP_EQ, 1000000, "1000000"},
    s_maxbytes = {"kernel.keys.root_maxbytes", OP_EQ, 25000000, "25000000"};

#define SK "Kernel parameters"
#define SYSCTL(kv)                                                             \
	"echo '" kv "' >> /etc/sysctl.d/90-kubelet.conf && sysctl --system"

const struct hb_check hb_checks_kernel[] = {
    {"BW-HOST-030", SK,
     "Ensure kernel pointers are hidden from unprivileged users "
     "(kernel.kptr_restrict >= 1)",
     1, SYSCTL("kernel.kptr_restrict = 1"), check_sysctl, &s_kptr},
    {"BW-HOST-031", SK,
     "Ensure the kernel log is restricted to privileged users "
     "(kernel.dmesg_restrict = 1)",
     1, SYSCTL("kernel.dmesg_restrict = 1"), check_sysctl, &s_dmesg},
    {"BW-HOST-032", SK, "Be aware of IP forwarding (net.ipv4.ip_forward)", 1,
     "Keep net.ipv4.ip_forward = 1 on Kubernetes nodes (pod networking "
     "needs it) and restrict forwarding with the FORWARD chain / network "
     "policies; set it to 0 on hosts that do not route container traffic",
     check_sysctl, &s_fwd},
    {"BW-HOST-033", SK,
     "Ensure vm.overcommit_memory = 1 (kubelet protect-kernel-defaults)", 2,
     SYSCTL("vm.overcommit_memory = 1"), check_sysctl, &s_overcommit},
    {"BW-HOST-034", SK,
     "Ensure kernel.panic = 10 (kubelet protect-kernel-defaults)", 2,
     SYSCTL("kernel.panic = 10"), check_sysctl, &s_panic},
    {"BW-HOST-035", SK,
     "Ensure kernel.panic_on_oops = 1 (kubelet protect-kernel-defaults)", 2,
     SYSCTL("kernel.panic_on_oops = 1"), check_sysctl, &s_oops},
    {"BW-HOST-036", SK,
     "Ensure vm.panic_on_oom = 0 (kubelet protect-kernel-defaults)", 2,
     SYSCTL("vm.panic_on_oom = 0"), check_sysctl, &s_oom},
    {"BW-HOST-037", SK,
     "Ensure kernel.keys.root_maxkeys = 1000000 (kubelet "
     "protect-kernel-defaults)",
     2, SYSCTL("kernel.keys.root_maxkeys = 1000000"), check_sysctl, &s_maxkeys},
    {"BW-HOST-038", SK,
     "Ensure kernel.keys.root_maxbytes = 25000000 (kubelet "
     "protect-kernel-defaults)",
     2, SYSCTL("kernel.keys.root_maxbytes = 25000000"), check_sysctl,
     &s_maxbytes},
};
const size_t hb_n_checks_kernel =
    sizeof(hb_checks_kernel) / sizeof(hb_checks_kernel[0]);
