#!/usr/bin/env bash
# bench/scan/run.sh BUILD_DIR - the image scanner's benchmarks, each as a
# ratio or number measured in this run:
#
#  1. full scan (inventory + OSV matching) of a >= 200 MB multi-layer OCI
#     image vs the floor: decompressing its layers to nowhere with the same
#     libraries (target <= 1.5x); medians of interleaved rounds;
#  2. peak RSS of a scan of a ~1 GB image with 100k files (target <= 150 MB);
#  3. `bulwark db import` of a ~100 MB osv.dev-style zip, and 1,000 package
#     lookups against the resulting database.
#
# Images and the zip are generated once into BUILD_DIR/bench-scan (the
# scripts are deterministic).  BW_BENCH_ROUNDS (default 5), BW_BENCH_QUICK=1
# for a small run (64 MB image, 20 MB zip) while developing.
set -euo pipefail
B=$(cd "${1:-build}" && pwd)
S=$(cd "$(dirname "$0")/../.." && pwd)
W=$B/bench-scan
R=${BW_BENCH_ROUNDS:-5}
mkdir -p "$W"
if [ "${BW_BENCH_QUICK:-0}" = 1 ]; then
	big=(64 5000); huge=(128 20000); zipmb=20
else
	big=(256 20000); huge=(1024 100000); zipmb=100
fi
img=$W/img-${big[0]}mb; himg=$W/img-${huge[0]}mb; zip=$W/osv-${zipmb}mb.zip
[ -f "$img/index.json" ] || bash "$S/scripts/make-bench-image.sh" "$img" "${big[@]}" >/dev/null
[ -f "$himg/index.json" ] || bash "$S/scripts/make-bench-image.sh" "$himg" "${huge[@]}" >/dev/null
[ -f "$zip" ] || python3 "$S/bench/scan/gen_osv_zip.py" "$zip" "$zipmb" >/dev/null

field() { sed -n "s/.*$1=\([0-9.]*\).*/\1/p"; }
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

# ---- 3. database import and lookups (also builds the scan's database) ----
db=$W/db.sqlite
rm -f "$db"
t0=$(date +%s.%N)
"$B/bulwark" db import --db "$db" "$zip" "$S/tests/data/osv" >"$W/import.log" 2>&1
t1=$(date +%s.%N)
recs=$(grep -o 'imported [0-9]*' "$W/import.log" | tail -1 | cut -d' ' -f2)
zsz=$(du -m "$zip" | cut -f1)
lk=$("$B/bench_scan" lookup "$db" 1000)

# ---- 1. scan vs floor -------------------------------------------------------
"$B/bench_scan" floor "$img" >/dev/null   # warm the page cache
fl=(); sc=()
for _ in $(seq "$R"); do
	fl+=("$("$B/bench_scan" floor "$img" | field seconds)")
	out=$("$B/bench_scan" scan "$img" "$db")
	sc+=("$(echo "$out" | field seconds)")
done
fm=$(printf '%s\n' "${fl[@]}" | median); sm=$(printf '%s\n' "${sc[@]}" | median)
isz=$(du -sm "$img" | cut -f1)
pk=$(echo "$out" | field packages); fd=$(echo "$out" | field findings)

# ---- 2. peak RSS on the large image ----------------------------------------
hout=$("$B/bench_scan" scan "$himg" "$db")
rss=$(echo "$hout" | field peak_rss_kib)
hsz=$(du -sm "$himg" | cut -f1)

echo "== bench/scan (medians of $R rounds) =="
printf 'scan/floor          %.2f   (scan %.3f s, floor %.3f s; %s MB image, %s packages, %s findings; target <= 1.5)\n' \
	"$(awk -v a="$sm" -v b="$fm" 'BEGIN{print a/b}')" "$sm" "$fm" "$isz" "$pk" "$fd"
printf 'peak RSS            %d MB  (%s MB image, %s files; scan %s s; target <= 150 MB)\n' \
	$((rss / 1024)) "$hsz" "${huge[1]}" "$(echo "$hout" | field seconds)"
printf 'db import           %.2f s (%s MB zip, %s records: %.0f records/s)\n' \
	"$(awk -v a="$t1" -v b="$t0" 'BEGIN{print a-b}')" "$zsz" "$recs" "$(awk -v r="$recs" -v a="$t1" -v b="$t0" 'BEGIN{print r/(a-b)}')"
printf 'lookups             %s\n' "$lk"
