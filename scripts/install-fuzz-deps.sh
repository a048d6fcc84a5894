#!/usr/bin/env bash
# Installs what scripts/fuzz.sh needs on top of scripts/install-deps.sh:
# clang 14 and its libFuzzer/sanitizer runtimes (Debian 12 packages).
# Idempotent, like install-deps.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh

packages=(clang-14 libclang-rt-14-dev)
source scripts/lib/apt.sh
install_missing install-fuzz-deps "${packages[@]}"
