#!/usr/bin/env bash
# test_vault_inject.sh - delivering secrets as files, against a real server
# over TLS (self-signed certificate, started with --config, initialised and
# unsealed), logging in with AppRole as a workload would:
#   (1) `vault inject --once` writes the secrets' JSON into a directory on a
#       tmpfs, mode 0400, the owner asked for; an env rendering with a token;
#   (2) a real runc container (busybox-static rootfs) whose config.json has
#       a createRuntime hook running `bulwark vault oci-hook` prints
#       /run/secrets/db.json; neither the rootfs nor config.json holds the
#       secret; a container asking for a bad role does not start;
#   (3) `vault inject --renew` renews its token, rewrites a file after a new
#       version of the secret is written, and on SIGTERM removes the files.
# Needs root (mounts, runc): fails when CI=true and runc is missing, else
# skips.
source "$(dirname "$0")/lib.sh"
bw_need "root" test "$(id -u)" -eq 0
bw_need "runc" command -v runc
bw_need "python3" command -v python3
# openssl and curl: checked by vault_test_setup (fail when CI=true, else skip)

INJ=""
CID=bwvi$$
BW_CONTAINERS=("$CID" "${CID}b")
inject_cleanup() {
	if [ -n "$INJ" ]; then kill -TERM "$INJ" 2>/dev/null || true; fi
	local m
	for m in "$T/once" "$T/tok" "$T/renew"; do umount "$m" 2>/dev/null || true; done
}
BW_EXTRA_CLEANUP=inject_cleanup
# shellcheck source=helpers/vault_server.sh
source "$(dirname "$0")/helpers/vault_server.sh"
# after lib.sh: $T is $BW_TMP, and the server is stopped after inject_cleanup
vault_test_setup vault-inject

# ---- the server ----
start
export VAULT_ADDR="$A" VAULT_CACERT="$T/cert.pem"
unset VAULT_TOKEN VAULT_SKIP_VERIFY

OUT=$(body PUT sys/init -d '{"secret_shares":1,"secret_threshold":1}')
ROOT=$(echo "$OUT" | jget '["root_token"]')
KEY=$(echo "$OUT" | jget '["keys"][0]')
check "unsealed" False "$(body PUT sys/unseal -d "{\"key\":\"$KEY\"}" | jget '["sealed"]')"

body PUT sys/policy/app-read -d '{"policy":"path \"secret/data/app/*\" { capabilities = [\"read\"] }"}' >/dev/null
body POST secret/data/app/db -d '{"data":{"password":"db-SECRETVALUE-1","user":"app"}}' >/dev/null
body POST secret/data/app/api -d '{"data":{"key":"api-SECRETVALUE"}}' >/dev/null
# a short token TTL so that --renew has to renew within the test
body POST auth/approle/role/app -d '{"token_policies":"app-read","token_ttl":"4s","token_max_ttl":"10m"}' >/dev/null
umask 077
body GET auth/approle/role/app/role-id | jget '["data"]["role_id"]' >"$T/role_id"
body POST auth/approle/role/app/secret-id | jget '["data"]["secret_id"]' >"$T/secret_id"
umask 022
check "AppRole credentials" 2 "$(grep -c . "$T/role_id" "$T/secret_id" | grep -c ':1$')"
APPROLE=(--role-id-file "$T/role_id" --secret-id-file "$T/secret_id")

# ---- (1) --once ----
"$BULWARK" vault inject "${APPROLE[@]}" --secret secret/app/db --secret secret/app/api=api \
	--into "$T/once" --owner 65534:65534 --once 2>"$T/once.log" &&
	ok "inject --once exits 0" || { fail "inject --once"; cat "$T/once.log" >&2; }
