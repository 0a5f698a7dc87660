/*
 * checks_table.c - the best-practice checks as data: id, name, severity,
 * title, rationale, remediation, framework mappings and the function that
 * evaluates it (checks_container.c, checks_pod.c).  docs/k8s.md's check
 * table is generated from this table; ids are stable and never reused.
 *
 * Framework references, applied only where the control is about the same
 * thing:
 *   CIS Kubernetes Benchmark v1.8, section 5 (Policies);
 *   NSA/CISA Kubernetes Hardening Guide v1.2, by section title;
 *   NIST SP 800-190, section 4 risk (its countermeasure is the matching
 *   5.x section);
 *   PCI DSS 4.0 requirement.
 */
#include "k8s/checks_int.h"

#define CIS(x)                                                                 \
	{                                                                      \
		REPORT_FW_CIS, x                                               \
	}
#define NSA(x)                                                                 \
	{                                                                      \
		REPORT_FW_NSA, x                                               \
	}
#define NIST(x)                                                                \
	{                                                                      \
		REPORT_FW_NIST, x                                              \
	}
#define PCI(x)                                                                 \
	{                                                                      \
		REPORT_FW_PCI, x                                               \
	}
#define FW(...)                                                                \
	.frameworks = {__VA_ARGS__},                                           \
	.nframeworks = sizeof((struct report_framework_ref[]){__VA_ARGS__}) /  \
		       sizeof(struct report_framework_ref)

#define NSA_NONROOT "Pod security: non-root containers"
#define NSA_IMMUTABLE "Pod security: immutable container file systems"
#define NSA_IMAGES "Pod security: building secure container images"
#define NSA_PODSEC "Pod security: Pod security enforcement"
#define NSA_TOKENS "Pod security: protecting Pod service account tokens"
#define NSA_HARDEN "Pod security: hardening container environments"
#define NSA_NS "Network separation: namespaces"
#define NSA_NETPOL "Network separation: network policies"
#define NSA_RES "Network separation: resource policies"
#define NSA_SECRETS "Network separation: secrets"

#define NIST_RUNTIME "4.4.3 Insecure container runtime configurations"
#define NIST_NET "4.4.2 Unbounded network access from containers"
#define NIST_HOSTFS "4.5.5 Host file system tampering"
#define NIST_STALE "4.2.2 Stale images in registries"
#define NIST_SECRETS "4.1.4 Embedded clear text secrets"
#define NIST_MIXING "4.3.4 Mixing of workload sensitivity levels"
#define NIST_ORCH_NET "4.3.3 Poorly separated inter-container network traffic"
#define NIST_ORCH_ACCESS "4.3.2 Unauthorized access"

#define PCI_SECPARAM "2.2.6"  /* security parameters prevent misuse */
#define PCI_SERVICES "2.2.4"  /* only necessary services enabled */
#define PCI_LEASTPRIV "7.2.5" /* system accounts: least privilege */
#define PCI_HARDCODED "8.6.2" /* no hard-coded passwords */
#define PCI_NSC_IN "1.3.1"    /* inbound traffic restricted */
#define PCI_NSC_OUT "1.3.2"   /* outbound traffic restricted */
#define PCI_CONFIG "2.2.1"    /* configuration standards */

