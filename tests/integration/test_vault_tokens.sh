#!/usr/bin/env bash
# test_vault_tokens.sh - tokens and policies over real TLS with curl, as an
# operator and an application use them: init + unseal → the root token
# writes a policy (sys/policies/acl and sys/policy) → creates a child token
# with it → the child can do what the policy allows (404: no engine yet,
# but past the ACL) and gets 403 otherwise → lookup-self, renew-self →
# num_uses runs out → revoke-accessor → revoking a parent revokes its
# children, an orphan survives → revoked tokens 403 → restart: tokens and
# policies survive, none stored in clear → the auth rate limit answers 429
# after a burst.  Needs neither root nor a kernel feature (openssl, curl).
set -euo pipefail
: "${BULWARK:?BULWARK must point to the bulwark binary}"
command -v openssl >/dev/null && command -v curl >/dev/null &&
	command -v python3 >/dev/null || {
	[ "${CI:-}" = "true" ] && { echo "FAIL: openssl, curl and python3 are needed (required in CI)" >&2; exit 1; }
	echo "SKIP: openssl, curl and python3 are needed" >&2
	exit 77
}

T=$(mktemp -d /tmp/bw-vault-tokens.XXXXXX)
PID=""
cleanup() {
	[ -n "$PID" ] && kill -TERM "$PID" 2>/dev/null && wait "$PID" 2>/dev/null
	rm -rf "$T"
}
trap cleanup EXIT

failed=0
ok() { echo "ok   $1"; }
fail() { echo "FAIL $1" >&2; failed=1; }
check() { # check NAME WANT GOT
	if [ "$2" = "$3" ]; then ok "$1"; else fail "$1: want '$2', got '$3'"; fi
}

openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj "/CN=127.0.0.1" \
	-addext "subjectAltName=IP:127.0.0.1" \
	-keyout "$T/key.pem" -out "$T/cert.pem" 2>/dev/null
cat >"$T/vault.yaml" <<YAML
listen: "127.0.0.1:0"
tls_cert_file: $T/cert.pem
tls_key_file: $T/key.pem
storage_path: $T/vault.db
audit_log: $T/audit.log
YAML

start() {
	rm -f "$T/server.out"
	PORT=""
	"$BULWARK" vault server --config "$T/vault.yaml" >"$T/server.out" 2>&1 &
	PID=$!
	for _ in $(seq 1 100); do
		PORT=$(sed -n 's/.*(port \([0-9]*\)).*/\1/p' "$T/server.out" 2>/dev/null || true)
		[ -n "$PORT" ] && break
		kill -0 "$PID" 2>/dev/null || { cat "$T/server.out" >&2; exit 1; }
		sleep 0.1
	done
	[ -n "$PORT" ] || { echo "server did not start" >&2; exit 1; }
	A="https://127.0.0.1:$PORT"
}
stop() {
	kill -TERM "$PID"
	wait "$PID" || fail "server exit status $?"
	PID=""
}
# req METHOD PATH TOKEN [curl args...]: prints "STATUS BODY"
req() {
	local m=$1 p=$2 tok=$3
	shift 3
	curl -sS --cacert "$T/cert.pem" -X "$m" -o "$T/body" -w '%{http_code}' \
		${tok:+-H "X-Vault-Token: $tok"} "$@" "$A/v1/$p" >"$T/code"
	echo "$(cat "$T/code") $(cat "$T/body")"
}
code() { req "$@" | cut -d' ' -f1; }
body() { req "$@" | cut -d' ' -f2-; }
jget() { python3 -c 'import json,sys; d=json.load(sys.stdin); print(eval("d"+sys.argv[1]))' "$1"; }
unseal() {
	req PUT sys/unseal "" -d "{\"key\":\"$KEY\"}" >/dev/null
}

start
OUT=$(body PUT sys/init "" -d '{"secret_shares":1,"secret_threshold":1}')
ROOT=$(echo "$OUT" | jget '["root_token"]')
KEY=$(echo "$OUT" | jget '["keys"][0]')
unseal
check "unsealed" 200 "$(code GET sys/health "")"

