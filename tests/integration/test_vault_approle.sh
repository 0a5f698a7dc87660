#!/usr/bin/env bash
# test_vault_approle.sh - AppRole, response wrapping and token leases over
# real TLS (self-signed certificate, curl --cacert), as a deployment uses
# them: init + unseal → `vault auth enable approle` is a no-op success →
# root writes a policy for secret/data/app/* and role "app" with it → reads
# the role id → creates a secret id → logs in → the token reads and writes
# secret/data/app/db and is refused secret/data/other → a secret id with
# num_uses 1 works once, then 400 → a secret id wrapped with
# X-Vault-Wrap-TTL unwraps once and the second unwrap fails → the login
# token's lease is looked up, renewed and revoked through sys/leases →
# after a restart the role and its secret ids are still there; no secret
# id appears in the storage file.  Needs neither root nor a kernel feature.
set -euo pipefail
: "${BULWARK:?BULWARK must point to the bulwark binary}"
# shellcheck source=helpers/vault_server.sh
source "$(dirname "$0")/helpers/vault_server.sh"
vault_test_setup vault-approle
# login ROLE_ID SECRET_ID: "STATUS BODY", no token
login() {
	curl -sS --cacert "$T/cert.pem" -X POST -o "$T/lbody" -w '%{http_code}' \
		-d "{\"role_id\":\"$1\",\"secret_id\":\"$2\"}" "$A/v1/auth/approle/login" >"$T/lcode"
	echo "$(cat "$T/lcode") $(cat "$T/lbody")"
}

start
OUT=$(req PUT sys/init -d '{"secret_shares":1,"secret_threshold":1}')
ROOT=$(echo "${OUT#* }" | jget '["root_token"]')
KEY=$(echo "${OUT#* }" | jget '["keys"][0]')
check "unseal" False "$(body PUT sys/unseal -d "{\"key\":\"$KEY\"}" | jget '["sealed"]')"

# vault auth enable approle: already there
check "auth enable approle no-op" 204 "$(code POST sys/auth/approle -d '{"type":"approle"}')"
check "sys/auth lists approle/" approle "$(body GET sys/auth | jget '["data"]["approle/"]["type"]')"
check "sys/auth lists token/" token "$(body GET sys/auth | jget '["data"]["token/"]["type"]')"
check "other auth methods refused" 400 "$(code POST sys/auth/userpass -d '{"type":"userpass"}')"

# policy and role
check "policy write" 204 "$(code PUT sys/policies/acl/app -d '{"policy":"path \"secret/data/app/*\" { capabilities = [\"create\", \"read\", \"update\"] }"}')"
check "role write" 204 "$(code POST auth/approle/role/app -d '{"token_policies":["app"],"token_ttl":"1h","token_max_ttl":"4h"}')"
check "role read" "['app']" "$(body GET auth/approle/role/app | jget '["data"]["token_policies"]')"
check "role list" "['app']" "$(body LIST auth/approle/role | jget '["data"]["keys"]')"
RID=$(body GET auth/approle/role/app/role-id | jget '["data"]["role_id"]')
check "role id" 36 "${#RID}"
SID=$(body POST auth/approle/role/app/secret-id | jget '["data"]["secret_id"]')
check "secret id" 36 "${#SID}"
check "secret id accessors listed" 1 "$(body LIST auth/approle/role/app/secret-id | jget '["data"]["keys"].__len__()')"

