#!/usr/bin/env bash
# Installs Debian's Slurm (slurmctld, slurmd, slurm-client) and munge, so that the sweep tests start a one-node
# cluster on loopback ports and run job arrays on it for real. Needs root (or sudo) and Debian's package mirror.
# Nothing is started here: the tests start their own daemons with a config in a temporary folder, and stop them.
set -euo pipefail
sudo=""
[ "$(id -u)" = 0 ] || sudo="sudo"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends slurmctld slurmd slurm-client munge >/dev/null
echo "Slurm: slurmctld $(dpkg-query -W -f '${Version}' slurmctld), munge $(dpkg-query -W -f '${Version}' munge)"
