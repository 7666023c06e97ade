/**
 * Builds packages/data/sample/ from the partial real EMNIST-Letters data
 * (official test images 0..14,799, classes a..s): a deterministic stratified split into
 * sample-train and sample-test, the two official label files, and manifest.json.
 *
 *   npx tsx --conditions=@mixent/source tools/make-sample.ts [source-dir]
 *
 * source-dir defaults to ../shared/data/emnist-letters (beside the repository).
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import {
  LETTERS,
  OFFICIAL_FILES,
  Rng,
  type SampleManifest,
  classCounts,
  encodeIdx,
  gunzipIdx,
  parseIdx,
  sha256Bytes,
  stratifiedSplit,
} from '@mixent/data';

const TEST_PER_CLASS = 200;
const SEED = 'mixent-sample-v1';
const root = resolve(import.meta.dirname, '..');
const source = resolve(process.argv[2] ?? join(root, '..', 'shared', 'data', 'emnist-letters'));
const out = join(root, 'packages', 'data', 'sample');
const imagesName = 'emnist-letters-test-images-idx3-ubyte.PARTIAL-00000-14799.gz';
const labelsName = 'emnist-letters-test-labels-idx1-ubyte.PARTIAL-00000-14799.gz';

const images = parseIdx(readFileSync(join(source, imagesName)), { file: imagesName });
const labels = parseIdx(readFileSync(join(source, labelsName)), { file: labelsName });
const rawImages = images.data as Uint8Array;
const rawLabels = labels.data as Uint8Array;

// Stratified: per class, a seeded shuffle; the first TEST_PER_CLASS go to test, the rest to train.
const present = [...new Set(rawLabels)].sort((a, b) => a - b);
const { taken: test, rest: train } = stratifiedSplit(rawLabels, Rng.fromSeed(SEED), TEST_PER_CLASS);

mkdirSync(out, { recursive: true });
const writeIdx = (file: string, idx: Uint8Array) => {
  const gz = gzipSync(idx, { level: 9 });
  writeFileSync(join(out, file), gz);
  return { file, sha256: sha256Bytes(gz), idxSha256: sha256Bytes(idx) };
};
const split = (name: 'train' | 'test', indices: number[]) => {
  const pixels = new Uint8Array(indices.length * 784);
  indices.forEach((i, k) => pixels.set(rawImages.subarray(i * 784, (i + 1) * 784), k * 784));
  const picked = Uint8Array.from(indices, (i) => rawLabels[i] as number);
  return {
    images: {
      ...writeIdx(`sample-${name}-images-idx3-ubyte.gz`, encodeIdx('uint8', [indices.length, 28, 28], pixels)),
      count: indices.length,
    },
    labels: { ...writeIdx(`sample-${name}-labels-idx1-ubyte.gz`, encodeIdx('uint8', [indices.length], picked)), count: indices.length },
    classCounts: classCounts(Uint8Array.from(picked, (l) => l - 1)).slice(0, present.length),
    officialTestIndices: indices,
  };
};

const officialLabels = [OFFICIAL_FILES.trainLabels, OFFICIAL_FILES.testLabels].map(({ name }) => {
  const bytes = readFileSync(join(source, name));
  writeFileSync(join(out, name), bytes); // not copyFile: the source may be read-only, its copy must not be
  return { file: name, sha256: sha256Bytes(bytes), bytes: bytes.length };
});

const manifest: SampleManifest = {
  name: 'emnist-letters-sample',
  description:
    'A stratified split of the official EMNIST-Letters test images 0..14,799 (classes a..s) into sample-train and sample-test, ' +
    'for running mixent out of the box. Numbers measured on it are NOT comparable with the paper (different images, 19 of 26 classes).',
  provenance:
    'Official EMNIST-Letters test images 0..14,799 in IDX layout (transposed, as EMNIST ships it), rebuilt from public copies and ' +
    'checked pixel for pixel against official images (see the shared data PROVENANCE.md); labels = official test labels 0..14,799. ' +
    'Classes 1..18 (a..r) have 800 images each, class 19 (s) has 400; t..z are absent.',
  source: [
    { file: imagesName, idxSha256: sha256Bytes(gunzipIdx(readFileSync(join(source, imagesName)))), count: images.count },
    { file: labelsName, idxSha256: sha256Bytes(gunzipIdx(readFileSync(join(source, labelsName)))), count: labels.count },
  ],
  split: {
    method: `per class, a seeded Fisher-Yates shuffle (Alea, seed "${SEED}") of the class's images in official order; the first ${TEST_PER_CLASS} go to sample-test, the rest to sample-train; each split kept in official order`,
    seed: SEED,
    testPerClass: TEST_PER_CLASS,
  },
  classes: present.map((label) => ({ index: label - 1, letter: LETTERS[label - 1] as string })),
  splits: { train: split('train', train), test: split('test', test) },
  officialLabels,
};
// One line per index list keeps the manifest readable.
const json = JSON.stringify(manifest, null, 1).replace(/\[\s+([\d,\s]+?)\s+\]/g, (_, body: string) => `[${body.replace(/\s+/g, '')}]`);
writeFileSync(join(out, 'manifest.json'), `${json}\n`);
console.log(`sample: ${train.length} train + ${test.length} test images of ${present.length} classes written to ${out}`);
