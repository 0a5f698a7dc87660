#!/usr/bin/env bash
# test_scan.sh - `bulwark db`, `bulwark scan` and `bulwark sbom` as a user
# runs them, on real images built from Debian packages by
# scripts/make-test-images.sh (docker-archive, legacy gzip docker-archive,
# OCI layout, OCI tar, multi-platform index) and an Alpine rootfs, with the
# OSV fixtures of tests/data/osv: exact expected findings per layout, layer
# attribution, whiteouts, inventory cross-checked with dpkg-query, gating
# exit codes, ignore files, VEX, SBOM schemas, and hostile images (digest
# mismatch, missing blob, truncated and corrupt layers).
set -euo pipefail
: "${BULWARK:?}" "${BW_SOURCE_DIR:?}" "${BW_BUILD_DIR:?}"
pass=0; fail=0
ok() { echo "PASS: $*"; pass=$((pass+1)); }
ko() { echo "FAIL: $*"; fail=$((fail+1)); }
need() {
	if [ "${CI:-}" = "true" ]; then echo "FAIL: $1 (required in CI)" >&2; exit 1; fi
	echo "SKIP: $1" >&2; exit 77
}
t=$(mktemp -d /tmp/bw-scan-test.XXXXXX); trap 'rm -rf "$t"' EXIT
S=$BW_SOURCE_DIR
PY=python3
command -v python3 >/dev/null || need "python3 missing"

# ---- the test images, cached in the build tree by the scripts' hash -------
IMG=$BW_BUILD_DIR/test-images
stamp=$(cat "$S/scripts/make-test-images.sh" "$S"/scripts/lib/mkimage.py "$S"/scripts/lib/debs.sh | sha256sum | cut -c1-16)
if [ "$(cat "$IMG/.stamp" 2>/dev/null)" != "$stamp" ]; then
	rm -rf "$IMG"
	if ! bash "$S/scripts/make-test-images.sh" "$IMG" >"$t/mk.log" 2>&1; then
		cat "$t/mk.log" >&2
		need "could not build the test images (no network and no .deb cache?)"
	fi
	echo "$stamp" >"$IMG/.stamp"
fi
has_go=0; grep -q '^# go:' "$IMG/debian-packages.txt" && has_go=1

# ---- database -------------------------------------------------------------
DB=$t/db.sqlite
"$BULWARK" db import --db "$DB" "$S/tests/data/osv" >"$t/imp" 2>&1 \
	&& grep -q 'imported 33 records (0 invalid)' "$t/imp" \
	&& ok "db import of the fixture directory: 33 records" || { ko "db import dir"; cat "$t/imp"; }
$PY "$S/scripts/lib/osv-zip.py" "$t/osv.zip" "$S/tests/data/osv" >/dev/null
"$BULWARK" db import --db "$t/zip.sqlite" "$t/osv.zip" >"$t/imp" 2>&1 \
	&& grep -q 'imported 33 records' "$t/imp" && ok "db import of an osv.dev-style zip" || { ko "db import zip"; cat "$t/imp"; }
"$BULWARK" db import --db "$DB" "$S/tests/data/osv" >"$t/imp" 2>&1 \
	&& grep -q 'imported 33 records' "$t/imp" && ok "re-import replaces records in place" || { ko "re-import"; cat "$t/imp"; }
"$BULWARK" db status --db "$DB" --json >"$t/st" 2>&1 && $PY - "$t/st" <<'PY' && ok "db status --json counts ecosystems" || ko "db status"
import json, sys
d = json.load(open(sys.argv[1]))
assert d["records"] == 33, d
ecos = {e["ecosystem"] for e in d["ecosystems"]}
assert {"PyPI", "npm", "Maven"} <= ecos, ecos
PY
"$BULWARK" db match --db "$DB" Debian:12 glibc 2.36-9+deb12u4 >"$t/m" 2>&1 \
	&& grep -q CVE-2019-1010022 "$t/m" && ! grep -q CVE-2023-4911 "$t/m" \
	&& ok "db match: glibc 2.36-9+deb12u4 (CVE-2023-4911 fixed in deb12u3)" || { ko "db match"; cat "$t/m"; }
set +e
"$BULWARK" db import --db "$t/x.sqlite" /nonexistent >/dev/null 2>&1; [ $? -eq 2 ] && ok "db import of a missing path exits 2" || ko "db import missing"
set -e

