#!/usr/bin/env bash
# test_vault_kv.sh - the KV secrets engines over real TLS (self-signed
# certificate, curl --cacert), as a Vault client uses them: init + unseal →
# secret/ is KV v2 → write versions → read latest and old ones → cas
# conflict 400 → PATCH merge → delete / undelete / destroy → metadata and
# max_versions → LIST folders → enable a KV v1 mount, write, list, disable
# → restart on the same storage: the data is unreadable (503) while sealed
# and back after unseal; no secret value appears in the storage file.
# Needs neither root nor a kernel feature (openssl and curl).
set -euo pipefail
: "${BULWARK:?BULWARK must point to the bulwark binary}"
# shellcheck source=helpers/vault_server.sh
source "$(dirname "$0")/helpers/vault_server.sh"
vault_test_setup vault-kv

start
OUT=$(req PUT sys/init -d '{"secret_shares":1,"secret_threshold":1}')
ROOT=$(echo "${OUT#* }" | jget '["root_token"]')
KEY=$(echo "${OUT#* }" | jget '["keys"][0]')
check "unseal" False "$(body PUT sys/unseal -d "{\"key\":\"$KEY\"}" | jget '["sealed"]')"
check "secret/ is KV v2" 2 "$(body GET sys/mounts | jget '["data"]["secret/"]["options"]["version"]')"
check "ui mounts preflight" secret/ "$(body GET sys/internal/ui/mounts/secret/app | jget '["data"]["path"]')"

# write / read / versions
for i in 1 2 3; do
	check "write v$i" "$i" "$(body POST secret/data/app/db -d "{\"data\":{\"password\":\"pw-$i-SECRETVALUE\",\"user\":\"app\"}}" | jget '["data"]["version"]')"
done
check "read latest" pw-3-SECRETVALUE "$(body GET secret/data/app/db | jget '["data"]["data"]["password"]')"
check "read version 1" pw-1-SECRETVALUE "$(body GET 'secret/data/app/db?version=1' | jget '["data"]["data"]["password"]')"
check "read metadata version" 2 "$(body GET 'secret/data/app/db?version=2' | jget '["data"]["metadata"]["version"]')"
check "mount_type kv" kv "$(body GET secret/data/app/db | jget '["mount_type"]')"
check "missing secret 404" '404 {"errors":[]}' "$(req GET secret/data/app/none)"

# check-and-set
check "cas conflict 400" '400 {"errors":["check-and-set parameter did not match the current version"]}' \
	"$(req POST secret/data/app/db -d '{"options":{"cas":1},"data":{"password":"x"}}')"
check "cas match" 4 "$(body POST secret/data/app/db -d '{"options":{"cas":3},"data":{"password":"pw-4-SECRETVALUE","user":"app"}}' | jget '["data"]["version"]')"

# PATCH (JSON merge patch)
check "PATCH wrong content type 415" 415 "$(code PATCH secret/data/app/db -H 'Content-Type: application/json' -d '{"data":{"port":5432}}')"
check "PATCH" 5 "$(body PATCH secret/data/app/db -H 'Content-Type: application/merge-patch+json' -d '{"data":{"port":5432,"user":null}}' | jget '["data"]["version"]')"
check "PATCH merged" "5432 None pw-4-SECRETVALUE" "$(body GET secret/data/app/db | jget '["data"]["data"].get("port"), d["data"]["data"].get("user"), d["data"]["data"]["password"]' | tr -d '(),'"'")"

