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
# shellcheck source=helpers/vault_server.sh
source "$(dirname "$0")/helpers/vault_server.sh"
vault_test_setup vault-tokens curl python3
echo "audit_log: $T/audit.log" >>"$T/vault.yaml"
# every request names its token: req_as / code_as / body_as TOKEN ("" = none)
unseal() {
	req_as "" PUT sys/unseal -d "{\"key\":\"$KEY\"}" >/dev/null
}

start
OUT=$(body_as "" PUT sys/init -d '{"secret_shares":1,"secret_threshold":1}')
ROOT=$(echo "$OUT" | jget '["root_token"]')
KEY=$(echo "$OUT" | jget '["keys"][0]')
unseal
check "unsealed" 200 "$(code_as "" GET sys/health)"

# --- policies -------------------------------------------------------------
POLICY='path "secret/data/app/*" { capabilities = ["read", "list"] }
path "secret/data/app/locked" { capabilities = ["deny"] }
path "auth/token/create" { capabilities = ["update"] }'
PJSON=$(python3 -c 'import json,sys; print(json.dumps({"policy": sys.argv[1]}))' "$POLICY")
check "write policy (sys/policies/acl)" 204 "$(code_as "$ROOT" PUT sys/policies/acl/app -d "$PJSON")"
check "read policy back" app "$(body_as "$ROOT" GET sys/policies/acl/app | jget '["data"]["name"]')"
check "legacy sys/policy read has rules" True "$(body_as "$ROOT" GET sys/policy/app | jget '["data"]["rules"].startswith("path")')"
check "policy list" "['app', 'default', 'root']" "$(body_as "$ROOT" LIST sys/policies/acl | jget '["data"]["keys"]')"
check "bad policy 400" 400 "$(code_as "$ROOT" PUT sys/policy/bad -d '{"policy":"path {"}')"
check "root policy immutable" 400 "$(code_as "$ROOT" PUT sys/policy/root -d "$PJSON")"
check "default policy undeletable" 400 "$(code_as "$ROOT" DELETE sys/policy/default)"
check "missing policy 404" 404 "$(code_as "$ROOT" GET sys/policies/acl/nope)"

# --- a child token with the policy -----------------------------------------
OUT=$(body_as "$ROOT" POST auth/token/create -d '{"policies":["app"],"ttl":"1h","explicit_max_ttl":"2h","display_name":"web","meta":{"team":"a"}}')
CHILD=$(echo "$OUT" | jget '["auth"]["client_token"]')
ACC=$(echo "$OUT" | jget '["auth"]["accessor"]')
case "$CHILD" in hvs.????????????????????????????????) ok "child token hvs. + 32 chars" ;; *) fail "child token '$CHILD'" ;; esac
check "child policies" "['app', 'default']" "$(echo "$OUT" | jget '["auth"]["policies"]')"
check "child lease_duration" 3600 "$(echo "$OUT" | jget '["auth"]["lease_duration"]')"
check "child renewable" True "$(echo "$OUT" | jget '["auth"]["renewable"]')"
check "child allowed read (past ACL → 404)" 404 "$(code_as "$CHILD" GET secret/data/app/db)"
check "child denied write 403" 403 "$(code_as "$CHILD" PUT secret/data/app/db -d '{}')"
check "child denied path 403" '403 {"errors":["permission denied"]}' "$(req_as "$CHILD" GET secret/data/other)"
check "explicit deny wins 403" 403 "$(code_as "$CHILD" GET secret/data/app/locked)"
check "child cannot read policies" 403 "$(code_as "$CHILD" GET sys/policy)"
check "child cannot seal" 403 "$(code_as "$CHILD" PUT sys/seal)"
OUT=$(body_as "$CHILD" GET auth/token/lookup-self)
check "lookup-self display_name" token-web "$(echo "$OUT" | jget '["data"]["display_name"]')"
check "lookup-self ttl ≤ 3600" True "$(echo "$OUT" | jget '["data"]["ttl"] <= 3600 and d["data"]["ttl"] > 3500')"
check "lookup-self explicit_max_ttl" 7200 "$(echo "$OUT" | jget '["data"]["explicit_max_ttl"]')"
check "lookup-self meta" a "$(echo "$OUT" | jget '["data"]["meta"]["team"]')"
check "lookup-self type" service "$(echo "$OUT" | jget '["data"]["type"]')"
check "renew-self 200" 200 "$(code_as "$CHILD" PUT auth/token/renew-self -d '{"increment":"30m"}')"
check "renew-self lease 1800" 1800 "$(body_as "$CHILD" PUT auth/token/renew-self -d '{"increment":"30m"}' | jget '["auth"]["lease_duration"]')"
check "renew capped by explicit max" True "$(body_as "$CHILD" PUT auth/token/renew-self -d '{"increment":"10h"}' | jget '["auth"]["lease_duration"] <= 7200')"
check "child may not widen policies" 400 "$(code_as "$CHILD" POST auth/token/create -d '{"policies":["root"]}')"
check "child may not make orphans" 403 "$(code_as "$CHILD" POST auth/token/create -d '{"no_parent":true}')"
GRAND=$(body_as "$CHILD" POST auth/token/create -d '{"policies":["default"]}' | jget '["auth"]["client_token"]')
check "grandchild works" 200 "$(code_as "$GRAND" GET auth/token/lookup-self)"
ORPHAN=$(body_as "$ROOT" POST auth/token/create-orphan -d '{"policies":["default"]}' | jget '["auth"]["client_token"]')
check "orphan is orphan" True "$(body_as "$ORPHAN" GET auth/token/lookup-self | jget '["data"]["orphan"]')"
check "lookup by accessor" "" "$(body_as "$ROOT" POST auth/token/lookup-accessor -d "{\"accessor\":\"$ACC\"}" | jget '["data"]["id"]')"