# ---- findings per layout ----------------------------------------------------
expected() { # FILE -> sorted "pkg id" lines
	grep -v '^#' "$1" | { if [ $has_go = 1 ]; then sed 's/^go //'; else grep -v '^go '; fi; } | sort
}
expected "$S/tests/data/scan/debian-expected.txt" >"$t/exp-debian"
expected "$S/tests/data/scan/alpine-expected.txt" >"$t/exp-alpine"
found() { # JSON -> sorted "pkg id"
	$PY -c '
import json, sys
d = json.load(open(sys.argv[1]))
pk = {p["purl"]: p for p in d["packages"]}
for f in d["findings"]:
    if not f["suppressed"]:
        print(pk[f["package"]]["name"], f["id"])' "$1" | sort
}
for img in debian-docker.tar debian-docker-legacy.tar.gz debian-oci debian-oci.tar multiarch-oci; do
	rc=0; "$BULWARK" scan image "$IMG/$img" --db "$DB" -f json -o "$t/$img.json" 2>"$t/err" || rc=$?
	found "$t/$img.json" >"$t/got" 2>/dev/null || true
	if [ $rc -eq 0 ] && diff -u "$t/exp-debian" "$t/got" >"$t/diff"; then
		ok "scan image $img: exactly the $(wc -l <"$t/got") expected findings"
	else
		ko "scan image $img (rc=$rc)"; cat "$t/diff" "$t/err"
	fi
done
rc=0; "$BULWARK" scan rootfs "$IMG/alpine-rootfs" --db "$DB" -f json -o "$t/alpine.json" 2>"$t/err" || rc=$?
found "$t/alpine.json" >"$t/got"
[ $rc -eq 0 ] && diff -u "$t/exp-alpine" "$t/got" && ok "scan rootfs alpine: 4 expected findings" || { ko "scan rootfs alpine"; cat "$t/err"; }

rc=0; "$BULWARK" scan "$IMG/debian-oci.tar" --db "$DB" -f json -o "$t/auto.json" 2>"$t/err" || rc=$?
found "$t/auto.json" >"$t/got"
[ $rc -eq 0 ] && diff -q "$t/exp-debian" "$t/got" >/dev/null && ok "'scan PATH' detects the image kind" || ko "scan PATH ($rc)"
rc=0; "$BULWARK" scan "$IMG/alpine-rootfs" --db "$DB" -f json -o "$t/auto.json" 2>"$t/err" || rc=$?
found "$t/auto.json" >"$t/got"
[ $rc -eq 0 ] && diff -q "$t/exp-alpine" "$t/got" >/dev/null && ok "'scan DIR' treats a plain directory as a rootfs" || ko "scan DIR ($rc)"

# ---- inventory: whiteouts, layers, and dpkg-query's view ------------------
$PY - "$t/debian-oci.json" <<'PY' && ok "inventory: whiteout, opaque dir, layer attribution, purls" || ko "inventory details"
import json, sys
d = json.load(open(sys.argv[1]))
by = {}
for p in d["packages"]:
    by.setdefault(p["name"], []).append(p)
assert "PyYAML" not in by, "PyYAML is whited out in the top layer"
ct = by["org.apache.commons:commons-text"]
assert [p["version"] for p in ct] == ["1.10.0"], ct   # 1.9 under an opaque dir
L = [l["digest"] for l in d["artifact"]["layers"]]
assert by["openssl"][0]["layer"] == L[1], by["openssl"]   # added by the app layer
assert by["libc6"][0]["layer"] == L[0], by["libc6"]
assert by["lodash"][0]["layer"] == L[1]
assert by["libc6"][0]["purl"].startswith("pkg:deb/debian/libc6@2.36-9"), by["libc6"][0]["purl"]
assert "distro=debian-12" in by["libc6"][0]["purl"]
assert d["os"]["id"] == "debian" and d["os"]["version_id"] == "12", d["os"]
assert len(d["artifact"]["layers"]) == 3
PY
# dpkg-query, reading the image's own dpkg database (taken from the top
# layer that has it), is the independent reference for deb packages.
mkdir -p "$t/root"
$PY - "$IMG/debian-oci" "$t/root" <<'PY'
import io, json, os, subprocess, sys, tarfile
lay, out = sys.argv[1], sys.argv[2]
idx = json.load(open(lay + "/index.json"))
def blob(d): return os.path.join(lay, "blobs/sha256", d.split(":")[1])
man = json.load(open(blob(idx["manifests"][0]["digest"])))
status = None
for l in man["layers"]:
    path = blob(l["digest"])
    if l["mediaType"].endswith("zstd"):
        data = subprocess.run(["zstd", "-dc", path], capture_output=True, check=True).stdout
        tf = tarfile.open(fileobj=io.BytesIO(data))
    else:
        tf = tarfile.open(path)
    for m in tf:
        if m.name.lstrip("./") == "var/lib/dpkg/status":
            status = tf.extractfile(m).read()
