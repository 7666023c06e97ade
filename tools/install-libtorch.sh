#!/usr/bin/env bash
# Installs Debian's libtorch (libtorch-dev: PyTorch's C++ library, CPU, oneDNN), so that the torch backend's addon
# builds and its tests run for real. Needs root (or sudo) and Debian's package mirror.
set -euo pipefail
sudo=""
[ "$(id -u)" = 0 ] || sudo="sudo"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends libtorch-dev >/dev/null
echo "libtorch: libtorch-dev $(dpkg-query -W -f '${Version}' libtorch-dev)"
