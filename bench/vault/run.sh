#!/usr/bin/env bash
# bench/vault/run.sh BUILD_DIR - the secrets server's KV v2 throughput over
# TLS with keep-alive, 32 concurrent clients on loopback (bench_kv).
#
# 1. floor: `bulwark vault server --dev --bench-floor` with the same TLS
#    certificate, listener and thread pool; GET sys/internal/bench-floor is a
#    fixed 200 answered by the transport (server.c) without the core.  This
#    is the HTTP+TLS ceiling on this machine, and the client measured alone.
# 2. read:  a real server (config: TLS + SQLite storage in a temp dir,
#    WAL + synchronous=FULL), initialised and unsealed; GET secret/data/...
#    with the root token (32 keys, one per client).
# 3. write: the same server; POST secret/data/... (each write fsync'ed to
#    the WAL before its response).
# Both servers stay up; after a warm-up, floor and read rounds alternate
# (ROUNDS of SECONDS each); each read round is compared with the floor
# round just before it and the median of those ratios is reported, so
# drift on a shared machine affects both sides of a pair alike; then one
# write phase.
# Prints requests/s, p50/p99 latency, CPU per request on each side, and the
# ratio read/floor.  Targets: read >= 20000/s and >= 0.5 x floor; durable
# write >= 1000/s.  Knobs: BW_VAULT_BENCH_THREADS (32), _SECONDS (2 per
# round), _ROUNDS (5), _WRITE_SECONDS (5).
set -euo pipefail
B=$(cd "${1:-build}" && pwd)
THREADS=${BW_VAULT_BENCH_THREADS:-32}
SECS=${BW_VAULT_BENCH_SECONDS:-2}  # per floor/read round
ROUNDS=${BW_VAULT_BENCH_ROUNDS:-5}
WSECS=${BW_VAULT_BENCH_WRITE_SECONDS:-5}
for x in "$B/bulwark" "$B/bench_kv"; do
	[ -x "$x" ] || { echo "bench/vault: $x missing (build first)" >&2; exit 1; }
done
T=$(mktemp -d /tmp/bw-vault-bench.XXXXXX)
PIDS=""
cleanup() {
	for p in $PIDS; do
		kill -TERM "$p" 2>/dev/null && wait "$p" 2>/dev/null
	done
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

start() { # start NAME ARGS...: sets PID_<NAME>, PORT_<NAME>
	local name=$1 pid port=""
	shift
	"$B/bulwark" vault server "$@" >"$T/$name.out" 2>&1 &
	pid=$!
	PIDS="$PIDS $pid"
	for _ in $(seq 1 100); do
		port=$(sed -n 's/.*(port \([0-9]*\)).*/\1/p' "$T/$name.out")
		[ -n "$port" ] && break
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	if [ -z "$port" ]; then
		echo "bench/vault: $name server did not start" >&2
		cat "$T/$name.out" >&2
		exit 1
	fi
	eval "PID_$name=$pid PORT_$name=$port"
}
bench() { # bench PORT PID PHASE SECONDS [TOKEN]
	"$B/bench_kv" --port "$1" --cacert "$T/cert.pem" --phase "$3" \
		--token "${5:-}" --threads "$THREADS" --seconds "$4" \
		--server-pid "$2"
}
field() { sed -n "s/.* $1=\([^ ]*\).*/\1/p"; }
show() { # show LABEL LINE
	printf '%-7s %9s req/s  p50 %6s us  p99 %6s us  cpu/req client %5s us server %5s us\n' \
		"$1" "$(echo "$2" | field rps)" "$(echo "$2" | field p50_us)" \
		"$(echo "$2" | field p99_us)" "$(echo "$2" | field client_cpu_us)" \
		"$(echo "$2" | field server_cpu_us)"
}

echo "== vault KV v2 over TLS, keep-alive, $THREADS clients, $ROUNDS rounds of ${SECS}s floor/read (interleaved, medians), ${WSECS}s write, $(nproc) CPUs"
# Both servers run for the whole benchmark (an idle one costs nothing), so
# floor and read rounds alternate and drift on a shared machine hits both.
start floor --dev --bench-floor --config "$T/vault.yaml"
start real --config "$T/vault.yaml"
api() { # api METHOD PATH [JSON]
	curl -sS --fail --cacert "$T/cert.pem" -X "$1" ${3:+-d "$3"} \
		"https://127.0.0.1:$PORT_real/v1/$2"
}
jget() { python3 -c 'import json,sys; print(json.load(sys.stdin)[sys.argv[1]][0] if sys.argv[1]=="keys" else json.load(sys.stdin)[sys.argv[1]])' "$1"; }
INIT=$(api PUT sys/init '{"secret_shares":1,"secret_threshold":1}')
ROOT=$(echo "$INIT" | jget root_token)
KEY=$(echo "$INIT" | jget keys)
api PUT sys/unseal "{\"key\":\"$KEY\"}" >/dev/null
# warm-up: TLS session setup, the keys written, caches filled
bench "$PORT_floor" "$PID_floor" floor 1 >/dev/null
bench "$PORT_real" "$PID_real" read 1 "$ROOT" >/dev/null
FLOORS=() READS=()
for r in $(seq 1 "$ROUNDS"); do
	FLOORS+=("$(bench "$PORT_floor" "$PID_floor" floor "$SECS")")
	READS+=("$(bench "$PORT_real" "$PID_real" read "$SECS" "$ROOT")")
	echo "round $r: floor $(echo "${FLOORS[-1]}" | field rps) req/s, read $(echo "${READS[-1]}" | field rps) req/s"
done
WRITE=$(bench "$PORT_real" "$PID_real" write "$WSECS" "$ROOT")

median() { # median LINE...: the line with the median rps
	printf '%s\n' "$@" | awk '{ for (i = 1; i <= NF; i++) if ($i ~ /^rps=/) print substr($i, 5), $0 }' |
		sort -n | awk '{ a[NR] = $0 } END { s = a[int((NR + 1) / 2)]; sub(/^[^ ]* /, "", s); print s }'
}
FLOOR=$(median "${FLOORS[@]}")
READ=$(median "${READS[@]}")
show floor "$FLOOR"
show read "$READ"
show write "$WRITE"
python3 - "$FLOOR" "$READ" "$WRITE" "${FLOORS[@]}" "${READS[@]}" <<'PY'
import statistics, sys
rps = lambda l: float(dict(kv.split("=") for kv in l.split())["rps"])
floor, read, write = (rps(l) for l in sys.argv[1:4])
rounds = sys.argv[4:]
n = len(rounds) // 2
# each read round against the floor round just before it (paired, so
# drift between rounds cancels), then the median of those ratios
ratios = [rps(r) / rps(f) for f, r in zip(rounds[:n], rounds[n:])]
ratio = statistics.median(ratios)
ok = lambda b: "ok" if b else "MISSED"
print("read/floor per round: " + ", ".join(f"{x:.2f}" for x in ratios))
print(f"read/floor  {ratio:.2f}   (median of the paired rounds; target >= 0.50: {ok(ratio >= 0.5)})")
print(f"read        {read:.0f}/s   (target >= 20000: {ok(read >= 20000)})")
print(f"write       {write:.0f}/s   (durable; target >= 1000: {ok(write >= 1000)})")
PY
