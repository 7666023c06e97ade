#!/usr/bin/env bash
# The GPU check of @mixent/training, for a machine with an NVIDIA GPU, Node 20 and no network (see tools/README.md).
# Run from the repository root after tools/device-bundle.sh built .device/ and, where the machine lacks the Vulkan
# loader, .gl/ holds Debian's libvulkan1 (and friends) as .deb files. Writes its results under $OUT (or
# /tmp/mixent-device): the GPU's name, whether a training step on webgpu matches wasm, and the benchmark's JSON.
set -uo pipefail
out=${OUT:-/tmp/mixent-device}
mkdir -p "$out"
if compgen -G '.gl/*.deb' >/dev/null; then
  for f in .gl/*.deb; do dpkg -x "$f" /; done
  ldconfig
fi
icd=/usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json
# VK_DRIVER_FILES for current Vulkan loaders, VK_ICD_FILENAMES for older ones, which ignore the first.
[ -f "$icd" ] && export VK_DRIVER_FILES="$icd" VK_ICD_FILENAMES="$icd"
{ nvidia-smi -L; node --version; } 2>&1 | tee "$out/machine.txt"
node .device/mixent.mjs check-backend --backend webgpu --json >"$out/check-backend.json" 2>"$out/check-backend.log"
echo "check-backend exit status: $? (0: webgpu agrees with wasm)" | tee -a "$out/machine.txt"
MIXENT_BENCH_BACKENDS=webgpu,wasm node .device/train-bench.mjs >"$out/bench.log" 2>&1
echo "bench exit status: $?" | tee -a "$out/machine.txt"
cp .device/train.json "$out/" 2>/dev/null
tail -n 30 "$out/check-backend.log" "$out/bench.log"