const struct k8s_check k8s_checks[] = {
    {"BW-K8S-001", "privileged-container", VULN_SEV_HIGH,
     "Containers must not run privileged",
     "A privileged container has every capability and all host devices: "
     "root in it is root on the node.",
     "Remove securityContext.privileged or set it to false; grant only the "
     "capabilities the process needs.",
     FW(CIS("5.2.2"), NSA(NSA_PODSEC), NIST(NIST_RUNTIME), PCI(PCI_SECPARAM)),
     .container_fn = chk_privileged},
    {"BW-K8S-002", "privilege-escalation", VULN_SEV_MEDIUM,
     "allowPrivilegeEscalation must be false",
     "Without no_new_privs a process can gain privileges through setuid "
     "binaries or file capabilities.",
     "Set securityContext.allowPrivilegeEscalation: false on every "
     "container.",
     FW(CIS("5.2.6"), NSA(NSA_PODSEC), NIST(NIST_RUNTIME), PCI(PCI_SECPARAM)),
     .container_fn = chk_priv_escalation},
    {"BW-K8S-003", "writable-root-filesystem", VULN_SEV_MEDIUM,
     "Root filesystem should be read-only",
     "A writable root filesystem lets an attacker drop tools and persist "
     "changes to the container's binaries.",
     "Set securityContext.readOnlyRootFilesystem: true and mount emptyDir "
     "volumes where the application writes.",
     FW(CIS("5.7.3"), NSA(NSA_IMMUTABLE), NIST(NIST_RUNTIME)),
     .container_fn = chk_readonly_rootfs},
    {"BW-K8S-004", "run-as-root", VULN_SEV_MEDIUM,
     "Containers must not run as root",
     "A process running as UID 0 keeps root's privileges over mounted "
     "files and is one kernel bug away from the node.",
     "Set securityContext.runAsNonRoot: true (pod or container) and a "
     "non-zero runAsUser.",
     FW(CIS("5.2.7"), NSA(NSA_NONROOT), NIST(NIST_RUNTIME), PCI(PCI_LEASTPRIV)),
     .container_fn = chk_run_as_non_root},
    {"BW-K8S-005", "low-uid", VULN_SEV_LOW,
     "Containers should run as a UID of 10000 or more",
     "Low UIDs collide with users of the host; a container escape as such "
     "a user gains that user's host access.",
     "Set securityContext.runAsUser to a UID of 10000 or more.",
     FW(NSA(NSA_NONROOT), PCI(PCI_LEASTPRIV)), .container_fn = chk_low_uid},
    {"BW-K8S-006", "dangerous-capabilities", VULN_SEV_HIGH,
     "Containers must not add dangerous capabilities",
     "SYS_ADMIN, NET_ADMIN, SYS_PTRACE, SYS_MODULE, BPF, ALL and similar "
     "capabilities give near-root control of the node's kernel.",
     "Remove the capability from securityContext.capabilities.add.",
     FW(CIS("5.2.9"), NSA(NSA_PODSEC), NIST(NIST_RUNTIME), PCI(PCI_SECPARAM)),
     .container_fn = chk_dangerous_caps},
    {"BW-K8S-007", "net-raw", VULN_SEV_MEDIUM, "NET_RAW must be dropped",
     "NET_RAW allows crafting packets: ARP and DNS spoofing against other "
     "pods on the node.",
     "Add NET_RAW (or ALL) to securityContext.capabilities.drop.",
     FW(CIS("5.2.8"), NSA(NSA_PODSEC), NIST(NIST_RUNTIME)),
     .container_fn = chk_net_raw},
    {"BW-K8S-008", "drop-all-capabilities", VULN_SEV_MEDIUM,
     "Containers should drop ALL capabilities",
     "The runtime's default capability set is broader than most processes "
     "need; dropping ALL and adding back is least privilege.",
     "Set securityContext.capabilities.drop: [ALL] and add back only what "
     "is needed.",
     FW(CIS("5.2.10"), NSA(NSA_PODSEC), NIST(NIST_RUNTIME), PCI(PCI_LEASTPRIV)),
     .container_fn = chk_drop_all},
    {"BW-K8S-009", "host-network", VULN_SEV_HIGH,
     "Pods must not use the host network",
     "hostNetwork gives the pod the node's interfaces: it can sniff "
     "traffic and reach services bound to localhost.",
     "Remove hostNetwork: true.",
     FW(CIS("5.2.5"), NSA(NSA_PODSEC), NIST(NIST_RUNTIME), PCI(PCI_SECPARAM)),
     .object_fn = chk_host_network},
    {"BW-K8S-010", "host-pid", VULN_SEV_HIGH,
     "Pods must not share the host PID namespace",
     "hostPID shows every process of the node and allows signalling or "
     "ptracing them.",
     "Remove hostPID: true.",
     FW(CIS("5.2.3"), NSA(NSA_PODSEC), NIST(NIST_RUNTIME), PCI(PCI_SECPARAM)),
     .object_fn = chk_host_pid},
    {"BW-K8S-011", "host-ipc", VULN_SEV_HIGH,
     "Pods must not share the host IPC namespace",
     "hostIPC exposes the node's shared memory and message queues.",
     "Remove hostIPC: true.",
     FW(CIS("5.2.4"), NSA(NSA_PODSEC), NIST(NIST_RUNTIME), PCI(PCI_SECPARAM)),
     .object_fn = chk_host_ipc},
    {"BW-K8S-012", "host-path-volume", VULN_SEV_HIGH,
     "Pods should not mount hostPath volumes",
     "A hostPath volume exposes the node's filesystem: credentials, logs, "
     "and a path to escape the container.",
     "Use emptyDir, configMap, secret, or persistent volumes instead.",
     FW(CIS("5.2.12"), NSA(NSA_PODSEC), NIST(NIST_HOSTFS)),
     .object_fn = chk_host_path},
    {"BW-K8S-013", "runtime-socket", VULN_SEV_CRITICAL,
     "Pods must not mount the container runtime socket",
     "The docker, containerd or CRI-O socket controls every container of "
     "the node: whoever can write it is root there.",
     "Remove the hostPath volume of the runtime socket (or of the "
     "directory holding it).",
     FW(CIS("5.2.12"), NSA(NSA_PODSEC), NIST(NIST_HOSTFS), PCI(PCI_SECPARAM)),
     .object_fn = chk_runtime_socket},
    {"BW-K8S-014", "host-port", VULN_SEV_MEDIUM,
     "Containers should not bind host ports",
     "hostPort bypasses Services and NetworkPolicy on the node and limits "
     "scheduling.",
     "Remove ports[].hostPort; expose the pod through a Service.",
     FW(CIS("5.2.13"), NSA(NSA_PODSEC), NIST(NIST_NET), PCI(PCI_SERVICES)),
     .container_fn = chk_host_port},
    {"BW-K8S-015", "cpu-requests", VULN_SEV_LOW,
     "Containers should set CPU requests",
     "Without requests the scheduler cannot place the pod sensibly and it "
     "is first to be starved.",
     "Set resources.requests.cpu.", FW(NSA(NSA_RES)),
     .container_fn = chk_cpu_requests},
    {"BW-K8S-016", "memory-requests", VULN_SEV_LOW,
     "Containers should set memory requests",
     "Without memory requests the pod is scheduled blind and evicted "
     "first under pressure.",
     "Set resources.requests.memory.", FW(NSA(NSA_RES)),
     .container_fn = chk_memory_requests},
    {"BW-K8S-017", "cpu-limits", VULN_SEV_LOW,
     "Containers should set CPU limits",
     "An unbounded container can use every CPU of the node and starve its "
     "neighbours.",
     "Set resources.limits.cpu (or a namespace LimitRange).", FW(NSA(NSA_RES)),
     .container_fn = chk_cpu_limits},
    {"BW-K8S-018", "memory-limits", VULN_SEV_MEDIUM,
     "Containers should set memory limits",
     "An unbounded container can exhaust the node's memory: a denial of "
     "service for every pod there.",
     "Set resources.limits.memory (or a namespace LimitRange).",
     FW(NSA(NSA_RES)), .container_fn = chk_memory_limits},
    {"BW-K8S-019", "liveness-probe", VULN_SEV_LOW,
     "Containers should have a liveness probe",
     "Without a liveness probe a hung process is never restarted.",
     "Add a livenessProbe (not checked for Jobs and CronJobs).",
     .nframeworks = 0, .container_fn = chk_liveness},
    {"BW-K8S-020", "readiness-probe", VULN_SEV_LOW,
     "Containers should have a readiness probe",
     "Without a readiness probe traffic reaches the pod before it can "
     "serve it.",
     "Add a readinessProbe (not checked for Jobs and CronJobs).",
     .nframeworks = 0, .container_fn = chk_readiness},
    {"BW-K8S-021", "image-latest", VULN_SEV_MEDIUM,
     "Images must use an explicit tag other than latest",
     "latest (or no tag) changes under you: deployments are not "
     "reproducible and a compromised push is picked up silently.",
     "Use a version tag, or better a digest (image@sha256:...).",
     FW(NSA(NSA_IMAGES), NIST(NIST_STALE), PCI(PCI_CONFIG)),
     .container_fn = chk_image_tag},
    {"BW-K8S-022", "image-digest", VULN_SEV_LOW,
     "Images should be pinned by digest",
     "A tag can be moved to another image; a digest names exactly one.",
     "Reference images as name@sha256:<digest> (tag optional).",
     FW(NSA(NSA_IMAGES), NIST(NIST_STALE)), .container_fn = chk_image_digest},
    {"BW-K8S-023", "pull-policy", VULN_SEV_LOW,
     "imagePullPolicy should be Always for mutable tags",
     "With IfNotPresent a node runs whatever image it cached under the "
     "tag, which may differ from node to node.",
     "Set imagePullPolicy: Always, or pin the image by digest.",
     FW(NIST(NIST_STALE)), .container_fn = chk_pull_policy},
    {"BW-K8S-024", "sa-token-automount", VULN_SEV_MEDIUM,
     "Service account tokens should not be mounted automatically",
     "A mounted token lets anyone in the pod talk to the API server with "
     "the service account's rights.",
     "Set automountServiceAccountToken: false on the pod (or its "
     "ServiceAccount) unless it calls the API.",
     FW(CIS("5.1.6"), NSA(NSA_TOKENS), NIST(NIST_ORCH_ACCESS),
	PCI(PCI_LEASTPRIV)),
     .object_fn = chk_sa_automount},
    {"BW-K8S-025", "default-namespace", VULN_SEV_LOW,
     "Objects should not be in the default namespace",
     "Namespaces are the unit of RBAC, quotas and network policy; the "
     "default namespace mixes unrelated workloads.",
     "Set metadata.namespace to a dedicated namespace.",
     FW(CIS("5.7.4"), NSA(NSA_NS), NIST(NIST_MIXING)),
     .object_fn = chk_default_namespace},
    {"BW-K8S-026", "default-service-account", VULN_SEV_LOW,
     "Pods should not use the default service account",
     "Rights granted to the default service account reach every pod of "
     "the namespace.",
     "Create a ServiceAccount per workload and set serviceAccountName.",
     FW(CIS("5.1.5"), NSA(NSA_TOKENS), PCI(PCI_LEASTPRIV)),
     .object_fn = chk_default_sa},
    {"BW-K8S-027", "secret-literal-env", VULN_SEV_HIGH,
     "Secrets must not be written into env values",
     "A literal secret in a manifest is in version control, in the API "
     "server and visible to anyone who can read the workload.",
     "Store the value in a Secret and mount it as a file.",
     FW(NSA(NSA_SECRETS), NIST(NIST_SECRETS), PCI(PCI_HARDCODED)),
     .container_fn = chk_secret_literal},
    {"BW-K8S-028", "secret-env-ref", VULN_SEV_LOW,
     "Secrets should be mounted as files, not env vars",
     "Environment variables leak into logs, crash dumps and child "
     "processes, and are not updated when the Secret changes.",
     "Mount the Secret as a volume instead of env valueFrom.secretKeyRef "
     "or envFrom.secretRef.",
     FW(CIS("5.4.1"), NSA(NSA_SECRETS)), .container_fn = chk_secret_env_ref},
    {"BW-K8S-029", "seccomp", VULN_SEV_MEDIUM,
     "Seccomp profile must be RuntimeDefault or Localhost",
     "Without seccomp every system call is open to the container, "
     "including the rarely used ones most kernel exploits need.",
     "Set securityContext.seccompProfile.type: RuntimeDefault on the pod.",
     FW(CIS("5.7.2"), NSA(NSA_HARDEN), NIST(NIST_RUNTIME), PCI(PCI_SECPARAM)),
     .container_fn = chk_seccomp},
    {"BW-K8S-030", "apparmor-unconfined", VULN_SEV_HIGH,
     "AppArmor must not be unconfined",
     "An unconfined profile removes the runtime's mandatory access "
     "control confinement.",
     "Use the runtime default or a Localhost AppArmor profile.",
     FW(NSA(NSA_HARDEN), NIST(NIST_RUNTIME), PCI(PCI_SECPARAM)),
     .container_fn = chk_apparmor},
    {"BW-K8S-031", "selinux-custom", VULN_SEV_MEDIUM,
     "SELinux options must not set a custom user, role or type",
     "A custom SELinux type or user can lift the container out of the "
     "container_t confinement.",
     "Remove seLinuxOptions.user/role and use a container_* type.",
     FW(CIS("5.7.3"), NSA(NSA_HARDEN), NIST(NIST_RUNTIME)),
     .container_fn = chk_selinux},
    {"BW-K8S-032", "proc-mount", VULN_SEV_HIGH,
     "procMount must not be Unmasked",
     "An unmasked /proc exposes kernel interfaces the runtime hides.",
     "Remove securityContext.procMount or set it to Default.",
     FW(NSA(NSA_PODSEC), NIST(NIST_RUNTIME)), .container_fn = chk_proc_mount},
    {"BW-K8S-033", "unsafe-sysctls", VULN_SEV_MEDIUM,
     "Pods must set only safe sysctls",
     "Sysctls outside the namespaced safe set change the node's kernel "
     "for every pod.",
     "Remove the sysctl or move it to node configuration.",
     FW(NSA(NSA_PODSEC), NIST(NIST_RUNTIME)), .object_fn = chk_sysctls},
    {"BW-K8S-034", "no-network-policy", VULN_SEV_MEDIUM,
     "Pods should be selected by a NetworkPolicy",
     "Pods no NetworkPolicy selects accept traffic from and send traffic "
     "to anywhere: one compromised pod reaches them all.",
     "Add a NetworkPolicy in the namespace whose podSelector selects the "
     "pods (a default-deny policy with podSelector: {} is a good start).",
     FW(CIS("5.3.2"), NSA(NSA_NETPOL), NIST(NIST_NET), PCI(PCI_NSC_IN),
	PCI(PCI_NSC_OUT)),
     .object_fn = chk_network_policy},
    {"BW-K8S-035", "service-exposed", VULN_SEV_LOW,
     "Services of type NodePort or LoadBalancer expose pods",
     "NodePort and LoadBalancer Services are reachable from outside the "
     "cluster network.",
     "Use ClusterIP behind an Ingress or Gateway, or restrict "
     "loadBalancerSourceRanges.",
     FW(NIST(NIST_ORCH_NET), PCI(PCI_NSC_IN)),
     .object_fn = chk_service_exposed},
    {"BW-K8S-036", "single-replica", VULN_SEV_LOW,
     "Deployments and StatefulSets should run at least 2 replicas",
     "A single replica is unavailable during every rollout, node drain or "
     "crash.",
     "Set spec.replicas to 2 or more.", .nframeworks = 0,
     .object_fn = chk_replicas},
    {"BW-K8S-037", "cronjob-concurrency", VULN_SEV_LOW,
     "CronJobs should set concurrencyPolicy Forbid or Replace",
     "With Allow, slow runs pile up and can exhaust the cluster.",
     "Set spec.concurrencyPolicy: Forbid (or Replace).", .nframeworks = 0,
     .object_fn = chk_cronjob_concurrency},
    {"BW-K8S-038", "no-pod-disruption-budget", VULN_SEV_LOW,
     "Replicated workloads should have a PodDisruptionBudget",
     "Without a PDB a node drain may evict every replica at once.",
     "Add a PodDisruptionBudget whose selector matches the pods.",
     .nframeworks = 0, .object_fn = chk_pdb},
    {"BW-K8S-039", "root-group", VULN_SEV_LOW,
     "Containers should not run with GID 0",
     "The root group owns many files of the host and image that a "
     "non-root user could otherwise not write.",
     "Set securityContext.runAsGroup to a non-zero GID.",
     FW(NSA(NSA_NONROOT), PCI(PCI_LEASTPRIV)), .container_fn = chk_root_group},
    {"BW-K8S-040", "share-process-namespace", VULN_SEV_LOW,
     "Pods should not share one process namespace",
     "With shareProcessNamespace every container sees and can signal the "
     "others' processes and read their /proc/<pid>/root.",
     "Remove shareProcessNamespace: true unless a sidecar needs it.",
     FW(NIST(NIST_RUNTIME)), .object_fn = chk_share_pid},
    {"BW-K8S-041", "windows-host-process", VULN_SEV_HIGH,
     "Windows containers must not be HostProcess containers",
     "A HostProcess container runs directly on the Windows node with its "
     "privileges.",
     "Remove windowsOptions.hostProcess: true.",
     FW(CIS("5.2.11"), NSA(NSA_PODSEC), NIST(NIST_RUNTIME)),
     .container_fn = chk_host_process},
};

const size_t k8s_nchecks = sizeof(k8s_checks) / sizeof(k8s_checks[0]);
