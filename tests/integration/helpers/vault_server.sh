# vault_server.sh - sourced by the secrets-server integration tests that
# drive one real `bulwark vault server` over TLS with curl:
#   vault_test_setup NAME   checks openssl and curl (fail when CI=true,
#                           else skip), makes $T, a self-signed certificate
#                           and $T/vault.yaml (SQLite storage in $T)
#   start / stop            run the server on a free port ($PID, $PORT, $A)
#   req METHOD PATH [curl args...]   "STATUS BODY" with token $TOK, else
#                           $ROOT; code / body take the parts; jget PYEXPR
#   ok / fail / check NAME WANT GOT  results; $failed is 1 after a failure
# Needs $BULWARK.

vault_test_setup() {
	command -v openssl >/dev/null && command -v curl >/dev/null || {
		[ "${CI:-}" = "true" ] && { echo "FAIL: openssl and curl are needed (required in CI)" >&2; exit 1; }
		echo "SKIP: openssl and curl are needed" >&2
		exit 77
	}
	T=$(mktemp -d "/tmp/bw-$1.XXXXXX")
	PID=""
	trap vault_test_cleanup EXIT
	openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj "/CN=127.0.0.1" \
		-addext "subjectAltName=IP:127.0.0.1" \
		-keyout "$T/key.pem" -out "$T/cert.pem" 2>/dev/null
	cat >"$T/vault.yaml" <<YAML
listen: "127.0.0.1:0"
tls_cert_file: $T/cert.pem
tls_key_file: $T/key.pem
storage_path: $T/vault.db
YAML
}
vault_test_cleanup() {
	[ -n "$PID" ] && kill -TERM "$PID" 2>/dev/null && wait "$PID" 2>/dev/null
	rm -rf "$T"
}

failed=0
ok() { echo "ok   $1"; }
fail() { echo "FAIL $1" >&2; failed=1; }
check() { # check NAME WANT GOT
	if [ "$2" = "$3" ]; then ok "$1"; else fail "$1: want '$2', got '$3'"; fi
}

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
	wait "$PID" && ok "server exits 0 on SIGTERM" || fail "server exit status $?"
	PID=""
}
req() {
	local m=$1 p=$2
	shift 2
	curl -sS --cacert "$T/cert.pem" -X "$m" -o "$T/body" -w '%{http_code}' \
		-H "X-Vault-Token: ${TOK:-${ROOT:-none}}" "$@" "$A/v1/$p" >"$T/code"
	echo "$(cat "$T/code") $(cat "$T/body")"
}
code() { req "$@" | cut -d' ' -f1; }
body() { req "$@" | cut -d' ' -f2-; }
jget() { python3 -c 'import json,sys; d=json.load(sys.stdin); print(eval("d"+sys.argv[1]))' "$1"; }
