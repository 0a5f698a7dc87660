#!/usr/bin/env bash
# test_agent_drops.sh - when the ring buffer overflows, the drops are counted
# and reported: an internal "syscall event drop" alert (like Falco's) and the
# total in the stats line at exit.  A 4 KiB ring buffer and a syscall storm
# force the overflow.
source "$(dirname "$0")/lib.sh"
bw_need_runtime
: "${BW_BUILD_DIR:?}"

bw_agent_start --buffer-size 4096
"$BW_BUILD_DIR/bench_storm" 3000 >/dev/null
bw_agent_stop

python3 - "$BW_TMP" <<'PY'
import json, re, sys
d = sys.argv[1]
log = open(f"{d}/agent.log").read()
m = re.search(r"drops=(\d+)", log)
drops = int(m.group(1)) if m else 0
alerts = [json.loads(l) for l in open(f"{d}/alerts.json") if l.strip()]
drop_alerts = [a for a in alerts if a["rule"] == "Bulwark internal: syscall event drop"]
fails = 0
def check(c, what):
    global fails
    print(("PASS: " if c else "FAIL: ") + what); fails += not c
check(drops > 0, f"drops counted in the stats line ({drops})")
check(len(drop_alerts) >= 1, f"internal drop alert raised ({len(drop_alerts)})")
if drop_alerts:
    f = drop_alerts[0]["output_fields"]
    check(f.get("n_drops", 0) > 0 and drop_alerts[0]["priority"] == "Critical",
          f"drop alert carries the count ({f})")
print(f"{3 - fails} passed, {fails} failed")
sys.exit(1 if fails else 0)
PY
