#!/usr/bin/env bash
# test_vault_cubbyhole.sh - the cubbyhole secrets engine over real TLS (curl
# --cacert), as a Vault client uses it: a token with the default policy
# writes, reads, lists and deletes in its cubbyhole/ (Vault's envelope,
# mount_type "cubbyhole", lease_duration 0); another token and root get 404
# for the same paths; revoking the token makes its cubbyhole gone (the
# storage file no longer holds its ciphertext); cubbyhole/ is listed in
# sys/mounts and cannot be disabled or mounted again; the data survives a
# restart and is unreadable (503) while sealed.
# Needs neither root nor a kernel feature (openssl and curl).
set -euo pipefail
: "${BULWARK:?BULWARK must point to the bulwark binary}"
# shellcheck source=helpers/vault_server.sh
source "$(dirname "$0")/helpers/vault_server.sh"
vault_test_setup vault-cubbyhole

start
OUT=$(req PUT sys/init -d '{"secret_shares":1,"secret_threshold":1}')
ROOT=$(echo "${OUT#* }" | jget '["root_token"]')
KEY=$(echo "${OUT#* }" | jget '["keys"][0]')
check "unseal" False "$(body PUT sys/unseal -d "{\"key\":\"$KEY\"}" | jget '["sealed"]')"
new_token() { body POST auth/token/create -d '{"policies":["default"]}' | jget '["auth"]["client_token"]'; }
TA=$(new_token)
TB=$(new_token)

# the mount
check "sys/mounts lists cubbyhole/" cubbyhole "$(body GET sys/mounts | jget '["data"]["cubbyhole/"]["type"]')"
check "ui mounts preflight" cubbyhole/ "$(body GET sys/internal/ui/mounts/cubbyhole/x | jget '["data"]["path"]')"
check "disable refused" '400 {"errors":["cannot unmount \"cubbyhole/\""]}' "$(req DELETE sys/mounts/cubbyhole)"
check "mount over refused" 403 "$(code POST sys/mounts/cubbyhole -d '{"type":"kv"}')"
check "mount the type elsewhere refused" 403 "$(code POST sys/mounts/c2 -d '{"type":"cubbyhole"}')"

# one token's cubbyhole
TOK=$TA
check "write 204" 204 "$(code POST cubbyhole/app/db -d '{"password":"CUBBYSECRETVALUE","user":"app"}')"
body POST cubbyhole/top -d '{"k":"v"}' >/dev/null
OUT=$(body GET cubbyhole/app/db)
check "read" CUBBYSECRETVALUE "$(echo "$OUT" | jget '["data"]["password"]')"
check "read: data as written" "['password', 'user']" "$(echo "$OUT" | jget '["data"] and sorted(d["data"])')"
check "read: envelope" "cubbyhole 0 False None" "$(echo "$OUT" | jget '["mount_type"], d["lease_duration"], d["renewable"], d["auth"]' | tr -d "(),'")"
check "LIST root" "['app/', 'top']" "$(body LIST cubbyhole/ | jget '["data"]["keys"]')"
check "GET ?list=true" "['db']" "$(body GET 'cubbyhole/app?list=true' | jget '["data"]["keys"]')"
check "delete 204" 204 "$(code DELETE cubbyhole/top)"
check "deleted read 404" '404 {"errors":[]}' "$(req GET cubbyhole/top)"
check "empty write 400" '400 {"errors":["missing data fields"]}' "$(req POST cubbyhole/x -d '{}')"

# nobody else sees it
TOK=$TB
check "other token: read 404" 404 "$(code GET cubbyhole/app/db)"
check "other token: list 404" 404 "$(code LIST cubbyhole/)"
check "other token: own value" 204 "$(code POST cubbyhole/app/db -d '{"password":"b"}')"
TOK=""
check "root: read 404" 404 "$(code GET cubbyhole/app/db)"
TOK=$TA
check "a's value unchanged" CUBBYSECRETVALUE "$(body GET cubbyhole/app/db | jget '["data"]["password"]')"
TOK=""
stop

if grep -qa CUBBYSECRETVALUE "$T/vault.db"*; then fail "cubbyhole value in storage in clear"; else ok "storage holds no clear value"; fi

start
check "restart: sealed read 503" 503 "$(TOK=$TA code GET cubbyhole/app/db)"
req PUT sys/unseal -d "{\"key\":\"$KEY\"}" >/dev/null
check "restart: data survives" CUBBYSECRETVALUE "$(TOK=$TA body GET cubbyhole/app/db | jget '["data"]["password"]')"
ACC=$(body GET sys/mounts | jget '["data"]["cubbyhole/"]["accessor"]')
stop
start
req PUT sys/unseal -d "{\"key\":\"$KEY\"}" >/dev/null
check "restart: accessor stable" "$ACC" "$(body GET sys/mounts | jget '["data"]["cubbyhole/"]["accessor"]')"

# revoke: the cubbyhole goes with the token (its keys in the SQLite file
# are counted with sqlite3 when there is one; required in CI)
HAVE_SQLITE=0
if command -v sqlite3 >/dev/null; then
	HAVE_SQLITE=1
elif [ "${CI:-}" = "true" ]; then
	fail "sqlite3 is needed (required in CI)"
fi
cubby_keys() { sqlite3 "$T/vault.db" "SELECT count(*) FROM kv WHERE key LIKE 'cubbyhole/%'"; }
[ $HAVE_SQLITE = 1 ] && check "storage: cubbyhole keys before revoke" True "$(python3 -c "print($(cubby_keys) >= 2)")"
check "revoke a" 204 "$(code POST auth/token/revoke -d "{\"token\":\"$TA\"}")"
check "revoked token 403" 403 "$(TOK=$TA code GET cubbyhole/app/db)"
check "b's cubbyhole kept" b "$(TOK=$TB body GET cubbyhole/app/db | jget '["data"]["password"]')"
check "revoke-self b" 204 "$(TOK=$TB code POST auth/token/revoke-self)"
stop
if [ $HAVE_SQLITE = 1 ]; then
	check "storage: no cubbyhole keys left" 0 "$(cubby_keys)"
fi

exit $failed
