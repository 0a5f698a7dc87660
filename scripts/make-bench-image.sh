#!/usr/bin/env bash
# make-bench-image.sh - builds a large synthetic OCI image for the scan
# benchmark, without docker.
#
#   scripts/make-bench-image.sh OUTDIR [SIZE_MB [FILES [LAYERS]]]
#
# OUTDIR becomes an OCI layout (ref bulwark-test/bench:<SIZE_MB>mb-<FILES>files):
# layer 1 is a Debian 12 base from the same .debs as make-test-images.sh
# (with the PyPI/npm/Maven fixtures, so the inventory has work), the other
# LAYERS-1 layers (default 4) hold FILES generated files (default 20000)
# totalling about SIZE_MB MiB (default 256), three quarters of them random
# (incompressible) and the rest repetitive text; gzip level 1 (BW_BENCH_LEVEL).
# Layers are streamed to disk, so e.g. 1024 MB / 100000 files works too.
# Deterministic for a given seed (BW_BENCH_SEED, default 1) and set of .debs.
set -euo pipefail

if [ $# -lt 1 ] || [ $# -gt 4 ]; then
	echo "usage: $0 OUTDIR [SIZE_MB [FILES [LAYERS]]]" >&2
	exit 2
fi
out=$1
size=${2:-256}
files=${3:-20000}
layers=${4:-5}
here=$(cd "$(dirname "$0")" && pwd)
cache=${BW_DEB_CACHE:-$HOME/.cache/bulwark/debs}
BASE_PKGS=(base-files gcc-12-base libgcc-s1 libc6 libc-bin libacl1 libattr1
	libgmp10 libselinux1 libpcre2-8-0 coreutils libtinfo6 debianutils bash
	zlib1g libssl3)

# shellcheck source=scripts/lib/debs.sh disable=SC1091
source "$here/lib/debs.sh"
start=$(date +%s)
bw_fetch_debs "$cache" "${BASE_PKGS[@]}"
python3 "$here/lib/mkimage.py" bench --debs "$cache" \
	--base "$(bw_join "${BASE_PKGS[@]}")" --out "$out" \
	--size-mb "$size" --files "$files" --layers "$layers" \
	--seed "${BW_BENCH_SEED:-1}" --level "${BW_BENCH_LEVEL:-1}"
echo "make-bench-image: $out in $(($(date +%s) - start)) s, $(du -sh "$out" | cut -f1)" >&2