# delete / undelete / destroy
check "delete latest 204" 204 "$(code DELETE secret/data/app/db)"
OUT=$(req GET secret/data/app/db)
check "deleted read 404" 404 "${OUT%% *}"
check "deleted read has metadata" "True" "$(echo "${OUT#* }" | jget '["data"]["metadata"]["deletion_time"] != ""')"
check "undelete 204" 204 "$(code POST secret/undelete/app/db -d '{"versions":[5]}')"
check "undeleted read" 200 "$(code GET secret/data/app/db)"
check "delete v1,v2" 204 "$(code POST secret/delete/app/db -d '{"versions":[1,2]}')"
check "v1 deleted" 404 "$(code GET 'secret/data/app/db?version=1')"
check "destroy v1" 204 "$(code PUT secret/destroy/app/db -d '{"versions":[1]}')"
check "undelete destroyed has no effect" 404 "$(req POST secret/undelete/app/db -d '{"versions":[1]}' >/dev/null; code GET 'secret/data/app/db?version=1')"
check "metadata: destroyed" True "$(body GET secret/metadata/app/db | jget '["data"]["versions"]["1"]["destroyed"]')"
check "metadata: current_version" 5 "$(body GET secret/metadata/app/db | jget '["data"]["current_version"]')"

# metadata, max_versions, subkeys, lists
check "metadata write" 204 "$(code POST secret/metadata/app/db -d '{"max_versions":2,"custom_metadata":{"owner":"ops"}}')"
body POST secret/data/app/db -d '{"data":{"password":"pw-6-SECRETVALUE","nested":{"a":{"b":1}}}}' >/dev/null
check "max_versions pruned" "['5', '6']" "$(body GET secret/metadata/app/db | jget '["data"]["versions"] and sorted(d["data"]["versions"])')"
check "subkeys" "{'password': None, 'nested': {'a': {'b': None}}}" "$(body GET secret/subkeys/app/db | jget '["data"]["subkeys"]')"
body POST secret/data/app/api/key -d '{"data":{"k":"v"}}' >/dev/null
body POST secret/data/top -d '{"data":{"k":"v"}}' >/dev/null
check "LIST root" "['app/', 'top']" "$(body LIST secret/metadata/ | jget '["data"]["keys"]')"
check "GET ?list=true" "['api/', 'db']" "$(body GET 'secret/metadata/app?list=true' | jget '["data"]["keys"]')"

# a KV v1 mount
check "enable kv v1" 204 "$(code POST sys/mounts/kv1 -d '{"type":"kv","options":{"version":"1"}}')"
check "enable twice 400" 400 "$(code POST sys/mounts/kv1 -d '{"type":"kv"}')"
check "v1 write" 204 "$(code PUT kv1/team/cfg -d '{"url":"https://x","n":3}')"
check "v1 read" https://x "$(body GET kv1/team/cfg | jget '["data"]["url"]')"
check "v1 list" "['team/']" "$(body LIST kv1/ | jget '["data"]["keys"]')"
check "v1 delete" 204 "$(code DELETE kv1/team/cfg)"
check "v1 read deleted 404" 404 "$(code GET kv1/team/cfg)"
check "tune read" 2764800 "$(body GET sys/mounts/kv1/tune | jget '["data"]["default_lease_ttl"]')"
check "disable" 204 "$(code DELETE sys/mounts/kv1)"
check "disabled mount 404" 404 "$(code GET kv1/team/cfg)"
check "traversal refused" 400 "$(code GET 'secret/data/../../sys/mounts' --path-as-is)"
stop

if grep -qa SECRETVALUE "$T/vault.db"*; then fail "secret value in storage in clear"; else ok "storage holds no clear value"; fi

start
check "restart: sealed read 503" 503 "$(code GET secret/data/app/db)"
check "restart: sealed mounts 503" 503 "$(code GET sys/mounts)"
req PUT sys/unseal -d "{\"key\":\"$KEY\"}" >/dev/null
check "restart: data survives" pw-6-SECRETVALUE "$(body GET secret/data/app/db | jget '["data"]["data"]["password"]')"
check "restart: old version" 5 "$(body GET 'secret/data/app/db?version=5' | jget '["data"]["metadata"]["version"]')"
check "restart: metadata" ops "$(body GET secret/metadata/app/db | jget '["data"]["custom_metadata"]["owner"]')"
stop

exit $failed