# login and use
OUT=$(login "$RID" "$SID")
check "login 200" 200 "${OUT%% *}"
APP=$(echo "${OUT#* }" | jget '["auth"]["client_token"]')
APPACC=$(echo "${OUT#* }" | jget '["auth"]["accessor"]')
check "login policies" "['app', 'default']" "$(echo "${OUT#* }" | jget '["auth"]["policies"]')"
check "login ttl" 3600 "$(echo "${OUT#* }" | jget '["auth"]["lease_duration"]')"
check "login metadata" app "$(echo "${OUT#* }" | jget '["auth"]["metadata"]["role_name"]')"
check "app writes secret/data/app/db" 200 "$(TOK=$APP code POST secret/data/app/db -d '{"data":{"password":"db-pw"}}')"
check "app reads secret/data/app/db" db-pw "$(TOK=$APP body GET secret/data/app/db | jget '["data"]["data"]["password"]')"
check "app refused secret/data/other" 403 "$(TOK=$APP code GET secret/data/other)"
check "app refused role admin" 403 "$(TOK=$APP code GET auth/approle/role/app/role-id)"
check "wrong secret id" '400 {"errors":["invalid role or secret ID"]}' "$(login "$RID" "00000000-0000-0000-0000-000000000000")"
check "wrong role id" '400 {"errors":["invalid role or secret ID"]}' "$(login "nope" "$SID")"

# num_uses
SID1=$(body POST auth/approle/role/app/secret-id -d '{"num_uses":1}' | jget '["data"]["secret_id"]')
check "num_uses 1: first login" 200 "$(login "$RID" "$SID1" | cut -d' ' -f1)"
check "num_uses 1: exhausted 400" '400 {"errors":["invalid role or secret ID"]}' "$(login "$RID" "$SID1")"

# response wrapping
OUT=$(req POST auth/approle/role/app/secret-id -H 'X-Vault-Wrap-TTL: 120s')
check "wrapped: no data" None "$(echo "${OUT#* }" | jget '["data"]')"
check "wrapped: ttl" 120 "$(echo "${OUT#* }" | jget '["wrap_info"]["ttl"]')"
check "wrapped: creation_path" auth/approle/role/app/secret-id "$(echo "${OUT#* }" | jget '["wrap_info"]["creation_path"]')"
WRAP=$(echo "${OUT#* }" | jget '["wrap_info"]["token"]')
check "wrapping token cannot read secrets" 403 "$(TOK=$WRAP code GET secret/data/app/db)"
check "wrapping lookup" 120 "$(TOK=$WRAP body POST sys/wrapping/lookup | jget '["data"]["creation_ttl"]')"
OUT=$(TOK=$WRAP req POST sys/wrapping/unwrap)
check "unwrap 200" 200 "${OUT%% *}"
WSID=$(echo "${OUT#* }" | jget '["data"]["secret_id"]')
check "unwrapped secret id logs in" 200 "$(login "$RID" "$WSID" | cut -d' ' -f1)"
check "second unwrap fails" 403 "$(TOK=$WRAP code POST sys/wrapping/unwrap)"
check "second unwrap (body) fails" '400 {"errors":["wrapping token is not valid or does not exist"]}' "$(req POST sys/wrapping/unwrap -d "{\"token\":\"$WRAP\"}")"
OUT=$(req POST sys/wrapping/wrap -H 'X-Vault-Wrap-TTL: 1m' -d '{"hello":"world"}')
W2=$(echo "${OUT#* }" | jget '["wrap_info"]["token"]')
check "sys/wrapping/wrap + unwrap" world "$(body POST sys/wrapping/unwrap -d "{\"token\":\"$W2\"}" | jget '["data"]["hello"]')"

# leases of tokens
# a token's lease id: <creation path>/<sha256 of its accessor>
LEASE="auth/approle/login/$(printf %s "$APPACC" | sha256sum | cut -d' ' -f1)"
check "lease listed" True "$(body LIST sys/leases/lookup/auth/approle/login/ | jget '["data"]["keys"].__contains__("'"${LEASE##*/}"'")')"
check "lease lookup" True "$(TOK=$APP body PUT sys/leases/lookup -d "{\"lease_id\":\"$LEASE\"}" | jget '["data"]["ttl"] > 0')"
check "lease renew" True "$(TOK=$APP body PUT sys/leases/renew -d "{\"lease_id\":\"$LEASE\",\"increment\":\"2h\"}" | jget '["data"]["lease_duration"] > 3600')"
check "lease revoke" 204 "$(code PUT sys/leases/revoke -d "{\"lease_id\":\"$LEASE\"}")"
check "revoked token refused" 403 "$(TOK=$APP code GET secret/data/app/db)"

# token_bound_cidrs: the login token works only from those addresses, on
# every request (loopback: 127.0.0.1 and 127.0.0.2 are two clients)
via() { # via SOURCE_ADDR TOKEN PATH: the status of a GET from that address
	curl -sS --cacert "$T/cert.pem" --interface "$1" -H "X-Vault-Token: $2" \
		-o /dev/null -w '%{http_code}' "$A/v1/$3"
}
check "bound role written" 204 "$(code POST auth/approle/role/bound -d '{"token_policies":"app","token_bound_cidrs":["127.0.0.1/32"]}')"
BRID=$(body GET auth/approle/role/bound/role-id | jget '["data"]["role_id"]')
BSID=$(body POST auth/approle/role/bound/secret-id | jget '["data"]["secret_id"]')
BTOK=$(login "$BRID" "$BSID" | cut -d' ' -f2- | jget '["auth"]["client_token"]')
check "bound token used from 127.0.0.1" 200 "$(via 127.0.0.1 "$BTOK" secret/data/app/db)"
check "bound token refused from 127.0.0.2" 403 "$(via 127.0.0.2 "$BTOK" secret/data/app/db)"
# a secret id's own token_bound_cidrs narrow the token further
check "bound2 role written" 204 "$(code POST auth/approle/role/bound2 -d '{"token_policies":"app","token_bound_cidrs":"127.0.0.0/8"}')"
BRID=$(body GET auth/approle/role/bound2/role-id | jget '["data"]["role_id"]')
BSID=$(body POST auth/approle/role/bound2/secret-id -d '{"token_bound_cidrs":["127.0.0.2/32"]}' | jget '["data"]["secret_id"]')
OUT=$(curl -sS --cacert "$T/cert.pem" --interface 127.0.0.2 -X POST \
	-d "{\"role_id\":\"$BRID\",\"secret_id\":\"$BSID\"}" "$A/v1/auth/approle/login")
BTOK=$(echo "$OUT" | jget '["auth"]["client_token"]')
check "secret-id bound token used from 127.0.0.2" 200 "$(via 127.0.0.2 "$BTOK" secret/data/app/db)"
check "secret-id bound token refused from 127.0.0.1" 403 "$(via 127.0.0.1 "$BTOK" secret/data/app/db)"
stop

if grep -qa "$SID" "$T/vault.db"*; then fail "secret id in storage in clear"; else ok "storage holds no secret id"; fi

start
req PUT sys/unseal -d "{\"key\":\"$KEY\"}" >/dev/null
check "restart: role survives" "$RID" "$(body GET auth/approle/role/app/role-id | jget '["data"]["role_id"]')"
check "restart: secret id still logs in" 200 "$(login "$RID" "$SID" | cut -d' ' -f1)"
stop

exit $failed
