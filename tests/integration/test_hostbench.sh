#!/usr/bin/env bash
# test_hostbench.sh - `bulwark bench host` as a user runs it, on a fake host
# root built here: exit codes (0 no FAIL, 1 FAIL, 2 usage), text summary,
# JSON that parses with the documented schema, well-formed JUnit XML, -o,
# --checks, and a symlink out of the root that must not be followed.
# Needs root (chown) and python3; skips (77) without them unless CI=true.
set -euo pipefail
: "${BULWARK:?}" "${BW_SOURCE_DIR:?}"
need() {
	if ! "$@" >/dev/null 2>&1; then
		[ "${CI:-}" = "true" ] && { echo "FAIL: needs: $*" >&2; exit 1; }
		echo "SKIP: needs: $*" >&2; exit 77
	fi
}
need test "$(id -u)" -eq 0
need command -v python3
pass=0; fail=0
ok() { echo "PASS: $*"; pass=$((pass+1)); }
ko() { echo "FAIL: $*"; fail=$((fail+1)); }
t=$(mktemp -d /tmp/bw-hostbench-it.XXXXXX); trap 'rm -rf "$t"' EXIT
D="$BW_SOURCE_DIR/tests/data/hostbench"
R="$t/root"

put() { # put SRC DEST MODE
	mkdir -p "$(dirname "$R/$2")"; cp "$1" "$R/$2"; chmod "$3" "$R/$2"; chown 0:0 "$R/$2"
}
text() { # text DEST MODE CONTENT
	mkdir -p "$(dirname "$R/$1")"; printf '%s\n' "$3" >"$R/$1"; chmod "$2" "$R/$1"; chown 0:0 "$R/$1"
}
# A hardened node: every check passes or is not applicable.
put "$D/kubelet.service" etc/systemd/system/kubelet.service 600
put "$D/10-kubeadm.conf" etc/systemd/system/kubelet.service.d/10-kubeadm.conf 600
put "$D/kubeadm-flags.env" var/lib/kubelet/kubeadm-flags.env 600
put "$D/kubelet-good.yaml" var/lib/kubelet/config.yaml 600
text etc/kubernetes/kubelet.conf 600 "apiVersion: v1"
text etc/kubernetes/pki/ca.crt 600 "CERT"
text etc/kubernetes/pki/ca.key 600 "KEY"
text usr/bin/kubelet 755 "ELF"
text usr/bin/runc 755 "ELF"
text usr/bin/containerd 755 "ELF"
text etc/containerd/config.toml 644 "version = 2"
mkdir -p "$R/var/lib/containerd" "$R/run/containerd"; chmod 711 "$R/var/lib/containerd"
put "$D/container-runtime.rules" etc/audit/rules.d/container-runtime.rules 640
echo "-w /run/containerd -k container-runtime" >>"$R/etc/audit/rules.d/container-runtime.rules"
for kv in kernel/kptr_restrict=1 kernel/dmesg_restrict=1 net/ipv4/ip_forward=0 \
	vm/overcommit_memory=1 kernel/panic=10 kernel/panic_on_oops=1 vm/panic_on_oom=0 \
	kernel/keys/root_maxkeys=1000000 kernel/keys/root_maxbytes=25000000; do
	text "proc/sys/${kv%%=*}" 644 "${kv#*=}"
done

set +e
"$BULWARK" bench host --root "$R" >"$t/out.txt" 2>"$t/err"; rc=$?
set -e
if [ $rc -eq 0 ] && grep -q '^== Summary: .* 0 FAIL' "$t/out.txt" && ! grep -q '^\[FAIL\]' "$t/out.txt"; then
	ok "hardened root: exit 0, no FAIL ($(grep Summary "$t/out.txt"))"
else
	ko "hardened root (exit $rc)"; grep -A3 '^\[FAIL\]' "$t/out.txt" || cat "$t/err"
fi

# JSON: parses, schema, one entry per check, summary consistent.
set +e
"$BULWARK" bench host --root "$R" --format json -o "$t/r.json"; rc=$?
set -e
if [ $rc -eq 0 ] && python3 - "$t/r.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
assert d["schema"] == "bulwark.hostbench/v1", d["schema"]
c = d["checks"]; s = d["summary"]
assert s["total"] == len(c) >= 50
for k in ("pass", "fail", "warn", "info"):
    assert s[k] == sum(1 for x in c if x["result"] == k.upper()), k
