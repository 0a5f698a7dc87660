#!/usr/bin/env bash
# test_vault_cli.sh - the `bulwark vault` client commands against a real
# `bulwark vault server` over TLS (self-signed certificate, VAULT_CACERT),
# as an operator uses them: status → operator init (table and json) →
# unseal (argument and stdin) → status codes → TLS verification on by
# default, VAULT_SKIP_VERIFY warns → token lookup (VAULT_TOKEN and
# ~/.vault-token) → error envelope as the vault CLI prints it → token
# create/lookup/renew/capabilities/revoke, policy write/read/list, kv
# put/get/patch/list/delete, KV v2 versions (delete -versions, undelete,
# destroy, rollback) and metadata (get/put/patch/delete), the KV v1 refusals → operator
# seal → sealed errors.
#
# Each part whose server side is missing on this branch (the token store,
# sys/policies/acl, the KV engine) is detected with curl, independent of
# the client, and skipped with a SKIP line; once the server answers, the
# client must behave or the test fails.  Needs openssl, curl, python3.
set -euo pipefail
: "${BULWARK:?BULWARK must point to the bulwark binary}"
for c in openssl curl python3; do
	command -v $c >/dev/null || { [ "${CI:-}" = "true" ] && { echo "FAIL: $c is needed (required in CI)" >&2; exit 1; }; echo "SKIP: $c is needed" >&2; exit 77; }
done

T=$(mktemp -d /tmp/bw-vault-cli.XXXXXX)
PID=""
cleanup() {
	[ -n "$PID" ] && kill -TERM "$PID" 2>/dev/null && wait "$PID" 2>/dev/null
	rm -rf "$T"
}
trap cleanup EXIT

failed=0
ok() { echo "ok   $1"; }
fail() { echo "FAIL $1" >&2; failed=1; }
skip() { echo "SKIP $1 (server side not on this branch yet)"; }
check() { # check NAME WANT GOT
	if [ "$2" = "$3" ]; then ok "$1"; else fail "$1: want '$2', got '$3'"; fi
}
contains() { # contains NAME NEEDLE HAYSTACK
	case "$3" in *"$2"*) ok "$1" ;; *) fail "$1: '$2' not in: $3" ;; esac
}
jget() { python3 -c 'import json,sys; d=json.load(sys.stdin); print(eval("d"+sys.argv[1]))' "$1"; }
V() { "$BULWARK" vault "$@"; }
rc() { set +e; "$@" >"$T/out" 2>"$T/err"; echo $?; set -e; }

openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj "/CN=127.0.0.1" \
	-addext "subjectAltName=IP:127.0.0.1" \
	-keyout "$T/key.pem" -out "$T/cert.pem" 2>/dev/null
cat >"$T/vault.yaml" <<YAML
listen: "127.0.0.1:0"
tls_cert_file: $T/cert.pem
tls_key_file: $T/key.pem
storage_path: $T/vault.db
YAML
"$BULWARK" vault server --config "$T/vault.yaml" >"$T/server.out" 2>&1 &
PID=$!
PORT=""
for _ in $(seq 1 100); do
	PORT=$(sed -n 's/.*(port \([0-9]*\)).*/\1/p' "$T/server.out" 2>/dev/null || true)
	[ -n "$PORT" ] && break
	kill -0 "$PID" 2>/dev/null || { cat "$T/server.out" >&2; exit 1; }
	sleep 0.1
done
[ -n "$PORT" ] || { echo "server did not start" >&2; exit 1; }
export VAULT_ADDR="https://127.0.0.1:$PORT" VAULT_CACERT="$T/cert.pem"
export HOME="$T/home"
mkdir -p "$HOME"
unset VAULT_TOKEN VAULT_SKIP_VERIFY VAULT_FORMAT VAULT_CLIENT_TIMEOUT

