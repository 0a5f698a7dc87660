#!/usr/bin/env bash
# run-fuzzers.sh BUILD_DIR SECONDS - run every libFuzzer harness briefly,
# seeded from its corpus directory fuzz/corpus/<name>/ when one exists.
set -euo pipefail
B=$1; SECS=${2:-20}
SRC=$(cd "$(dirname "$0")/.." && pwd)
status=0
for f in "$B"/fuzz_*; do
	[ -x "$f" ] || continue
	name=$(basename "$f")
	corpus="$B/corpus-$name"; mkdir -p "$corpus"
	seeds=()
	[ -d "$SRC/fuzz/corpus/$name" ] && seeds=("$SRC/fuzz/corpus/$name")
	echo "== $name ($SECS s)"
	if ! "$f" -max_total_time="$SECS" -max_len=65536 "$corpus" "${seeds[@]}" >"$B/$name.log" 2>&1; then
		echo "FAIL: $name found a crash:"; tail -n 40 "$B/$name.log"; status=1
	else
		tail -n 1 "$B/$name.log"
	fi
done
exit $status
