#!/usr/bin/env bash
# Installs Mesa's software Vulkan driver (lavapipe) that Dawn accepts, so that WebGPU runs on a machine without a
# GPU: the webgpu backend's tests then compare a real training step with wasm. Debian bookworm's own Mesa (22.3)
# lacks a feature Dawn requires; bookworm-backports has 25.x. Needs root (or sudo) and Debian's package mirror.
set -euo pipefail
sudo=""
[ "$(id -u)" = 0 ] || sudo="sudo"
. /etc/os-release
if [ "${VERSION_CODENAME:-}" = bookworm ]; then
  echo "deb http://deb.debian.org/debian bookworm-backports main" | $sudo tee /etc/apt/sources.list.d/bookworm-backports.list >/dev/null
  target=(-t bookworm-backports)
else
  target=()
fi
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${target[@]}" mesa-vulkan-drivers >/dev/null
echo "lavapipe: mesa-vulkan-drivers $(dpkg-query -W -f '${Version}' mesa-vulkan-drivers)"
