#!/usr/bin/env bash
# bench/runtime/run.sh BUILD_DIR - runtime overhead and rules throughput.
#
# 1. The syscall storm (bench_storm) timed with no sensor, with an empty
#    tp_btf/sys_exit program attached (the floor) and with `bulwark agent`
#    and the default rules.  Prints agent/no-sensor and agent/floor ratios
#    (target agent/no-sensor <= 1.25) and the agent's drop count (target 0).
# 2. Rules engine throughput in user space (bench_rules) with the default
#    rules and with upstream falco_rules.yaml (target >= 1,000,000 ev/s/core).
set -euo pipefail
B=${1:-build}
SRC=$(cd "$(dirname "$0")/../.." && pwd)
ITERS=${BW_STORM_ITERS:-20000}
RUNS=${BW_STORM_RUNS:-5}
tmp=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$tmp"' EXIT

storm() { "$B/bench_storm" "$ITERS" | sed -n 's/.*seconds=\([0-9.]*\).*/\1/p'; }
median() { python3 -c "import sys, statistics; print(statistics.median(float(x) for x in sys.argv[1:]))" "$@"; }

start_floor() {
	"$B/bench_floor" >"$tmp/floor.out" 2>&1 &
	fp=$!
	for _ in $(seq 1 100); do grep -q attached "$tmp/floor.out" && return 0; sleep 0.1; done
	echo "floor program did not attach" >&2; cat "$tmp/floor.out" >&2; exit 1
}
start_agent() {
	"$B/bulwark" agent --no-stdout --output-file /dev/null 2>"$tmp/agent.log" &
	ap=$!
	for _ in $(seq 1 150); do grep -q "agent started" "$tmp/agent.log" && return 0; sleep 0.1; done
	echo "agent did not start" >&2; cat "$tmp/agent.log" >&2; exit 1
}

# Rounds interleave the three configurations so that background load hits
# them alike; each figure is the median of RUNS.
echo "== syscall storm: $ITERS iterations, median of $RUNS interleaved rounds"
bases=(); floors=(); agents=()
for _ in $(seq 1 "$RUNS"); do
	bases+=("$(storm)")
	start_floor; floors+=("$(storm)"); kill -INT $fp; wait $fp 2>/dev/null || true
	start_agent; agents+=("$(storm)"); kill -INT $ap; wait $ap 2>/dev/null || true
	grep "agent stopped" "$tmp/agent.log" | sed 's/^/  /'
done
base=$(median "${bases[@]}"); floor=$(median "${floors[@]}"); agent=$(median "${agents[@]}")
echo "no sensor:                     ${base}s   (runs: ${bases[*]})"
echo "floor (empty tp_btf/sys_exit): ${floor}s   (runs: ${floors[*]})"
echo "agent (default rules):         ${agent}s   (runs: ${agents[*]})"
python3 - "$base" "$floor" "$agent" <<'PY'
import sys
base, floor, agent = map(float, sys.argv[1:])
print(f"ratio agent/no-sensor = {agent/base:.3f}  (target <= 1.25)")
print(f"ratio agent/floor     = {agent/floor:.3f}")
print(f"ratio floor/no-sensor = {floor/base:.3f}")
PY

echo
echo "== rules engine throughput (user space)"
"$B/bench_rules" "$SRC/rules/bulwark_rules.yaml" || true
if [ -f "$SRC/../shared/conformance/falco-rules/falco_rules.yaml" ]; then
	"$B/bench_rules" "$SRC/../shared/conformance/falco-rules/falco_rules.yaml" || true
fi
