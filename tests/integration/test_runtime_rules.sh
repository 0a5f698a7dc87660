#!/usr/bin/env bash
# test_runtime_rules.sh - every default rule against real actions.
#
# One agent with the default rules watches three things at once:
#   container "tr"  performs, for each default rule, an action that must raise it;
#   container "nm"  performs the near-miss of each action, which must raise nothing;
#   the host        repeats some actions, whose alerts must say container.id=host.
source "$(dirname "$0")/lib.sh"
bw_need_runtime

tr=bwt$$tr
nm=bwt$$nm
ns=bwt$$
# A test host in its own network namespace for the outbound-port rule.
BW_EXTRA_CLEANUP="ip netns del $ns 2>/dev/null || true; ip link del ${ns}a 2>/dev/null || true"
ip netns add "$ns"
ip link add "${ns}a" type veth peer name "${ns}b"
ip link set "${ns}b" netns "$ns"
ip addr add 10.213.7.1/30 dev "${ns}a"; ip link set "${ns}a" up
ip -n "$ns" addr add 10.213.7.2/30 dev "${ns}b"; ip -n "$ns" link set "${ns}b" up
ip -n "$ns" link set lo up
ip netns exec "$ns" timeout 60 busybox nc -ll -p 9999 -e /bin/true >/dev/null 2>&1 &
ip netns exec "$ns" timeout 60 busybox nc -ll -p 3333 -e /bin/true >/dev/null 2>&1 &
timeout 60 busybox nc -ll -p 13333 -e /bin/true >/dev/null 2>&1 &
miner_listener=$!

# Both rootfs get apk (a busybox symlink) and a setuid-root bw_attack before
# the containers start: they are part of the "image" (a file changed after
# the start is what "Drop and Execute New Binary" looks for).
for c in "$tr" "$nm"; do
	bw_bundle_make "$BW_TMP/$c" sleep 3600
	cp "$BW_ATTACK" "$BW_TMP/$c/rootfs/usr/bin/bw_attack"
	chmod 4755 "$BW_TMP/$c/rootfs/usr/bin/bw_attack"
	ln -s busybox "$BW_TMP/$c/rootfs/bin/apk"
done
sleep 0.1
bw_agent_start
for c in "$tr" "$nm"; do
	BW_CONTAINERS+=("$c")
	bw_container_start "$c" "$BW_TMP/$c"
done

x() { runc exec "$tr" "$@" >/dev/null 2>&1 || true; }
n() { runc exec "$nm" "$@" >/dev/null 2>&1 || true; }

# --- triggers ---------------------------------------------------------------
x sh -c 'true'                                     # shell
x apk add curl                                     # package manager
x touch /etc/evil.conf                             # write below /etc
x cat /etc/shadow                                  # sensitive file
x bw_attack ptrace                                 # ptrace
x sh -c 'echo /tmp/x > /tmp/release_agent'         # release_agent
x sh -c 'mkdir -p /tmp/.d && cp /bin/busybox /tmp/.d/true && /tmp/.d/true'   # drop + exec
x sh -c 'cp /bin/busybox /dev/shm/true && /dev/shm/true'  # /dev/shm
x bw_attack memfd-exec                             # memfd
x bw_attack module                                 # kernel module (attempt)
x mount -t tmpfs none /mnt                         # mount
( echo 'exit' | timeout 5 busybox nc -l -p 24555 >/dev/null 2>&1 ) &
sleep 0.3
x timeout 3 nc 127.0.0.1 24555 -e /bin/sh          # reverse shell + netcat -e
x bw_attack packet                                 # packet socket
x bw_attack connect 10.213.7.2 9999                # outbound non-allowed port
x bw_attack connect 127.0.0.1 13333                # (loopback: not the port rule)
x bw_attack connect 10.213.7.2 3333                # miner pool port
x grep -r password /etc                            # credential search
x sh -c ': > /var/log/app.log'                     # log clearing
runc exec --user 10001:10001 "$tr" bw_attack setuid-root >/dev/null 2>&1 || true  # setuid
x bw_attack unshare                                # namespace change
x bw_attack bpf                                    # bpf

