#!/usr/bin/env bash
# Installs the Debian 12 packages Bulwark needs to build, test and demo.
# Only installs what is missing; safe to run repeatedly. Needs root (or sudo).
set -euo pipefail

PKGS=(
  # toolchain
  build-essential cmake pkg-config clang llvm lld
  # eBPF
  libbpf-dev bpftool libelf-dev zlib1g-dev linux-libc-dev
  # libraries
  libjansson-dev libyaml-dev libpcre2-dev libcurl4-openssl-dev libssl-dev
  libsqlite3-dev libarchive-dev libmicrohttpd-dev libseccomp-dev
  # tests
  libcmocka-dev runc busybox-static iproute2 procps util-linux netcat-openbsd python3
  # real BerkeleyDB rpm Packages fixtures (db5.3_load) for test_inventory_rpm
  db5.3-util
  python3-jsonschema
  # scanner test images (scripts/make-test-images.sh): zstd layers, a real
  # Go binary with build info, and .deb repacking when offline
  zstd golang-go dpkg-repack
  # TLS tests (self-signed certificates, HTTPS clients)
  openssl curl
  # the secrets server against real Vault clients: node-vault (npm) in
  # test_vault_node.sh, hvac in test_vault_hvac.sh
  nodejs python3-hvac
  # fuzzing / sanitizers (clang's libFuzzer + ASan runtimes)
  libclang-rt-14-dev
)

missing=()
for p in "${PKGS[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

# Debian's npm package conflicts with a NodeSource nodejs (which ships npm):
# ask for it only when there is no npm at all
command -v npm >/dev/null || missing+=(npm)

if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#PKGS[@]} packages present"
  exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "install-deps: need root to install: ${missing[*]}" >&2; exit 1; }
  SUDO=sudo
fi

echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
