#!/usr/bin/env bash
# test_cli.sh - the commands as a user runs them: help, version, rules
# validation (upstream Falco rules, ours, broken files), fields, bad options.
set -euo pipefail
: "${BULWARK:?}" "${BW_SOURCE_DIR:?}"
pass=0; fail=0
ok() { echo "PASS: $*"; pass=$((pass+1)); }
ko() { echo "FAIL: $*"; fail=$((fail+1)); }
t=$(mktemp -d); trap 'rm -rf "$t"' EXIT

for c in agent rules fields trace version scan sbom db bench k8s vault; do
	if "$BULWARK" "$c" --help >"$t/h" 2>&1 && grep -qi usage "$t/h"; then ok "$c --help"; else ko "$c --help"; fi
done
"$BULWARK" --help >/dev/null && ok "bulwark --help" || ko "bulwark --help"
"$BULWARK" version | grep -q '^bulwark ' && ok "version" || ko "version"
set +e
"$BULWARK" nosuchcommand >/dev/null 2>&1; [ $? -eq 2 ] && ok "unknown command exits 2" || ko "unknown command exits 2"
"$BULWARK" agent --bogus >/dev/null 2>&1; [ $? -eq 2 ] && ok "agent bad option exits 2" || ko "agent bad option exits 2"
set -e

"$BULWARK" rules validate "$BW_SOURCE_DIR/rules/bulwark_rules.yaml" >"$t/v" 2>&1 \
	&& ok "default rules validate" || { ko "default rules validate"; cat "$t/v"; }
FR="${BW_SHARED_DIR:-$BW_SOURCE_DIR/../shared}/conformance/falco-rules"
if [ -f "$FR/falco_rules.yaml" ]; then
	if "$BULWARK" rules validate "$FR/falco_rules.yaml" >"$t/v" 2>&1 && ! grep -q ': error:' "$t/v"; then
		ok "upstream falco_rules.yaml validates with no errors ($(tail -n 1 "$t/v"))"
	else
		ko "upstream falco_rules.yaml"; cat "$t/v"
	fi
	set +e
	"$BULWARK" rules validate "$FR/falco_rules.yaml" "$FR/falco-incubating_rules.yaml" "$FR/falco-sandbox_rules.yaml" >"$t/v" 2>&1
	rc=$?
	set -e
	if [ $rc -le 1 ] && grep -q 'rules loaded' "$t/v"; then
		ok "incubating + sandbox load (exit $rc): $(tail -n 1 "$t/v")"
	else
		ko "incubating + sandbox (exit $rc)"; tail -n 20 "$t/v"
	fi
elif [ "${CI:-}" = "true" ]; then
	ko "upstream Falco rules missing at $FR"
fi

set +e
"$BULWARK" rules validate "$BW_SOURCE_DIR/tests/data/rules-cli/bad-condition.yaml" >"$t/v" 2>&1; rc=$?
set -e
if [ $rc -eq 1 ] && grep -qE 'bad-condition.yaml:6:[0-9]+: error' "$t/v"; then
	ok "syntax error reported with file:line:column"
else
	ko "syntax error position (exit $rc)"; cat "$t/v"
fi

"$BULWARK" fields >"$t/fields" && grep -q '^proc.name' "$t/fields" && ok "fields lists proc.name" || ko "fields lists proc.name"
n=$("$BULWARK" fields --markdown | grep -c '^| `')
[ "$n" -gt 100 ] && ok "fields --markdown ($n fields)" || ko "fields --markdown ($n)"

echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
