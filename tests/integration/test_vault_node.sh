#!/usr/bin/env bash
# test_vault_node.sh - the node-vault npm client (HashiCorp Vault's most
# used JavaScript client, unchanged) against a real server over TLS
# (requestOptions.ca): init → unseal → write a policy → AppRole login when
# the server has auth/approle, else a token created with the policy → KV v2
# write / read / versions / cas conflict / delete / undelete / destroy →
# token renew / revoke → a sealed server refuses.
# node-vault is installed once with `npm install` into BW_BUILD_DIR/
# node-vault-cache (reruns are offline).  SKIP (77) without node/npm,
# except with CI=true, where that is a failure.
set -euo pipefail
: "${BULWARK:?BULWARK must point to the bulwark binary}"
if ! command -v node >/dev/null || ! command -v npm >/dev/null ||
	! command -v openssl >/dev/null; then
	if [ "${CI:-}" = true ]; then
		echo "FAIL: node, npm and openssl are required in CI" >&2
		exit 1
	fi
	echo "SKIP: node, npm and openssl are needed" >&2
	exit 77
fi

CACHE=${BW_BUILD_DIR:-$(dirname "$BULWARK")}/node-vault-cache
if [ ! -f "$CACHE/node_modules/node-vault/package.json" ]; then
	mkdir -p "$CACHE"
	(cd "$CACHE" && npm install --no-audit --no-fund --silent node-vault >/dev/null) || {
		rm -rf "$CACHE/node_modules"
		if [ "${CI:-}" = true ]; then echo "FAIL: npm install node-vault" >&2; exit 1; fi
		echo "SKIP: npm install node-vault failed (offline?)" >&2
		exit 77
	}
fi

T=$(mktemp -d /tmp/bw-vault-node.XXXXXX)
PID=""
cleanup() {
	[ -n "$PID" ] && kill -TERM "$PID" 2>/dev/null && wait "$PID" 2>/dev/null
	rm -rf "$T"
}
trap cleanup EXIT

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
	PORT=$(sed -n 's/.*(port \([0-9]*\)).*/\1/p' "$T/server.out")
	[ -n "$PORT" ] && break
	kill -0 "$PID" 2>/dev/null || break
	sleep 0.1
done
[ -n "$PORT" ] || { echo "server did not start" >&2; cat "$T/server.out" >&2; exit 1; }

NODE_PATH="$CACHE/node_modules" VAULT_ADDR="https://127.0.0.1:$PORT" \
	CA_FILE="$T/cert.pem" node "$(dirname "$0")/helpers/vault_node.js"
