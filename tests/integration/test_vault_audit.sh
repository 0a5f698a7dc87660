#!/usr/bin/env bash
# test_vault_audit.sh - `bulwark vault audit verify` as a user runs it, on
# a log written by the real audit device: the unit test test_vault_audit
# writes a sample log to $BW_VAULT_AUDIT_OUT.  An intact log exits 0 and
# says "N entries, chain intact"; an edited byte, a deleted line or a torn
# last line exit 1 naming the line; usage errors and an unreadable file
# exit 2.  Needs neither root nor a kernel feature.
set -euo pipefail
: "${BULWARK:?BULWARK must point to the bulwark binary}"
: "${BW_BUILD_DIR:?BW_BUILD_DIR must point to the build tree}"
[ -x "$BW_BUILD_DIR/test_vault_audit" ] || {
	echo "FAIL: $BW_BUILD_DIR/test_vault_audit not built" >&2
	exit 1
}

OUT=$(mktemp -d /tmp/bw-vault-audit.XXXXXX)
trap 'rm -rf "$OUT"' EXIT

BW_VAULT_AUDIT_OUT=$OUT "$BW_BUILD_DIR/test_vault_audit" >"$OUT/test.log" 2>&1 || {
	cat "$OUT/test.log" >&2
	echo "FAIL: test_vault_audit failed" >&2
	exit 1
}
LOG=$OUT/audit.log
[ -s "$LOG" ] || { echo "FAIL: no sample log written" >&2; exit 1; }

failed=0
# expect NAME WANT-STATUS WANT-REGEX COMMAND... : runs COMMAND, checks its
# exit status and that its stdout+stderr match WANT-REGEX.
expect() {
	local name=$1 want=$2 re=$3 got=0
	shift 3
	"$@" >"$OUT/out" 2>&1 || got=$?
	if [ "$got" -ne "$want" ] || ! grep -Eq -- "$re" "$OUT/out"; then
		echo "FAIL $name: exit $got (want $want), output:" >&2
		cat "$OUT/out" >&2
		failed=$((failed + 1))
	else
		echo "ok   $name"
	fi
}

n=$(wc -l <"$LOG")
expect "intact log" 0 "^$LOG: $n entries, chain intact\$" \
	"$BULWARK" vault audit verify "$LOG"

# An edited byte: a digit of the first HMAC on line 2 changed.
sed '2s/hmac-sha256:\(.\)/hmac-sha256:X\1/' "$LOG" >"$OUT/edited.log"
expect "edited byte" 1 "edited.log:2: " \
	"$BULWARK" vault audit verify "$OUT/edited.log"

# A deleted first line: the (new) first line does not start the chain.
sed '1d' "$LOG" >"$OUT/deleted.log"
expect "deleted line" 1 "deleted.log:1: .*prev_hash" \
	"$BULWARK" vault audit verify "$OUT/deleted.log"

# A torn last line: the final newline and some bytes gone.
head -c -5 "$LOG" >"$OUT/torn.log"
expect "torn last line" 1 "torn.log:$n: torn" \
	"$BULWARK" vault audit verify "$OUT/torn.log"

expect "missing file" 2 "cannot open" \
	"$BULWARK" vault audit verify "$OUT/nope.log"
expect "no file argument" 2 "usage: bulwark vault audit verify" \
	"$BULWARK" vault audit verify
expect "unknown audit action" 2 "usage:" \
	"$BULWARK" vault audit frobnicate "$LOG"
expect "unknown vault subcommand" 2 "not a subcommand" \
	"$BULWARK" vault nonsense
expect "help" 0 "audit" "$BULWARK" vault --help

echo "$failed failed"
[ "$failed" -eq 0 ]
