#!/usr/bin/env bash
# Installs the Debian 12 packages the end-to-end benchmark needs on top of
# scripts/install-deps.sh: GNU time (wall time and peak RSS), the Orfeo
# ToolBox command-line applications (the peer chain of issue #6) and perf
# (profiling). CI does not need any of them. Idempotent: packages already
# present are skipped. Run as root (or with sudo available).
set -euo pipefail

packages=(time otb-bin linux-perf)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "install-bench-deps: all ${#packages[@]} packages present"
  exit 0
fi

echo "install-bench-deps: installing ${missing[*]}"
sudo_cmd=()
if [ "$(id -u)" -ne 0 ]; then sudo_cmd=(sudo); fi
export DEBIAN_FRONTEND=noninteractive
"${sudo_cmd[@]}" apt-get update -qq
"${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
