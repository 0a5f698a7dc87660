#!/usr/bin/env bash
# make-test-images.sh - builds the scanner's test images from real Debian 12
# packages, without docker.
#
#   scripts/make-test-images.sh OUTDIR
#
# The .debs come from a cache directory (BW_DEB_CACHE, default
# ~/.cache/bulwark/debs): cached files are reused, missing ones fetched with
# `apt-get download`; with no network and an empty cache, the packages
# installed on this Debian 12 host are rebuilt with `dpkg-repack` when it is
# installed.  scripts/lib/mkimage.py assembles the layers and writes:
#
#   OUTDIR/debian-docker.tar            docker save (docker 25+ layout)
#   OUTDIR/debian-docker-legacy.tar.gz  docker save (<id>/layer.tar), gzipped
#   OUTDIR/debian-oci/                  OCI layout (gzip + zstd layers)
#   OUTDIR/debian-oci.tar               tar of that layout
#   OUTDIR/multiarch-oci/               OCI layout, nested index, amd64+arm64
#   OUTDIR/alpine-rootfs/               Alpine 3.19 rootfs (apk database)
#   OUTDIR/debian-packages.txt          package versions, layer diff_ids
#
# Output is deterministic for a given set of .debs (SOURCE_DATE_EPOCH,
# default 1700000000, stamps generated files).
set -euo pipefail

if [ $# -ne 1 ]; then
	echo "usage: $0 OUTDIR" >&2
	exit 2
fi
out=$1
here=$(cd "$(dirname "$0")" && pwd)
cache=${BW_DEB_CACHE:-$HOME/.cache/bulwark/debs}

# Layer 1 (base system) and layer 2 (added with the application).
BASE_PKGS=(base-files gcc-12-base libgcc-s1 libc6 libc-bin libacl1 libattr1
	libgmp10 libselinux1 libpcre2-8-0 coreutils libtinfo6 debianutils bash
	zlib1g libssl3)
APP_PKGS=(openssl)

# shellcheck source=scripts/lib/debs.sh disable=SC1091
source "$here/lib/debs.sh"

for tool in python3 dpkg-deb; do
	command -v "$tool" >/dev/null || {
		echo "make-test-images: $tool is required" >&2
		exit 1
	}
done

start=$(date +%s)
bw_fetch_debs "$cache" "${BASE_PKGS[@]}" "${APP_PKGS[@]}"
mkdir -p "$out"
python3 "$here/lib/mkimage.py" debian --debs "$cache" \
	--base "$(bw_join "${BASE_PKGS[@]}")" \
	--app "$(bw_join "${APP_PKGS[@]}")" --out "$out"
python3 "$here/lib/mkimage.py" alpine --out "$out/alpine-rootfs"
echo "make-test-images: done in $(($(date +%s) - start)) s:" >&2
du -sh "$out"/* >&2
