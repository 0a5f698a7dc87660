# container.sh - helpers to run real runc containers from a busybox-static
# rootfs, for the demo and the integration tests.  Source it from bash.
#
#   bw_bundle_make DIR [ARGS...]   make an OCI bundle (rootfs + config.json)
#                                   whose process runs ARGS (default: sleep)
#   bw_container_start ID BUNDLE   runc run -d (detached), output to BUNDLE/out.log
#   bw_container_exec ID CMD...    runc exec, no tty
#   bw_container_stop ID           kill and delete (never fails)
#
# Containers share the host network namespace (so loopback is reachable both
# ways) and get their own pid, mount, ipc and uts namespaces.

bw_busybox() {
	local b
	for b in /bin/busybox /usr/bin/busybox; do
		if [ -x "$b" ] && file -L "$b" 2>/dev/null | grep -q 'statically linked'; then
			echo "$b"; return 0
		fi
	done
	# `file` may be missing: trust the busybox-static package's path.
	[ -x /bin/busybox ] && { echo /bin/busybox; return 0; }
	echo "busybox-static not installed (scripts/install-deps.sh installs it)" >&2
	return 1
}

bw_bundle_make() {
	local dir=$1; shift
	local bb app
	bb=$(bw_busybox) || return 1
	mkdir -p "$dir/rootfs"/{bin,sbin,etc,tmp,proc,sys,dev,root,var/log,app,usr/bin,run}
	cp "$bb" "$dir/rootfs/bin/busybox"
	for app in $("$bb" --list); do
		[ -e "$dir/rootfs/bin/$app" ] || ln -s busybox "$dir/rootfs/bin/$app"
	done
	chmod 1777 "$dir/rootfs/tmp"
	printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\napp:x:10001:10001:app:/app:/bin/false\n' > "$dir/rootfs/etc/passwd"
	printf 'root:x:0:\nnobody:x:65534:\napp:x:10001:\n' > "$dir/rootfs/etc/group"
	printf 'root:$6$bulwarkdemo$notarealhash:19000:0:99999:7:::\n' > "$dir/rootfs/etc/shadow"
	chmod 0640 "$dir/rootfs/etc/shadow"
	echo "bulwark-test" > "$dir/rootfs/etc/hostname"
	local args_json
	if [ $# -eq 0 ]; then set -- sleep 3600; fi
	args_json=$(python3 -c 'import json,sys; print(json.dumps(sys.argv[1:]))' "$@")
	( cd "$dir" && rm -f config.json && runc spec ) || return 1
	python3 - "$dir/config.json" "$args_json" <<'PY'
import json, sys
path, args = sys.argv[1], json.loads(sys.argv[2])
c = json.load(open(path))
c["process"]["terminal"] = False
c["process"]["args"] = args
c["process"]["cwd"] = "/app"
c["root"]["readonly"] = False
# like Docker's default: setuid binaries work (the setuid-root test needs it)
c["process"]["noNewPrivileges"] = False
# /dev/shm without noexec, as many hosts and some runtimes have it: the test
# of the "Execution from /dev/shm" rule runs a program from there
for m in c["mounts"]:
    if m["destination"] == "/dev/shm":
        m["options"] = [o for o in m.get("options", []) if o != "noexec"]
c["hostname"] = "bulwark-test"
# share the host network namespace so loopback works both ways
c["linux"]["namespaces"] = [n for n in c["linux"]["namespaces"] if n["type"] != "network"]
c.setdefault("annotations", {})["org.opencontainers.image.ref.name"] = "bulwark/busybox-test:1.35"
json.dump(c, open(path, "w"), indent=2)
PY
}

bw_container_start() {
	local id=$1 bundle=$2
	runc delete -f "$id" >/dev/null 2>&1 || true
	runc run -d --bundle "$bundle" "$id" </dev/null >"$bundle/out.log" 2>&1
}

bw_container_exec() {
	local id=$1; shift
	runc exec "$id" "$@"
}

bw_container_stop() {
	local id=$1
	runc kill "$id" KILL >/dev/null 2>&1 || true
	for _ in 1 2 3 4 5 6 7 8 9 10; do
		runc delete -f "$id" >/dev/null 2>&1 && return 0
		sleep 0.2
	done
	return 0
}