# ---- operator ------------------------------------------------------------
check "status before init exits 2" 2 "$(rc V status)"
contains "status table" "Initialized        false" "$(cat "$T/out")"
check "init -status before init exits 2" 2 "$(rc V operator init -status)"
check "bad init flags exit 1" 1 "$(rc V operator init -key-shares 2 -key-threshold 3)"
check "unknown flag exit 1" 1 "$(rc V operator init -bogus)"
check "init -format json" 0 "$(rc V operator init -key-shares 3 -key-threshold 2 -format json)"
cp "$T/out" "$T/init.json"
ROOT=$(jget '["root_token"]' <"$T/init.json")
K1=$(jget '["unseal_keys_b64"][0]' <"$T/init.json")
K2=$(jget '["unseal_keys_hex"][1]' <"$T/init.json")
check "init json shares" 3 "$(jget '["unseal_shares"]' <"$T/init.json")"
case "$ROOT" in hvs.*) ok "init json root token" ;; *) fail "root token '$ROOT'" ;; esac
check "second init fails with exit 2" 2 "$(rc V operator init)"
contains "second init prints the API error" "Code: 400. Errors:" "$(cat "$T/err")"
check "init -status after init exits 0" 0 "$(rc V operator init -status)"
check "status sealed exits 2" 2 "$(rc V status)"
contains "status shows progress" "Unseal Progress    0/2" "$(cat "$T/out")"
check "unseal with KEY argument" 0 "$(rc V operator unseal "$K1")"
contains "unseal progress 1/2" "Unseal Progress    1/2" "$(cat "$T/out")"
check "unseal -reset" 0 "$(rc V operator unseal -reset)"
contains "reset progress 0/2" "Unseal Progress    0/2" "$(cat "$T/out")"
check "unseal bad key exit 2" 2 "$(rc V operator unseal not-a-key!)"
V operator unseal "$K1" >/dev/null
check "unseal from stdin" 0 "$(echo "$K2" | { set +e; V operator unseal >"$T/out" 2>"$T/err"; echo $?; })"
contains "unsealed" "Sealed          false" "$(cat "$T/out")"
check "status unsealed exits 0" 0 "$(rc V status)"
check "status -format json" False "$(V status -format json | jget '["sealed"]')"
check "VAULT_FORMAT=json" False "$(VAULT_FORMAT=json V status | jget '["sealed"]')"
check "bad format exit 1" 1 "$(rc V status -format yaml)"

# ---- TLS ---------------------------------------------------------------------
check "no CA: verification fails, status exits 1" 1 "$(VAULT_CACERT= rc V status)"
contains "TLS error named" "certificate" "$(cat "$T/err")"
check "VAULT_SKIP_VERIFY=1 works" 0 "$(VAULT_CACERT= VAULT_SKIP_VERIFY=1 rc V status)"
contains "VAULT_SKIP_VERIFY warns" "WARNING! TLS verification is disabled" "$(cat "$T/err")"
check "-ca-cert flag" 0 "$(VAULT_CACERT= rc V status -ca-cert "$T/cert.pem")"
check "-address flag" 0 "$(VAULT_ADDR=https://127.0.0.1:1 rc V status -address "https://127.0.0.1:$PORT")"
check "unreachable server: status exits 1" 1 "$(VAULT_ADDR=https://127.0.0.1:1 rc V status)"
check "plain http address to the TLS port fails" 1 "$(VAULT_ADDR=http://127.0.0.1:$PORT rc V status)"

# ---- tokens --------------------------------------------------------------------
check "token lookup with VAULT_TOKEN" 0 "$(VAULT_TOKEN=$ROOT rc V token lookup)"
contains "lookup table" "policies            [root]" "$(cat "$T/out")"
check "token lookup -field" "[root]" "$(VAULT_TOKEN=$ROOT V token lookup -field policies)"
check "token lookup -format json" "['root']" "$(VAULT_TOKEN=$ROOT V token lookup -format json | jget '["data"]["policies"]')"
check "no token: 403, exit 2" 2 "$(rc V token lookup)"
printf '%s\n' "$ROOT" >"$HOME/.vault-token"
check "token from ~/.vault-token" 0 "$(rc V token lookup)"
check "VAULT_TOKEN wins over the file" 2 "$(VAULT_TOKEN=hvs.bad rc V token lookup)"
check "bad token error as vault prints it" "Error looking up token: Error making API request.