for x in c:
    assert set(x) >= {"id", "section", "title", "level", "result", "actual", "expected", "remediation"}
    assert x["result"] in ("PASS", "FAIL", "WARN", "INFO")
PY
then ok "JSON report parses and matches the schema"; else ko "JSON report (exit $rc)"; fi

# Break things: a drop-in overriding the config, a world-readable
# kubeconfig, a symlink escaping the root.
put "$D/20-override.conf" etc/systemd/system/kubelet.service.d/20-override.conf 600
chmod 644 "$R/etc/kubernetes/kubelet.conf"
mkdir -p "$t/outside"; printf 'version = 2\n' >"$t/outside/config.toml"; chmod 600 "$t/outside/config.toml"
rm "$R/etc/containerd/config.toml"
ln -s "../../../../../../../../..$t/outside/config.toml" "$R/etc/containerd/config.toml"
set +e
"$BULWARK" bench host --root "$R" >"$t/out2.txt" 2>&1; rc=$?
set -e
if [ $rc -eq 1 ] && grep -q '^\[FAIL\] 4.2.1 ' "$t/out2.txt" && grep -q '^\[FAIL\] 4.1.5 ' "$t/out2.txt" \
	&& grep -q '^\[FAIL\] 4.2.8 ' "$t/out2.txt"; then
	ok "drop-in override and mode 0644 FAIL, exit 1"
else
	ko "failing root (exit $rc)"; cat "$t/out2.txt" | head -40
fi
if grep -A1 '^\[INFO\] BW-HOST-001 ' "$t/out2.txt" | grep -q 'not found'; then
	ok "symlink out of the root not followed"
else
	ko "symlink escape"; grep -A2 'BW-HOST-001' "$t/out2.txt"
fi

# JUnit: well-formed, one testcase per check, failures counted.
set +e
"$BULWARK" bench host --root "$R" --format junit -o "$t/r.xml"; rc=$?
set -e
if [ $rc -eq 1 ] && python3 - "$t/r.xml" <<'PY'
import sys, xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()
assert root.tag == "testsuites"
suite = root.find("testsuite")
cases = suite.findall("testcase")
assert len(cases) == int(suite.get("tests")) >= 50
fails = [c for c in cases if c.find("failure") is not None]
assert len(fails) == int(suite.get("failures")) > 0
skips = [c for c in cases if c.find("skipped") is not None]
assert len(skips) == int(suite.get("skipped"))
assert any(c.get("name").startswith("4.2.1 ") for c in fails)
PY
then ok "JUnit XML well-formed, failures and skipped counted"; else ko "JUnit (exit $rc)"; fi

# --checks selects; exit follows only those.
set +e
"$BULWARK" bench host --root "$R" --checks 4.2.2,BW-HOST-030 --format json >"$t/sel.json"; rc=$?
set -e
n=$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["checks"]))' "$t/sel.json")
[ $rc -eq 0 ] && [ "$n" = 2 ] && ok "--checks runs only the named checks" || ko "--checks (exit $rc, $n checks)"

# Usage errors exit 2.
for args in "--format xml" "--checks 9.9.9" "--bogus" "extra-arg"; do
	set +e
	# shellcheck disable=SC2086
	"$BULWARK" bench host --root "$R" $args >/dev/null 2>&1; rc=$?
	set -e
	[ $rc -eq 2 ] && ok "bench host $args exits 2" || ko "bench host $args (exit $rc)"
done
set +e
"$BULWARK" bench host --root "$t/nonexistent" >/dev/null 2>&1; rc=$?
"$BULWARK" bench nosuch >/dev/null 2>&1; rc2=$?
set -e
[ $rc -eq 2 ] && ok "missing root exits 2" || ko "missing root (exit $rc)"
[ $rc2 -eq 2 ] && ok "unknown bench subcommand exits 2" || ko "bench nosuch (exit $rc2)"
"$BULWARK" bench host --help | grep -q usage && ok "bench host --help" || ko "--help"
"$BULWARK" bench host --list | grep -q '^BW-HOST-038' && ok "--list" || ko "--list"

echo "hostbench: $pass passed, $fail failed"
[ $fail -eq 0 ]
