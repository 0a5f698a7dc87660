#!/usr/bin/env bash
# test_vault_server.sh - `bulwark vault server` as an operator runs it, over
# real TLS (a self-signed certificate made here, curl --cacert): init →
# seal-status → unseal with threshold keys (progress) → health codes and
# overrides → lookup-self with the root token (X-Vault-Token and Bearer) →
# bad token 403 → unknown route 404 → bad JSON 400 → path traversal 400 →
# oversized body 413 → TLS 1.1 refused → seal → 503 → restart on the same
# storage: initialised, sealed until unsealed, the root token still works;
# an audit log that verifies; --dev prints a root token that works.
# Needs neither root nor a kernel feature (openssl and curl).
set -euo pipefail
: "${BULWARK:?BULWARK must point to the bulwark binary}"
# shellcheck source=helpers/vault_server.sh
source "$(dirname "$0")/helpers/vault_server.sh"
vault_test_setup vault-server
echo "audit_log: $T/audit.log" >>"$T/vault.yaml"
# every request names its token: req_as / code_as / body_as TOKEN ("" = none)

start
check "health before init is 501" 501 "$(code_as "" GET sys/health)"
check "uninitcode override" 299 "$(code_as "" GET 'sys/health?uninitcode=299')"
check "init GET" False "$(body_as "" GET sys/init | jget '["initialized"]')"
check "lookup-self before init is 503" 503 "$(code_as x GET auth/token/lookup-self)"
check "bad init params 400" 400 "$(code_as "" PUT sys/init -d '{"secret_shares":3,"secret_threshold":5}')"
OUT=$(req_as "" PUT sys/init -d '{"secret_shares":5,"secret_threshold":3}')
check "init 200" 200 "${OUT%% *}"
echo "${OUT#* }" >"$T/init.json"
ROOT=$(jget '["root_token"]' <"$T/init.json")
K1=$(jget '["keys"][0]' <"$T/init.json")
K2=$(jget '["keys_base64"][1]' <"$T/init.json")
K3=$(jget '["keys"][2]' <"$T/init.json")
K4=$(jget '["keys"][3]' <"$T/init.json")
case "$ROOT" in hvs.????????????????????????????????) ok "root token hvs. + 32 chars" ;; *) fail "root token '$ROOT'" ;; esac
check "second init 400" 400 "$(code_as "" PUT sys/init -d '{"secret_shares":1,"secret_threshold":1}')"
if grep -q "$ROOT" "$T/vault.db"* 2>/dev/null; then fail "root token stored in clear"; else ok "root token not in storage"; fi
check "sealed after init" True "$(body_as "" GET sys/seal-status | jget '["sealed"]')"
check "health sealed 503" 503 "$(code_as "" GET sys/health)"
check "sealedcode override" 200 "$(code_as "" GET 'sys/health?sealedcode=200')"
check "HEAD health sealed 503" 503 "$(curl -sS --cacert "$T/cert.pem" -I -o /dev/null -w '%{http_code}' "$A/v1/sys/health")"
check "request while sealed 503" 503 "$(code_as "$ROOT" GET auth/token/lookup-self)"
check "sealed error message" '{"errors":["Vault is sealed"]}' "$(body_as "$ROOT" GET auth/token/lookup-self)"

check "unseal 1 progress" 1 "$(body_as "" PUT sys/unseal -d "{\"key\":\"$K1\"}" | jget '["progress"]')"
check "repeated key ignored" 1 "$(body_as "" PUT sys/unseal -d "{\"key\":\"$K1\"}" | jget '["progress"]')"
check "reset" 0 "$(body_as "" PUT sys/unseal -d '{"reset":true}' | jget '["progress"]')"
check "bad key 400" 400 "$(code_as "" PUT sys/unseal -d '{"key":"not-hex-or-base64!"}')"
check "missing key 400" 400 "$(code_as "" PUT sys/unseal -d '{}')"
# two real shares + a forged one: the keyring's GCM tag fails, progress resets
FORGED=$(echo "$K4" | sed 's/^\(..\)\(..\)/\2\1/')
req_as "" PUT sys/unseal -d "{\"key\":\"$K1\"}" >/dev/null
req_as "" PUT sys/unseal -d "{\"key\":\"$K2\"}" >/dev/null
check "wrong key set fails" 400 "$(code_as "" PUT sys/unseal -d "{\"key\":\"$FORGED\"}")"
check "progress reset after failure" 0 "$(body_as "" GET sys/seal-status | jget '["progress"]')"
check "still sealed" True "$(body_as "" GET sys/seal-status | jget '["sealed"]')"
check "unseal 1/3" 1 "$(body_as "" PUT sys/unseal -d "{\"key\":\"$K1\"}" | jget '["progress"]')"
check "unseal 2/3 (base64)" 2 "$(body_as "" PUT sys/unseal -d "{\"key\":\"$K2\"}" | jget '["progress"]')"
check "unseal 3/3 unseals" False "$(body_as "" PUT sys/unseal -d "{\"key\":\"$K3\"}" | jget '["sealed"]')"
check "health active 200" 200 "$(code_as "" GET sys/health)"
check "activecode override" 201 "$(code_as "" GET 'sys/health?activecode=201&standbyok=true')"

