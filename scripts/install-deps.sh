#!/usr/bin/env bash
# Installs the Debian 12 packages paddymrv needs to build, test and run.
# Idempotent: packages already present are skipped, so a warm machine pays
# only for a dpkg query.  Run as root (or with sudo available).
set -euo pipefail

packages=(
  build-essential cmake pkg-config
  libgdal-dev gdal-bin
  libopencv-dev
  libtbb-dev
  libhdf5-dev hdf5-tools
  libboost-program-options-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  libtomlplusplus-dev libspdlog-dev libfmt-dev nlohmann-json3-dev libssl-dev
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#packages[@]} packages present"
  exit 0
fi

echo "install-deps: installing ${missing[*]}"
sudo_cmd=()
if [ "$(id -u)" -ne 0 ]; then sudo_cmd=(sudo); fi
export DEBIAN_FRONTEND=noninteractive
"${sudo_cmd[@]}" apt-get update -qq
"${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
