#!/usr/bin/env bash
# test_vault_policy_params.sh - ACL policy parameter constraints and
# response-wrapping bounds over real TLS with curl, as an application meets
# them: init + unseal → a KV v1 mount → policies with denied_parameters,
# allowed_parameters (globs, comma lists), required_parameters,
# min/max_wrapping_ttl → a token with them: 403 "permission denied" when a
# request breaks a constraint, the usual answer otherwise; a read's query
# arguments are its parameters; two policies on one path merge; root is
# unconstrained; a policy with a constraint of the wrong type is refused
# with its line and column.  Needs neither root nor a kernel feature
# (openssl, curl, python3).
set -euo pipefail
: "${BULWARK:?BULWARK must point to the bulwark binary}"
# shellcheck source=helpers/vault_server.sh
source "$(dirname "$0")/helpers/vault_server.sh"
command -v python3 >/dev/null || {
	[ "${CI:-}" = "true" ] && { echo "FAIL: python3 is needed (required in CI)" >&2; exit 1; }
	echo "SKIP: python3 is needed" >&2
	exit 77
}
vault_test_setup vault-polparams

DENIED='403 {"errors":["permission denied"]}'
# put_policy NAME FILE: writes the policy through sys/policies/acl
put_policy() {
	req PUT "sys/policies/acl/$1" -d "$(python3 -c 'import json,sys; print(json.dumps({"policy": open(sys.argv[1]).read()}))' "$2")"
}

start
OUT=$(req PUT sys/init -d '{"secret_shares":1,"secret_threshold":1}')
ROOT=$(echo "${OUT#* }" | jget '["root_token"]')
KEY=$(echo "${OUT#* }" | jget '["keys"][0]')
check "unseal" False "$(body PUT sys/unseal -d "{\"key\":\"$KEY\"}" | jget '["sealed"]')"
check "enable kv v1" 204 "$(code POST sys/mounts/kv1 -d '{"type":"kv","options":{"version":"1"}}')"
check "root writes a versioned secret" 200 "$(code POST secret/data/versioned -d '{"data":{"k":"v1"}}')"
check "root writes version 2" 200 "$(code POST secret/data/versioned -d '{"data":{"k":"v2"}}')"

cat >"$T/app.hcl" <<'HCL'
# KV v2: the body's top-level keys are "data" and "options"
path "secret/data/app" {
  capabilities = ["create", "update", "read", "patch"]
  denied_parameters = { "options" = [] }
}
path "secret/data/versioned" {
  capabilities = ["read"]
  allowed_parameters = { "version" = ["1"] }
}
path "kv1/cfg" {
  capabilities = ["create", "update", "read"]
  allowed_parameters = {
    "url" = ["https://*"]
    "env" = ["dev", "staging"]
  }
  required_parameters = ["url"]
}
path "kv1/wrapped" {
  capabilities = ["create", "update", "read"]
  min_wrapping_ttl = "1m"
  max_wrapping_ttl = "1h"
}
HCL
cat >"$T/extra.json" <<'JSON'
{"path": {"kv1/cfg": {"capabilities": ["read"],
                      "allowed_parameters": {"note": []}}}}
JSON
check "write policy app (HCL)" 204 "$(code PUT sys/policies/acl/app -d "$(python3 -c 'import json,sys; print(json.dumps({"policy": open(sys.argv[1]).read()}))' "$T/app.hcl")")"
check "write policy extra (JSON)" 204 "$(put_policy extra "$T/extra.json" | cut -d' ' -f1)"
APP=$(body POST auth/token/create -d '{"policies":["app"]}' | jget '["auth"]["client_token"]')
BOTH=$(body POST auth/token/create -d '{"policies":["app","extra"]}' | jget '["auth"]["client_token"]')

# denied_parameters
TOK=$APP
check "KV v2 write without the denied parameter" 200 "$(code POST secret/data/app -d '{"data":{"password":"pw"}}')"
check "KV v2 write with the denied parameter" "$DENIED" "$(req POST secret/data/app -d '{"data":{"password":"pw2"},"options":{"cas":1}}')"
check "denied name compared lower-cased" 403 "$(code POST secret/data/app -d '{"data":{},"OPTIONS":{}}')"
check "the refused write changed nothing" pw "$(body GET secret/data/app | jget '["data"]["data"]["password"]')"
check "PATCH without the denied parameter" 200 "$(code PATCH secret/data/app -H 'Content-Type: application/merge-patch+json' -d '{"data":{"user":"u"}}')"
check "PATCH with the denied parameter" 403 "$(code PATCH secret/data/app -H 'Content-Type: application/merge-patch+json' -d '{"data":{},"options":{}}')"

