// The packages as a user installs them, and their README examples kept true. Each published package is packed
// (`npm pack`, from the dist/ that `nx run tools:test` builds first) and the tarballs are installed into a scratch
// project outside the workspace, which has no `@mixent/source` condition and no workspace links: what breaks
// there (a file left out of `files`, an export pointing nowhere, a dependency only the workspace has) breaks for
// a user. Then each complete README program (a ```ts block that starts with an import) must typecheck against the
// installed types, and each that runs quickly must run, printing what the comments of its printing lines say:
// `console.log(…); // 100 78400 g`, `x.print(); // 0.2760… = why` (the text before ' = ' and before '…' must appear
// in what it prints).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..');
/** tsx's command line, run by this Node: it resolves imports from each example's own folder. */
const TSX = join(root, 'node_modules', 'tsx', 'dist', 'cli.mjs');

/** Examples that are typechecked but not run, and why. */
const NOT_RUN: Record<string, string> = {
  'data/README.md#2': 'downloads the official 560 MB archive',
  'training/README.md#1': 'trains a model for minutes',
  // Without libtorch the installed package has no addon: its import says so (tested in its own suite).
  ...(libtorchFound() ? {} : { 'tfjs-backend-torch/README.md#1': 'needs libtorch, which this machine lacks' }),
};

/** Whether the torch backend's build finds a libtorch here, as its install script will in the scratch project. */
function libtorchFound(): boolean {
  const finder = join(root, 'packages', 'tfjs-backend-torch', 'scripts', 'find-libtorch.mjs');
  const found = (JSON.parse(spawnSync(process.execPath, [finder], { encoding: 'utf8' }).stdout) as { found: boolean }).found;
  if (!found && process.env.MIXENT_REQUIRE_TORCH === '1') throw new Error('MIXENT_REQUIRE_TORCH=1, but no libtorch is found');
  return found;
}

/** The published packages: every workspace package that is not private. */
const published = readdirSync(join(root, 'packages'))
  .map((dir) => ({
    dir,
    manifest: JSON.parse(readFileSync(join(root, 'packages', dir, 'package.json'), 'utf8')) as { name: string; private?: boolean },
  }))
  .filter(({ manifest }) => !manifest.private);

interface Example {
  id: string;
  code: string;
  /** What its printing lines say they print. */
  expected: string[];
}

function examples(): Example[] {
  return published.flatMap(({ dir }) => {
    const readme = readFileSync(join(root, 'packages', dir, 'README.md'), 'utf8');
    const blocks = [...readme.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1] as string);
    return blocks
      .map((code, i) => ({ id: `${dir}/README.md#${i + 1}`, code }))
      .filter(({ code }) => code.trimStart().startsWith('import '))
      .map(({ id, code }) => ({
        id,
        code,
        expected: [...code.matchAll(/(?:console\.log\(.*\)|\.print\(\)); \/\/ (.+)$/gm)]
          .map((m) => ((m[1] as string).split(' = ')[0] as string).split('…')[0]!.trim())
          .filter((text) => text !== ''),
      }));
  });
}

/** The newest modification time of the source files under a folder, tests left out. */
function newestSource(dir: string): number {
  return Math.max(
    ...readdirSync(dir, { recursive: true, encoding: 'utf8' })
      .filter((file) => !/\.test(-util)?\.ts$|__fixtures__/.test(file))
      .map((file) => statSync(join(dir, file)))
      .filter((stats) => stats.isFile())
      .map((stats) => stats.mtimeMs),
  );
}

/**
 * The environment of the npm commands run here, without what the `npm test` that may have started this run says
 * of the workspace (its folder, package, workspaces, approved scripts); the user's own npm settings stay.
 */
const npmEnv = Object.fromEntries(
  Object.entries(process.env).filter(
    ([key]) =>
      !/^npm_(package_|lifecycle_|config_local_prefix|config_workspace|config_include_workspace_root|config_allow_scripts)/i.test(key),
  ),
);

// npm is a .cmd script on Windows, which only a shell runs.
const windows = process.platform === 'win32';

function npm(args: string[], cwd: string): string {
  const run = spawnSync(windows ? 'npm.cmd' : 'npm', args, { cwd, encoding: 'utf8', env: npmEnv, shell: windows });
  if (run.status !== 0) throw new Error(`npm ${args.join(' ')} (in ${cwd}) failed:\n${run.stderr}`);
  return run.stdout;
}

