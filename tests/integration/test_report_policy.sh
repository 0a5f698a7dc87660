#!/usr/bin/env bash
# test_report_policy.sh - the policy report formats, as a user gets them:
# documents from the unit test test_report_policy ($BW_REPORT_OUT) and from
# `bulwark k8s audit` over the check fixtures are validated: SARIF against
# the SARIF 2.1.0 schema, JSON against bulwark.audit/v1, JUnit and HTML
# parsed (xml.etree, html.parser) with no <script> reaching the HTML; exit
# codes 0/1/2.  Needs python3 with jsonschema (skips, 77, without it
# unless CI=true).
set -euo pipefail
: "${BW_SOURCE_DIR:?}" "${BW_BUILD_DIR:?}"
BULWARK=${BULWARK:-$BW_BUILD_DIR/bulwark}
PY=""
for p in python3 /usr/bin/python3; do
	if command -v "$p" >/dev/null 2>&1 && "$p" -c 'import jsonschema' 2>/dev/null; then
		PY=$p
		break
	fi
done
if [ -z "$PY" ]; then
	[ "${CI:-}" = "true" ] && { echo "FAIL: python3 jsonschema required" >&2; exit 1; }
	echo "SKIP: python3 jsonschema not available" >&2
	exit 77
fi
OUT=$(mktemp -d /tmp/bw-report-policy.XXXXXX)
trap 'rm -rf "$OUT"' EXIT
BW_REPORT_OUT=$OUT "$BW_BUILD_DIR/test_report_policy" >"$OUT/test.log" 2>&1 || {
	cat "$OUT/test.log" >&2
	exit 1
}
D=$BW_SOURCE_DIR/tests/data/k8s/checks
export BULWARK_FIXED_TIME=2026-01-02T03:04:05Z
for f in sarif json junit html; do
	"$BULWARK" k8s audit --level restricted -f $f -o "$OUT/cli.$f" "$D"
done
set +e
"$BULWARK" k8s audit --fail-on critical "$D/BW-K8S-001/pass.yaml" >/dev/null; rc0=$?
"$BULWARK" k8s audit --fail-on critical "$D/BW-K8S-013/fail.yaml" >/dev/null; rc1=$?
"$BULWARK" k8s audit "$OUT/missing.yaml" >/dev/null 2>&1; rc2=$?
"$BULWARK" k8s audit --format cyclonedx "$D" >/dev/null 2>&1; rc3=$?
set -e
[ "$rc0.$rc1.$rc2.$rc3" = "0.1.2.2" ] || { echo "FAIL: exit codes $rc0.$rc1.$rc2.$rc3, want 0.1.2.2" >&2; exit 1; }
V="$BW_SOURCE_DIR/tests/integration/helpers/validate_schema.py"
S="$BW_SOURCE_DIR/tests/data/schemas"
"$PY" "$V" "$S" sarif-schema-2.1.0.json "$OUT/audit.sarif" "$OUT/cli.sarif"
"$PY" "$V" "$S" bulwark-audit-v1.schema.json "$OUT/audit.json" "$OUT/cli.json"
"$PY" - "$OUT" <<'PY'
import html.parser, os, sys
import xml.etree.ElementTree as ET
out = sys.argv[1]
for name in ("audit.junit.xml", "cli.junit"):
    root = ET.parse(os.path.join(out, name)).getroot()
    assert root.tag == "testsuites", root.tag
    tests = sum(int(s.get("tests")) for s in root.iter("testsuite"))
    assert tests == int(root.get("tests")), (tests, root.get("tests"))
    fails = sum(1 for _ in root.iter("failure"))
    assert fails == int(root.get("failures")), (fails, root.get("failures"))
    print(f"ok   {name}: {tests} tests, {fails} failures")

class P(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags = []
    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
for name in ("audit.html", "cli.html"):
    p = P()
    p.feed(open(os.path.join(out, name), encoding="utf-8").read())
    assert "script" not in p.tags and "link" not in p.tags and "img" not in p.tags, p.tags
    assert p.tags.count("table") >= 1
    print(f"ok   {name}: {p.tags.count('table')} tables, no script")
PY
echo "test_report_policy: ok"
