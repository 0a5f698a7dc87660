#!/usr/bin/env bash
# test_sensor.sh - end-to-end check of the eBPF sensor: runs
# `bulwark trace --json` while this script execs, opens, connects to a
# loopback listener, unlinks, renames, ptraces..., and checks each event
# appears with the right parameters.  Needs root and kernel BTF: skips
# (77) without them, fails when CI=true.
set -euo pipefail
: "${BULWARK:?BULWARK must point to the bulwark binary}"

need() { # need WHAT CMD...
	local what=$1; shift
	if ! "$@" >/dev/null 2>&1; then
		if [ "${CI:-}" = "true" ]; then echo "FAIL: $what is required in CI" >&2; exit 1; fi
		echo "SKIP: $what not available" >&2; exit 77
	fi
}
need "root" test "$(id -u)" -eq 0
need "kernel BTF" test -r /sys/kernel/btf/vmlinux
need "python3" command -v python3

TMP=$(mktemp -d /tmp/bw-sensor.XXXXXX)
TRACE_PID=""
cleanup() {
	[ -n "$TRACE_PID" ] && kill "$TRACE_PID" 2>/dev/null || true
	rm -rf "$TMP"
}
trap cleanup EXIT

"$BULWARK" trace --json --duration 6 \
	--type execve,openat,connect,accept4,accept,unlink,unlinkat,renameat2,rename,mkdir,mkdirat,socket,bind,listen,procexit,clone,clone3,fork,vfork,chmod,fchmodat,memfd_create,ptrace,setuid,sendto \
	>"$TMP/events.json" 2>"$TMP/trace.log" &
TRACE_PID=$!
for _ in $(seq 1 100); do
	grep -q "sensor attached" "$TMP/trace.log" 2>/dev/null && break
	if ! kill -0 "$TRACE_PID" 2>/dev/null; then
		cat "$TMP/trace.log" >&2
		if [ "${CI:-}" = "true" ]; then exit 1; fi
		if grep -q "cannot load" "$TMP/trace.log"; then echo "SKIP: BPF not loadable" >&2; exit 77; fi
		exit 1
	fi
	sleep 0.1
done

# --- the actions -----------------------------------------------------------
/bin/true bw-marker-arg
echo secret >"$TMP/created.txt"
cat "$TMP/created.txt" >/dev/null
mv "$TMP/created.txt" "$TMP/renamed.txt"
rm -f "$TMP/renamed.txt"
mkdir "$TMP/newdir"
chmod 0700 "$TMP/newdir"
python3 - "$TMP" <<'PY'
import os, socket, sys, ctypes
tmp = sys.argv[1]
srv = socket.socket(); srv.bind(("127.0.0.1", 0)); srv.listen(4)
port = srv.getsockname()[1]
open(os.path.join(tmp, "port"), "w").write(str(port))
c = socket.socket(); c.connect(("127.0.0.1", port))
a, _ = srv.accept()
a.close(); c.close(); srv.close()
u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
u.sendto(b"x", ("127.0.0.1", 53)); u.close()
fd = os.memfd_create("bw-memfd", 0); os.close(fd)
libc = ctypes.CDLL(None, use_errno=True)
libc.ptrace(16, 1, 0, 0)   # PTRACE_ATTACH to init: EPERM is fine
PY
sleep 1
kill -INT "$TRACE_PID"; wait "$TRACE_PID" || true
TRACE_PID=""
PORT=$(cat "$TMP/port")

# --- the checks ---------------------------------------------------------------
python3 - "$TMP" "$PORT" <<'PY'
import json, sys
tmp, port = sys.argv[1], sys.argv[2]
evs = []
for line in open(tmp + "/events.json"):
    evs.append(json.loads(line))
fails = []
def want(desc, pred):
    if not any(pred(e) for e in evs):
        fails.append(desc)
def t(e, name): return e["type"] == name
def p(e, k): return e["params"].get(k, "")
want("execve of /bin/true with its argument",
     lambda e: t(e, "execve") and e["res"] == 0 and "bw-marker-arg" in e.get("argv", [])
     and p(e, "trusted_exepath").endswith("/true") and p(e, "exe") == "/bin/true")
want("openat creating created.txt",
     lambda e: t(e, "openat") and p(e, "name").endswith("created.txt")
     and "O_CREAT" in p(e, "flags") and "O_WRONLY" in p(e, "flags") and int(p(e, "fd") or -1) >= 0)
want("openat reading created.txt",
     lambda e: t(e, "openat") and p(e, "name").endswith("created.txt") and "O_RDONLY" in p(e, "flags"))
want("rename params", lambda e: (t(e, "renameat2") or t(e, "rename"))
     and p(e, "oldpath").endswith("created.txt") and p(e, "newpath").endswith("renamed.txt"))
want("unlink renamed.txt", lambda e: (t(e, "unlinkat") or t(e, "unlink"))
     and (p(e, "name") or p(e, "path")).endswith("renamed.txt"))
want("mkdir newdir", lambda e: (t(e, "mkdir") or t(e, "mkdirat")) and p(e, "path").endswith("newdir"))
want("chmod 0700", lambda e: (t(e, "chmod") or t(e, "fchmodat")) and p(e, "mode") == "0700")
want("socket AF_INET", lambda e: t(e, "socket") and p(e, "domain") == "AF_INET")
want("listen", lambda e: t(e, "listen") and p(e, "backlog") == "4")
want("connect tuple to the listener",
     lambda e: t(e, "connect") and p(e, "tuple").endswith("->127.0.0.1:" + port)
     and p(e, "addr") == "127.0.0.1:" + port and p(e, "res") == "0")
want("accept tuple from the client",
     lambda e: (t(e, "accept4") or t(e, "accept")) and p(e, "tuple").endswith("->127.0.0.1:" + port)
     and p(e, "tuple").startswith("127.0.0.1:"))
want("udp sendto to :53", lambda e: t(e, "sendto") and p(e, "tuple").endswith("->127.0.0.1:53"))
want("memfd_create name", lambda e: t(e, "memfd_create") and p(e, "name") == "bw-memfd")
want("ptrace attach", lambda e: t(e, "ptrace") and p(e, "request") == "PTRACE_ATTACH" and p(e, "pid") == "1")
want("clone with child tid", lambda e: e["type"] in ("clone", "clone3", "fork", "vfork") and e["res"] > 0)
want("procexit", lambda e: t(e, "procexit"))
if fails:
    print("FAIL: missing events:", *fails, sep="\n  ")
    print("%d events captured" % len(evs))
    sys.exit(1)
print("OK: %d events, all expected ones present" % len(evs))
PY
