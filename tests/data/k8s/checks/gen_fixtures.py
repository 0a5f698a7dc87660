#!/usr/bin/env python3
"""gen_fixtures.py - writes tests/data/k8s/checks/<id>/{pass,fail}.yaml and
expect.txt for every best-practice check.

Each fixture is a List (JSON, which is YAML too) around a hardened
Deployment that passes every check, with its NetworkPolicy and
PodDisruptionBudget; fail.yaml changes the one thing its check looks at,
pass.yaml is the hardened base or a variant that must still pass (e.g. the
setting made at pod level instead of the container).  expect.txt holds the
field path the failing finding must point at.  Run it from anywhere:
    python3 tests/data/k8s/checks/gen_fixtures.py
"""
import copy
import json
import os

HERE = os.path.dirname(os.path.abspath(__file__))
DIGEST = "sha256:" + "ab" * 32
S = "spec.template.spec"
C0 = S + ".containers[0]"


def base():
    return {
        "apiVersion": "v1",
        "kind": "List",
        "items": [
            {
                "apiVersion": "apps/v1",
                "kind": "Deployment",
                "metadata": {"name": "web", "namespace": "shop"},
                "spec": {
                    "replicas": 3,
                    "selector": {"matchLabels": {"app": "web"}},
                    "template": {
                        "metadata": {"labels": {"app": "web", "tier": "front"}},
                        "spec": {
                            "serviceAccountName": "web",
                            "automountServiceAccountToken": False,
                            "securityContext": {
                                "runAsNonRoot": True,
                                "runAsUser": 10001,
                                "runAsGroup": 10001,
                                "seccompProfile": {"type": "RuntimeDefault"},
                            },
                            "containers": [
                                {
                                    "name": "app",
                                    "image": "registry.example.com/shop/web:1.4.2@" + DIGEST,
                                    "ports": [{"containerPort": 8080}],
                                    "env": [{"name": "LOG_LEVEL", "value": "info"}],
                                    "securityContext": {
                                        "allowPrivilegeEscalation": False,
                                        "readOnlyRootFilesystem": True,
                                        "privileged": False,
                                        "capabilities": {"drop": ["ALL"]},
                                    },
                                    "resources": {
                                        "requests": {"cpu": "100m", "memory": "128Mi"},
                                        "limits": {"cpu": "500m", "memory": "256Mi"},
                                    },
                                    "livenessProbe": {"httpGet": {"path": "/healthz", "port": 8080}},
                                    "readinessProbe": {"httpGet": {"path": "/ready", "port": 8080}},
                                }
                            ],
                        },
                    },
                },
            },
            {
                "apiVersion": "networking.k8s.io/v1",
                "kind": "NetworkPolicy",
                "metadata": {"name": "default-deny", "namespace": "shop"},
                "spec": {"podSelector": {}, "policyTypes": ["Ingress", "Egress"]},
            },
            {
                "apiVersion": "policy/v1",
                "kind": "PodDisruptionBudget",
                "metadata": {"name": "web", "namespace": "shop"},
                "spec": {"minAvailable": 2, "selector": {"matchLabels": {"app": "web"}}},
            },
        ],
    }


def dep(doc):
    return doc["items"][0]


def pod(doc):
    return dep(doc)["spec"]["template"]["spec"]


def ctr(doc):
    return pod(doc)["containers"][0]


def sc(doc):
    return ctr(doc)["securityContext"]


def mut(f):
    d = base()
    f(d)
    return d


def add_item(obj):
    def f(d):
        d["items"].append(obj)
    return f


def del_key(getter, key):
    def f(d):
        del getter(d)[key]
    return f


def set_key(getter, key, value):
    def f(d):
        getter(d)[key] = value
    return f


def chain(*fs):
    def f(d):
        for g in fs:
            g(d)
    return f


def cronjob(policy):
    d = base()
    tmpl = dep(d)["spec"]["template"]
    cj = {
        "apiVersion": "batch/v1", "kind": "CronJob",
        "metadata": {"name": "nightly", "namespace": "shop"},
        "spec": {"schedule": "0 3 * * *",
                 "jobTemplate": {"spec": {"template": copy.deepcopy(tmpl)}}},
    }
    if policy:
        cj["spec"]["concurrencyPolicy"] = policy
    d["items"][0] = cj
    return d


def service(t):
    return mut(add_item({"apiVersion": "v1", "kind": "Service",
                         "metadata": {"name": "web", "namespace": "shop"},
                         "spec": {"type": t, "selector": {"app": "web"},
                                  "ports": [{"port": 80, "targetPort": 8080}]}}))


def vol(path):
    def f(d):
        pod(d)["volumes"] = [{"name": "h", "hostPath": {"path": path}}]
        ctr(d)["volumeMounts"] = [{"name": "h", "mountPath": "/h"}]
    return f


