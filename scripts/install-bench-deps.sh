#!/usr/bin/env bash
# Installs the Debian 12 packages the end-to-end benchmark needs on top of
# scripts/install-deps.sh: GNU time (wall time and peak RSS), the Orfeo
# ToolBox command-line applications (the peer chain of issue #6) and perf
# (profiling). CI does not need any of them. Idempotent: packages already
# present are skipped. Run as root (or with sudo available).
set -euo pipefail

packages=(time otb-bin linux-perf jq)

source "$(dirname "$(readlink -f "$0")")/lib/apt.sh"
install_missing install-bench-deps "${packages[@]}"
