#!/usr/bin/env bash
# test_k8s_admission.sh - runs `bulwark k8s admission` over real TLS with a
# self-signed certificate and talks to it with python's ssl/http.client as
# the API server would: uid echo, denial message, bad apiVersion -> 400,
# malformed body -> 400, huge body -> 413, a stalled client timed out while
# others are served, concurrent requests, the audit log, and p50/p99 latency
# with keep-alive (bench/k8s/bench_admission.py).  Then --namespace-labels
# api against a python HTTPS mock API server: deny/allow follow the mocked
# labels, the bearer token is sent, a 500 fails closed.  Needs no root.
set -euo pipefail
: "${BULWARK:?BULWARK must point to the bulwark binary}"
: "${BW_SOURCE_DIR:?BW_SOURCE_DIR must point to the source tree}"
for t in openssl python3; do
	command -v $t >/dev/null || { [ "${CI:-}" = "true" ] && { echo "FAIL: $t missing (required in CI)" >&2; exit 1; }; echo "SKIP: $t missing" >&2; exit 77; }
done

T=$(mktemp -d /tmp/bw-adm.XXXXXX)
PID=""
PID2=""
MOCK=""
cleanup() {
	for p in $PID $PID2 $MOCK; do
		if kill -0 "$p" 2>/dev/null; then
			kill -TERM "$p"; wait "$p" 2>/dev/null || true
		fi
	done
	rm -rf "$T"
}
trap cleanup EXIT

openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
	-keyout "$T/key.pem" -out "$T/cert.pem" -days 1 -subj /CN=localhost \
	-addext "subjectAltName=DNS:localhost,IP:127.0.0.1" 2>/dev/null

"$BULWARK" k8s admission --listen 127.0.0.1:0 --tls-cert "$T/cert.pem" \
	--tls-key "$T/key.pem" --config "$BW_SOURCE_DIR/tests/data/k8s/admission/config.yaml" \
	--audit-log "$T/audit.log" --timeout 2 --threads 4 2>"$T/stderr" &
PID=$!
for _ in $(seq 50); do
	grep -q 'listening on port' "$T/stderr" 2>/dev/null && break
	sleep 0.1
done
PORT=$(sed -n 's/.*listening on port \([0-9]*\).*/\1/p' "$T/stderr")
[ -n "$PORT" ] || { cat "$T/stderr"; echo "FAIL: server did not start"; exit 1; }

python3 - "$PORT" "$T/cert.pem" <<'PY'
import http.client, json, socket, ssl, sys, threading, time
port, ca = int(sys.argv[1]), sys.argv[2]
ctx = ssl.create_default_context(cafile=ca)
fails = 0
def check(cond, what):
    global fails
    print(("ok   " if cond else "FAIL ") + what)
    if not cond: fails += 1

def conn():
    return http.client.HTTPSConnection("localhost", port, context=ctx, timeout=10)

def post(body, path="/validate", ctype="application/json", c=None):
    c = c or conn()
    c.request("POST", path, body=body, headers={"Content-Type": ctype})
    r = c.getresponse()
    return r.status, r.read()

def review(uid, ns, privileged):
    sc = {"privileged": True} if privileged else {
        "allowPrivilegeEscalation": False, "runAsNonRoot": True,
        "capabilities": {"drop": ["ALL"]},
        "seccompProfile": {"type": "RuntimeDefault"}}
    return json.dumps({"apiVersion": "admission.k8s.io/v1", "kind": "AdmissionReview",
        "request": {"uid": uid, "operation": "CREATE", "namespace": ns, "name": "web",
            "kind": {"group": "", "version": "v1", "kind": "Pod"},
            "resource": {"group": "", "version": "v1", "resource": "pods"},
            "userInfo": {"username": "alice"},
            "object": {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "web"},
                "spec": {"containers": [{"name": "app", "image": "nginx", "securityContext": sc}]}}}})

