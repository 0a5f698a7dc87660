#!/usr/bin/env bash
# test_vault_crash.sh - crash safety of the secrets server: 8 clients write
# KV v2 secrets over TLS as fast as they can, each acknowledged write (HTTP
# 200) recorded; the server is killed with SIGKILL mid-stream, restarted
# and unsealed: every acknowledged write must read back with its value,
# and the SQLite file must pass PRAGMA integrity_check.
# Needs openssl and python3 (no root).
set -euo pipefail
: "${BULWARK:?BULWARK must point to the bulwark binary}"
# shellcheck source=helpers/vault_server.sh
source "$(dirname "$0")/helpers/vault_server.sh"
vault_test_setup vault-crash python3

# The client: init/unseal, concurrent writers, read-back; all over TLS.
cat >"$T/client.py" <<'PY'
import http.client, json, ssl, sys, threading, time
mode, port, ca, state = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
ctx = ssl.create_default_context(cafile=ca)
def conn():
    return http.client.HTTPSConnection("127.0.0.1", port, context=ctx, timeout=10)
def call(c, method, path, body=None, token=None):
    h = {"Content-Type": "application/json"}
    if token: h["X-Vault-Token"] = token
    c.request(method, "/v1/" + path, json.dumps(body) if body is not None else None, h)
    r = c.getresponse()
    data = r.read()
    return r.status, (json.loads(data) if data else None)
if mode == "init":
    c = conn()
    st, d = call(c, "PUT", "sys/init", {"secret_shares": 1, "secret_threshold": 1})
    assert st == 200, (st, d)
    json.dump({"root": d["root_token"], "key": d["keys"][0]}, open(state, "w"))
    st, d = call(c, "PUT", "sys/unseal", {"key": d["keys"][0]})
    assert st == 200 and not d["sealed"], d
elif mode == "unseal":
    s = json.load(open(state))
    st, d = call(conn(), "PUT", "sys/unseal", {"key": s["key"]})
    assert st == 200 and not d["sealed"], d
elif mode == "write":
    s = json.load(open(state))
    acked = open(state + ".acked", "a")
    lock = threading.Lock()
    def writer(w):
        c = conn()
        for i in range(100000):
            key, val = f"crash/w{w}/k{i}", f"v{w}-{i}-{'x' * (i % 200)}"
            try:
                st, _ = call(c, "POST", "secret/data/" + key, {"data": {"v": val}}, s["root"])
            except Exception:
                return  # the server died: stop
            if st == 200:
                with lock:
                    acked.write(f"{key} {val}\n"); acked.flush()
    ts = [threading.Thread(target=writer, args=(w,)) for w in range(8)]
    for t in ts: t.start()
    for t in ts: t.join()
elif mode == "check":
    s = json.load(open(state))
    c = conn()
    n = bad = 0
    for line in open(state + ".acked"):
        key, val = line.rstrip("\n").split(" ", 1)
        st, d = call(c, "GET", "secret/data/" + key, None, s["root"])
        n += 1
        if st != 200 or d["data"]["data"]["v"] != val:
            bad += 1
            if bad < 5: print("missing or wrong:", key, st, file=sys.stderr)
    print(n, bad)
PY

start
python3 "$T/client.py" init "$PORT" "$T/cert.pem" "$T/state"
python3 "$T/client.py" write "$PORT" "$T/cert.pem" "$T/state" &
WPID=$!
sleep 3
kill_server KILL
wait "$WPID" || true
acked=$(wc -l <"$T/state.acked")
start
python3 "$T/client.py" unseal "$PORT" "$T/cert.pem" "$T/state"
read -r n bad < <(python3 "$T/client.py" check "$PORT" "$T/cert.pem" "$T/state")
kill_server
integ=$(python3 -c 'import sqlite3, sys; print(sqlite3.connect(sys.argv[1]).execute("PRAGMA integrity_check").fetchone()[0])' "$T/vault.db")
echo "acknowledged writes before SIGKILL: $acked; read back: $n, missing or wrong: $bad; integrity_check: $integ"
if [ "$acked" -gt 50 ] && [ "$n" = "$acked" ] && [ "$bad" = 0 ] && [ "$integ" = ok ]; then
	ok "every acknowledged write survived SIGKILL; the database is intact"
else
	fail "crash safety"
fi
exit $failed
