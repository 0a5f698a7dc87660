#!/usr/bin/env bash
# test_benign.sh - a benign workload raises zero alerts from the default rules.
#
# A long-running service container whose entrypoint is an HTTP server on
# loopback reading its config file, clients fetching pages, the service's
# own data and log files written under its working directory, and ordinary
# non-shell commands (ls, cat, cp, mkdir, wget) run in it.
source "$(dirname "$0")/lib.sh"
bw_need_runtime

svc=bwt$$svc
port=$((18000 + $$ % 1000))
bw_agent_start
bw_bundle_make "$BW_TMP/$svc" httpd -f -p "127.0.0.1:$port" -h /app/www -c /app/httpd.conf
mkdir -p "$BW_TMP/$svc/rootfs/app/www"
echo "<h1>hello</h1>" > "$BW_TMP/$svc/rootfs/app/www/index.html"
echo "# httpd config" > "$BW_TMP/$svc/rootfs/app/httpd.conf"
BW_CONTAINERS+=("$svc")
bw_container_start "$svc" "$BW_TMP/$svc"
sleep 0.5

for i in $(seq 1 20); do
	busybox wget -q -O /dev/null "http://127.0.0.1:$port/index.html" || true
done
r() { runc exec "$svc" "$@"; }
r mkdir -p /app/data /app/logs
r cat /app/httpd.conf >/dev/null
r ls -la /app >/dev/null
for i in 1 2 3; do
	r wget -q -O /app/data/page$i.html "http://127.0.0.1:$port/index.html"
	echo "GET /index.html 200 $i" | r tee -a /app/logs/access.log >/dev/null
done
r cp /app/data/page1.html /app/data/page-copy.html
r cat /app/data/page-copy.html >/dev/null
r cat /app/logs/access.log >/dev/null
r ls /app/data >/dev/null
r mkdir /app/data/cache

bw_agent_stop
python3 - "$BW_TMP/alerts.json" "$svc" <<'PY'
import json, sys
alerts = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
mine = [a for a in alerts if a["output_fields"].get("container.name") == sys.argv[2]]
for a in alerts:
    if a not in mine:
        print("note: alert from outside the workload:", a["rule"], a["output_fields"].get("container.id"))
if mine:
    print(f"FAIL: benign workload raised {len(mine)} alerts:")
    for a in mine:
        print("  ", a["rule"], "|", a["output"])
    print("0 passed, 1 failed")
    sys.exit(1)
print("PASS: benign workload raised 0 alerts")
print("1 passed, 0 failed")
PY