URL: GET $VAULT_ADDR/v1/auth/token/lookup-self
Code: 403. Errors:

* permission denied" "$(cat "$T/err")"
export VAULT_TOKEN="$ROOT"

# server support probes, by curl, independent of the client
probe() { # probe METHOD PATH [body]: HTTP status and body
	curl -sS --cacert "$T/cert.pem" -X "$1" -H "X-Vault-Token: $ROOT" \
		${3:+-d "$3"} -o "$T/probe" -w '%{http_code}' "$VAULT_ADDR/v1/$2" || true
}
no_route() { grep -q 'no handler for route' "$T/probe"; }

probe POST auth/token/create '{"policies":["default"],"ttl":"1h"}' >/dev/null
if no_route; then
	skip "token create/lookup TOKEN/revoke"
else
	check "token create" 0 "$(rc V token create -policy default -ttl 1h30m)"
	contains "create table" "token_duration       1h30m" "$(cat "$T/out")"
	TOK=$(V token create -policy default -ttl 1h -field token)
	case "$TOK" in hvs.*|s.*) ok "token create -field token" ;; *) fail "token '$TOK'" ;; esac
	check "token create -format json" "['default']" "$(V token create -policy=default -ttl=3600 -format json | jget '["auth"]["token_policies"]')"
	check "token lookup TOKEN" 0 "$(rc V token lookup "$TOK")"
	contains "lookup TOKEN policies" "default" "$(cat "$T/out")"
	check "child token looks itself up" 0 "$(VAULT_TOKEN=$TOK rc V token lookup)"
	ORPH=$(V token create -orphan -ttl 10m -field token)
	check "orphan token" True "$(V token lookup -format json "$ORPH" | jget '["data"]["orphan"]')"
	check "token create -metadata K=V keeps commas" "a,b" "$(V token create -ttl 10m -metadata team=a,b -format json | jget '["auth"]["metadata"]["team"]')"
	check "token create -metadata without = exit 1" 1 "$(rc V token create -metadata team)"
	# token renew: TOKEN (auth/token/renew), none (renew-self), -accessor
	RTOK=$(V token create -policy default -ttl 1h -explicit-max-ttl 2h -field token)
	check "token renew -increment TOKEN" 0 "$(rc V token renew -increment 30m "$RTOK")"
	contains "renew table duration" "token_duration       30m" "$(cat "$T/out")"
	check "token renew -format json" 1200 "$(V token renew -i=20m -format json "$RTOK" | jget '["auth"]["lease_duration"]')"
	check "token renew (self) -field" 600 "$(VAULT_TOKEN=$RTOK V token renew -increment 10m -field token_duration)"
	RACC=$(V token lookup -field accessor "$RTOK")
	check "token renew -accessor" 0 "$(rc V token renew -accessor -increment 15m "$RACC")"
	contains "renew by accessor: token n/a" "token                n/a" "$(cat "$T/out")"
	check "renew capped by explicit max: -fail-if-not-fulfilled exit 1" 1 "$(rc V token renew -increment 5h -fail-if-not-fulfilled "$RTOK")"
	contains "capped message" "capped duration" "$(cat "$T/out")"
	check "token renew unknown flag exit 1" 1 "$(rc V token renew -bogus "$RTOK")"
	check "token renew bad increment exit 1" 1 "$(rc V token renew -increment 1y "$RTOK")"
	check "token renew too many args exit 1" 1 "$(rc V token renew "$RTOK" extra)"
	check "token renew -accessor without one exit 1" 1 "$(rc V token renew -accessor)"
	check "token renew unknown token: 400, exit 2" 2 "$(rc V token renew hvs.nosuchtoken)"
	contains "renew error as vault prints it" "Error renewing token: Error making API request." "$(cat "$T/err")"
	contains "renew error code" "Code: 400" "$(cat "$T/err")"
	# token capabilities: [TOKEN] PATH (sys/capabilities, -self)
	check "token capabilities (root)" root "$(V token capabilities secret/data/app/db)"
	check "token capabilities -format json" "['root']" "$(V token capabilities -format json secret/data/x | jget '')"
	check "token capabilities TOKEN PATH: deny" deny "$(V token capabilities "$TOK" secret/data/app/db)"
	check "token capabilities TOKEN on its cubbyhole" "create, delete, list, read, update" "$(V token capabilities "$TOK" cubbyhole/x)"
	check "token capabilities as the token (self)" update "$(VAULT_TOKEN=$TOK V token capabilities sys/capabilities-self)"
	check "token capabilities no path exit 1" 1 "$(rc V token capabilities)"
	check "token capabilities too many args exit 1" 1 "$(rc V token capabilities a b c)"
	check "token capabilities unknown flag exit 1" 1 "$(rc V token capabilities -bogus secret/x)"
	check "token capabilities unknown token: 400, exit 2" 2 "$(rc V token capabilities hvs.nosuchtoken secret/x)"
	contains "capabilities error" "Error listing capabilities: Error making API request." "$(cat "$T/err")"
	check "token capabilities with a revoked token: exit 2" 2 "$(VAULT_TOKEN=hvs.bad rc V token capabilities secret/x)"
	contains "capabilities 403" "Code: 403" "$(cat "$T/err")"
	check "token revoke" 0 "$(rc V token revoke "$TOK")"
	contains "revoke message" "Success! Revoked token" "$(cat "$T/out")"
	check "revoked token is gone" 2 "$(VAULT_TOKEN=$TOK rc V token lookup)"
	contains "revoked: 403" "Code: 403" "$(cat "$T/err")"
