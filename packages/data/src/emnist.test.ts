import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { OFFICIAL_FILES, sha256File, verifyFiles } from './checksums.js';
import { renderAscii } from './cli.js';
import { classCounts, classToLetter, imageAt, letterLabelToClass, letterSetFromIdx, transposeImages } from './emnist.js';
import { encodeIdx } from './idx.js';
import { parseIdx } from './idx-gzip.js';
import { SAMPLE_DIR, loadSample, readSampleManifest } from './sample.js';

describe('the EMNIST-Letters loader', () => {
  it('maps labels 1..26 to class indices 0..25 and letters', () => {
    expect(letterLabelToClass(1)).toBe(0);
    expect(letterLabelToClass(26)).toBe(25);
    expect(classToLetter(0)).toBe('a');
    expect(classToLetter(7)).toBe('h');
    expect(classToLetter(25)).toBe('z');
    expect(() => classToLetter(26)).toThrow(/class index 26 is outside 0..25/);
  });

  it('transposes each image to upright', () => {
    // EMNIST stores pixel (row r, column c) of the upright image at position c·28 + r.
    const raw = new Uint8Array(2 * 784);
    raw[0 * 784 + 3 * 28 + 5] = 200; // image 0: stored at (3, 5), upright at row 5, column 3
    raw[1 * 784 + 27] = 100; // image 1: stored at (0, 27), upright at row 27, column 0
    const upright = transposeImages(raw, 2);
    expect(upright[5 * 28 + 3]).toBe(200);
    expect(upright[784 + 27 * 28]).toBe(100);
    expect(upright.reduce((a, b) => a + b, 0)).toBe(300);
  });

  it('pairs images and labels', () => {
    const images = parseIdx(encodeIdx('uint8', [2, 28, 28], new Array(2 * 784).fill(1)));
    const labels = parseIdx(encodeIdx('uint8', [2], [1, 26]));
    const set = letterSetFromIdx(images, labels);
    expect(set.count).toBe(2);
    expect(Array.from(set.labels)).toEqual([0, 25]);
  });

  it('rejects a count mismatch, naming both files', () => {
    const images = parseIdx(encodeIdx('uint8', [2, 28, 28], new Array(2 * 784).fill(0)));
    const labels = parseIdx(encodeIdx('uint8', [3], [1, 2, 3]));
    expect(() => letterSetFromIdx(images, labels, { images: 'imgs.gz', labels: 'lbls.gz' })).toThrow(
      'imgs.gz holds 2 images but lbls.gz holds 3 labels',
    );
  });

  it('rejects labels outside 1..26, naming the file and the index', () => {
    const images = parseIdx(encodeIdx('uint8', [3, 28, 28], new Array(3 * 784).fill(0)));
    for (const bad of [0, 27]) {
      const labels = parseIdx(encodeIdx('uint8', [3], [1, bad, 3]));
      expect(() => letterSetFromIdx(images, labels, { labels: 'lbls.gz' })).toThrow(`lbls.gz: label ${bad} at index 1 is outside 1..26`);
    }
  });

  it('rejects files of the wrong shape or type', () => {
    const labels = parseIdx(encodeIdx('uint8', [1], [1]));
    expect(() => letterSetFromIdx(parseIdx(encodeIdx('uint8', [1, 14, 56], new Array(784).fill(0))), labels, { images: 'i.gz' })).toThrow(
      'i.gz: expected uint8 images of dims [N, 28, 28], found uint8 [1, 14, 56]',
    );
    expect(() =>
      letterSetFromIdx(parseIdx(encodeIdx('uint8', [1, 28, 28], new Array(784).fill(0))), parseIdx(encodeIdx('int32', [1], [1])), {
        labels: 'l.gz',
      }),
    ).toThrow('l.gz: expected uint8 labels of dims [N], found int32 [1]');
  });
});

describe('the embedded sample (real EMNIST-Letters test images)', () => {
  const manifest = readSampleManifest();

  it('official test image 5,600 is an upright H, class 7', async () => {
    const train = await loadSample('train');
    const at = manifest.splits.train.officialTestIndices.indexOf(5600);
    expect(at).toBeGreaterThanOrEqual(0);
    expect(train.labels[at]).toBe(7);
    expect(classToLetter(train.labels[at] as number)).toBe('h');
    const golden = readFileSync(join(import.meta.dirname, '__fixtures__', 'official-test-5600-H.txt'), 'utf8');
    const image = imageAt(train, at);
    expect(renderAscii(image)).toBe(golden);
    // The file's own (transposed) layout is not what a person reads.
    expect(renderAscii(transposeImages(image, 1))).not.toBe(golden);
  });

  for (const split of ['train', 'test'] as const) {
    it(`${split}: counts, per-class counts and checksums match the manifest`, async () => {
      const entry = manifest.splits[split];
      const set = await loadSample(split);
      expect(set.count).toBe(entry.images.count);
      expect(classCounts(set.labels).slice(0, manifest.classes.length)).toEqual(entry.classCounts);
      expect(
        classCounts(set.labels)
          .slice(manifest.classes.length)
          .every((n) => n === 0),
      ).toBe(true);
      for (const file of [entry.images, entry.labels]) expect(await sha256File(join(SAMPLE_DIR, file.file))).toBe(file.sha256);
    });
  }

  it('is a stratified split of official test images 0..14,799 with no overlap', () => {
    const train = manifest.splits.train.officialTestIndices;
    const test = manifest.splits.test.officialTestIndices;
    expect(new Set([...train, ...test]).size).toBe(14_800);
    expect(Math.min(...train, ...test)).toBe(0);
    expect(Math.max(...train, ...test)).toBe(14_799);
    expect(manifest.splits.test.classCounts.every((n) => n === manifest.split.testPerClass)).toBe(true);
    expect(manifest.classes.map((c) => c.letter).join('')).toBe('abcdefghijklmnopqrs');
  });

  it('holds the two official label files, byte for byte', async () => {
    const checks = await verifyFiles(SAMPLE_DIR, [OFFICIAL_FILES.trainLabels, OFFICIAL_FILES.testLabels]);
    expect(checks.map((c) => c.status)).toEqual(['ok', 'ok']);
    for (const { file, bytes } of manifest.officialLabels) expect(readFileSync(join(SAMPLE_DIR, file)).length).toBe(bytes);
  });

  it('agrees with the official test labels for every sample image', () => {
    const official = parseIdx(readFileSync(join(SAMPLE_DIR, OFFICIAL_FILES.testLabels.name))).data;
    for (const split of ['train', 'test'] as const) {
      const entry = manifest.splits[split];
      const labels = parseIdx(readFileSync(join(SAMPLE_DIR, entry.labels.file))).data;
      entry.officialTestIndices.forEach((official_index, k) => expect(labels[k]).toBe(official[official_index]));
    }
  });
});