# --- policies -------------------------------------------------------------
POLICY='path "secret/data/app/*" { capabilities = ["read", "list"] }
path "secret/data/app/locked" { capabilities = ["deny"] }
path "auth/token/create" { capabilities = ["update"] }'
PJSON=$(python3 -c 'import json,sys; print(json.dumps({"policy": sys.argv[1]}))' "$POLICY")
check "write policy (sys/policies/acl)" 204 "$(code PUT sys/policies/acl/app "$ROOT" -d "$PJSON")"
check "read policy back" app "$(body GET sys/policies/acl/app "$ROOT" | jget '["data"]["name"]')"
check "legacy sys/policy read has rules" True "$(body GET sys/policy/app "$ROOT" | jget '["data"]["rules"].startswith("path")')"
check "policy list" "['app', 'default', 'root']" "$(body LIST sys/policies/acl "$ROOT" | jget '["data"]["keys"]')"
check "bad policy 400" 400 "$(code PUT sys/policy/bad "$ROOT" -d '{"policy":"path {"}')"
check "root policy immutable" 400 "$(code PUT sys/policy/root "$ROOT" -d "$PJSON")"
check "default policy undeletable" 400 "$(code DELETE sys/policy/default "$ROOT")"
check "missing policy 404" 404 "$(code GET sys/policies/acl/nope "$ROOT")"

# --- a child token with the policy -----------------------------------------
OUT=$(body POST auth/token/create "$ROOT" -d '{"policies":["app"],"ttl":"1h","explicit_max_ttl":"2h","display_name":"web","meta":{"team":"a"}}')
CHILD=$(echo "$OUT" | jget '["auth"]["client_token"]')
ACC=$(echo "$OUT" | jget '["auth"]["accessor"]')
case "$CHILD" in hvs.????????????????????????????????) ok "child token hvs. + 32 chars" ;; *) fail "child token '$CHILD'" ;; esac
check "child policies" "['app', 'default']" "$(echo "$OUT" | jget '["auth"]["policies"]')"
check "child lease_duration" 3600 "$(echo "$OUT" | jget '["auth"]["lease_duration"]')"
check "child renewable" True "$(echo "$OUT" | jget '["auth"]["renewable"]')"
check "child allowed read (past ACL → 404)" 404 "$(code GET secret/data/app/db "$CHILD")"
check "child denied write 403" 403 "$(code PUT secret/data/app/db "$CHILD" -d '{}')"
check "child denied path 403" '403 {"errors":["permission denied"]}' "$(req GET secret/data/other "$CHILD")"
check "explicit deny wins 403" 403 "$(code GET secret/data/app/locked "$CHILD")"
check "child cannot read policies" 403 "$(code GET sys/policy "$CHILD")"
check "child cannot seal" 403 "$(code PUT sys/seal "$CHILD")"
OUT=$(body GET auth/token/lookup-self "$CHILD")
check "lookup-self display_name" token-web "$(echo "$OUT" | jget '["data"]["display_name"]')"
check "lookup-self ttl ≤ 3600" True "$(echo "$OUT" | jget '["data"]["ttl"] <= 3600 and d["data"]["ttl"] > 3500')"
check "lookup-self explicit_max_ttl" 7200 "$(echo "$OUT" | jget '["data"]["explicit_max_ttl"]')"
check "lookup-self meta" a "$(echo "$OUT" | jget '["data"]["meta"]["team"]')"
check "lookup-self type" service "$(echo "$OUT" | jget '["data"]["type"]')"
check "renew-self 200" 200 "$(code PUT auth/token/renew-self "$CHILD" -d '{"increment":"30m"}')"
check "renew-self lease 1800" 1800 "$(body PUT auth/token/renew-self "$CHILD" -d '{"increment":"30m"}' | jget '["auth"]["lease_duration"]')"
check "renew capped by explicit max" True "$(body PUT auth/token/renew-self "$CHILD" -d '{"increment":"10h"}' | jget '["auth"]["lease_duration"] <= 7200')"
check "child may not widen policies" 400 "$(code POST auth/token/create "$CHILD" -d '{"policies":["root"]}')"
check "child may not make orphans" 403 "$(code POST auth/token/create "$CHILD" -d '{"no_parent":true}')"
GRAND=$(body POST auth/token/create "$CHILD" -d '{"policies":["default"]}' | jget '["auth"]["client_token"]')
check "grandchild works" 200 "$(code GET auth/token/lookup-self "$GRAND")"
ORPHAN=$(body POST auth/token/create-orphan "$ROOT" -d '{"policies":["default"]}' | jget '["auth"]["client_token"]')
check "orphan is orphan" True "$(body GET auth/token/lookup-self "$ORPHAN" | jget '["data"]["orphan"]')"
check "lookup by accessor" "" "$(body POST auth/token/lookup-accessor "$ROOT" -d "{\"accessor\":\"$ACC\"}" | jget '["data"]["id"]')"

