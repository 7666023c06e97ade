import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { PNG } from 'pngjs';
import writeFileAtomic from 'write-file-atomic';
import { type CliIo, processIo } from '@mixent/node-io';
import { OFFICIAL_FILES, describeCheck, sha256Bytes, verifyFiles } from './checksums.js';
import { IMAGE_SIZE, classToLetter, imageAt } from './emnist.js';
import { fetchEmnistLetters } from './fetch.js';
import { isGzip } from './idx.js';
import { gunzipIdx, parseIdx } from './idx-gzip.js';
import { readLetterSet } from './letter-files.js';

const USAGE = `usage: mixent-data <command>
  info <file> [--json]                                  magic, dims, count and sha256 of an IDX file (gzip or not)
  verify <dir>                                          check the four official EMNIST-Letters files in a directory
  fetch [--dir D] [--offline] [--keep-zip]              download, verify and cache the official files
  show <images> <labels> --index i [--png out.png]      print an image upright with its letter`;

/** Runs the mixent-data command line and returns its exit code; errors are one line on stderr. */
export async function runDataCli(argv: readonly string[], io: CliIo = processIo): Promise<number> {
  try {
    const [command, ...rest] = argv;
    switch (command) {
      case 'info':
        return await info(rest, io);
      case 'verify':
        return await verify(rest, io);
      case 'fetch':
        return await fetchCommand(rest, io);
      case 'show':
        return await show(rest, io);
      case undefined:
      case '--help':
      case 'help':
        io.stdout(`${USAGE}\n`);
        return command === undefined ? 2 : 0;
      default:
        throw new Error(`unknown command '${command}'\n${USAGE}`);
    }
  } catch (error) {
    io.stderr(`mixent-data: ${(error as Error).message}\n`);
    return 1;
  }
}

async function info(argv: readonly string[], io: CliIo): Promise<number> {
  const { positionals, values } = parseArgs({ args: [...argv], allowPositionals: true, options: { json: { type: 'boolean' } } });
  const file = single(positionals, 'info <file>');
  const bytes = await readFile(file);
  const raw = isGzip(bytes) ? gunzipIdx(bytes, { file }) : bytes;
  const idx = parseIdx(raw, { file });
  const result = {
    file,
    magic: `0x${idx.magic.toString(16).padStart(8, '0')}`,
    type: idx.type,
    dims: idx.dims,
    count: idx.count,
    gzip: isGzip(bytes),
    sha256: sha256Bytes(raw),
  };
  io.stdout(
    values.json
      ? `${JSON.stringify(result)}\n`
      : `${file}\n  magic   ${result.magic} (${idx.type}, rank ${idx.dims.length})\n  dims    [${idx.dims.join(', ')}]\n  count   ${idx.count}\n  gzip    ${result.gzip}\n  sha256  ${result.sha256} (of the IDX bytes)\n`,
  );
  return 0;
}

async function verify(argv: readonly string[], io: CliIo): Promise<number> {
  const { positionals } = parseArgs({ args: [...argv], allowPositionals: true, options: {} });
  const dir = single(positionals, 'verify <dir>');
  const checks = await verifyFiles(dir, Object.values(OFFICIAL_FILES));
  for (const check of checks) io.stdout(`${describeCheck(check)}\n`);
  const bad = checks.filter((c) => c.status !== 'ok');
  if (bad.length > 0)
    throw new Error(`${bad.length} of ${checks.length} official files in ${dir} are missing or do not match their sha256`);
  return 0;
}

async function fetchCommand(argv: readonly string[], io: CliIo): Promise<number> {
  const { values } = parseArgs({
    args: [...argv],
    options: { dir: { type: 'string' }, offline: { type: 'boolean' }, 'keep-zip': { type: 'boolean' } },
  });
  const result = await fetchEmnistLetters({
    ...(values.dir ? { dir: values.dir } : {}),
    offline: values.offline ?? false,
    keepZip: values['keep-zip'] ?? false,
    log: (line) => io.stderr(`${line}\n`),
  });
  for (const path of Object.values(result.paths)) io.stdout(`${path}: ok\n`);
  return 0;
}

async function show(argv: readonly string[], io: CliIo): Promise<number> {
  const { positionals, values } = parseArgs({
    args: [...argv],
    allowPositionals: true,
    options: { index: { type: 'string' }, png: { type: 'string' } },
  });
  if (positionals.length !== 2) throw new Error('expected: show <images> <labels> --index i [--png out.png]');
  const [imagesPath, labelsPath] = positionals as [string, string];
  if (values.index === undefined || !/^\d+$/.test(values.index))
    throw new Error(`--index must be a non-negative integer, got ${values.index ?? 'nothing'}`);
  const set = await readLetterSet(imagesPath, labelsPath);
  const index = Number(values.index);
  if (index >= set.count) throw new Error(`${imagesPath}: --index ${index} is past the last image (${set.count - 1})`);
  const pixels = imageAt(set, index);
  const classIndex = set.labels[index] as number;
  io.stdout(
    `${imagesPath} [${index}]: '${classToLetter(classIndex)}' (class ${classIndex}, label ${classIndex + 1})\n${renderAscii(pixels)}`,
  );
  if (values.png) {
    await writePng(values.png, pixels, 8);
    io.stdout(`wrote ${values.png}\n`);
  }
  return 0;
}

/** Draws a 28×28 grey image with characters of increasing ink, one text line per row. */
export function renderAscii(pixels: Uint8Array, size = IMAGE_SIZE): string {
  const ramp = ' .:-=+*#%@';
  let text = '';
  for (let r = 0; r < size; r++) {
    let line = '';
    for (let c = 0; c < size; c++)
      line += ramp[Math.min(ramp.length - 1, Math.floor(((pixels[r * size + c] as number) * ramp.length) / 256))];
    text += `${line.trimEnd()}\n`;
  }
  return text;
}

/** Writes a grey image as a PNG, each pixel a scale×scale square, through a temporary file. */
async function writePng(path: string, pixels: Uint8Array, scale: number, size = IMAGE_SIZE): Promise<void> {
  const png = new PNG({ width: size * scale, height: size * scale, colorType: 0, inputColorType: 0, bitDepth: 8 });
  for (let y = 0; y < size * scale; y++) {
    for (let x = 0; x < size * scale; x++)
      png.data[y * size * scale + x] = pixels[Math.floor(y / scale) * size + Math.floor(x / scale)] as number;
  }
  await writeFileAtomic(path, PNG.sync.write(png, { colorType: 0, inputColorType: 0 }));
}

function single(positionals: string[], usage: string): string {
  if (positionals.length !== 1) throw new Error(`expected: ${usage}`);
  return positionals[0] as string;
}