def netpol(selector, ns="shop"):
    def f(d):
        d["items"][1] = {"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy",
                         "metadata": {"name": "np", "namespace": ns},
                         "spec": {"podSelector": selector}}
    return f


# id: (fail mutation, expected path, pass mutation or None)
CASES = {
    "BW-K8S-001": (set_key(sc, "privileged", True), C0 + ".securityContext.privileged", None),
    "BW-K8S-002": (del_key(sc, "allowPrivilegeEscalation"),
                   C0 + ".securityContext.allowPrivilegeEscalation", None),
    "BW-K8S-003": (set_key(sc, "readOnlyRootFilesystem", False),
                   C0 + ".securityContext.readOnlyRootFilesystem", None),
    "BW-K8S-004": (chain(del_key(lambda d: pod(d)["securityContext"], "runAsNonRoot"),
                         del_key(lambda d: pod(d)["securityContext"], "runAsUser")),
                   C0 + ".securityContext.runAsNonRoot",
                   # non-zero runAsUser on the container alone is enough
                   chain(del_key(lambda d: pod(d)["securityContext"], "runAsNonRoot"),
                         set_key(sc, "runAsUser", 20000))),
    "BW-K8S-005": (set_key(lambda d: pod(d)["securityContext"], "runAsUser", 1000),
                   S + ".securityContext.runAsUser", None),
    "BW-K8S-006": (set_key(sc, "capabilities", {"drop": ["ALL"], "add": ["NET_BIND_SERVICE", "SYS_ADMIN"]}),
                   C0 + ".securityContext.capabilities.add[1]",
                   set_key(sc, "capabilities", {"drop": ["ALL"], "add": ["NET_BIND_SERVICE"]})),
    "BW-K8S-007": (set_key(sc, "capabilities", {"drop": ["SYS_ADMIN"]}),
                   C0 + ".securityContext.capabilities.drop",
                   set_key(sc, "capabilities", {"drop": ["NET_RAW"]})),
    "BW-K8S-008": (set_key(sc, "capabilities", {"drop": ["NET_RAW"]}),
                   C0 + ".securityContext.capabilities.drop", None),
    "BW-K8S-009": (set_key(pod, "hostNetwork", True), S + ".hostNetwork",
                   set_key(pod, "hostNetwork", False)),
    "BW-K8S-010": (set_key(pod, "hostPID", True), S + ".hostPID", None),
    "BW-K8S-011": (set_key(pod, "hostIPC", True), S + ".hostIPC", None),
    "BW-K8S-012": (vol("/etc"), S + ".volumes[0].hostPath", None),
    "BW-K8S-013": (vol("/var/run/docker.sock"), S + ".volumes[0].hostPath.path",
                   vol("/var/log/app")),
    "BW-K8S-014": (set_key(ctr, "ports", [{"containerPort": 8080, "hostPort": 80}]),
                   C0 + ".ports[0].hostPort", None),
    "BW-K8S-015": (del_key(lambda d: ctr(d)["resources"]["requests"], "cpu"),
                   C0 + ".resources.requests.cpu", None),
    "BW-K8S-016": (del_key(lambda d: ctr(d)["resources"]["requests"], "memory"),
                   C0 + ".resources.requests.memory", None),
    "BW-K8S-017": (del_key(lambda d: ctr(d)["resources"]["limits"], "cpu"),
                   C0 + ".resources.limits.cpu", None),
    "BW-K8S-018": (del_key(lambda d: ctr(d)["resources"]["limits"], "memory"),
                   C0 + ".resources.limits.memory", None),
    "BW-K8S-019": (del_key(ctr, "livenessProbe"), C0 + ".livenessProbe", None),
    "BW-K8S-020": (del_key(ctr, "readinessProbe"), C0 + ".readinessProbe", None),
    "BW-K8S-021": (set_key(ctr, "image", "nginx:latest"), C0 + ".image",
                   set_key(ctr, "image", "nginx@" + DIGEST)),
    "BW-K8S-022": (set_key(ctr, "image", "registry.example.com:5000/web:1.4.2"), C0 + ".image", None),
    "BW-K8S-023": (chain(set_key(ctr, "image", "registry.example.com:5000/web:1.4.2"),
                         set_key(ctr, "imagePullPolicy", "IfNotPresent")),
                   C0 + ".imagePullPolicy",
                   set_key(ctr, "image", "registry.example.com:5000/web:latest")),
    "BW-K8S-024": (del_key(pod, "automountServiceAccountToken"),
                   S + ".automountServiceAccountToken",
                   # the ServiceAccount turns it off
                   chain(del_key(pod, "automountServiceAccountToken"),
                         add_item({"apiVersion": "v1", "kind": "ServiceAccount",
                                   "metadata": {"name": "web", "namespace": "shop"},
                                   "automountServiceAccountToken": False}))),
    "BW-K8S-025": (chain(del_key(lambda d: dep(d)["metadata"], "namespace"),
                         del_key(lambda d: d["items"][1]["metadata"], "namespace"),
                         del_key(lambda d: d["items"][2]["metadata"], "namespace")),
                   "metadata.namespace", None),
    "BW-K8S-026": (set_key(pod, "serviceAccountName", "default"), S + ".serviceAccountName", None),
    "BW-K8S-027": (set_key(ctr, "env", [{"name": "LOG_LEVEL", "value": "info"},
                                        {"name": "DB_PASSWORD", "value": "hunter2"}]),
                   C0 + ".env[1].value",
                   set_key(ctr, "env", [{"name": "DB_PASSWORD_FILE", "value": ""},
                                        {"name": "TOKEN_PATH", "value": "$(HOME)/t"}])),
    "BW-K8S-028": (set_key(ctr, "env", [{"name": "DB_PASSWORD", "valueFrom": {
        "secretKeyRef": {"name": "db", "key": "password"}}}]),
        C0 + ".env[0].valueFrom.secretKeyRef",
        set_key(ctr, "env", [{"name": "NODE", "valueFrom": {"fieldRef": {"fieldPath": "spec.nodeName"}}}])),
    "BW-K8S-029": (del_key(lambda d: pod(d)["securityContext"], "seccompProfile"),
                   C0 + ".securityContext.seccompProfile",
                   chain(del_key(lambda d: pod(d)["securityContext"], "seccompProfile"),
                         set_key(sc, "seccompProfile", {"type": "Localhost",
                                                        "localhostProfile": "p.json"}))),
    "BW-K8S-030": (set_key(sc, "appArmorProfile", {"type": "Unconfined"}),
                   C0 + ".securityContext.appArmorProfile.type",
                   set_key(sc, "appArmorProfile", {"type": "RuntimeDefault"})),
    "BW-K8S-031": (set_key(sc, "seLinuxOptions", {"type": "spc_t"}),
                   C0 + ".securityContext.seLinuxOptions.type",
                   set_key(sc, "seLinuxOptions", {"type": "container_init_t", "level": "s0:c1,c2"})),
    "BW-K8S-032": (set_key(sc, "procMount", "Unmasked"), C0 + ".securityContext.procMount",
                   set_key(sc, "procMount", "Default")),
    "BW-K8S-033": (set_key(lambda d: pod(d)["securityContext"], "sysctls",
                           [{"name": "net.ipv4.tcp_syncookies", "value": "1"},
                            {"name": "kernel.msgmax", "value": "65536"}]),
                   S + ".securityContext.sysctls[1]",
                   set_key(lambda d: pod(d)["securityContext"], "sysctls",
                           [{"name": "net.ipv4.tcp_syncookies", "value": "1"}])),
    "BW-K8S-034": (netpol({"matchLabels": {"app": "db"}}), S,
                   netpol({"matchExpressions": [{"key": "tier", "operator": "In",
                                                 "values": ["front", "back"]}]})),
    "BW-K8S-035": (None, "spec.type", None),
    "BW-K8S-036": (set_key(lambda d: dep(d)["spec"], "replicas", 1), "spec.replicas", None),
    "BW-K8S-037": (None, "spec.concurrencyPolicy", None),
    "BW-K8S-038": (set_key(lambda d: d["items"][2]["spec"], "selector",
                           {"matchLabels": {"app": "other"}}),
                   "spec.template.metadata.labels", None),
    "BW-K8S-039": (set_key(sc, "runAsGroup", 0), C0 + ".securityContext.runAsGroup", None),
    "BW-K8S-040": (set_key(pod, "shareProcessNamespace", True), S + ".shareProcessNamespace", None),
    "BW-K8S-041": (set_key(sc, "windowsOptions", {"hostProcess": True}),
                   C0 + ".securityContext.windowsOptions.hostProcess", None),
}


def write(path, doc):
    with open(path, "w") as f:
        json.dump(doc, f, indent=2)
        f.write("\n")


def main():
    for cid, (fail, expect, passing) in sorted(CASES.items()):
        d = os.path.join(HERE, cid)
        os.makedirs(d, exist_ok=True)
        if cid == "BW-K8S-035":
            fdoc, pdoc = service("NodePort"), service("ClusterIP")
        elif cid == "BW-K8S-037":
            fdoc, pdoc = cronjob(None), cronjob("Forbid")
        else:
            fdoc, pdoc = mut(fail), mut(passing) if passing else base()
        write(os.path.join(d, "fail.yaml"), fdoc)
        write(os.path.join(d, "pass.yaml"), pdoc)
        with open(os.path.join(d, "expect.txt"), "w") as f:
            f.write(expect + "\n")


if __name__ == "__main__":
    main()
