#!/usr/bin/env bash
# Builds .device/: the mixent command and the training benchmark as two self-contained bundles, with the wasm
# binaries and Dawn's prebuilt Linux bindings (the `webgpu` package, linux-x64 only), for a GPU machine that has
# Node but no network and takes at most 64 MiB of files along (the whole node_modules is ~460 MB). On it:
#   node .device/mixent.mjs check-backend --backend webgpu      # a training step on the GPU against wasm
#   node .device/train-bench.mjs                                 # writes .device/train.json
# and the headers to compile the torch backend's addon there against its PyTorch (tools/device-check.sh does).
# Vulkan must be reachable there (libvulkan1 and the NVIDIA ICD): see tools/README.md.
set -euo pipefail
cd "$(dirname "$0")/.."
out=.device
rm -rf "$out"
mkdir -p "$out/node_modules/webgpu/dist"
# An ES module bundle of CommonJS code needs require and __dirname; tfjs-backend-wasm finds its .wasm files
# beside __dirname, so they are copied next to the bundles.
banner="import { createRequire as mixentRequire } from 'node:module'; import { fileURLToPath as mixentPath } from 'node:url'; import { dirname as mixentDir } from 'node:path'; const require = mixentRequire(import.meta.url); const __filename = mixentPath(import.meta.url); const __dirname = mixentDir(__filename);"
bundle() {
  npx esbuild "$1" --bundle --platform=node --target=node20 --format=esm --conditions=@mixent/source \
    --external:webgpu --external:@tensorflow/tfjs-node --external:@tensorflow/tfjs-node-gpu \
    --banner:js="$banner" --log-level=warning --outfile="$2"
}
bundle packages/experiments/src/bin.ts "$out/mixent.mjs"
bundle packages/training/bench/train.bench.ts "$out/train-bench.mjs"
cp node_modules/@tensorflow/tfjs-backend-wasm/dist/*.wasm "$out/"
# wasm threads in Node run this script, which loads tfjs-backend-wasm's thread and main scripts from its package.
cp packages/training/src/backends/wasm-thread-worker.cjs "$out/"
wasm_pkg="$out/node_modules/@tensorflow/tfjs-backend-wasm"
mkdir -p "$wasm_pkg/wasm-out"
cp node_modules/@tensorflow/tfjs-backend-wasm/package.json "$wasm_pkg/"
cp node_modules/@tensorflow/tfjs-backend-wasm/wasm-out/tfjs-backend-wasm-threaded-simd{.js,.worker.js} "$wasm_pkg/wasm-out/"
cp node_modules/webgpu/package.json node_modules/webgpu/index.js "$out/node_modules/webgpu/"
cp -r node_modules/webgpu/dist/linux-x64 "$out/node_modules/webgpu/dist/"
# The headers the torch backend's addon compiles with there (Node-API's and node-addon-api's; libtorch's are there).
node_include="$(dirname "$(dirname "$(command -v node)")")/include/node"
mkdir -p "$out/addon-include"
cp "$node_include"/{node_api.h,node_api_types.h,js_native_api.h,js_native_api_types.h} node_modules/node-addon-api/napi*.h "$out/addon-include/"
du -sh "$out"
