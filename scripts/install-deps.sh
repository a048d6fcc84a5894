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
  libpng-dev
)

source "$(dirname "$(readlink -f "$0")")/lib/apt.sh"
install_missing install-deps "${packages[@]}"
