# shellcheck shell=bash
# debs.sh - getting Debian .debs into a cache directory, for the image
# builders (make-test-images.sh, make-bench-image.sh).  Sourced, not run.
#
# bw_fetch_debs CACHE PKG...: makes sure CACHE holds a .deb of each PKG.
# A cached file is reused as is.  Missing ones are fetched with
# `apt-get download` (in one call, from CACHE); when that fails (no network,
# no apt lists) the package installed on this host is rebuilt with
# `dpkg-repack`.  Fails with a message naming what is missing and why.

bw_join() { # WORD... -> "a,b,c"
	local IFS=,
	echo "$*"
}

bw_have_deb() { # CACHE PKG
	compgen -G "$1/$2_*.deb" >/dev/null
}

# dpkg-repack --generate, then the files it could not copy on a merged-/usr
# host (it copies /lib64 as a symlink into its tree, and the files under it
# then fail), then dpkg-deb --build.
bw_repack() { # CACHE PKG
	local cache=$1 p=$2 work d l f rc=0
	work=$(mktemp -d)
	(cd "$work" && dpkg-repack --generate "$p") || true
	d=$(find "$work" -maxdepth 1 -name "dpkg-repack.*" -type d | head -n 1)
	if [ -z "$d" ] || [ ! -f "$d/DEBIAN/control" ]; then
		# dpkg-repack gave up (it does for libc6 on merged-/usr hosts):
		# the same from dpkg's database by hand
		d=$work/tree
		mkdir -p "$d/DEBIAN"
		dpkg-query -s "$p" | awk '
			/^[^ ]/ { skip = ($1 == "Status:" || $1 == "Conffiles:" ||
			                  $1 == "Config-Version:") }
			!skip' >"$d/DEBIAN/control"
		for f in md5sums conffiles shlibs triggers postinst preinst postrm prerm; do
			for i in /var/lib/dpkg/info/"$p"."$f" /var/lib/dpkg/info/"$p":*."$f"; do
				[ -f "$i" ] && cp -p "$i" "$d/DEBIAN/$f"
			done
		done
	fi
	for l in "$d"/*; do # dangling merged-/usr symlinks: create their target
		if [ -L "$l" ] && [ ! -e "$l" ]; then
			mkdir -p "$d/$(readlink "$l")"
		fi
	done
	while IFS= read -r f; do
		[ -e "$d$f" ] || [ -L "$d$f" ] && continue
		[ -e "$f" ] || [ -L "$f" ] || continue
		if [ -d "$f" ]; then # a merged-/usr symlink too: a real dir here
			mkdir -p "$d$f"
		else
			mkdir -p "$d$(dirname "$f")" && cp -pd "$f" "$d$f"
		fi
	done < <(dpkg-query -L "$p")
	dpkg-deb --build "$d" "$cache/" || rc=1
	rm -rf "$work"
	[ $rc -eq 0 ] && bw_have_deb "$cache" "$p"
}

bw_fetch_debs() {
	local cache=$1 p missing=() still=()
	shift
	mkdir -p "$cache"
	for p in "$@"; do
		bw_have_deb "$cache" "$p" || missing+=("$p")
	done
	[ ${#missing[@]} -eq 0 ] && return 0
	echo "debs: fetching ${missing[*]} into $cache" >&2
	if (cd "$cache" && apt-get download "${missing[@]}") >"$cache/.apt.log" 2>&1; then
		return 0
	fi
	# apt-get download fetches all or nothing: retry one by one so that the
	# ones it can get are kept
	for p in "${missing[@]}"; do
		(cd "$cache" && apt-get download "$p") >>"$cache/.apt.log" 2>&1 || still+=("$p")
	done
	[ ${#still[@]} -eq 0 ] && return 0
	echo "debs: apt-get download failed for ${still[*]} (see $cache/.apt.log)" >&2
	if ! command -v dpkg-repack >/dev/null; then
		echo "debs: cannot get ${still[*]}: no network/apt lists and dpkg-repack" \
			"is not installed (apt-get install dpkg-repack, or copy the .debs" \
			"into $cache)" >&2
		return 1
	fi
	local fail=()
	for p in "${still[@]}"; do
		if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed"; then
			fail+=("$p (not installed on this host)")
			continue
		fi
		echo "debs: rebuilding $p from this host with dpkg-repack" >&2
		bw_repack "$cache" "$p" >>"$cache/.apt.log" 2>&1 ||
			fail+=("$p (dpkg-repack failed, see $cache/.apt.log)")
	done
	if [ ${#fail[@]} -ne 0 ]; then
		echo "debs: cannot get: ${fail[*]}" >&2
		return 1
	fi
}