# allowed_parameters + required_parameters (KV v1: the body is the secret)
check "allowed values" 204 "$(code PUT kv1/cfg -d '{"url":"https://db.internal","env":"dev"}')"
check "glob does not match" "$DENIED" "$(req PUT kv1/cfg -d '{"url":"http://db.internal"}')"
check "parameter not allowed" 403 "$(code PUT kv1/cfg -d '{"url":"https://x","debug":true}')"
check "required parameter missing" 403 "$(code PUT kv1/cfg -d '{"env":"dev"}')"
check "comma list of allowed values" 204 "$(code PUT kv1/cfg -d '{"url":"https://x","env":"dev, staging"}')"
check "comma list with a value not allowed" 403 "$(code PUT kv1/cfg -d '{"url":"https://x","env":"dev,prod"}')"
check "list with a value not allowed" 403 "$(code PUT kv1/cfg -d '{"url":"https://x","env":["dev","prod"]}')"
# Vault checks required_parameters on reads too (its query arguments)
check "read without the required parameter" 403 "$(code GET kv1/cfg)"
check "read with it as a query argument" https://x "$(body GET 'kv1/cfg?url=https://x' | jget '["data"]["url"]')"
check "read query argument not allowed" 403 "$(code GET 'secret/data/versioned?version=2')"
check "read query argument allowed" v1 "$(body GET 'secret/data/versioned?version=1' | jget '["data"]["data"]["k"]')"
check "read without query arguments" v2 "$(body GET secret/data/versioned | jget '["data"]["data"]["k"]')"

# two policies on one path: allowed_parameters merge
TOK=$BOTH
check "merged: the other policy's name" 204 "$(code PUT kv1/cfg -d '{"url":"https://x","note":"n"}')"
check "merged: still refused elsewhere" 403 "$(code PUT kv1/cfg -d '{"url":"https://x","debug":1}')"
TOK=$APP
check "one policy: that name refused" 403 "$(code PUT kv1/cfg -d '{"url":"https://x","note":"n"}')"

# wrapping bounds
check "unwrapped request refused" "$DENIED" "$(req PUT kv1/wrapped -d '{"v":1}')"
check "wrap TTL below min" 403 "$(code PUT kv1/wrapped -H 'X-Vault-Wrap-TTL: 30s' -d '{"v":1}')"
check "wrap TTL within bounds" 204 "$(code PUT kv1/wrapped -H 'X-Vault-Wrap-TTL: 5m' -d '{"v":1}')"
check "wrapped read" 300 "$(body GET kv1/wrapped -H 'X-Vault-Wrap-TTL: 300' | jget '["wrap_info"]["ttl"]')"
check "wrap TTL above max" 403 "$(code GET kv1/wrapped -H 'X-Vault-Wrap-TTL: 2h')"
check "malformed wrap TTL" 400 "$(code GET kv1/wrapped -H 'X-Vault-Wrap-TTL: soon')"

# root is unconstrained
TOK=""
check "root ignores denied_parameters" 200 "$(code POST secret/data/app -d '{"data":{"password":"pw3"},"options":{}}')"
check "root: no wrapping needed" 204 "$(code PUT kv1/wrapped -d '{"v":2}')"

# a constraint of the wrong type is a parse error with its position
printf 'path "a" {\n  allowed_parameters = ["x"]\n}\n' >"$T/bad.hcl"
OUT=$(put_policy bad "$T/bad.hcl")
check "bad constraint 400" 400 "${OUT%% *}"
check "bad constraint message" True "$(echo "${OUT#* }" | jget '["errors"][0].find("At 2:24: ") >= 0 and "allowed_parameters must be a map" in d["errors"][0]')"
printf 'path "a" {\n  min_wrapping_ttl = 400\n  max_wrapping_ttl = 200\n}\n' >"$T/bad2.hcl"
check "max below min 400" True "$(put_policy bad2 "$T/bad2.hcl" | cut -d' ' -f2- | jget '["errors"][0].endswith("max_wrapping_ttl cannot be less than min_wrapping_ttl")')"
stop
exit "$failed"
