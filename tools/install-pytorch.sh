#!/usr/bin/env bash
# Installs Debian's PyTorch for Python (python3-torch, python3-torchvision), so that the parity tests against the
# PyTorch reference (tools/torch-reference) run for real. Needs root (or sudo) and Debian's package mirror.
set -euo pipefail
sudo=""
[ "$(id -u)" = 0 ] || sudo="sudo"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends python3-torch python3-torchvision >/dev/null
echo "PyTorch: python3-torch $(dpkg-query -W -f '${Version}' python3-torch), python3-torchvision $(dpkg-query -W -f '${Version}' python3-torchvision)"
