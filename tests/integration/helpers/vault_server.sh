# vault_server.sh - sourced by the secrets-server integration tests that
# drive one real `bulwark vault server` over TLS with curl:
#   vault_test_setup NAME [TOOL...]  checks openssl and each TOOL (default
#                           curl; fail when CI=true, else skip), makes $T, a
#                           self-signed certificate $T/cert.pem and
#                           $T/vault.yaml (SQLite storage in $T); append
#                           config lines to $T/vault.yaml before start.
#                           Sourced after lib.sh (root tests), $T is $BW_TMP
#                           and lib.sh's EXIT trap stays: stopping the server
#                           is appended to $BW_EXTRA_CLEANUP (set yours first)
#   start / stop            run the server on a free port ($PID, $PORT, $A);
#                           stop sends SIGTERM and checks the exit status 0
#   kill_server [SIGNAL]    send SIGNAL (default TERM) and wait, no check
#   req METHOD PATH [curl args...]   "STATUS BODY" with token $TOK, else
#                           $ROOT, else "none"; code / body take the parts
#   req_as TOKEN METHOD PATH [curl args...]   the same with TOKEN, and no
#                           token header when TOKEN is ""; code_as / body_as
#   jget PYEXPR             a value of the JSON on stdin (d + PYEXPR)
#   ok / fail / check NAME WANT GOT  results; $failed is 1 after a failure
# Needs $BULWARK.

vault_test_setup() { # vault_test_setup NAME [TOOL...]
	local name=$1 tool
	shift
	PID=""
	if declare -F bw_cleanup >/dev/null; then
		T=$BW_TMP
		BW_EXTRA_CLEANUP="${BW_EXTRA_CLEANUP:+$BW_EXTRA_CLEANUP; }kill_server"
	else
		T=$(mktemp -d "/tmp/bw-$name.XXXXXX")
		trap vault_test_cleanup EXIT
	fi
	[ $# -gt 0 ] || set -- curl
	for tool in openssl "$@"; do
		command -v "$tool" >/dev/null && continue
		[ "${CI:-}" = "true" ] && { echo "FAIL: $tool is needed (required in CI)" >&2; exit 1; }
		echo "SKIP: $tool is needed" >&2
		exit 77
	done
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
	kill_server TERM
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
kill_server() { # kill_server [SIGNAL]
	if [ -n "${PID:-}" ]; then
		kill -"${1:-TERM}" "$PID" 2>/dev/null || true
		wait "$PID" 2>/dev/null || true
	fi
	PID=""
}
req_as() { # req_as TOKEN METHOD PATH [curl args...]
	local tok=$1 m=$2 p=$3
	shift 3
	[ -z "$tok" ] || set -- -H "X-Vault-Token: $tok" "$@"
	curl -sS --cacert "$T/cert.pem" -X "$m" -o "$T/body" -w '%{http_code}' \
		"$@" "$A/v1/$p" >"$T/code"
	echo "$(cat "$T/code") $(cat "$T/body")"
}
req() { req_as "${TOK:-${ROOT:-none}}" "$@"; }
code() { req "$@" | cut -d' ' -f1; }
body() { req "$@" | cut -d' ' -f2-; }
code_as() { req_as "$@" | cut -d' ' -f1; }
body_as() { req_as "$@" | cut -d' ' -f2-; }
jget() { python3 -c 'import json,sys; d=json.load(sys.stdin); print(eval("d"+sys.argv[1]))' "$1"; }
