import { join } from 'node:path';
import { beforeAll, expect, it } from 'vitest';
import { describeWithPyTorch, runTorchReference } from '../../../tools/torch-reference/pytorch.js';
import { type AugmentOptions, augmentImage } from './augment.js';
import { IMAGE_PIXELS, IMAGE_SIZE, type LetterSet } from './emnist.js';
import { Rng } from './rng.js';
import { SAMPLE_DIR, loadSample } from './sample.js';

/**
 * The augmentation's output distribution against torchvision's own transform (tools/torch-reference/augment_draws.py),
 * on the same real images. The pixel-for-pixel tests (augment.test.ts) fix the parameters; these check the random
 * draws: which corners, how often the perspective applies, which angles, and the orientation the reference augments
 * in (torchvision's transposed images, turned back upright here).
 *
 * Each output image is summarised by eight statistics, each as a change from its source image's, pooled over the
 * images. Both sides hold the same images the same number of times, so under the null hypothesis (same distribution)
 * each pooled statistic has the same distribution on both sides, and a two-sample Kolmogorov–Smirnov test applies.
 * False-alarm rate: 1e-3 for the whole family of statistics (Bonferroni), from the asymptotic KS critical value, which
 * is conservative for the ties of discrete statistics.
 */

const IMAGES = 40;
const DRAWS = 100;
const FAMILY_FALSE_ALARM = 1e-3;

const STATISTICS = ['ink', 'centre x', 'centre y', 'variance x', 'variance y', 'covariance xy', 'orientation', 'unchanged pixels'] as const;

/** The statistics of an upright image; `source` is the image it was drawn from (for the unchanged fraction). */
function statistics(image: Uint8Array, source: Uint8Array): number[] {
  let m0 = 0;
  let mx = 0;
  let my = 0;
  let unchanged = 0;
  for (let i = 0; i < IMAGE_PIXELS; i++) {
    const v = image[i] as number;
    m0 += v;
    mx += v * (i % IMAGE_SIZE);
    my += v * Math.floor(i / IMAGE_SIZE);
    if (v === source[i]) unchanged++;
  }
  const cx = mx / m0;
  const cy = my / m0;
  let vxx = 0;
  let vyy = 0;
  let vxy = 0;
  for (let i = 0; i < IMAGE_PIXELS; i++) {
    const v = image[i] as number;
    const dx = (i % IMAGE_SIZE) - cx;
    const dy = Math.floor(i / IMAGE_SIZE) - cy;
    vxx += v * dx * dx;
    vyy += v * dy * dy;
    vxy += v * dx * dy;
  }
  // The principal axis' angle, in degrees (a rotation by θ turns it by θ).
  const orientation = (90 / Math.PI) * Math.atan2(2 * vxy, vxx - vyy);
  return [m0 / 255, cx, cy, vxx / m0, vyy / m0, vxy / m0, orientation, unchanged / IMAGE_PIXELS];
}

/** An angle difference in degrees, taken into [-90, 90): an axis has no direction. */
function halfTurn(degrees: number): number {
  return ((((degrees + 90) % 180) + 180) % 180) - 90;
}

/** Per statistic, the pooled changes of the outputs from their sources' statistics; outputs are image-major. */
function pooledChanges(outputs: Uint8Array[], sources: Uint8Array[]): number[][] {
  const columns = STATISTICS.map(() => [] as number[]);
  outputs.forEach((output, k) => {
    const source = sources[Math.floor(k / DRAWS)] as Uint8Array;
    const base = statistics(source, source);
    statistics(output, source).forEach((s, j) =>
      columns[j]?.push(STATISTICS[j] === 'orientation' ? halfTurn(s - (base[j] as number)) : s - (base[j] as number)),
    );
  });
  return columns;
}

/** The two-sample Kolmogorov–Smirnov statistic: the largest gap between the empirical distribution functions. */
function ksStatistic(a: readonly number[], b: readonly number[]): number {
  const x = [...a].sort((p, q) => p - q);
  const y = [...b].sort((p, q) => p - q);
  let i = 0;
  let j = 0;
  let d = 0;
  while (i < x.length && j < y.length) {
    const t = Math.min(x[i] as number, y[j] as number);
    while (i < x.length && (x[i] as number) <= t) i++;
    while (j < y.length && (y[j] as number) <= t) j++;
    d = Math.max(d, Math.abs(i / x.length - j / y.length));
  }
  return d;
}

/** The asymptotic critical value of the two-sample KS statistic at false-alarm rate alpha: c(α)·√((n+m)/(n·m)). */
function ksCritical(n: number, m: number, alpha: number): number {
  return Math.sqrt(-Math.log(alpha / 2) / 2) * Math.sqrt((n + m) / (n * m));
}

/** Each statistic's KS distance between mixent's draws (with `options`) and torchvision's, and whether it rejects. */
function compare(options: AugmentOptions, seed: number): { statistic: string; distance: number; rejects: boolean }[] {
  const ours = sources.flatMap((image) => {
    const rng = Rng.fromSeed(seed * 1000 + sources.indexOf(image));
    return Array.from({ length: DRAWS }, () => augmentImage(image, rng, options));
  });
  const a = pooledChanges(ours, sources);
  const b = pooledChanges(theirs, sources);
  const critical = ksCritical(ours.length, theirs.length, FAMILY_FALSE_ALARM / STATISTICS.length);
  return STATISTICS.map((statistic, j) => {
    const distance = ksStatistic(a[j] as number[], b[j] as number[]);
    return { statistic, distance, rejects: distance > critical };
  });
}

let sources: Uint8Array[];
let theirs: Uint8Array[];

describeWithPyTorch("the augmentation's output distribution against torchvision's", () => {
  beforeAll(async () => {
    const test: LetterSet = await loadSample('test');
    const indices = Array.from({ length: IMAGES }, (_, k) => Math.floor((k * test.count) / IMAGES));
    sources = indices.map((i) => test.images.slice(i * IMAGE_PIXELS, (i + 1) * IMAGE_PIXELS));
    const encoded = await runTorchReference('augment_draws.py', [
      '--images',
      join(SAMPLE_DIR, 'sample-test-images-idx3-ubyte.gz'),
      '--indices',
      indices.join(','),
      '--draws',
      String(DRAWS),
      '--seed',
      '1',
    ]);
    const bytes = Buffer.from(encoded, 'base64');
    expect(bytes.length).toBe(IMAGES * DRAWS * IMAGE_PIXELS);
    theirs = Array.from({ length: IMAGES * DRAWS }, (_, k) => new Uint8Array(bytes.subarray(k * IMAGE_PIXELS, (k + 1) * IMAGE_PIXELS)));
  }, 120_000);

  it('is torchvision RandomPerspective() then RandomRotation(10, fill=0): no statistic tells them apart', () => {
    expect(compare({}, 1).filter((c) => c.rejects)).toEqual([]);
  });

  it.each([
    ['a rotation of ±13° instead of ±10°', { rotationDegrees: 13 }, 'orientation'],
    ['a perspective on 35% of images instead of 50%', { perspectiveProbability: 0.35 }, 'unchanged pixels'],
    ['a distortion scale of 0.35 instead of 0.5', { distortionScale: 0.35 }, 'ink'],
  ] as const)('tells %s apart (the same test can fail)', (_what, options, statistic) => {
    expect(
      compare(options, 1)
        .filter((c) => c.rejects)
        .map((c) => c.statistic),
    ).toContain(statistic);
  });
});