OUT=$(req_as "$ROOT" GET auth/token/lookup-self)
check "lookup-self 200" 200 "${OUT%% *}"
check "lookup-self policies" "['root']" "$(echo "${OUT#* }" | jget '["data"]["policies"]')"
check "lookup-self ttl 0" 0 "$(echo "${OUT#* }" | jget '["data"]["ttl"]')"
check "envelope has request_id" 36 "$(echo "${OUT#* }" | jget '["request_id"].__len__()')"
check "Bearer token" 200 "$(code_as "" GET auth/token/lookup-self -H "Authorization: Bearer $ROOT")"
check "bad token 403" '403 {"errors":["permission denied"]}' "$(req_as hvs.wrong GET auth/token/lookup-self)"
check "no token 403" 403 "$(code_as "" GET auth/token/lookup-self)"
check "unknown route 404" '404 {"errors":["no handler for route \"nomount/x\". route entry not found."]}' "$(req_as "$ROOT" GET nomount/x)"
check "LIST unknown 404" 404 "$(code_as "$ROOT" LIST secret/metadata/)"
check "wrong method 405" 405 "$(code_as "" DELETE sys/seal-status)"
check "malformed JSON 400" 400 "$(code_as "" PUT sys/unseal -d '{"key":')"
check "non-object JSON 400" 400 "$(code_as "" PUT sys/unseal -d '[1]')"
check "path traversal 400" 400 "$(code_as "" GET 'auth/token/../../sys/health' --path-as-is)"
check "encoded traversal 400" 400 "$(code_as "$ROOT" GET 'auth/token/%2e%2e/x' --path-as-is)"
check "double slash 400" 400 "$(code_as "$ROOT" GET 'auth//token/lookup-self' --path-as-is)"
check "outside /v1/ 404" 404 "$(curl -sS --cacert "$T/cert.pem" -o /dev/null -w '%{http_code}' "$A/ui/")"
check "33 MiB body 413" 413 "$(code_as "" PUT sys/unseal -H 'Content-Length: 34603008' --data-binary @/dev/null)"
head -c 34000000 /dev/zero | tr '\0' 'a' >"$T/big"
check "33 MB streamed body 413" 413 "$(code_as "" PUT sys/unseal -H 'Transfer-Encoding: chunked' --data-binary @"$T/big")"
if curl -sS --cacert "$T/cert.pem" --tlsv1.1 --tls-max 1.1 "$A/v1/sys/health" -o /dev/null 2>/dev/null; then
	fail "TLS 1.1 accepted"
else
	ok "TLS 1.1 refused"
fi
check "TLS 1.2 accepted" 200 "$(curl -sS --cacert "$T/cert.pem" --tlsv1.2 --tls-max 1.2 -o /dev/null -w '%{http_code}' "$A/v1/sys/health")"
# one address holding idle connections (a slow-loris) gets at most 256 of
# them, and another client is served meanwhile
HOLD=$(python3 - "$PORT" "$T/cert.pem" <<'PY'
import socket, ssl, sys, time
port, ca, held = int(sys.argv[1]), sys.argv[2], []
for _ in range(300):
    held.append(socket.create_connection(("127.0.0.1", port)))
time.sleep(1)
open_ = 0
for s in held:
    s.settimeout(0.2)
    try:
        open_ += s.recv(1) != b""  # closed by the server: b""
    except socket.timeout:
        open_ += 1                 # still held open, waiting for us
    except OSError:
        pass
ctx = ssl.create_default_context(cafile=ca)
other = ctx.wrap_socket(socket.create_connection(
    ("127.0.0.1", port), source_address=("127.0.0.2", 0)), server_hostname="127.0.0.1")
other.sendall(b"GET /v1/sys/health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
print(open_, other.recv(12).decode(errors="replace").split(" ")[-1])
PY
)
check "one address holds at most 256 connections" True "$([ "${HOLD% *}" -le 256 ] && [ "${HOLD% *}" -ge 200 ] && echo True || echo "False ($HOLD)")"
check "another address served meanwhile" 200 "${HOLD#* }"
check "seal without token 403" 403 "$(code_as "" PUT sys/seal)"
check "seal 204" 204 "$(code_as "$ROOT" PUT sys/seal)"
check "sealed 503" 503 "$(code_as "$ROOT" GET auth/token/lookup-self)"
check "health after seal 503" 503 "$(code_as "" GET sys/health)"
stop

start
check "restart: initialised" True "$(body_as "" GET sys/seal-status | jget '["initialized"]')"
check "restart: sealed" True "$(body_as "" GET sys/seal-status | jget '["sealed"]')"
check "restart: 503 until unsealed" 503 "$(code_as "$ROOT" GET auth/token/lookup-self)"
for k in "$K4" "$K2" "$K1"; do req_as "" PUT sys/unseal -d "{\"key\":\"$k\"}" >/dev/null; done
check "restart: unsealed with another key set" 200 "$(code_as "" GET sys/health)"
check "restart: root token works" 200 "$(code_as "$ROOT" GET auth/token/lookup-self)"
stop
if grep -q "$ROOT" "$T/audit.log"; then fail "root token in the audit log"; else ok "audit log has no clear token"; fi
if "$BULWARK" vault audit verify "$T/audit.log" >"$T/verify.out" 2>&1; then
	ok "audit log verifies: $(cat "$T/verify.out")"
else
	fail "audit verify: $(cat "$T/verify.out")"
fi
grep -q '"auth/token/lookup-self"' "$T/audit.log" && ok "audit log has the requests" || fail "no lookup-self in audit log"

# the database, its WAL and the audit log are the owner's alone (umask 022 here)
for f in vault.db vault.db-wal audit.log; do
	[ -e "$T/$f" ] && check "$f is mode 600" 600 "$(stat -c %a "$T/$f")"
done
ln -s "$T/audit.log" "$T/link.log"
sed "s|^audit_log:.*|audit_log: $T/link.log|" "$T/vault.yaml" >"$T/linkaudit.yaml"
check "audit log through a symbolic link refused at start" 1 "$(umask 022; "$BULWARK" vault server --config "$T/linkaudit.yaml" >/dev/null 2>&1; echo $?)"

# an audit log that cannot be opened: the server refuses to start
sed "s|^audit_log:.*|audit_log: $T|" "$T/vault.yaml" >"$T/badaudit.yaml"
check "unwritable audit log refused at start" 1 "$("$BULWARK" vault server --config "$T/badaudit.yaml" >/dev/null 2>&1; echo $?)"

# --dev: in memory, unsealed, prints a root token that works
"$BULWARK" vault server --dev --listen 127.0.0.1:0 >"$T/dev.out" 2>&1 &
PID=$!
for _ in $(seq 1 100); do grep -q "port" "$T/dev.out" && break; sleep 0.1; done
DPORT=$(sed -n 's/.*(port \([0-9]*\)).*/\1/p' "$T/dev.out")
DTOKEN=$(sed -n 's/^Root Token: //p' "$T/dev.out")
grep -q '^Unseal Key: ' "$T/dev.out" && ok "--dev prints the unseal key" || fail "--dev unseal key"
check "--dev root token works" 200 "$(curl -sS -o /dev/null -w '%{http_code}' -H "X-Vault-Token: $DTOKEN" "http://127.0.0.1:$DPORT/v1/auth/token/lookup-self")"
kill -INT "$PID"; wait "$PID" || fail "--dev exit status"
PID=""
check "--dev refuses plain HTTP off loopback" 2 "$("$BULWARK" vault server --dev --listen 0.0.0.0:0 >/dev/null 2>&1; echo $?)"
check "config without TLS refused" 2 "$(printf 'storage_path: %s/x.db\n' "$T" >"$T/notls.yaml"; "$BULWARK" vault server --config "$T/notls.yaml" >/dev/null 2>&1; echo $?)"

exit $failed
