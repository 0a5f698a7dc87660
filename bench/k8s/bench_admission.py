#!/usr/bin/env python3
"""bench_admission.py - latency of the admission webhook over TLS with
keep-alive: N connections each send AdmissionReview requests back to back
(a mix of allowed and denied pods) and p50/p99/max latency and requests/s
are printed.  Target: p99 < 10 ms.

  bench_admission.py --port 8443 --ca cert.pem [--requests 5000] [--connections 4]
"""
import argparse, http.client, json, ssl, threading, time

def body(i):
    sc = {"privileged": True} if i % 2 else {
        "allowPrivilegeEscalation": False, "runAsNonRoot": True,
        "capabilities": {"drop": ["ALL"]}, "seccompProfile": {"type": "RuntimeDefault"}}
    return json.dumps({"apiVersion": "admission.k8s.io/v1", "kind": "AdmissionReview",
        "request": {"uid": "bench-%d" % i, "operation": "CREATE", "namespace": "prod",
            "name": "p%d" % i, "resource": {"group": "", "version": "v1", "resource": "pods"},
            "kind": {"group": "", "version": "v1", "kind": "Pod"},
            "userInfo": {"username": "bench"},
            "object": {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p%d" % i},
                "spec": {"containers": [{"name": "c%d" % k, "image": "nginx:1.25",
                                         "securityContext": sc} for k in range(3)]}}}}).encode()

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--host", default="localhost")
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--ca", required=True)
    ap.add_argument("--requests", type=int, default=5000)
    ap.add_argument("--connections", type=int, default=4)
    a = ap.parse_args()
    ctx = ssl.create_default_context(cafile=a.ca)
    lat, errors = [], []
    per = a.requests // a.connections

    def worker(w):
        c = http.client.HTTPSConnection(a.host, a.port, context=ctx, timeout=10)
        mine = []
        for i in range(per):
            b = body(w * per + i)
            t0 = time.perf_counter()
            c.request("POST", "/validate", body=b, headers={"Content-Type": "application/json"})
            r = c.getresponse(); r.read()
            mine.append(time.perf_counter() - t0)
            if r.status != 200:
                errors.append(r.status)
        lat.extend(mine)

    t0 = time.perf_counter()
    ths = [threading.Thread(target=worker, args=(w,)) for w in range(a.connections)]
    [t.start() for t in ths]; [t.join() for t in ths]
    wall = time.perf_counter() - t0
    lat.sort()
    q = lambda p: lat[min(len(lat) - 1, int(p * len(lat)))] * 1e3
    print("admission webhook over TLS, keep-alive: %d requests, %d connections, %d errors"
          % (len(lat), a.connections, len(errors)))
    print("  p50 %.2f ms  p99 %.2f ms  max %.2f ms  %.0f req/s (client-bound: python)"
          % (q(0.50), q(0.99), lat[-1] * 1e3, len(lat) / wall))
    print("  p99 target < 10 ms: %s" % ("met" if q(0.99) < 10 else "NOT met"))
    return 1 if errors else 0

if __name__ == "__main__":
    raise SystemExit(main())