check "once: db.json" db-SECRETVALUE-1 "$(jget '["password"]' <"$T/once/db.json")"
check "once: api" api-SECRETVALUE "$(jget '["key"]' <"$T/once/api")"
check "once: mode 0400" "400 400" "$(stat -c %a "$T/once/db.json") $(stat -c %a "$T/once/api")"
check "once: owner" "65534:65534" "$(stat -c %u:%g "$T/once/db.json")"
check "once: on a tmpfs" tmpfs "$(stat -f -c %T "$T/once")"
check "once: no temp files left" "api db.json" "$(ls -A "$T/once" | xargs)"
grep -q SECRETVALUE "$T/once.log" && fail "once: the log shows a secret" || ok "once: the log holds no secret"
# the token way, env rendering of one field
TOKEN=$(body POST auth/token/create -d '{"policies":["app-read"],"ttl":"1h"}' | jget '["auth"]["client_token"]')
VAULT_TOKEN=$TOKEN "$BULWARK" vault inject --secret secret/app/db=db.env --format env \
	--field password --into "$T/tok" --once 2>"$T/tok.log" || cat "$T/tok.log" >&2
check "token: env file" "password='db-SECRETVALUE-1'" "$(cat "$T/tok/db.env" 2>&1)"
VAULT_TOKEN=$TOKEN "$BULWARK" vault inject --secret secret/other/x --into "$T/tok" --once 2>"$T/deny.log" &&
	fail "a denied path must fail" || ok "a denied path fails (exit $?)"
grep -q "permission denied" "$T/deny.log" && ok "denied: says why" || fail "denied: $(cat "$T/deny.log")"

# ---- (2) runc container with the OCI hook ----
mkdir -p "$T/hookcfg/roles/app"
cp "$T/role_id" "$T/secret_id" "$T/hookcfg/roles/app/"
cat >"$T/hookcfg/vault-hook.yaml" <<YAML
address: $VAULT_ADDR
ca_cert: $T/cert.pem
role_id_file: $T/role_id
secret_id_file: $T/secret_id
roles_dir: $T/hookcfg/roles
YAML
chmod 600 "$T/hookcfg/vault-hook.yaml" "$T/hookcfg/roles/app/"*
B="$T/bundle"
bw_bundle_make "$B" cat /run/secrets/db.json >/dev/null
python3 - "$B/config.json" "$BULWARK" "$T/hookcfg/vault-hook.yaml" <<'PY'
import json, sys
path, bulwark, cfg = sys.argv[1:]
c = json.load(open(path))
c["hooks"] = {"createRuntime": [{"path": bulwark, "args": [
    "bulwark", "vault", "oci-hook", "--config", cfg]}]}
c["annotations"]["io.bulwark.vault.secrets"] = "secret/app/db=db.json,secret/app/api=api.json"
c["process"]["user"] = {"uid": 10001, "gid": 10001}
json.dump(c, open(path, "w"), indent=2)
PY
runc run --bundle "$B" "$CID" </dev/null >"$T/ctr.out" 2>"$T/ctr.err" &&
	ok "container with the hook runs" || { fail "container run"; cat "$T/ctr.err" >&2; }
check "container prints the secret" db-SECRETVALUE-1 "$(jget '["password"]' <"$T/ctr.out" 2>&1)"
bw_container_stop "$CID"
if grep -rq SECRETVALUE "$B"; then fail "the bundle holds a secret: $(grep -rl SECRETVALUE "$B")"
else ok "neither rootfs nor config.json holds the secret"; fi
check "nothing left under the image's /run/secrets" "" "$(ls -A "$B/rootfs/run/secrets")"
# as the container's user, read-only, on a tmpfs
python3 - "$B/config.json" <<'PY'
import json, sys
c = json.load(open(sys.argv[1]))
c["process"]["args"] = ["sh", "-c", "stat -c '%a %u %n' /run/secrets/api.json; "
    "grep ' /run/secrets ' /proc/mounts | cut -d' ' -f3,4 | cut -d, -f1; "
    "echo x >/run/secrets/new 2>/dev/null && echo writable || echo read-only"]
