#!/usr/bin/env bash
# test_vault_tidy.sh - the sweep of expired state over real TLS, as an
# operator sees it: a config with tidy_interval "1s" → init + unseal → a
# token with ttl 4s (whole seconds: at least 3), its child, a live token
# and an AppRole secret id with ttl 4s → nobody presents them again, yet
# within seconds their storage rows (token entries, accessor entries,
# parent links, secret id and its accessor) are gone from the SQLite file,
# the server says so on stderr, and the live token, its link and its lease
# are untouched → POST
# auth/token/tidy and auth/approle/tidy/secret-id answer 202 with Vault's
# warning, 403 for a token without a policy on them → a tidy_interval that
# is not a duration is a config error (exit 2) → SIGTERM stops the server
# promptly with the sweeper running.
set -euo pipefail
: "${BULWARK:?BULWARK must point to the bulwark binary}"
# shellcheck source=helpers/vault_server.sh
source "$(dirname "$0")/helpers/vault_server.sh"
vault_test_setup vault-tidy
python3 -c 'import sqlite3' 2>/dev/null || {
	[ "${CI:-}" = "true" ] && { echo "FAIL: python3 with sqlite3 is needed (required in CI)" >&2; exit 1; }
	echo "SKIP: python3 with sqlite3 is needed" >&2
	exit 77
}
echo 'tidy_interval: "1s"' >>"$T/vault.yaml"

# rows LIKEPATTERN: how many storage keys match (the keys are plaintext
# paths; the values are encrypted)
rows() {
	python3 - "$T/vault.db" "$1" <<'PY'
import sqlite3, sys
db = sqlite3.connect("file:" + sys.argv[1] + "?mode=ro", uri=True)
print(db.execute("SELECT count(*) FROM kv WHERE key LIKE ?", (sys.argv[2],)).fetchone()[0])
PY
}
sha() { printf %s "$1" | sha256sum | cut -d' ' -f1; }
# wait_rows PATTERN WANT: polls up to 12 s
wait_rows() {
	for _ in $(seq 1 60); do
		[ "$(rows "$1")" = "$2" ] && break
		sleep 0.2
	done
	rows "$1"
}

start
OUT=$(req PUT sys/init -d '{"secret_shares":1,"secret_threshold":1}')
ROOT=$(echo "${OUT#* }" | jget '["root_token"]')
KEY=$(echo "${OUT#* }" | jget '["keys"][0]')
check "unseal" False "$(body PUT sys/unseal -d "{\"key\":\"$KEY\"}" | jget '["sealed"]')"

# a short-lived token with a child, and a live one
check "policy maker" 204 "$(code PUT sys/policies/acl/maker -d '{"policy":"path \"auth/token/create\" { capabilities = [\"update\"] }"}')"
OUT=$(req POST auth/token/create -d '{"ttl":"4s","policies":["maker"]}')
SHORT=$(echo "${OUT#* }" | jget '["auth"]["client_token"]')
SHORTACC=$(echo "${OUT#* }" | jget '["auth"]["accessor"]')
OUT=$(TOK=$SHORT req POST auth/token/create -d '{"ttl":"1h"}')
check "child of the short token" 200 "${OUT%% *}"
CHILDACC=$(echo "${OUT#* }" | jget '["auth"]["accessor"]')
OUT=$(req POST auth/token/create -d '{"ttl":"1h","policies":["default"]}')
LIVE=$(echo "${OUT#* }" | jget '["auth"]["client_token"]')
LIVEACC=$(echo "${OUT#* }" | jget '["auth"]["accessor"]')

# an AppRole secret id with ttl 4s
check "role write" 204 "$(code POST auth/approle/role/app -d '{"token_policies":["default"]}')"
check "secret id ttl 4s" 200 "$(code POST auth/approle/role/app/secret-id -d '{"ttl":"4s"}')"

check "token entries before" 4 "$(rows 'core/token/id/%')"
check "secret ids before" 1 "$(rows 'core/approle/secret-id/%')"

# nobody presents them: the sweep alone removes them
check "expired token and child swept" 2 "$(wait_rows 'core/token/id/%' 2)"
check "their accessor entries swept" 2 "$(rows 'core/token/accessor/%')"
check "short token's accessor gone" 0 "$(rows "core/token/accessor/$(sha "$SHORTACC")")"
check "child's accessor gone" 0 "$(rows "core/token/accessor/$(sha "$CHILDACC")")"
check "short token's link from root swept" 0 "$(rows "core/token/parent/%/$(sha "$SHORT")")"
check "child's link swept" 0 "$(rows "core/token/parent/$(sha "$SHORT")/%")"
check "live token's link kept" 1 "$(rows 'core/token/parent/%')"
check "secret id swept" 0 "$(wait_rows 'core/approle/secret-id/%' 0)"
check "secret id accessor swept" 0 "$(rows 'core/approle/accessor/%')"
if grep -q '==> tidy: .*tokens revoked' "$T/server.out"; then ok "the server reports the sweep"; else fail "no tidy line on stderr"; fi

# the live token and its lease are untouched
check "live token works" 200 "$(TOK=$LIVE code GET auth/token/lookup-self)"
LEASE="auth/token/create/$(sha "$LIVEACC")"
check "live lease lookup" True "$(TOK=$LIVE body PUT sys/leases/lookup -d "{\"lease_id\":\"$LEASE\"}" | jget '["data"]["ttl"] > 0')"
LEASE="auth/token/create/$(sha "$SHORTACC")"
check "expired lease is gone" 400 "$(code PUT sys/leases/lookup -d "{\"lease_id\":\"$LEASE\"}")"

# the endpoints, as Vault answers them
OUT=$(req POST auth/token/tidy)
check "auth/token/tidy 202" 202 "${OUT%% *}"
check "auth/token/tidy warning" "Tidy operation successfully started. Any information from the operation will be printed to Vault's server logs." "$(echo "${OUT#* }" | jget '["warnings"][0]')"
check "auth/token/tidy data null" None "$(echo "${OUT#* }" | jget '["data"]')"
check "approle tidy 202" 202 "$(code POST auth/approle/tidy/secret-id)"
check "tidy needs a policy" 403 "$(TOK=$LIVE code POST auth/token/tidy)"
check "approle tidy needs a policy" 403 "$(TOK=$LIVE code POST auth/approle/tidy/secret-id)"
check "GET auth/token/tidy 405" 405 "$(code GET auth/token/tidy)"

START=$(date +%s)
stop
check "stops promptly" True "$(python3 -c "print($(date +%s) - $START < 5)")"

# a tidy_interval that is not a duration
sed -i 's/^tidy_interval:.*/tidy_interval: "5 minutes"/' "$T/vault.yaml"
set +e
"$BULWARK" vault server --config "$T/vault.yaml" >"$T/bad.out" 2>&1
rc=$?
set -e
check "bad tidy_interval exits 2" 2 "$rc"
if grep -q 'tidy_interval' "$T/bad.out"; then ok "bad tidy_interval named"; else fail "message: $(cat "$T/bad.out")"; fi

exit $failed