def read_head(sock):
    """The response's status line and headers, as far as they came."""
    resp = b""
    try:
        while b"\r\n\r\n" not in resp:
            d = sock.recv(4096)
            if not d: break
            resp += d
    except (ssl.SSLError, OSError):
        pass
    return resp

c = conn(); c.request("GET", "/healthz"); r = c.getresponse()
check(r.status == 200 and r.read() == b"ok", "GET /healthz -> 200 ok")

st, b = post(review("uid-allowed-1", "prod", False)); j = json.loads(b)
check(st == 200 and j["response"]["uid"] == "uid-allowed-1" and j["response"]["allowed"] is True,
      "compliant pod allowed, uid echoed")
st, b = post(review("uid-denied-2", "prod", True)); j = json.loads(b)["response"]
check(st == 200 and j["uid"] == "uid-denied-2" and j["allowed"] is False and j["status"]["code"] == 403
      and j["status"]["message"].startswith('pods "web" is forbidden: violates PodSecurity "restricted:v1.29": '),
      "privileged pod denied with the PSA message")
st, b = post(review("uid-warn-3", "dev", True)); j = json.loads(b)["response"]
check(j["allowed"] is True and j.get("warnings") and all(len(w) <= 120 for w in j["warnings"]),
      "privileged namespace: allowed with warnings <= 120 chars")
st, b = post(json.dumps({"apiVersion": "admission.k8s.io/v1beta1", "kind": "AdmissionReview",
                         "request": {"uid": "x"}}))
check(st == 400 and b"apiVersion" in b, "bad apiVersion -> 400 with a message")
st, b = post(b'{"apiVersion": "admission.k8s.io/v1", "kind": ')
check(st == 400 and b"malformed JSON" in b, "malformed body -> 400")
st, b = post(review("u", "prod", False), ctype="text/plain")
check(st == 415, "wrong content type -> 415")
# a 4 MiB body: the server answers 413 from the headers, before the body
big = ctx.wrap_socket(socket.create_connection(("127.0.0.1", port)), server_hostname="localhost")
big.settimeout(5)
big.sendall(b"POST /validate HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
            b"Content-Length: 4194304\r\n\r\n" + b" " * 65536)
resp = read_head(big)
check(resp.startswith(b"HTTP/1.1 413"), "4 MiB body -> 413 (%r)" % resp[:40])
big.close()
st, b = post(review("uid-after-413", "prod", False))
check(st == 200, "server still serving after the 413")

# a chunked body that grows past 3 MiB (3.5 MiB): drained, then 413
big = ctx.wrap_socket(socket.create_connection(("127.0.0.1", port)), server_hostname="localhost")
big.settimeout(10)
big.sendall(b"POST /validate HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
            b"Transfer-Encoding: chunked\r\n\r\n")
chunk = b"%x\r\n" % 65536 + b" " * 65536 + b"\r\n"
for _ in range(56):
    big.sendall(chunk)
big.sendall(b"0\r\n\r\n")
resp = read_head(big)
check(resp.startswith(b"HTTP/1.1 413"), "3.5 MiB chunked body -> 413 (%r)" % resp[:40])
big.close()

# TLS older than 1.2 is refused (the API server speaks 1.2+)
old = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
old.check_hostname = False
old.verify_mode = ssl.CERT_NONE
try:
    old.minimum_version = ssl.TLSVersion.TLSv1
    old.maximum_version = ssl.TLSVersion.TLSv1_1
    old.set_ciphers("ALL:@SECLEVEL=0")
    try:
        s11 = old.wrap_socket(socket.create_connection(("127.0.0.1", port)))
        s11.close()
        refused = False
    except (ssl.SSLError, OSError):
        refused = True
    check(refused, "TLS 1.1 handshake refused")
except (ValueError, ssl.SSLError) as e:
    print("note: this Python cannot offer TLS 1.1 (%s); curl check follows" % e)

