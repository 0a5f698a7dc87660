#!/usr/bin/env bash
# bench/k8s/run.sh BUILD_DIR - the Kubernetes benchmarks:
#  1. audit of 10,000 generated manifests on one core: objects/s (target
#     >= 20,000/s), by bench_audit;
#  2. the admission webhook over TLS with keep-alive: p50/p99 latency and
#     requests/s (target p99 < 10 ms), a real `bulwark k8s admission` with a
#     self-signed certificate, driven by bench_admission.py.
set -euo pipefail
B=$(cd "${1:-build}" && pwd)
here=$(cd "$(dirname "$0")" && pwd)
t=$(mktemp -d /tmp/bw-bench-k8s.XXXXXX)
pid=""
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null; wait 2>/dev/null; rm -rf "$t"; }
trap cleanup EXIT

echo "== bench/k8s =="
if [ -x "$B/bench_audit" ]; then
	taskset -c 0 "$B/bench_audit" 10000 || "$B/bench_audit" 10000
fi

openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=localhost \
	-addext subjectAltName=DNS:localhost -keyout "$t/key.pem" -out "$t/cert.pem" 2>/dev/null
port=$((20000 + RANDOM % 20000))
"$B/bulwark" k8s admission --listen "127.0.0.1:$port" --tls-cert "$t/cert.pem" \
	--tls-key "$t/key.pem" --audit-log "$t/audit.log" &
pid=$!
for _ in $(seq 50); do
	python3 - "$port" <<'PY' 2>/dev/null && break
import socket, sys
socket.create_connection(("127.0.0.1", int(sys.argv[1])), 0.2).close()
PY
	sleep 0.1
done
python3 "$here/bench_admission.py" --port "$port" --ca "$t/cert.pem" \
	--requests "${BW_BENCH_REQUESTS:-5000}" --connections 4
