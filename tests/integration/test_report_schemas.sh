#!/usr/bin/env bash
# test_report_schemas.sh - validates every report format against its
# official JSON schema (tests/data/schemas/): CycloneDX 1.6 (with its
# referenced spdx.schema.json and jsf-0.82.schema.json, resolved locally,
# never over the network), SARIF 2.1.0, SPDX 2.3 and Bulwark's own
# bulwark.scan/v1.  The documents come from the unit test test_report,
# which writes them to $BW_REPORT_OUT.  A document broken on purpose must
# fail, so a validator that accepts everything is caught too.
#
# Needs python3 with the jsonschema module: missing, it fails when CI=true
# and skips (77) otherwise.
set -euo pipefail
: "${BW_SOURCE_DIR:?BW_SOURCE_DIR must point to the source tree}"
: "${BW_BUILD_DIR:?BW_BUILD_DIR must point to the build tree}"

need() {
	if [ "${CI:-}" = "true" ]; then
		echo "FAIL: $1 is required in CI" >&2
		exit 1
	fi
	echo "SKIP: $1 not available" >&2
	exit 77
}

# Debian's python3-jsonschema lives in /usr/bin/python3; another python3
# first on PATH may have its own.
PY=""
for p in python3 /usr/bin/python3; do
	if command -v "$p" >/dev/null 2>&1 && "$p" -c 'import jsonschema' 2>/dev/null; then
		PY=$p
		break
	fi
done
[ -n "$PY" ] || need "python3 with jsonschema (apt-get install python3-jsonschema)"
[ -x "$BW_BUILD_DIR/test_report" ] || {
	echo "FAIL: $BW_BUILD_DIR/test_report not built" >&2
	exit 1
}

OUT=$(mktemp -d /tmp/bw-report-schemas.XXXXXX)
trap 'rm -rf "$OUT"' EXIT

BW_REPORT_OUT=$OUT "$BW_BUILD_DIR/test_report" >"$OUT/test.log" 2>&1 || {
	cat "$OUT/test.log" >&2
	echo "FAIL: test_report failed" >&2
	exit 1
}

"$PY" - "$BW_SOURCE_DIR/tests/data/schemas" "$OUT" \
	"$BW_SOURCE_DIR/tests/integration/helpers" <<'PY'
import copy, json, os, sys, warnings

import jsonschema

warnings.simplefilter("ignore", DeprecationWarning)
schemas, out = sys.argv[1], sys.argv[2]
sys.path.insert(0, sys.argv[3])
from validate_schema import load_store, validator as make_validator

store = load_store(schemas)


def validator(schema_name, cls):
    return make_validator(store, schema_name, cls)


checks = [
    ("report.cdx.json", "bom-1.6.schema.json", jsonschema.Draft7Validator),
    ("sbom.cdx.json", "bom-1.6.schema.json", jsonschema.Draft7Validator),
    ("report.sarif", "sarif-schema-2.1.0.json", jsonschema.Draft4Validator),
    ("report-suppressed.sarif", "sarif-schema-2.1.0.json",
     jsonschema.Draft4Validator),
    ("report.spdx.json", "spdx-schema.json", jsonschema.Draft201909Validator),
    ("report.json", "bulwark-scan-v1.schema.json", jsonschema.Draft7Validator),
]
# A broken copy of each kind must be refused.
breakers = {
    "bom-1.6.schema.json": lambda d: d["components"][1].update(type="gadget"),
    "sarif-schema-2.1.0.json": lambda d: d["runs"][0]["results"][0].update(level="fatal"),
    "spdx-schema.json": lambda d: d["packages"][0].update(SPDXID="SPDXRef-no spaces"),
    "bulwark-scan-v1.schema.json": lambda d: d["findings"][0].update(severity="severe"),
}

failed = 0
broken_done = set()
for doc_name, schema_name, cls in checks:
    with open(os.path.join(out, doc_name)) as f:
        doc = json.load(f)
    v = validator(schema_name, cls)
    errors = sorted(v.iter_errors(doc), key=lambda e: list(e.path))
    for e in errors[:20]:
        path = "/".join(str(p) for p in e.path)
        print(f"{doc_name}: /{path}: {e.message[:300]}", file=sys.stderr)
    if errors:
        failed += 1
        print(f"FAIL {doc_name} against {schema_name}: {len(errors)} errors")
    else:
        print(f"ok   {doc_name} against {schema_name}")
    if schema_name in breakers and schema_name not in broken_done:
        broken_done.add(schema_name)
        bad = copy.deepcopy(doc)
        breakers[schema_name](bad)
        if v.is_valid(bad):
            failed += 1
            print(f"FAIL a broken {doc_name} passed {schema_name}")
        else:
            print(f"ok   a broken {doc_name} is refused")

print(f"{len(checks) + len(broken_done) - failed} passed, {failed} failed")
sys.exit(1 if failed else 0)
PY