# slow client: TLS handshake and headers, then nothing
raw = socket.create_connection(("127.0.0.1", port))
slow = ctx.wrap_socket(raw, server_hostname="localhost")
slow.sendall(b"POST /validate HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n")
t0 = time.time()
st, b = post(review("uid-during-stall", "prod", False))
check(st == 200 and time.time() - t0 < 1, "served another client while one stalls")
slow.settimeout(8)
try:
    data = slow.recv(100)
    closed = True
except (ssl.SSLError, OSError):
    closed = True
except socket.timeout:
    closed = False
check(closed and time.time() - t0 < 6, "stalled client timed out by the server (%.1fs)" % (time.time() - t0))

# concurrency
results = []
def worker(i):
    c = conn()
    for k in range(20):
        st, b = post(review("c-%d-%d" % (i, k), "prod", k % 2 == 0), c=c)
        j = json.loads(b)["response"]
        results.append(st == 200 and j["uid"] == "c-%d-%d" % (i, k) and j["allowed"] == (k % 2 == 1))
ths = [threading.Thread(target=worker, args=(i,)) for i in range(8)]
[t.start() for t in ths]; [t.join() for t in ths]
check(len(results) == 160 and all(results), "160 concurrent requests over 8 keep-alive connections")
sys.exit(1 if fails else 0)
PY

grep -q '"uid":"uid-denied-2".*"allowed":false.*"enforce":"restricted:v1.29"' "$T/audit.log" ||
	{ cat "$T/audit.log"; echo "FAIL: audit line"; exit 1; }
echo "ok   audit log line per decision ($(wc -l <"$T/audit.log") lines)"
python3 "$BW_SOURCE_DIR/bench/k8s/bench_admission.py" --port "$PORT" --ca "$T/cert.pem" \
	--requests 2000 --connections 4

# ---- --namespace-labels api against a mock API server -------------------
cat >"$T/mockapi.py" <<'PY'
import http.server, json, os, ssl, sys
cert, key, portfile, authlog = sys.argv[1:5]
LABELS = {"locked": {"pod-security.kubernetes.io/enforce": "restricted"},
          "open": {"pod-security.kubernetes.io/enforce": "privileged"},
          "bare": None}
class H(http.server.BaseHTTPRequestHandler):
    def log_message(self, *a): pass
    def do_GET(self):
        with open(authlog, "a") as f:
            f.write("%s %s\n" % (self.path, self.headers.get("Authorization", "-")))
        pre = "/api/v1/namespaces/"
        ns = self.path[len(pre):] if self.path.startswith(pre) else None
        if ns == "fail":
            code, body = 500, {"kind": "Status", "code": 500}
        elif ns in LABELS:
            md = {"name": ns}
            if LABELS[ns]: md["labels"] = LABELS[ns]
            code, body = 200, {"apiVersion": "v1", "kind": "Namespace", "metadata": md}
        else:
            code, body = 404, {"kind": "Status", "code": 404, "reason": "NotFound"}
        b = json.dumps(body).encode()
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(b)))
        self.end_headers()
        self.wfile.write(b)
srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), H)
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
ctx.load_cert_chain(cert, key)
srv.socket = ctx.wrap_socket(srv.socket, server_side=True)
with open(portfile + ".tmp", "w") as f: f.write(str(srv.server_address[1]))
os.rename(portfile + ".tmp", portfile)
srv.serve_forever()
PY
python3 "$T/mockapi.py" "$T/cert.pem" "$T/key.pem" "$T/mockport" "$T/auth.log" &
MOCK=$!
for _ in $(seq 50); do [ -s "$T/mockport" ] && break; sleep 0.1; done
MPORT=$(cat "$T/mockport" 2>/dev/null || true)
[ -n "$MPORT" ] || { echo "FAIL: mock API server did not start"; exit 1; }
printf 'tok-%s\n' "$RANDOM$RANDOM" >"$T/token"
cat >"$T/api.yaml" <<CFG
apiVersion: pod-security.admission.config.k8s.io/v1
kind: PodSecurityConfiguration
defaults: {enforce: baseline}
apiServer:
  url: https://localhost:$MPORT
  caFile: $T/cert.pem
  tokenFile: $T/token
