# lib.sh - shared helpers for the integration tests (source from bash).
#
# Tests need root, BPF and runc.  When they are missing a test must fail
# when CI=true and may skip (exit 77, which CTest reports as skipped)
# otherwise.

set -euo pipefail
: "${BULWARK:?BULWARK must point to the bulwark binary}"
: "${BW_SOURCE_DIR:?BW_SOURCE_DIR must point to the source tree}"
: "${BW_ATTACK:?BW_ATTACK must point to the bw_attack test helper}"
# shellcheck source=../../scripts/lib/container.sh
source "$BW_SOURCE_DIR/scripts/lib/container.sh"

bw_need() { # bw_need WHAT CONDITION-COMMAND...
	local what=$1; shift
	if ! "$@" >/dev/null 2>&1; then
		if [ "${CI:-}" = "true" ]; then
			echo "FAIL: $what is required in CI" >&2
			exit 1
		fi
		echo "SKIP: $what not available" >&2
		exit 77
	fi
}

bw_need_runtime() {
	bw_need "root" test "$(id -u)" -eq 0
	bw_need "kernel BTF (/sys/kernel/btf/vmlinux)" test -r /sys/kernel/btf/vmlinux
	bw_need "runc" command -v runc
	bw_need "python3" command -v python3
}

BW_TMP=$(mktemp -d /tmp/bw-itest.XXXXXX)
BW_AGENT_PID=""
BW_CONTAINERS=()
bw_cleanup() {
	local c
	for c in "${BW_CONTAINERS[@]:-}"; do [ -n "$c" ] && bw_container_stop "$c"; done
	if [ -n "$BW_AGENT_PID" ] && kill -0 "$BW_AGENT_PID" 2>/dev/null; then
		kill -INT "$BW_AGENT_PID"; wait "$BW_AGENT_PID" 2>/dev/null || true
	fi
	[ -n "${BW_EXTRA_CLEANUP:-}" ] && eval "$BW_EXTRA_CLEANUP"
	rm -rf "$BW_TMP"
}
trap bw_cleanup EXIT

# bw_agent_start [agent options...]: alerts go to $BW_TMP/alerts.json
bw_agent_start() {
	"$BULWARK" agent --no-stdout -o json --output-file "$BW_TMP/alerts.json" "$@" \
		2>"$BW_TMP/agent.log" &
	BW_AGENT_PID=$!
	for _ in $(seq 1 150); do
		grep -q "agent started" "$BW_TMP/agent.log" 2>/dev/null && return 0
		if ! kill -0 "$BW_AGENT_PID" 2>/dev/null; then
			echo "agent exited early:" >&2; cat "$BW_TMP/agent.log" >&2; return 1
		fi
		sleep 0.1
	done
	echo "agent did not start in 15 s:" >&2; cat "$BW_TMP/agent.log" >&2
	return 1
}

bw_agent_stop() {
	sleep 1  # let the last events through the ring buffer
	kill -INT "$BW_AGENT_PID"
	wait "$BW_AGENT_PID" || { echo "agent exited with $?" >&2; cat "$BW_TMP/agent.log" >&2; return 1; }
	BW_AGENT_PID=""
	touch "$BW_TMP/alerts.json"
}

# bw_container NAME [ARGS...]: make a bundle and start a container
bw_container() {
	local name=$1; shift
	bw_bundle_make "$BW_TMP/$name" "$@"
	[ -n "${BW_ATTACK:-}" ] && cp "$BW_ATTACK" "$BW_TMP/$name/rootfs/usr/bin/bw_attack"
	BW_CONTAINERS+=("$name")
	bw_container_start "$name" "$BW_TMP/$name"
}
