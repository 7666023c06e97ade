#!/usr/bin/env bash
# Installs Debian's Chromium, so that the playground's e2e tests (packages/playground/e2e) drive a real browser
# through playwright-core; Playwright's own browser download needs Google's storage. Needs root (or sudo) and
# Debian's package mirror.
set -euo pipefail
sudo=""
[ "$(id -u)" = 0 ] || sudo="sudo"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends chromium >/dev/null
echo "Chromium: chromium $(dpkg-query -W -f '${Version}' chromium)"