namespaces:
  open: {pod-security.kubernetes.io/enforce: restricted}   # the API wins
CFG
"$BULWARK" k8s admission --listen 127.0.0.1:0 --tls-cert "$T/cert.pem" \
	--tls-key "$T/key.pem" --config "$T/api.yaml" --namespace-labels api \
	--audit-log "$T/audit2.log" 2>"$T/stderr2" &
PID2=$!
for _ in $(seq 50); do
	grep -q 'listening on port' "$T/stderr2" 2>/dev/null && break
	sleep 0.1
done
PORT2=$(sed -n 's/.*listening on port \([0-9]*\).*/\1/p' "$T/stderr2")
[ -n "$PORT2" ] || { cat "$T/stderr2"; echo "FAIL: api-mode server did not start"; exit 1; }
grep -q 'namespace labels from the API server' "$T/stderr2" ||
	{ cat "$T/stderr2"; echo "FAIL: not in api mode"; exit 1; }

python3 - "$PORT2" "$T/cert.pem" <<'PY'
import http.client, json, ssl, sys
port, ca = int(sys.argv[1]), sys.argv[2]
ctx = ssl.create_default_context(cafile=ca)
fails = 0
def check(cond, what):
    global fails
    print(("ok   " if cond else "FAIL ") + what)
    if not cond: fails += 1
def decide(ns, privileged, uid):
    sc = {"privileged": True} if privileged else {
        "allowPrivilegeEscalation": False, "runAsNonRoot": True,
        "capabilities": {"drop": ["ALL"]}, "seccompProfile": {"type": "RuntimeDefault"}}
    body = json.dumps({"apiVersion": "admission.k8s.io/v1", "kind": "AdmissionReview",
        "request": {"uid": uid, "operation": "CREATE", "namespace": ns, "name": "web",
            "kind": {"group": "", "version": "v1", "kind": "Pod"},
            "resource": {"group": "", "version": "v1", "resource": "pods"},
            "userInfo": {"username": "alice"},
            "object": {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "web"},
                "spec": {"containers": [{"name": "app", "image": "nginx", "securityContext": sc}]}}}})
    c = http.client.HTTPSConnection("localhost", port, context=ctx, timeout=10)
    c.request("POST", "/validate", body=body, headers={"Content-Type": "application/json"})
    r = c.getresponse()
    return r.status, json.loads(r.read())["response"]
st, r = decide("locked", True, "a1")
check(st == 200 and r["allowed"] is False and "restricted" in r["status"]["message"],
      "api labels: privileged pod denied in a restricted namespace")
st, r = decide("locked", False, "a2")
check(r["allowed"] is True, "api labels: compliant pod allowed in a restricted namespace")
st, r = decide("open", True, "a3")
check(r["allowed"] is True, "api labels override the config's: privileged namespace allows")
st, r = decide("bare", True, "a4")
check(r["allowed"] is False and "baseline" in r["status"]["message"],
      "namespace without labels: the default (baseline) applies")
st, r = decide("missing", False, "a5")
check(r["allowed"] is True, "404 namespace: no labels, compliant pod allowed")
st, r = decide("fail", False, "a6")
check(st == 200 and r["allowed"] is False and r["status"]["code"] == 500
      and "namespace lookup failed" in r["status"]["message"],
      "API server 500: fails closed with a clear message (%s)" % r.get("status", {}).get("message"))
sys.exit(1 if fails else 0)
PY
TOKEN=$(cat "$T/token")
grep -q "^/api/v1/namespaces/locked Bearer $TOKEN\$" "$T/auth.log" ||
	{ cat "$T/auth.log"; echo "FAIL: bearer token not sent"; exit 1; }
echo "ok   bearer token sent to the API server"
[ "$(grep -c '^/api/v1/namespaces/locked ' "$T/auth.log")" = 1 ] ||
	{ cat "$T/auth.log"; echo "FAIL: namespace lookups not cached"; exit 1; }
echo "ok   namespace lookups cached"