# --- num_uses ---------------------------------------------------------------
USES=$(body_as "$ROOT" POST auth/token/create -d '{"policies":["default"],"num_uses":2}' | jget '["auth"]["client_token"]')
check "use 1" 200 "$(code_as "$USES" GET auth/token/lookup-self)"
check "use 2" 200 "$(code_as "$USES" GET auth/token/lookup-self)"
check "use 3: used up 403" 403 "$(code_as "$USES" GET auth/token/lookup-self)"

# --- revocation --------------------------------------------------------------
check "revoke parent 204" 204 "$(code_as "$ROOT" POST auth/token/revoke -d "{\"token\":\"$CHILD\"}")"
check "revoked token 403" 403 "$(code_as "$CHILD" GET auth/token/lookup-self)"
check "its child revoked too" 403 "$(code_as "$GRAND" GET auth/token/lookup-self)"
check "orphan survives" 200 "$(code_as "$ORPHAN" GET auth/token/lookup-self)"
check "revoked accessor gone" 400 "$(code_as "$ROOT" POST auth/token/lookup-accessor -d "{\"accessor\":\"$ACC\"}")"
SELF=$(body_as "$ROOT" POST auth/token/create -d '{"policies":["default"]}' | jget '["auth"]["client_token"]')
check "revoke-self 204" 204 "$(code_as "$SELF" PUT auth/token/revoke-self)"
check "after revoke-self 403" 403 "$(code_as "$SELF" GET auth/token/lookup-self)"
OUT=$(body_as "$ROOT" POST auth/token/create -d '{"policies":["default"]}')
BYACC=$(echo "$OUT" | jget '["auth"]["client_token"]')
ACC2=$(echo "$OUT" | jget '["auth"]["accessor"]')
check "revoke-accessor 204" 204 "$(code_as "$ROOT" POST auth/token/revoke-accessor -d "{\"accessor\":\"$ACC2\"}")"
check "after revoke-accessor 403" 403 "$(code_as "$BYACC" GET auth/token/lookup-self)"
check "root not renewable 400" 400 "$(code_as "$ROOT" PUT auth/token/renew-self)"

# --- restart: persisted, hashed at rest --------------------------------------
stop
start
unseal
check "restart: orphan still valid" 200 "$(code_as "$ORPHAN" GET auth/token/lookup-self)"
check "restart: policy still there" app "$(body_as "$ROOT" GET sys/policies/acl/app | jget '["data"]["name"]')"
check "restart: revoked stays revoked" 403 "$(code_as "$CHILD" GET auth/token/lookup-self)"
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
check "other paths not limited" 200 "$(code_as "$ROOT" GET auth/token/lookup-self)"
stop
if "$BULWARK" vault audit verify "$T/audit.log" >/dev/null 2>&1; then ok "audit log verifies"; else fail "audit verify"; fi

exit $failed
