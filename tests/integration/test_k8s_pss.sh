#!/usr/bin/env bash
# test_k8s_pss.sh - `bulwark k8s pss` as a user runs it: exit codes (0 all
# allowed, 1 some denied, 2 usage or bad input), the admission controller's
# message style, versions, stdin, directories and --json.
set -euo pipefail
: "${BULWARK:?}" "${BW_SOURCE_DIR:?}"
pass=0; fail=0
ok() { echo "PASS: $*"; pass=$((pass+1)); }
ko() { echo "FAIL: $*"; fail=$((fail+1)); }
t=$(mktemp -d); trap 'rm -rf "$t"' EXIT
D="$BW_SOURCE_DIR/tests/data/k8s/pss"

run() { # run WANT_RC ARGS... ; output in $t/out, stderr in $t/err
	local want=$1; shift
	set +e
	"$BULWARK" k8s pss "$@" >"$t/out" 2>"$t/err"
	rc=$?
	set -e
	[ "$rc" -eq "$want" ]
}

run 0 --help && grep -q '^usage: bulwark k8s pss' "$t/out" && ok "--help" || ko "--help"
"$BULWARK" k8s --help | grep -q 'pss' && ok "k8s --help lists pss" || ko "k8s --help"
"$BULWARK" --help | grep -q 'k8s' && ok "bulwark --help lists k8s" || ko "bulwark --help lists k8s"

run 0 --level restricted "$D/restricted-ok.yaml" && grep -q '1 workload checked against restricted:latest: 1 allowed, 0 denied' "$t/out" \
	&& ok "restricted workload allowed (exit 0)" || { ko "restricted-ok (rc=$rc)"; cat "$t/out" "$t/err"; }

run 1 --level baseline "$D/mixed.yaml" || { ko "mixed baseline exit (rc=$rc)"; cat "$t/out" "$t/err"; }
want="$D/mixed.yaml:1: CronJob/ops/backup: violates PodSecurity \"baseline:latest\": host namespaces (hostNetwork=true), privileged (container \"backup\" must not set securityContext.privileged=true)"
grep -qxF "$want" "$t/out" && ok "baseline denial in the controller's words" || { ko "baseline message"; cat "$t/out"; }
grep -q '2 workloads checked against baseline:latest: 1 allowed, 1 denied' "$t/out" && ok "summary" || { ko "summary"; cat "$t/out"; }
grep -q 'Pod/plain' "$t/out" && ko "plain pod reported at baseline" || ok "plain pod allowed at baseline"

run 1 --level restricted --version v1.24 "$D/mixed.yaml" && grep -q '^.*mixed.yaml:0: Pod/plain: violates PodSecurity "restricted:v1.24": allowPrivilegeEscalation != false' "$t/out" \
	&& ok "restricted:v1.24 denies the plain pod" || { ko "restricted v1.24 (rc=$rc)"; cat "$t/out"; }

run 0 --level privileged "$D/mixed.yaml" && ok "privileged allows everything" || ko "privileged (rc=$rc)"

run 1 -l restricted -V v1.30 - <"$D/mixed.yaml" && grep -q '^-:0: Pod/plain' "$t/out" && ok "stdin" || { ko "stdin (rc=$rc)"; cat "$t/out"; }

run 2 --level baseline "$D" && grep -q 'CronJob/ops/backup' "$t/out" && grep -q 'broken.yaml:[0-9]*:[0-9]*: document 0: invalid YAML' "$t/err" \
	&& ok "directory walk; invalid document reported with position (exit 2)" || { ko "directory (rc=$rc)"; cat "$t/out" "$t/err"; }

run 1 --level baseline --json "$D/mixed.yaml" && python3 - "$t/out" <<'PY' && ok "--json" || { ko "--json (rc=$rc)"; cat "$t/out"; }
import json, sys
d = json.load(open(sys.argv[1]))
assert d["level"] == "baseline" and d["version"] == "latest"
assert d["summary"] == {"checked": 2, "allowed": 1, "denied": 1}, d["summary"]
cj = [o for o in d["objects"] if o["kind"] == "CronJob"][0]
assert not cj["allowed"] and cj["namespace"] == "ops" and cj["document"] == 1
assert [v["check"] for v in cj["violations"]] == ["hostNamespaces", "privileged"]
assert cj["spec_path"] == "spec.jobTemplate.spec.template.spec"
PY

run 2 "$D/mixed.yaml" && grep -q -- '--level is required' "$t/err" && ok "missing --level exits 2" || ko "missing --level (rc=$rc)"
run 2 --level strict "$D/mixed.yaml" && ok "bad level exits 2" || ko "bad level (rc=$rc)"
run 2 --level baseline --version 1.29 "$D/mixed.yaml" && ok "bad version exits 2" || ko "bad version (rc=$rc)"
run 2 --level baseline && ok "no files exits 2" || ko "no files (rc=$rc)"
run 2 --level baseline "$t/nonexistent.yaml" && grep -q 'nonexistent.yaml' "$t/err" && ok "missing file exits 2" || ko "missing file (rc=$rc)"
run 2 --level baseline --bogus "$D/mixed.yaml" && ok "unknown option exits 2" || ko "unknown option (rc=$rc)"

echo "k8s pss: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
