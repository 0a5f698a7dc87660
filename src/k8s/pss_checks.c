/*
 * pss_checks.c - the table of the Pod Security Standards checks: at which
 * level and from which policy version each implementation applies, and
 * which baseline check a restricted one replaces.  The functions are in
 * pss_baseline.c and pss_restricted.c, one per check of the upstream
 * admission controller (k8s.io/pod-security-admission/policy, check_*.go).
 */
#include "k8s/pss_int.h"

/* ---- the table
 * ----------------------------------------------------------------- */

#define B K8S_PSS_BASELINE
#define R K8S_PSS_RESTRICTED

const struct pss_check k8s_pss_checks[] = {
    {"appArmorProfile", B, 0, pss_check_apparmor, NULL},
    {"capabilities_baseline", B, 0, pss_check_capabilities_baseline, NULL},
    {"hostNamespaces", B, 0, pss_check_host_namespaces, NULL},
    {"hostPathVolumes", B, 0, pss_check_host_path_volumes, NULL},
    {"hostPorts", B, 0, pss_check_host_ports, NULL},
    {"hostProbesAndHostLifecycle", B, 34, pss_check_host_probes, NULL},
    {"privileged", B, 0, pss_check_privileged, NULL},
    {"procMount", B, 0, pss_check_procmount, NULL},
    {"procMount", B, 35, pss_check_procmount, NULL},
    {"seLinuxOptions", B, 0, pss_check_selinux, NULL},
    {"seLinuxOptions", B, 31, pss_check_selinux, NULL},
    {"seccompProfile_baseline", B, 0, pss_check_seccomp_baseline_annotations,
     NULL},
    {"seccompProfile_baseline", B, 19, pss_check_seccomp_baseline, NULL},
    {"sysctls", B, 0, pss_check_sysctls, NULL},
    {"sysctls", B, 27, pss_check_sysctls, NULL},
    {"sysctls", B, 29, pss_check_sysctls, NULL},
    {"sysctls", B, 32, pss_check_sysctls, NULL},
    {"sysctls", B, 37, pss_check_sysctls, NULL},
    {"windowsHostProcess", B, 0, pss_check_windows_host_process, NULL},

    {"allowPrivilegeEscalation", R, 8, pss_check_allow_privilege_escalation,
     NULL},
    {"allowPrivilegeEscalation", R, 25, pss_check_allow_privilege_escalation,
     NULL},
    {"capabilities_restricted", R, 22, pss_check_capabilities_restricted,
     "capabilities_baseline"},
    {"capabilities_restricted", R, 25, pss_check_capabilities_restricted,
     "capabilities_baseline"},
    {"procMount_restricted", R, 35, pss_check_procmount_restricted,
     "procMount"},
    {"restrictedVolumes", R, 0, pss_check_restricted_volumes,
     "hostPathVolumes"},
    {"runAsNonRoot", R, 0, pss_check_run_as_non_root, NULL},
    {"runAsNonRoot", R, 35, pss_check_run_as_non_root, NULL},
    {"runAsUser", R, 23, pss_check_run_as_user, NULL},
    {"runAsUser", R, 35, pss_check_run_as_user, NULL},
    {"seccompProfile_restricted", R, 19, pss_check_seccomp_restricted,
     "seccompProfile_baseline"},
    {"seccompProfile_restricted", R, 25, pss_check_seccomp_restricted,
     "seccompProfile_baseline"},
};

const size_t k8s_pss_n_checks =
    sizeof(k8s_pss_checks) / sizeof(k8s_pss_checks[0]);