fi
check "token create bad duration exit 1" 1 "$(rc V token create -ttl 1y)"
check "token help lists renew and capabilities" 2 "$(V token -h | grep -cE '^  token (renew|capabilities) ')"

# ---- policies ------------------------------------------------------------------
cat >"$T/app.hcl" <<'HCL'
path "secret/data/app/*" { capabilities = ["read", "list"] }
HCL
probe GET sys/policies/acl/default >/dev/null
if no_route; then
	skip "policy write/read/list"
else
	check "policy write FILE" 0 "$(rc V policy write app "$T/app.hcl")"
	contains "write message" "Success! Uploaded policy: app" "$(cat "$T/out")"
	check "policy write -" 0 "$(rc V policy write app2 - <"$T/app.hcl")"
	check "policy read" "$(cat "$T/app.hcl")" "$(V policy read app)"
	check "policy list has app" 1 "$(V policy list | grep -cx app)"
	check "policy read missing exit 2" 2 "$(rc V policy read nosuch)"
	check "bad policy rejected exit 2" 2 "$(echo 'path "x" { capabilities = ["fly"] }' | rc V policy write bad -)"
	contains "bad policy: API error" "Code: 400" "$(cat "$T/err")"
fi
check "policy write missing file exit 1" 1 "$(rc V policy write app "$T/nosuch.hcl")"

# ---- KV ------------------------------------------------------------------------
printf 's3cr3t\nline2' >"$T/pass.txt"
probe GET secret/data/probe >/dev/null
if no_route; then
	skip "kv put/get/patch/list/delete/metadata"
	check "kv get without a KV engine exits 2" 2 "$(rc V kv get secret/app)"
	contains "kv get: API error printed" "Code: 404. Errors:" "$(cat "$T/err")"
