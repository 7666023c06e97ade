#!/usr/bin/env bash
# The GPU check of @mixent/training, for a machine with an NVIDIA GPU, Node 20 and no network (see tools/README.md).
# Run from the repository root after tools/device-bundle.sh built .device/ and, where the machine lacks the Vulkan
# loader, .gl/ holds Debian's libvulkan1 (and friends) as .deb files. Writes its results under $OUT (or
# /tmp/mixent-device): the GPU's name, whether a training step on webgpu (and on torch with CUDA, where PyTorch
# has CUDA) matches wasm, and the benchmark's JSON.
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
# The torch backend on CUDA, where python3's PyTorch has it: its addon is compiled here with g++ against that
# libtorch (no node-gyp, which would download Node's headers; device-bundle.sh brought the few it needs).
backends=webgpu,wasm
if python3 -c 'import sys, torch; sys.exit(0 if torch.cuda.is_available() else 1)' 2>/dev/null; then
  finder=packages/tfjs-backend-torch/scripts/find-libtorch.mjs
  includes=$(for dir in $(node "$finder" --gyp include); do printf -- '-I%s ' "$dir"; done)
  # shellcheck disable=SC2046,SC2086
  g++ -std=c++17 -O2 -shared -fPIC -DNAPI_VERSION=8 -DNAPI_CPP_EXCEPTIONS -D"$(node "$finder" --gyp abi)" -D"$(node "$finder" --gyp cuda)" \
    -I.device/addon-include $includes packages/tfjs-backend-torch/native/{store,ops}.cc $(node "$finder" --gyp libs) \
    -o .device/torch_backend.node >"$out/torch-build.log" 2>&1
  echo "torch addon build exit status: $?" | tee -a "$out/machine.txt"
  export MIXENT_TORCH_ADDON=$PWD/.device/torch_backend.node MIXENT_TORCH_DEVICE=cuda
  node .device/mixent.mjs check-backend --backend torch --json >"$out/check-torch.json" 2>"$out/check-torch.log"
  echo "check-backend torch exit status: $? (0: torch on CUDA agrees with wasm and cpu)" | tee -a "$out/machine.txt"
  backends=torch,webgpu,wasm
fi
MIXENT_BENCH_BACKENDS=$backends node .device/train-bench.mjs >"$out/bench.log" 2>&1
echo "bench exit status: $?" | tee -a "$out/machine.txt"
cp .device/train.json "$out/" 2>/dev/null
tail -n 30 "$out/check-backend.log" "$out/bench.log"
