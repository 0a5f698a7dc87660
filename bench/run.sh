#!/usr/bin/env bash
# bench/run.sh BUILD_DIR - every benchmark; each prints ratios against a
# baseline measured in the same run.  Not part of `make check`.
set -euo pipefail
B=${1:-build}
here=$(cd "$(dirname "$0")" && pwd)
bash "$here/runtime/run.sh" "$B"
bash "$here/scan/run.sh" "$B"
bash "$here/k8s/run.sh" "$B"
bash "$here/vault/run.sh" "$B"