else
	check "kv put" 0 "$(rc V kv put secret/app/db user=admin pass=@"$T/pass.txt")"
	contains "put shows version" "version" "$(cat "$T/out")"
	contains "an empty deletion_time reads n/a, as vault" "deletion_time      n/a" "$(cat "$T/out")"
	check "kv get -field" admin "$(V kv get -field user secret/app/db)"
	check "kv get @file value" "$(cat "$T/pass.txt")" "$(V kv get -field=pass secret/app/db)"
	check "kv get -format json" admin "$(V kv get -format json secret/app/db | jget '["data"]["data"]["user"]')"
	check "kv get table" 0 "$(rc V kv get secret/app/db)"
	contains "kv get table data" "user    admin" "$(cat "$T/out")"
	check "kv put stdin value" 0 "$(echo -n piped | rc V kv put secret/app/db user=root pass=-)"
	check "version 2 read" root "$(V kv get -field user secret/app/db)"
	check "kv get -version 1" admin "$(V kv get -version 1 -field user secret/app/db)"
	check "kv patch" 0 "$(rc V kv patch secret/app/db extra=1)"
	check "patch kept user" root "$(V kv get -field user secret/app/db)"
	check "patch added extra" 1 "$(V kv get -field extra secret/app/db)"
	check "kv put -cas mismatch exit 2" 2 "$(rc V kv put -cas 1 secret/app/db a=b)"
	check "kv list" "app/" "$(V kv list secret/ | tail -n +3)"
	check "kv list -format json" "['db']" "$(V kv list -format json secret/app | jget '')"
	check "kv metadata get" 0 "$(rc V kv metadata get secret/app/db)"
	contains "metadata versions" "Version 1" "$(cat "$T/out")"
	# ---- KV v2 versions: secret/app/db has 1 (admin), 2 (root), 3 (patch)
	check "kv delete -versions 1" 0 "$(rc V kv delete -versions=1 secret/app/db)"
	check "version 1 deleted" 2 "$(rc V kv get -version 1 secret/app/db)"
	check "kv undelete -versions" 0 "$(rc V kv undelete -versions=1 secret/app/db)"
	check "undelete message" "Success! Data written to: secret/undelete/app/db" "$(cat "$T/out")"
	check "version 1 back" admin "$(V kv get -version 1 -field user secret/app/db)"
	check "kv undelete -format json prints nothing" "" "$(V kv undelete -versions 1 -format json secret/app/db)"
	check "kv undelete without -versions exit 1" 1 "$(rc V kv undelete secret/app/db)"
	contains "undelete names the flag" 'use the "-versions" flag' "$(cat "$T/err")"
	check "kv undelete bad version exit 1" 1 "$(rc V kv undelete -versions=1,x secret/app/db)"
	contains "bad version named" 'item 2: not a version number: "x"' "$(cat "$T/err")"
	check "kv undelete unknown flag exit 1" 1 "$(rc V kv undelete -bogus -versions=1 secret/app/db)"
	check "kv undelete no path exit 1" 1 "$(rc V kv undelete -versions=1)"
	check "kv undelete of a missing key succeeds (as vault)" 0 "$(rc V kv undelete -versions=1 secret/nosuch)"
	check "kv destroy -versions 1,2" 0 "$(rc V kv destroy -versions=1,2 secret/app/db)"
	check "destroy message" "Success! Data written to: secret/destroy/app/db" "$(cat "$T/out")"
	check "version 1 marked destroyed" True "$(V kv metadata get -format json secret/app/db | jget '["data"]["versions"]["1"]["destroyed"]')"
	check "destroyed version 2 is gone" 2 "$(rc V kv get -version 2 secret/app/db)"
	V kv undelete -versions 2 secret/app/db >/dev/null
	check "undelete cannot bring a destroyed version back" 2 "$(rc V kv get -version 2 secret/app/db)"
	check "the current version stays" root "$(V kv get -field user secret/app/db)"
	check "kv destroy without -versions exit 1" 1 "$(rc V kv destroy secret/app/db)"
	check "kv destroy -versions 0 exit 1" 1 "$(rc V kv destroy -versions 0 secret/app/db)"
	check "kv destroy unknown flag exit 1" 1 "$(rc V kv destroy -bogus secret/app/db)"
	# ---- kv metadata put / delete
	check "kv metadata put" 0 "$(rc V kv metadata put -max-versions 5 -cas-required -delete-version-after 1h -custom-metadata owner=team-a -custom-metadata tags=a,b secret/app/db)"
	check "metadata put message" "Success! Data written to: secret/metadata/app/db" "$(cat "$T/out")"
	V kv metadata get -format json secret/app/db >"$T/meta.json"
	check "metadata max_versions" 5 "$(jget '["data"]["max_versions"]' <"$T/meta.json")"
	check "metadata cas_required" True "$(jget '["data"]["cas_required"]' <"$T/meta.json")"
	check "metadata delete_version_after" 1h0m0s "$(jget '["data"]["delete_version_after"]' <"$T/meta.json")"
	check "metadata custom_metadata" "{'owner': 'team-a', 'tags': 'a,b'}" "$(jget '["data"]["custom_metadata"]' <"$T/meta.json")"
	check "cas required: put without -cas exit 2" 2 "$(rc V kv put secret/app/db a=b)"
	check "metadata put changes only what is given" 0 "$(rc V kv metadata put -cas-required=false -delete-version-after 0s secret/app/db)"
	check "max_versions kept" 5 "$(V kv metadata get -field max_versions secret/app/db)"
	check "cas_required now false" false "$(V kv metadata get -field cas_required secret/app/db)"
	# ---- kv metadata patch: only the settings given change
	check "kv metadata patch" 0 "$(rc V kv metadata patch -cas-required secret/app/db)"
	check "metadata patch message" "Success! Data written to: secret/metadata/app/db" "$(cat "$T/out")"
	V kv metadata get -format json secret/app/db >"$T/meta.json"
	check "patch set cas_required" True "$(jget '["data"]["cas_required"]' <"$T/meta.json")"
	check "patch kept max_versions" 5 "$(jget '["data"]["max_versions"]' <"$T/meta.json")"
	check "patch kept custom_metadata" "{'owner': 'team-a', 'tags': 'a,b'}" "$(jget '["data"]["custom_metadata"]' <"$T/meta.json")"
	check "patch -custom-metadata and -remove-custom-metadata" 0 "$(rc V kv metadata patch -custom-metadata env=prod -remove-custom-metadata tags secret/app/db)"
	V kv metadata get -format json secret/app/db >"$T/meta.json"
	check "patch merged custom_metadata" "{'owner': 'team-a', 'env': 'prod'}" "$(jget '["data"]["custom_metadata"]' <"$T/meta.json")"
	check "patch kept cas_required" True "$(jget '["data"]["cas_required"]' <"$T/meta.json")"
	check "patch kept delete_version_after" 0s "$(jget '["data"]["delete_version_after"]' <"$T/meta.json")"
	check "kv metadata patch of a missing key exit 2" 2 "$(rc V kv metadata patch -max-versions 3 secret/nosuch)"
	contains "patch missing: API error" "Code: 404" "$(cat "$T/err")"
	check "metadata patch set and remove the same key exit 1" 1 "$(rc V kv metadata patch -custom-metadata env=x -remove-custom-metadata env secret/app/db)"
	contains "set and remove named" '"env" is both set' "$(cat "$T/err")"
	check "metadata patch -max-versions -1 exit 1" 1 "$(rc V kv metadata patch -max-versions -1 secret/app/db)"
	check "metadata patch unknown flag exit 1" 1 "$(rc V kv metadata patch -bogus secret/app/db)"
	check "metadata put has no -remove-custom-metadata exit 1" 1 "$(rc V kv metadata put -remove-custom-metadata env secret/app/db)"
	check "metadata patch no path exit 1" 1 "$(rc V kv metadata patch -cas-required)"
	# ---- kv rollback: versions 1 and 2 destroyed, 3 current (cas required)
	check "kv rollback to a destroyed version exit 2" 2 "$(rc V kv rollback -version 1 secret/app/db)"
	check "destroyed refusal" "Cannot roll back to a version that has been destroyed" "$(cat "$T/err")"
	check "kv rollback of a missing version exit 2" 2 "$(rc V kv rollback -version 99 secret/app/db)"
	check "missing version message" "No value found at secret/data/app/db" "$(cat "$T/err")"
	check "kv rollback of a missing key exit 2" 2 "$(rc V kv rollback -version 1 secret/nosuch)"
	contains "missing key message" "No value found at secret/data/nosuch" "$(cat "$T/err")"
	check "kv rollback without -version exit 1" 1 "$(rc V kv rollback secret/app/db)"
	contains "rollback names the flag" "Version flag must be specified" "$(cat "$T/err")"
	check "kv rollback -version 0 exit 1" 1 "$(rc V kv rollback -version 0 secret/app/db)"
	contains "rollback bad version" "Invalid value 0 for the version flag" "$(cat "$T/err")"
	check "kv rollback too many args exit 1" 1 "$(rc V kv rollback -version 3 secret/app/db x)"
	check "kv put -cas 3 (version 4)" 0 "$(rc V kv put -cas 3 secret/app/db user=later)"
	check "kv rollback -version 3 (cas required: it sends cas)" 0 "$(rc V kv rollback -version 3 secret/app/db)"
	contains "rollback prints the new version" "version            5" "$(cat "$T/out")"
	contains "rollback table path" "secret/data/app/db" "$(cat "$T/out")"
	check "rolled back data" root "$(V kv get -field user secret/app/db)"
	check "rolled back data (all keys)" 1 "$(V kv get -field extra secret/app/db)"
	check "kv rollback -format json" 6 "$(V kv rollback -version 4 -format json secret/app/db | jget '["data"]["version"]')"
	check "kv rollback -field version" 7 "$(V kv rollback -field version -version=5 -mount secret app/db)"
	check "current version after rollbacks" 7 "$(V kv metadata get -field current_version secret/app/db)"
	check "kv delete -versions 6" 0 "$(rc V kv delete -versions 6 secret/app/db)"
	check "kv rollback to a deleted version exit 2" 2 "$(rc V kv rollback -version 6 secret/app/db)"
	check "deleted refusal" "Cannot roll back to a version that has been deleted" "$(cat "$T/err")"
	check "refusals wrote nothing" 7 "$(V kv metadata get -field current_version secret/app/db)"
	check "kv metadata patch -cas-required=false" 0 "$(rc V kv metadata patch -cas-required=false secret/app/db)"
	check "cas_required off again" false "$(V kv metadata get -field cas_required secret/app/db)"
	check "max_versions still kept" 5 "$(V kv metadata get -field max_versions secret/app/db)"
	check "metadata put -max-versions -1 exit 1" 1 "$(rc V kv metadata put -max-versions -1 secret/app/db)"
	check "metadata put -custom-metadata without = exit 1" 1 "$(rc V kv metadata put -custom-metadata owner secret/app/db)"
	check "metadata put bad duration exit 1" 1 "$(rc V kv metadata put -delete-version-after soon secret/app/db)"
	check "metadata put no path exit 1" 1 "$(rc V kv metadata put -max-versions 3)"
	check "metadata put: a key with no data" 0 "$(rc V kv metadata put secret/app/blank)"
	check "blank key has metadata" 0 "$(rc V kv metadata get secret/app/blank)"
	check "blank key has no data" 2 "$(rc V kv get secret/app/blank)"
	check "kv metadata delete" 0 "$(rc V kv metadata delete secret/app/blank)"
	check "metadata delete message" "Success! Data deleted (if it existed) at: secret/metadata/app/blank" "$(cat "$T/out")"
	check "metadata get after delete exit 2" 2 "$(rc V kv metadata get secret/app/blank)"
	contains "deleted: not found" "No value found at secret/metadata/app/blank" "$(cat "$T/err")"
	check "metadata delete of a missing key succeeds (as vault)" 0 "$(rc V kv metadata delete secret/nosuch)"
	check "metadata delete too many args exit 1" 1 "$(rc V kv metadata delete a b)"
	check "kv metadata unknown subcommand exit 1" 1 "$(rc V kv metadata bogus secret/x)"
	check "kv help lists the new subcommands" 4 "$(V kv -h | grep -cE '^  kv (undelete|destroy|rollback|metadata) ')"
	check "kv metadata help lists put, patch and delete" 3 "$(V kv metadata -h | grep -cE '^  (put|patch|delete) ')"
	# ---- a default-policy token: the server refuses, exit 2
	DEF=$(V token create -policy default -ttl 10m -field token 2>/dev/null || true)
	if [ -n "$DEF" ]; then
		check "undelete without permission: 403, exit 2" 2 "$(VAULT_TOKEN=$DEF rc V kv undelete -versions 3 secret/app/db)"
		contains "undelete error as vault prints it" "Error writing data to secret/undelete/app/db: Error making API request." "$(cat "$T/err")"
		check "destroy without permission: exit 2" 2 "$(VAULT_TOKEN=$DEF rc V kv destroy -versions 3 secret/app/db)"
		check "metadata put without permission: exit 2" 2 "$(VAULT_TOKEN=$DEF rc V kv metadata put -max-versions 1 secret/app/db)"
		check "metadata patch without permission: exit 2" 2 "$(VAULT_TOKEN=$DEF rc V kv metadata patch -max-versions 1 secret/app/db)"
		check "rollback without permission: exit 2" 2 "$(VAULT_TOKEN=$DEF rc V kv rollback -version 3 secret/app/db)"
		contains "rollback error as vault prints it" "Error reading secret/data/app/db: Error making API request." "$(cat "$T/err")"
		check "metadata delete without permission: exit 2" 2 "$(VAULT_TOKEN=$DEF rc V kv metadata delete secret/app/db)"
		contains "metadata delete error" "Error deleting secret/metadata/app/db:" "$(cat "$T/err")"
	fi
	# ---- KV v1: the v2-only commands refuse before sending anything
	if [ "$(probe POST sys/mounts/kv1 '{"type":"kv","options":{"version":"1"}}')" = 204 ]; then
		check "kv put on KV v1" 0 "$(rc V kv put kv1/app a=b)"
		check "kv undelete on KV v1 exit 1" 1 "$(rc V kv undelete -versions 1 kv1/app)"
		contains "undelete v1 message" "Undelete not supported on KV Version 1" "$(cat "$T/err")"
		check "kv destroy on KV v1 exit 1" 1 "$(rc V kv destroy -versions 1 kv1/app)"
		contains "destroy v1 message" "Destroy not supported on KV Version 1" "$(cat "$T/err")"
		check "kv delete -versions on KV v1 exit 1" 1 "$(rc V kv delete -versions 1 kv1/app)"
		check "kv rollback on KV v1 exit 1" 1 "$(rc V kv rollback -version 1 kv1/app)"
		contains "rollback v1 message" "Rollback not supported on KV Version 1" "$(cat "$T/err")"
		for sub in get put patch delete; do
			check "kv metadata $sub on KV v1 exit 1" 1 "$(rc V kv metadata $sub kv1/app)"
			contains "metadata $sub v1 message" "Metadata not supported on KV Version 1" "$(cat "$T/err")"
		done
		check "KV v1 data untouched" b "$(V kv get -field a kv1/app)"
	else
		skip "KV v1 refusals (mounting kv1/ failed: $(cat "$T/probe"))"
	fi
	check "kv -mount flag" root "$(V kv get -mount secret -field user app/db)"
	check "kv get missing field exit 1" 1 "$(rc V kv get -field nosuch secret/app/db)"
	check "kv delete" 0 "$(rc V kv delete secret/app/db)"
	check "kv get after delete exit 2" 2 "$(rc V kv get secret/app/db)"
	contains "not found message" "No value found at secret/data/app/db" "$(cat "$T/err")"
	check "kv get missing exit 2" 2 "$(rc V kv get secret/nosuch)"
fi
check "kv put bad argument exit 1" 1 "$(rc V kv put secret/app novalue)"

# ---- seal ----------------------------------------------------------------------
check "operator seal" 0 "$(rc V operator seal)"
contains "seal message" "Success! Vault is sealed." "$(cat "$T/out")"
check "status after seal exits 2" 2 "$(rc V status)"
check "sealed: token lookup exits 2" 2 "$(rc V token lookup)"
contains "sealed: 503 printed" "Code: 503. Errors:

* Vault is sealed" "$(cat "$T/err")"
check "help exits 0" 0 "$(rc V kv get -h)"
contains "help text" "usage: bulwark vault kv get" "$(cat "$T/out")"
exit $failed