# --- num_uses ---------------------------------------------------------------
USES=$(body POST auth/token/create "$ROOT" -d '{"policies":["default"],"num_uses":2}' | jget '["auth"]["client_token"]')
check "use 1" 200 "$(code GET auth/token/lookup-self "$USES")"
check "use 2" 200 "$(code GET auth/token/lookup-self "$USES")"
check "use 3: used up 403" 403 "$(code GET auth/token/lookup-self "$USES")"

# --- revocation --------------------------------------------------------------
check "revoke parent 204" 204 "$(code POST auth/token/revoke "$ROOT" -d "{\"token\":\"$CHILD\"}")"
check "revoked token 403" 403 "$(code GET auth/token/lookup-self "$CHILD")"
check "its child revoked too" 403 "$(code GET auth/token/lookup-self "$GRAND")"
check "orphan survives" 200 "$(code GET auth/token/lookup-self "$ORPHAN")"
check "revoked accessor gone" 400 "$(code POST auth/token/lookup-accessor "$ROOT" -d "{\"accessor\":\"$ACC\"}")"
SELF=$(body POST auth/token/create "$ROOT" -d '{"policies":["default"]}' | jget '["auth"]["client_token"]')
check "revoke-self 204" 204 "$(code PUT auth/token/revoke-self "$SELF")"
check "after revoke-self 403" 403 "$(code GET auth/token/lookup-self "$SELF")"
OUT=$(body POST auth/token/create "$ROOT" -d '{"policies":["default"]}')
BYACC=$(echo "$OUT" | jget '["auth"]["client_token"]')
ACC2=$(echo "$OUT" | jget '["auth"]["accessor"]')
check "revoke-accessor 204" 204 "$(code POST auth/token/revoke-accessor "$ROOT" -d "{\"accessor\":\"$ACC2\"}")"
check "after revoke-accessor 403" 403 "$(code GET auth/token/lookup-self "$BYACC")"
check "root not renewable 400" 400 "$(code PUT auth/token/renew-self "$ROOT")"

# --- restart: persisted, hashed at rest --------------------------------------
stop
start
unseal
check "restart: orphan still valid" 200 "$(code GET auth/token/lookup-self "$ORPHAN")"
check "restart: policy still there" app "$(body GET sys/policies/acl/app "$ROOT" | jget '["data"]["name"]')"
check "restart: revoked stays revoked" 403 "$(code GET auth/token/lookup-self "$CHILD")"
for tok in "$ROOT" "$ORPHAN" "$CHILD"; do
	if grep -aq "${tok#hvs.}" "$T/vault.db"* 2>/dev/null; then fail "a token stored in clear"; fi
	if grep -aq "${tok#hvs.}" "$T/audit.log"; then fail "a token in the audit log"; fi
done
ok "no token in clear in storage or the audit log"

# --- rate limit --------------------------------------------------------------
# One curl, one keep-alive connection, 40 requests back to back: faster
# than the bucket refills (5/s) even on a slow machine.  The code and the
# body of the same 429 answer are checked.
burst=(); for i in $(seq 1 40); do burst+=(-o "$T/rl.$i" "$A/v1/auth/token/create"); done
curl -sS --cacert "$T/cert.pem" -X POST -H "X-Vault-Token: $ROOT" \
	-d '{"policies":["default"],"ttl":"1m"}' -w '%{http_code}\n' "${burst[@]}" >"$T/rl.codes"
got429=0; body429=""
n=$(grep -n '^429$' "$T/rl.codes" | head -1 | cut -d: -f1)
if [ -n "$n" ]; then got429=1; body429=$(cat "$T/rl.$n"); fi
check "auth burst rate limited (429)" 1 "$got429"
check "429 body is a Vault error" True "$(printf '%s' "$body429" | jget '["errors"][0].endswith("rate limit quota exceeded")')"
burst=(); for i in $(seq 1 40); do burst+=(-o /dev/null "$A/v1/auth/approle/login"); done
curl -sS --cacert "$T/cert.pem" -X POST -d '{}' -w '%{http_code}\n' "${burst[@]}" >"$T/rl.codes"
got429=0; grep -q '^429$' "$T/rl.codes" && got429=1
check "login paths limited too (429)" 1 "$got429"
check "other paths not limited" 200 "$(code GET auth/token/lookup-self "$ROOT")"
stop
if "$BULWARK" vault audit verify "$T/audit.log" >/dev/null 2>&1; then ok "audit log verifies"; else fail "audit verify"; fi

exit $failed
