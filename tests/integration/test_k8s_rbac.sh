#!/usr/bin/env bash
# test_k8s_rbac.sh - `bulwark k8s rbac` as a user runs it on YAML
# manifests: risk findings and the --fail-on gate, --who-can with namespace
# scoping, --subject, JSON output, bad input.  Needs no root.
set -euo pipefail
: "${BULWARK:?}" "${BW_SOURCE_DIR:?}"
pass=0; fail=0
ok() { echo "PASS: $*"; pass=$((pass+1)); }
ko() { echo "FAIL: $*"; fail=$((fail+1)); }
t=$(mktemp -d); trap 'rm -rf "$t"' EXIT
D="$BW_SOURCE_DIR/tests/data/k8s/rbac-cli"

run() { # run EXPECTED-RC ARGS... ; output in $t/out
	local want=$1; shift
	set +e; "$BULWARK" k8s rbac "$@" >"$t/out" 2>"$t/err"; rc=$?; set -e
	[ "$rc" -eq "$want" ]
}

run 0 --help && grep -q usage "$t/out" && ok "--help" || ko "--help (rc $rc)"
run 0 "$D/cluster.yaml" && grep -q 'critical K8S-RBAC-013' "$t/out" \
	&& grep -q 'medium   K8S-RBAC-001.*User:bob.*in namespace team-a' "$t/out" \
	&& grep -q '^2 RBAC findings' "$t/out" \
	&& ok "findings, exit 0 without --fail-on" || { ko "findings (rc $rc)"; cat "$t/out" "$t/err"; }
run 1 "$D/cluster.yaml" --fail-on critical && ok "--fail-on critical exits 1" || ko "--fail-on critical (rc $rc)"
run 0 "$D/clean.yaml" --fail-on low && grep -q '^0 RBAC findings' "$t/out" \
	&& ok "clean manifests exit 0 with --fail-on low" || ko "clean (rc $rc)"
run 0 "$D/cluster.yaml" --who-can get secrets -n team-a \
	&& grep -q 'ServiceAccount:ci/deployer' "$t/out" && grep -q 'User:bob .*ns team-a' "$t/out" \
	&& ok "who-can get secrets -n team-a" || { ko "who-can team-a"; cat "$t/out"; }
run 0 "$D/cluster.yaml" --who-can get secrets -n team-b && ! grep -q 'User:bob' "$t/out" \
	&& ok "RoleBinding does not reach team-b" || { ko "who-can team-b"; cat "$t/out"; }
run 0 "$D/cluster.yaml" --who-can create pods/exec --json \
	&& python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert [x["subject"] for x in d]==["ServiceAccount:ci/deployer"], d' "$t/out" \
	&& ok "who-can --json" || { ko "who-can --json"; cat "$t/out"; }
run 0 "$D/cluster.yaml" --json \
	&& python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert {x["id"] for x in d}=={"K8S-RBAC-013","K8S-RBAC-001"}; assert d[0]["object"]=="ClusterRoleBinding/ci-deployer-admin"' "$t/out" \
	&& ok "findings --json" || { ko "findings --json"; cat "$t/out"; }
run 0 "$D/cluster.yaml" --subject ServiceAccount:ci/deployer \
	&& grep -q 'cluster-admin (built-in) rules\[0\]: verbs=\* apiGroups=\* resources=\*' "$t/out" \
	&& ok "--subject" || { ko "--subject"; cat "$t/out"; }
run 0 "$D/clean.yaml" --subject sa:shop/shop-api && grep -q 'ns shop .*Role/cm-reader' "$t/out" \
	&& ok "--subject of a RoleBinding SA without namespace" || { ko "--subject shop-api"; cat "$t/out"; }
cat "$D/clean.yaml" | { set +e; "$BULWARK" k8s rbac - --who-can get configmaps -n shop >"$t/out"; rc=$?; set -e; [ $rc -eq 0 ]; } \
	&& grep -q 'ServiceAccount:shop/shop-api' "$t/out" && ok "stdin" || ko "stdin"
run 2 /nonexistent/x.yaml && ok "missing file exits 2" || ko "missing file (rc $rc)"
run 2 "$D/clean.yaml" --bogus && ok "unknown option exits 2" || ko "unknown option (rc $rc)"
run 2 "$D/clean.yaml" --subject Robot:x && ok "bad subject exits 2" || ko "bad subject (rc $rc)"
run 2 "$D/clean.yaml" --who-can get pods/ && ok "bad resource exits 2" || ko "bad resource (rc $rc)"
run 2 "$D/clean.yaml" --fail-on severe && ok "bad --fail-on exits 2" || ko "bad --fail-on (rc $rc)"
run 2 && ok "no file exits 2" || ko "no file (rc $rc)"

# The same checks inside `bulwark k8s audit`: one report, one gate.
set +e
"$BULWARK" k8s audit "$D/cluster.yaml" -f json -o "$t/audit.json" --fail-on critical; rc=$?
set -e
[ $rc -eq 1 ] && python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
ids = {f["id"] for f in d["findings"]}
assert {"K8S-RBAC-013", "K8S-RBAC-001"} <= ids, ids
f = [f for f in d["findings"] if f["id"] == "K8S-RBAC-013"][0]
assert any(x["control"] == "5.1.1" for x in f["frameworks"]), f' "$t/audit.json" \
	&& ok "audit reports RBAC findings with CIS 5.1.x and gates on them" || { ko "audit with RBAC (rc $rc)"; head -c 600 "$t/audit.json"; }
set +e
"$BULWARK" k8s audit "$D/cluster.yaml" --skip K8S-RBAC-013,K8S-RBAC-001 --fail-on low >/dev/null; rc=$?
set -e
[ $rc -eq 0 ] && ok "audit --skip takes RBAC check ids" || ko "audit --skip RBAC (rc $rc)"

echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
