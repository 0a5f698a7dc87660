#!/usr/bin/env bash
# test_vault_cli.sh - the `bulwark vault` client commands against a real
# `bulwark vault server` over TLS (self-signed certificate, VAULT_CACERT),
# as an operator uses them: status → operator init (table and json) →
# unseal (argument and stdin) → status codes → TLS verification on by
# default, VAULT_SKIP_VERIFY warns → token lookup (VAULT_TOKEN and
# ~/.vault-token) → error envelope as the vault CLI prints it → token
# create/lookup/revoke, policy write/read/list, kv put/get/patch/list/
# delete/metadata → operator seal → sealed errors.
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
	check "token revoke" 0 "$(rc V token revoke "$TOK")"
	contains "revoke message" "Success! Revoked token" "$(cat "$T/out")"
	check "revoked token is gone" 2 "$(VAULT_TOKEN=$TOK rc V token lookup)"
	contains "revoked: 403" "Code: 403" "$(cat "$T/err")"
fi
check "token create bad duration exit 1" 1 "$(rc V token create -ttl 1y)"

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