json.dump(c, open(sys.argv[1], "w"), indent=2)
PY
runc run --bundle "$B" "$CID" </dev/null >"$T/ctr.out" 2>"$T/ctr.err" || cat "$T/ctr.err" >&2
bw_container_stop "$CID"
check "container: file 0400 owned by the process user" "400 10001 /run/secrets/api.json" "$(sed -n 1p "$T/ctr.out")"
check "container: a read-only tmpfs" "tmpfs ro" "$(sed -n 2p "$T/ctr.out")"
check "container: cannot write there" read-only "$(sed -n 3p "$T/ctr.out")"
# a role from roles_dir, then a role name that tries to escape it
python3 - "$B/config.json" <<'PY'
import json, sys
c = json.load(open(sys.argv[1]))
c["process"]["args"] = ["cat", "/run/secrets/db.json"]
c["annotations"]["io.bulwark.vault.role"] = "app"
json.dump(c, open(sys.argv[1], "w"), indent=2)
PY
runc run --bundle "$B" "$CID" </dev/null >"$T/ctr.out" 2>"$T/ctr.err" || cat "$T/ctr.err" >&2
bw_container_stop "$CID"
check "role annotation: roles_dir/app" db-SECRETVALUE-1 "$(jget '["password"]' <"$T/ctr.out" 2>&1)"
sed -i 's|"io.bulwark.vault.role": "app"|"io.bulwark.vault.role": "../../x"|' "$B/config.json"
if runc run --bundle "$B" "${CID}b" </dev/null >"$T/ctr.out" 2>"$T/ctr.err"; then
	fail "a bad role must stop the container"
else
	grep -q "bad role name" "$T/ctr.err" && ok "a bad role name stops the container" ||
		fail "bad role: $(cat "$T/ctr.err")"
fi
bw_container_stop "${CID}b"
# a world-readable hook config is refused
chmod 644 "$T/hookcfg/vault-hook.yaml"
sed -i 's|"io.bulwark.vault.role": "../../x"|"io.bulwark.vault.role": "app"|' "$B/config.json"
runc run --bundle "$B" "${CID}b" </dev/null >"$T/ctr.out" 2>"$T/ctr.err" &&
	ok "a readable (not writable) config is accepted" || fail "config 0644: $(cat "$T/ctr.err")"
bw_container_stop "${CID}b"
chmod 666 "$T/hookcfg/vault-hook.yaml"
runc run --bundle "$B" "${CID}b" </dev/null >"$T/ctr.out" 2>"$T/ctr.err" &&
	fail "a world-writable config must be refused" || ok "a world-writable config is refused"
bw_container_stop "${CID}b"
chmod 600 "$T/hookcfg/vault-hook.yaml"

# ---- (3) --renew: rotation and cleanup ----
"$BULWARK" vault inject "${APPROLE[@]}" --secret secret/app/db --into "$T/renew" \
	--renew --interval 1s 2>"$T/renew.log" &
INJ=$!
for _ in $(seq 1 50); do [ -s "$T/renew/db.json" ] && break; sleep 0.1; done
check "renew: first version" db-SECRETVALUE-1 "$(jget '["password"]' <"$T/renew/db.json" 2>&1)"
check "renew: on a tmpfs" tmpfs "$(stat -f -c %T "$T/renew")"
ino1=$(stat -c %i "$T/renew/db.json")
sleep 1.5
check "renew: an unchanged secret is not rewritten" "$ino1" "$(stat -c %i "$T/renew/db.json")"
body POST secret/data/app/db -d '{"data":{"password":"db-SECRETVALUE-2","user":"app"}}' >/dev/null
got=""
for _ in $(seq 1 40); do
	got=$(jget '["password"]' <"$T/renew/db.json" 2>/dev/null || true)
	[ "$got" = db-SECRETVALUE-2 ] && break
	sleep 0.1
done
check "renew: rewritten after kv put" db-SECRETVALUE-2 "$got"
check "renew: still 0400" 400 "$(stat -c %a "$T/renew/db.json")"
# the 4 s token is renewed at 2/3 of its TTL, and still reads after 5 s
sleep 5
grep -q "token renewed" "$T/renew.log" && ok "renew: token renewed" || fail "renew: no renewal: $(cat "$T/renew.log")"
grep -qi "error\|denied" "$T/renew.log" && fail "renew: errors: $(cat "$T/renew.log")" || ok "renew: no errors"
kill -TERM "$INJ"
wait "$INJ" && ok "renew: exits 0 on SIGTERM" || fail "renew: exit status $?"
INJ=""
check "renew: files removed" "" "$(ls -A "$T/renew" 2>&1)"
if grep -q "mounted a tmpfs" "$T/renew.log"; then
	grep -q " $T/renew " /proc/mounts && fail "renew: still mounted" || ok "renew: unmounted"
fi

kill_server
exit $failed