os.makedirs(out + "/var/lib/dpkg/info", exist_ok=True)
open(out + "/var/lib/dpkg/status", "wb").write(status)
PY
dpkg-query --admindir="$t/root/var/lib/dpkg" -W -f '${Package} ${Version}\n' | sort >"$t/dpkg"
$PY -c '
import json, sys
for p in json.load(open(sys.argv[1]))["packages"]:
    if p["type"] == "deb": print(p["name"], p["version"])' "$t/debian-oci.json" | sort >"$t/ours"
diff -u "$t/dpkg" "$t/ours" && ok "deb inventory equals dpkg-query's ($(wc -l <"$t/ours") packages)" || ko "deb inventory vs dpkg-query"

# ---- gating, suppression, usage errors ------------------------------------
gate() { # expected-rc description args...
	local want=$1 what=$2; shift 2
	local rc=0; "$BULWARK" scan image "$IMG/debian-oci" --db "$DB" "$@" >"$t/out" 2>"$t/err" || rc=$?
	[ $rc -eq "$want" ] && ok "$what: exit $rc" || { ko "$what: exit $rc, want $want"; head -5 "$t/err"; }
}
gate 0 "no --fail-on"
gate 1 "--fail-on critical" --fail-on critical
gate 1 "--fail-on unknown (any finding)" --fail-on unknown
cat >"$t/ignore.txt" <<'IGN'
CVE-2021-44228 # log4shell: JndiLookup removed in our build
CVE-2021-45046 exp:2099-12-31 # same
CVE-2021-44906
IGN
gate 0 "--fail-on critical with the criticals in an ignore file" --fail-on critical --ignore-file "$t/ignore.txt"
printf 'CVE-2021-44228\nCVE-2021-45046\nCVE-2021-44906 exp:2020-01-01\n' >"$t/expired.txt"
gate 1 "an expired ignore entry no longer suppresses" --fail-on critical --ignore-file "$t/expired.txt"
cat >"$t/vex.json" <<'VEX'
{"@context": "https://openvex.dev/ns/v0.2.0", "@id": "https://example.org/vex/1",
 "author": "test", "timestamp": "2026-01-01T00:00:00Z", "version": 1,
 "statements": [
  {"vulnerability": {"name": "CVE-2021-44228"}, "products": [{"@id": "pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1"}],
   "status": "not_affected", "justification": "vulnerable_code_not_in_execute_path"},
  {"vulnerability": {"name": "CVE-2021-45046"}, "products": [{"@id": "pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1"}],
   "status": "not_affected", "justification": "vulnerable_code_not_in_execute_path"},
  {"vulnerability": {"name": "CVE-2021-44906"}, "products": [{"@id": "pkg:npm/minimist@1.2.0"}], "status": "fixed"}]}
VEX
gate 0 "--fail-on critical with an OpenVEX not_affected/fixed" --fail-on critical --vex "$t/vex.json"
gate 1 "--fail-on high still trips on the high ones" --fail-on high --vex "$t/vex.json"
gate 0 "--severity critical,high with the criticals suppressed, --fail-on critical" --severity critical,high --fail-on critical --ignore-file "$t/ignore.txt"
"$BULWARK" scan image "$IMG/debian-oci" --db "$DB" --severity critical,high -f json -o "$t/sev.json"
$PY -c '
import json, sys
f = json.load(open(sys.argv[1]))["findings"]
assert f and {x["severity"] for x in f} == {"critical", "high"}, {x["severity"] for x in f}' "$t/sev.json" && ok "--severity critical,high keeps exactly those" || ko "--severity list"
gate 2 "bad --fail-on" --fail-on severe
gate 2 "missing --ignore-file" --ignore-file "$t/nope"
"$BULWARK" scan image "$IMG/debian-oci" --db "$DB" --ignore-unfixed -f json -o "$t/unfixed.json"
$PY -c '
import json, sys
f = json.load(open(sys.argv[1]))["findings"]
assert f and all(x["fix_state"] == "fixed" for x in f), f' "$t/unfixed.json" && ok "--ignore-unfixed keeps only fixable findings" || ko "--ignore-unfixed"
set +e
"$BULWARK" scan image "$IMG/debian-oci" --db "$t/none.sqlite" >/dev/null 2>"$t/err"; rc=$?
[ $rc -eq 2 ] && grep -q 'bulwark db import' "$t/err" && ok "missing database: exit 2 telling how to import" || ko "missing db ($rc)"
"$BULWARK" scan image "$t/nonexistent.tar" --db "$DB" >/dev/null 2>&1; [ $? -eq 2 ] && ok "missing image: exit 2" || ko "missing image"
"$BULWARK" scan image "$IMG/alpine-rootfs" --db "$DB" >/dev/null 2>&1; [ $? -eq 2 ] && ok "'scan image' on a plain directory: exit 2" || ko "scan image dir"
"$BULWARK" scan image "$IMG/multiarch-oci" --db "$DB" --platform linux/s390x >/dev/null 2>"$t/err"; rc=$?
[ $rc -eq 2 ] && grep -q 'linux/amd64' "$t/err" && ok "unknown --platform: exit 2 listing the platforms" || { ko "platform ($rc)"; cat "$t/err"; }
set -e