# --- near misses --------------------------------------------------------------
n ls /app                                          # not a shell
n touch /app/data.txt                              # write in the work dir
n cat /etc/passwd                                  # not a sensitive file
n grep root /etc/passwd                            # grep without credential terms
n cp /etc/passwd /app/passwd.copy                  # copy a file, don't run it
n bw_attack connect 10.213.7.2 80                  # allowed port (refused, fine)
n ls /tmp
n cat /app/data.txt
n mkdir -p /app/cache
echo x | runc exec "$nm" tee -a /var/log/app.log >/dev/null 2>&1 || true   # append, not truncate

# --- host ---------------------------------------------------------------------
cat /etc/shadow >/dev/null
"$BW_ATTACK" ptrace >/dev/null 2>&1
"$BW_ATTACK" packet >/dev/null 2>&1
grep -r password /dev/null >/dev/null 2>&1 || true
touch "/etc/.bulwark-test-$$" && rm -f "/etc/.bulwark-test-$$"

bw_agent_stop
kill "$miner_listener" 2>/dev/null || true

python3 - "$BW_TMP/alerts.json" "$tr" "$nm" "$BW_SOURCE_DIR/rules/bulwark_rules.yaml" <<'PY'
import json, sys, re
path, tr, nm, rules_path = sys.argv[1:5]
alerts = [json.loads(l) for l in open(path) if l.strip()]
by = {}
for a in alerts:
    f = a["output_fields"]
    for k in ("container.id", "container.name", "container.image.repository", "k8s.pod.name", "k8s.ns.name"):
        assert k in f, f"alert {a['rule']} lacks output_fields[{k}]"
    by.setdefault(f.get("container.name"), set()).add(a["rule"])
expected_tr = [
    "Shell Spawned in Container", "Package Management Process in Container",
    "Write Below System Directories", "Read Sensitive File by Untrusted Program",
    "Ptrace Attach or Code Injection", "Cgroup Release Agent Modification",
    "Drop and Execute New Binary in Container", "Execution from /dev/shm or Memory",
    "Kernel Module Load Attempt in Container", "Mount Launched in Container",
    "Reverse Shell Redirecting Stdio to Network", "Netcat Remote Code Execution",
    "Packet Socket Created", "Outbound Connection to Non-Allowed Port from Container",
    "Crypto Miner Pool Connection", "Credential Search", "Clear Log Activities",
    "Setuid to Root by Non-Root User", "Namespace Change in Container",
    "BPF Program Loaded in Container",
]
rules = set(re.findall(r"^- rule: (.+)$", open(rules_path).read(), re.M))
untested = rules - set(expected_tr) - {"Linux Kernel Module Loaded"}
fails = 0
for r in expected_tr:
    ok = r in by.get(tr, set())
    print(f"{'PASS' if ok else 'FAIL'}: trigger raises '{r}'")
    fails += not ok
nm_alerts = sorted(by.get(nm, set()))
print(f"{'PASS' if not nm_alerts else 'FAIL'}: near misses raise nothing {nm_alerts}")
fails += bool(nm_alerts)
host = by.get("host", set())
host_rules = ("Read Sensitive File by Untrusted Program", "Ptrace Attach or Code Injection",
              "Packet Socket Created", "Credential Search", "Write Below System Directories")
for r in host_rules:
    ok = r in host
    print(f"{'PASS' if ok else 'FAIL'}: host action raises '{r}' with container.id=host")
    fails += not ok
for a in alerts:
    if a["output_fields"].get("container.name") == "host" and a["output_fields"].get("container.id") != "host":
        print("FAIL: host alert without container.id=host"); fails += 1; break
if untested:
    print(f"FAIL: default rules without a trigger in this test: {sorted(untested)}"); fails += 1
print(f"{len(expected_tr) + len(host_rules) + 1 - fails} passed, {fails} failed")
sys.exit(1 if fails else 0)
PY