/** npm without blocking this worker: an install that builds the torch addon outlasts vitest's worker heartbeat. */
async function npmAsync(args: string[], cwd: string): Promise<void> {
  const child = spawn(windows ? 'npm.cmd' : 'npm', args, { cwd, env: npmEnv, shell: windows, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  if (code !== 0) throw new Error(`npm ${args.join(' ')} (in ${cwd}) failed:\n${stderr}`);
}

interface PackResult {
  name: string;
  filename: string;
  files: { path: string }[];
}

const scratch = mkdtempSync(join(tmpdir(), 'mixent-installed-'));
const project = join(scratch, 'project');
let packed: PackResult[] = [];
const all = examples().map((example) => ({ ...example, file: join(project, `${example.id.replace(/\W+/g, '-')}.ts`) }));

beforeAll(async () => {
  for (const { dir } of published) {
    const built = join(root, 'packages', dir, 'dist', 'index.js');
    // Under nx the build is a dependency of this task, current by its hash (nx may leave an up-to-date dist untouched).
    const stale =
      process.env.NX_TASK_HASH === undefined &&
      existsSync(built) &&
      statSync(built).mtimeMs < newestSource(join(root, 'packages', dir, 'src'));
    if (!existsSync(built) || stale) {
      throw new Error(`packages/${dir}/dist is missing or older than its sources: build first (npx nx run tools:test does)`);
    }
  }
  packed = JSON.parse(
    npm(['pack', '--json', '--pack-destination', scratch, ...published.flatMap(({ dir }) => ['-w', `packages/${dir}`])], root),
  ) as PackResult[];
  mkdirSync(project);
  // tfjs and Node's types at the versions of the workspace's lockfile, so that the result does not move with the
  // registry; the other dependencies come as npm resolves them for a user, from the cache that npm ci filled.
  const pinned = [
    '@types/node',
    '@tensorflow/tfjs-core',
    '@tensorflow/tfjs-layers',
    '@tensorflow/tfjs-backend-cpu',
    '@tensorflow/tfjs-backend-wasm',
  ].map((name) => [
    name,
    (JSON.parse(readFileSync(join(root, 'node_modules', name, 'package.json'), 'utf8')) as { version: string }).version,
  ]);
  const dependencies = Object.fromEntries([...packed.map((p) => [p.name, `file:../${p.filename}`]), ...pinned]);
  // A user approves the torch backend's install script, which builds its addon against the libtorch it finds.
  const allowScripts = { '@mixent/tfjs-backend-torch': true };
  writeFileSync(
    join(project, 'package.json'),
    JSON.stringify({ name: 'mixent-user', private: true, type: 'module', dependencies, allowScripts }, null, 2),
  );
  // The install asks the registry for what the lockfile does not pin: once more after a failure, which a flaky
  // registry explains and a real problem repeats.
  const install = () => npmAsync(['install', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error'], project);
  await install().catch((error: unknown) => {
    console.error(`The first install failed; trying once more.\n${String(error)}`);
    return install();
  });
  for (const example of all) writeFileSync(example.file, example.code);
  // Building the torch addon is most of it: minutes when the other tests load both cores.
}, 900_000);

// The install is some 160 MB.
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('packed packages', () => {
  it('are every published package, with its build, types, README and LICENSE and without tests', () => {
    expect(packed.map((p) => p.name).sort()).toEqual(published.map((p) => p.manifest.name).sort());
    for (const { name, files } of packed) {
      const paths = files.map((f) => f.path);
      for (const needed of ['package.json', 'README.md', 'LICENSE', 'dist/index.js', 'dist/index.d.ts'])
        expect(paths, name).toContain(needed);
      expect(
        paths.filter((path) => /\.test(-util)?\.(ts|js)$|__fixtures__/.test(path)),
        name,
      ).toEqual([]);
    }
  });

  it('install with the embedded sample, whose command line runs from the install', () => {
    const installed = join(project, 'node_modules', '@mixent', 'data');
    const { bin } = JSON.parse(readFileSync(join(installed, 'package.json'), 'utf8')) as { bin: Record<string, string> };
    expect(existsSync(join(project, 'node_modules', '.bin', process.platform === 'win32' ? 'mixent-data.cmd' : 'mixent-data'))).toBe(true);
    const sample = join(installed, 'sample', 'sample-test-labels-idx1-ubyte.gz');
    // Through node rather than the .bin link, which is a shell script on Linux and a .cmd on Windows.
    const run = spawnSync(process.execPath, [join(installed, bin['mixent-data']!), 'info', sample, '--json'], { encoding: 'utf8' });
    expect(run.status, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ dims: [3800] });
  });
});

describe('in a browser', () => {
  it('@mixent/models and @mixent/losses bundle without Node built-ins, and the bundle runs', async () => {
    const entry = join(project, 'browser-entry.ts');
    writeFileSync(
      entry,
      [
        "import * as tf from '@tensorflow/tfjs-core';",
        "import '@tensorflow/tfjs-backend-cpu';",
        "import { MIX_ENT_PRESET, mixEntropyLoss } from '@mixent/losses';",
        "import { vgg5 } from '@mixent/models';",
        'const logits = vgg5({ numClasses: 26, widthMultiplier: 0.125 }).predict(tf.zeros([2, 28, 28, 1])) as tf.Tensor;',
        'const loss = mixEntropyLoss(tf.oneHot([0, 1], 26), logits, MIX_ENT_PRESET);',
        // One string: console.log colors a boolean when nx forces colors.
        "console.log(`${logits.shape.join(',')} ${Number.isFinite(loss.dataSync()[0])}`);",
      ].join('\n'),
    );
    const outfile = join(project, 'browser-bundle.mjs');
    // tfjs stays outside the bundle (it has its own browser builds), so that the bundle can run here in Node.
    const { metafile } = await build({
      entryPoints: [entry],
      outfile,
      bundle: true,
      platform: 'browser',
      format: 'esm',
      external: ['@tensorflow/*'],
      metafile: true,
      logLevel: 'silent',
    });
    const inputs = Object.keys(metafile.inputs);
    expect(inputs.some((file) => file.endsWith('@mixent/models/dist/browser.js'))).toBe(true);
    expect(inputs.filter((file) => file.endsWith('/io.js'))).toEqual([]);
    const run = spawnSync(process.execPath, [outfile], { cwd: project, encoding: 'utf8' });
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toContain('2,26 true');
  }, 120_000);
});

describe('README examples', () => {
  it('are found in every package that documents an API', () => {
    expect(new Set(all.map((e) => e.id.split('/')[0]))).toEqual(
      new Set(['data', 'losses', 'models', 'node-io', 'reporting', 'tfjs-backend-torch', 'training']),
    );
  });

  it('typecheck against the installed packages', () => {
    const program = ts.createProgram(
      all.map((e) => e.file),
      {
        module: ts.ModuleKind.NodeNext,
        moduleResolution: ts.ModuleResolutionKind.NodeNext,
        target: ts.ScriptTarget.ES2022,
        strict: true,
        noEmit: true,
        types: ['node'],
      },
    );
    // tfjs' own declarations do not pass a strict check: the problems kept are the examples' and the published
    // declarations' of this project (a .d.ts importing a package a user does not get would be one).
    const ours = (file: ts.SourceFile | undefined) =>
      file === undefined || all.some((e) => e.file === file.fileName) || /[\\/]node_modules[\\/]@mixent[\\/]/.test(file.fileName);
    const problems = ts
      .getPreEmitDiagnostics(program)
      .filter((d) => ours(d.file))
      .map((d) => {
        const where = d.file
          ? `${all.find((e) => e.file === d.file?.fileName)?.id ?? d.file.fileName}:${d.file.getLineAndCharacterOfPosition(d.start ?? 0).line + 1}`
          : '';
        return `${where} ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`;
      });
    expect(problems).toEqual([]);
  }, 120_000);

  it.each(all.filter((e) => !(e.id in NOT_RUN)).map((e) => [e.id, e] as const))(
    '%s runs and prints what it says',
    (_id, example) => {
      // In a scratch folder: examples write files (runs/, results/).
      const cwd = mkdtempSync(join(scratch, 'run-'));
      // Without colors, which nx asks for and console.log would put between the numbers.
      const { FORCE_COLOR: _color, ...env } = process.env;
      const run = spawnSync(process.execPath, [TSX, example.file], { cwd, encoding: 'utf8', env: { ...env, NO_COLOR: '1' } });
      expect(run.status, run.stderr).toBe(0);
      for (const text of example.expected) expect(run.stdout).toContain(text);
    },
    120_000,
  );
});
