#!/usr/bin/env bash
# test_agent_outputs.sh - the agent's outputs and lifecycle as a user sees
# them: alerts POSTed to a falcosidekick-style webhook, Falco's JSON shape,
# SIGHUP reload keeping state, a broken reload keeping the running rules, and
# the stats line at exit.
source "$(dirname "$0")/lib.sh"
bw_need_runtime

port=$((21000 + $$ % 1000))
python3 - "$port" "$BW_TMP/webhook.jsonl" <<'PY' &
import http.server, sys
port, out = int(sys.argv[1]), sys.argv[2]
class H(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    def do_POST(self):
        n = int(self.headers.get("Content-Length", 0))
        body = self.rfile.read(n)
        with open(out, "ab") as f:
            f.write(self.headers.get("Content-Type", "").encode() + b"\t" + body.strip() + b"\n")
        self.send_response(200); self.send_header("Content-Length", "0"); self.end_headers()
    def log_message(self, *a): pass
# threaded, like a real falcosidekick: a kept-alive connection never blocks
# a new one
s = http.server.ThreadingHTTPServer(("127.0.0.1", port), H)
s.daemon_threads = True
import threading, time
threading.Timer(120, s.shutdown).start()
s.serve_forever()
PY
web=$!
BW_EXTRA_CLEANUP="kill $web 2>/dev/null || true"
touch "$BW_TMP/webhook.jsonl"
for _ in $(seq 1 50); do
	python3 -c "import socket,sys; socket.create_connection(('127.0.0.1', $port), 0.2)" 2>/dev/null && break
	sleep 0.1
done

cp "$BW_SOURCE_DIR/rules/bulwark_rules.yaml" "$BW_TMP/rules.yaml"
bw_agent_start -r "$BW_TMP/rules.yaml" --webhook "http://127.0.0.1:$port/"
cat /etc/shadow >/dev/null
sleep 1
kill -HUP "$BW_AGENT_PID"
for _ in $(seq 1 50); do grep -q "rules reloaded" "$BW_TMP/agent.log" && break; sleep 0.1; done
cat /etc/shadow >/dev/null
sleep 0.5
echo "- rule: [broken" > "$BW_TMP/rules.yaml"
kill -HUP "$BW_AGENT_PID"
for _ in $(seq 1 50); do grep -q "reload failed" "$BW_TMP/agent.log" && break; sleep 0.1; done
cat /etc/shadow >/dev/null
bw_agent_stop

python3 - "$BW_TMP" <<'PY'
import json, sys, re
d = sys.argv[1]
log = open(f"{d}/agent.log").read()
fails = 0
def check(cond, what):
    global fails
    print(("PASS: " if cond else "FAIL: ") + what)
    fails += not cond
check("rules reloaded" in log, "SIGHUP reloads the rules")
check("reload failed, keeping the running rules" in log, "a broken reload keeps the running rules")
m = re.search(r"agent stopped: events=(\d+) drops=(\d+) alerts=(\d+)", log)
check(m is not None and int(m.group(1)) > 0, f"stats line at exit: {m.group(0) if m else None}")
file_alerts = [json.loads(l) for l in open(f"{d}/alerts.json") if l.strip()]
hook = [l.split("\t", 1) for l in open(f"{d}/webhook.jsonl") if l.strip()]
sens = [a for a in file_alerts if a["rule"] == "Read Sensitive File by Untrusted Program"]
check(len(sens) >= 3, f"alert before, after a reload and after a failed reload ({len(sens)})")
check(len(hook) == len(file_alerts), f"webhook got every alert ({len(hook)}/{len(file_alerts)})")
check(all(ct.startswith("application/json") for ct, _ in hook), "webhook Content-Type is application/json")
a = json.loads(hook[0][1]) if hook else {}
check(set(a) == {"hostname", "output", "output_fields", "priority", "rule", "source", "tags", "time"},
      f"Falco JSON keys {sorted(a)}")
check(re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z", a.get("time", "")) is not None,
      f"time is RFC 3339 with nanoseconds ({a.get('time')})")
f = a.get("output_fields", {})
check(f.get("container.id") == "host", "host alert has container.id=host")
check(a.get("source") == "syscall" and isinstance(a.get("tags"), list), "source and tags")
print(f"{9 - fails} passed, {fails} failed")
sys.exit(1 if fails else 0)
PY
