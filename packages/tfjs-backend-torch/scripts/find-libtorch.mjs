#!/usr/bin/env node
// Finds a libtorch to build the addon against, in the order the README gives: LIBTORCH or Torch_DIR, then the
// Python torch package, then Debian/Ubuntu's libtorch-dev. Plain JavaScript with no dependencies, because node-gyp
// (binding.gyp) and nx (the build's inputs) run it before anything is built.
//
//   node find-libtorch.mjs             JSON: { found, root, include, lib, cxx11Abi, cuda, version, source } or { found: false, message }
//   node find-libtorch.mjs --gyp KEY   one value for binding.gyp (include, lib, libs, abi, cuda)
//   node find-libtorch.mjs --fingerprint  a line that changes when the libtorch found changes (an nx input)
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** How to get libtorch, the three ways this finder looks. */
export const INSTALL_HINT =
  'install PyTorch (pip install torch), or Debian/Ubuntu libtorch-dev (apt install libtorch-dev), ' +
  'or unzip a libtorch release and set LIBTORCH=/path/to/libtorch';

/** A libtorch layout: headers where ATen/ATen.h is, libraries where libtorch_cpu is. */
function layout(root, include, lib, source) {
  const library = ['libtorch_cpu.so', 'libtorch_cpu.dylib'].find((name) => existsSync(join(lib, name)));
  if (!existsSync(join(include, 'ATen', 'ATen.h')) || !library) return undefined;
  const cuda = existsSync(join(lib, 'libtorch_cuda.so'));
  return { found: true, root, include, lib, source, cuda, cxx11Abi: abiOf(root, lib), version: versionOf(include) };
}

/** The C++ ABI libtorch was built with, from its CMake config (the libtorch zips ship both ABIs). */
function abiOf(root, lib) {
  const configs = [join(root, 'share', 'cmake', 'Torch', 'TorchConfig.cmake'), join(lib, 'cmake', 'Torch', 'TorchConfig.cmake')];
  for (const file of configs) {
    if (!existsSync(file)) continue;
    const match = /_GLIBCXX_USE_CXX11_ABI=([01])/.exec(readFileSync(file, 'utf8'));
    if (match) return match[1] === '1';
  }
  // No flag in the config (Debian's names none): its libraries were built with the compiler's default, the new ABI.
  return true;
}

function versionOf(include) {
  const header = join(include, 'torch', 'csrc', 'api', 'include', 'torch', 'version.h');
  if (!existsSync(header)) return 'unknown';
  const text = readFileSync(header, 'utf8');
  const part = (name) => new RegExp(`#define TORCH_VERSION_${name} (\\d+)`).exec(text)?.[1] ?? '?';
  return ['MAJOR', 'MINOR', 'PATCH'].map(part).join('.');
}

function fromRoot(root, source) {
  return layout(root, join(root, 'include'), join(root, 'lib'), source);
}

function fromEnvironment() {
  if (process.env.LIBTORCH) return fromRoot(resolve(process.env.LIBTORCH), 'LIBTORCH') ?? notAt('LIBTORCH', process.env.LIBTORCH);
  if (process.env.Torch_DIR) {
    // Torch_DIR is the CMake folder, <root>/share/cmake/Torch.
    const root = resolve(process.env.Torch_DIR, '..', '..', '..');
    return fromRoot(root, 'Torch_DIR') ?? notAt('Torch_DIR', process.env.Torch_DIR);
  }
  return undefined;
}

/** A variable that names a folder without libtorch is an error, not a reason to look elsewhere. */
function notAt(name, value) {
  return { found: false, message: `${name}=${value} holds no libtorch (no include/ATen/ATen.h or lib/libtorch_cpu): ${INSTALL_HINT}` };
}

function fromPython() {
  const script =
    'import torch, torch.utils, os; print(os.path.dirname(os.path.dirname(torch.utils.cmake_prefix_path))); print(int(torch._C._GLIBCXX_USE_CXX11_ABI))';
  for (const python of [process.env.PYTHON, 'python3', '/usr/bin/python3'].filter(Boolean)) {
    let out;
    try {
      out = execFileSync(python, ['-c', script], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 60_000 });
    } catch {
      continue;
    }
    const [root, abi] = out.trim().split('\n');
    const found = root && fromRoot(root, `python (${python})`);
    if (found) return { ...found, cxx11Abi: abi === '1' };
  }
  return undefined;
}

function fromDebian() {
  const libs = ['/usr/lib/x86_64-linux-gnu', '/usr/lib/aarch64-linux-gnu', '/usr/lib'];
  for (const lib of libs) {
    const found = layout('/usr', '/usr/include', lib, 'libtorch-dev');
    if (found) return found;
  }
  return undefined;
}

/** The libtorch to build against, or why there is none. */
export function findLibtorch() {
  return fromEnvironment() ?? fromPython() ?? fromDebian() ?? { found: false, message: `libtorch was not found: ${INSTALL_HINT}` };
}

/** binding.gyp's view of a libtorch: include folders, library folder, link flags, the ABI define, CUDA. */
function gypValue(torch, key) {
  switch (key) {
    case 'include':
      return [torch.include, join(torch.include, 'torch', 'csrc', 'api', 'include')].join(' ');
    case 'lib':
      return torch.lib;
    case 'libs':
      // torch_cuda registers its kernels when loaded: keep it linked even though no symbol of it is used.
      return [
        `-L${torch.lib}`,
        `-Wl,-rpath,${torch.lib}`,
        '-Wl,--no-as-needed',
        ...(torch.cuda ? ['-ltorch_cuda'] : []),
        '-ltorch_cpu',
        '-ltorch',
        '-lc10',
        '-Wl,--as-needed',
      ].join(' ');
    case 'abi':
      return `_GLIBCXX_USE_CXX11_ABI=${torch.cxx11Abi ? 1 : 0}`;
    case 'cuda':
      return torch.cuda ? 'MIXENT_TORCH_CUDA=1' : 'MIXENT_TORCH_CUDA=0';
    default:
      throw new Error(`find-libtorch: unknown --gyp key ${key}`);
  }
}

/** What identifies the libtorch found, for nx's cache: its folders, version, ABI and the libraries' sizes and times. */
function fingerprint(torch) {
  if (!torch.found) return 'no libtorch';
  const files = readdirSync(torch.lib)
    .filter((name) => /^lib(torch|c10)[^/]*\.(so|dylib)$/.test(name))
    .sort();
  const stamps = files.map((name) => {
    const stat = statSync(join(torch.lib, name));
    return `${name}:${stat.size}:${stat.mtimeMs}`;
  });
  return [torch.root, torch.version, torch.cxx11Abi, torch.cuda, ...stamps].join(' ');
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const torch = findLibtorch();
  const [flag, key] = process.argv.slice(2);
  if (flag === '--gyp') {
    if (!torch.found) throw new Error(torch.message);
    process.stdout.write(gypValue(torch, key));
  } else if (flag === '--fingerprint') {
    process.stdout.write(`${fingerprint(torch)}\n`);
  } else {
    process.stdout.write(`${JSON.stringify(torch, null, 2)}\n`);
  }
}