# ---- hostile images -------------------------------------------------------
layer_blob() { $PY -c '
import json, sys
d = sys.argv[1]
i = json.load(open(d + "/index.json"))
m = json.load(open(d + "/blobs/sha256/" + i["manifests"][0]["digest"][7:]))
print(d + "/blobs/sha256/" + m["layers"][int(sys.argv[2])]["digest"][7:])' "$1" "$2"; }
cp -a "$IMG/debian-oci" "$t/bad"
b=$(layer_blob "$t/bad" 1)
printf '\x00' | dd of="$b" bs=1 seek=1000 conv=notrunc status=none
set +e
"$BULWARK" scan image "$t/bad" --db "$DB" >/dev/null 2>"$t/err"; rc=$?
[ $rc -eq 2 ] && grep -qi 'digest' "$t/err" && ok "digest mismatch refused: $(head -1 "$t/err" | cut -c1-110)" || { ko "digest mismatch ($rc)"; cat "$t/err"; }
rm -rf "$t/bad"; cp -a "$IMG/debian-oci" "$t/bad"; rm "$(layer_blob "$t/bad" 2)"
"$BULWARK" scan image "$t/bad" --db "$DB" >/dev/null 2>"$t/err"; rc=$?
[ $rc -eq 2 ] && grep -q 'sha256' "$t/err" && ok "missing blob: exit 2 naming it" || { ko "missing blob ($rc)"; cat "$t/err"; }
# A truncated gzip docker archive: the scan goes as far as it can, says so.
head -c 9000000 "$IMG/debian-docker-legacy.tar.gz" >"$t/trunc.tar.gz"
"$BULWARK" scan image "$t/trunc.tar.gz" --db "$DB" -f json -o "$t/trunc.json" 2>"$t/err"; rc=$?
[ $rc -eq 2 ] && [ -s "$t/err" ] && ok "truncated archive: exit 2 with: $(head -1 "$t/err" | cut -c1-100)" || { ko "truncated archive ($rc)"; cat "$t/err"; }
set -e

# ---- reports ----------------------------------------------------------------
"$BULWARK" scan image "$IMG/debian-oci" --db "$DB" >"$t/table"
grep -q 'log4j-core 2.14.1' "$t/table" && grep -q 'CVE-2021-44228' "$t/table" && grep -q 'layer ' "$t/table" \
	&& ! grep -q $'\e\[' "$t/table" && ok "table report (no colour when not a TTY)" || ko "table report"
"$BULWARK" scan image "$IMG/debian-oci" --db "$DB" -f sarif -o "$t/r.sarif"
"$BULWARK" scan image "$IMG/debian-oci" --db "$DB" -f cyclonedx -o "$t/r.cdx.json"
"$BULWARK" scan image "$IMG/debian-oci" --db "$DB" -f spdx -o "$t/r.spdx.json"
"$BULWARK" sbom "$IMG/debian-docker.tar" -o "$t/s.cdx.json"
"$BULWARK" sbom "$IMG/debian-oci.tar" -f spdx -o "$t/s.spdx.json"
"$BULWARK" sbom "$IMG/alpine-rootfs" -f cyclonedx -o "$t/a.cdx.json"
VPY=""
for p in python3 /usr/bin/python3; do "$p" -c 'import jsonschema' 2>/dev/null && { VPY=$p; break; }; done
[ -n "$VPY" ] || need "python3 jsonschema (apt-get install python3-jsonschema)"
V="$VPY $S/tests/integration/helpers/validate_schema.py $S/tests/data/schemas"
$V bom-1.6.schema.json "$t/r.cdx.json" "$t/s.cdx.json" "$t/a.cdx.json" && $V spdx-schema.json "$t/r.spdx.json" "$t/s.spdx.json" \
	&& $V sarif-schema-2.1.0.json "$t/r.sarif" && $V bulwark-scan-v1.schema.json "$t/debian-oci.json" \
	&& ok "scan/sbom reports valid against CycloneDX 1.6, SPDX 2.3, SARIF 2.1.0, bulwark.scan/v1 schemas" || ko "report schemas"
$VPY - "$t" <<'PY' && ok "SARIF results, security-severity, CycloneDX VEX and SBOM contents" || ko "report contents"
import json, os, sys
t = sys.argv[1]
sarif = json.load(open(os.path.join(t, "r.sarif")))
res = sarif["runs"][0]["results"]
scan = json.load(open(os.path.join(t, "debian-oci.json")))
assert len(res) == len(scan["findings"]), (len(res), len(scan["findings"]))
rules = sarif["runs"][0]["tool"]["driver"]["rules"]
log4 = [r for r in rules if r["id"] == "CVE-2021-44228"][0]
assert float(log4["properties"]["security-severity"]) >= 9.0
cdx = json.load(open(os.path.join(t, "r.cdx.json")))
assert any(v["id"] == "CVE-2021-44228" for v in cdx["vulnerabilities"])
sb = json.load(open(os.path.join(t, "s.cdx.json")))
assert len(sb["components"]) >= len(scan["packages"]), (len(sb["components"]), len(scan["packages"]))
assert not sb.get("vulnerabilities")
PY

# ---- secrets baked into an image ------------------------------------------
# A one-layer OCI layout: an AWS key pair in app/config.env, a private key
# in root/.ssh/id_rsa, and a README.md whose "password = example" is
# documentation (skipped).  The secrets are fake.
AKID=AKIAZ7QX3MNBV2LKJHGF
ASK=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY
$PY - "$t/sec-oci" "$AKID" "$ASK" <<'PY'
import gzip, hashlib, io, json, os, sys, tarfile
out, akid, ask = sys.argv[1:4]
key = ("-----BEGIN RSA PRIVATE KEY-----\n"
       "MIIEowIBAAKCAQEAu1SU1LfVLPHCozMxH2Mo4lgOEePzNm0tRgeLezV6ffAt0gun\n"
       "VTLw7onLRnrq0/IzW7yWR7QkrmBL7jTKEn5u+qKhbwKfBstIs+bMY2Zkp18gnTxK\n"
       "-----END RSA PRIVATE KEY-----\n")
files = {"app/config.env": "# app settings\nREGION=eu-west-1\nAWS_ACCESS_KEY_ID=%s\nAWS_SECRET_ACCESS_KEY=%s\n" % (akid, ask),
         "root/.ssh/id_rsa": key,
         "README.md": "Set password = example in your config.\n"}
raw = io.BytesIO()
with tarfile.open(fileobj=raw, mode="w", format=tarfile.PAX_FORMAT) as tf:
    for name, text in files.items():
        data = text.encode()
        ti = tarfile.TarInfo(name); ti.size = len(data); ti.mode = 0o600
        tf.addfile(ti, io.BytesIO(data))
tar = raw.getvalue()
layer = gzip.compress(tar, mtime=0)
os.makedirs(out + "/blobs/sha256")
def blob(b):
    h = hashlib.sha256(b).hexdigest()
    open(out + "/blobs/sha256/" + h, "wb").write(b)
    return "sha256:" + h, len(b)
ld, ls = blob(layer)
cfg = json.dumps({"architecture": "amd64", "os": "linux",
                  "rootfs": {"type": "layers", "diff_ids": ["sha256:" + hashlib.sha256(tar).hexdigest()]}}).encode()
cd, cs = blob(cfg)
man = json.dumps({"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
                  "config": {"mediaType": "application/vnd.oci.image.config.v1+json", "digest": cd, "size": cs},
                  "layers": [{"mediaType": "application/vnd.oci.image.layer.v1.tar+gzip", "digest": ld, "size": ls}]}).encode()
md, ms = blob(man)
json.dump({"schemaVersion": 2, "manifests": [{"mediaType": "application/vnd.oci.image.manifest.v1+json",
           "digest": md, "size": ms, "platform": {"os": "linux", "architecture": "amd64"}}]}, open(out + "/index.json", "w"))
json.dump({"imageLayoutVersion": "1.0.0"}, open(out + "/oci-layout", "w"))
PY
set +e
"$BULWARK" scan image "$t/sec-oci" --db "$DB" -f json -o "$t/sec.json"; rc_json=$?
"$BULWARK" scan image "$t/sec-oci" --db "$DB" >"$t/sec.table"
"$BULWARK" scan image "$t/sec-oci" --db "$DB" -f sarif -o "$t/sec.sarif"
"$BULWARK" scan image "$t/sec-oci" --db "$DB" --fail-on high >/dev/null; rc_gate=$?
"$BULWARK" scan image "$t/sec-oci" --db "$DB" --no-secrets --fail-on high -f json -o "$t/nosec.json"; rc_nosec=$?
printf 'aws-access-key-id\naws-secret-access-key\nprivate-key\n' >"$t/sec-ignore.txt"
"$BULWARK" scan image "$t/sec-oci" --db "$DB" --fail-on low --ignore-file "$t/sec-ignore.txt" >/dev/null; rc_ign=$?
set -e
[ $rc_json -eq 0 ] && $PY - "$t/sec.json" <<'PY' && ok "secrets: AWS key pair and private key found with file, line, layer; README skipped" || ko "secrets findings"
import json, sys
d = json.load(open(sys.argv[1]))
got = sorted((s["rule_id"], s["path"], s["line"], s["severity"], s["match"]) for s in d["secrets"])
want = [("aws-access-key-id", "app/config.env", 3, "critical", "AKIA****"),
        ("aws-secret-access-key", "app/config.env", 4, "critical", "wJal****"),
        ("private-key", "root/.ssh/id_rsa", 1, "high", "----****")]
assert got == want, got
assert all(s["layer_digest"].startswith("sha256:") and s["layer"] == 0 for s in d["secrets"])
PY
if grep -qF "$AKID" "$t/sec.json" "$t/sec.table" "$t/sec.sarif" || grep -qF "$ASK" "$t/sec.json" "$t/sec.table" "$t/sec.sarif" \
	|| grep -qF "MIIEowIBAAKCAQEA" "$t/sec.json" "$t/sec.table" "$t/sec.sarif"; then ko "a secret appears unredacted in a report"
else ok "secrets redacted in the JSON, table and SARIF reports"; fi
grep -q '^Secrets' "$t/sec.table" && grep -q 'app/config.env:3' "$t/sec.table" && ok "table: Secrets section" || { ko "table secrets"; cat "$t/sec.table"; }
[ $rc_gate -eq 1 ] && ok "--fail-on high trips on the secrets: exit 1" || ko "secret gate ($rc_gate)"
[ $rc_nosec -eq 0 ] && $PY -c 'import json,sys; assert json.load(open(sys.argv[1]))["secrets"] == []' "$t/nosec.json" \
	&& ok "--no-secrets: no secrets, exit 0" || ko "--no-secrets ($rc_nosec)"
[ $rc_ign -eq 0 ] && ok "secret rule ids in --ignore-file suppress them" || ko "secret ignore ($rc_ign)"
$PY - "$t/sec.sarif" <<'PY' && ok "SARIF: a result per secret, ruleId the rule id, line region" || ko "secrets SARIF"
import json, sys
run = json.load(open(sys.argv[1]))["runs"][0]
res = run["results"]
ids = sorted(r["ruleId"] for r in res)
assert ids == ["aws-access-key-id", "aws-secret-access-key", "private-key"], ids
rules = run["tool"]["driver"]["rules"]
for r in res:
    assert rules[r["ruleIndex"]]["id"] == r["ruleId"]
    assert r["locations"][0]["physicalLocation"]["region"]["startLine"] >= 1
PY
if [ -n "${VPY:-}" ]; then
	$V bulwark-scan-v1.schema.json "$t/sec.json" && $V sarif-schema-2.1.0.json "$t/sec.sarif" \
		&& ok "secret reports valid against bulwark.scan/v1 and SARIF 2.1.0" || ko "secret report schemas"
fi

echo "test_scan: $pass passed, $fail failed"
[ $fail -eq 0 ]
