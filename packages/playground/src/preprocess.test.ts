import { beforeAll, describe, expect, it } from 'vitest';
import { type LetterSet, imageAt, loadSample } from '@mixent/data';
import { type InkImage, emnistPixels, gaussianBlur } from './preprocess.js';

/** An image drawn large: each pixel of a 28×28 image becomes a `scale`×`scale` block, offset on a bigger surface. */
function enlarge(pixels: Uint8Array, scale: number, size: number, offset: [number, number] = [0, 0]): InkImage {
  const ink = new Float32Array(size * size);
  for (let y = 0; y < 28 * scale; y++) {
    for (let x = 0; x < 28 * scale; x++) {
      ink[(y + offset[1]) * size + x + offset[0]] = (pixels[Math.floor(y / scale) * 28 + Math.floor(x / scale)] as number) / 255;
    }
  }
  return { width: size, height: size, ink };
}

/** Pearson's correlation of two images. */
function correlation(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const n = a.length;
  const mean = (v: ArrayLike<number>) => Array.from(v).reduce((s, x) => s + x, 0) / n;
  const [ma, mb] = [mean(a), mean(b)];
  let [ab, aa, bb] = [0, 0, 0];
  for (let i = 0; i < n; i++) {
    const [da, db] = [(a[i] as number) - ma, (b[i] as number) - mb];
    ab += da * db;
    aa += da * da;
    bb += db * db;
  }
  return ab / Math.sqrt(aa * bb);
}

describe('a drawing made into an EMNIST image', () => {
  let test: LetterSet;
  beforeAll(async () => {
    test = await loadSample('test');
  });

  it('gives nothing for an empty drawing', () => {
    expect(emnistPixels({ width: 280, height: 280, ink: new Float32Array(280 * 280) })).toBeUndefined();
  });

  it('gives back the sample images (converted by EMNIST itself) drawn ten times larger', () => {
    const scores = Array.from({ length: 76 }, (_, k) => {
      const original = imageAt(test, k * 50);
      const converted = emnistPixels(enlarge(original, 10, 280)) as Uint8Array;
      expect(Math.max(...converted)).toBe(255);
      return correlation(original, converted);
    }).sort((a, b) => a - b);
    // A few sample images hold stray marks that EMNIST framed with the letter and the half-peak box leaves out.
    expect(scores[Math.floor(scores.length / 2)]).toBeGreaterThan(0.93);
    expect(scores[Math.floor(scores.length / 10)]).toBeGreaterThan(0.8);
  });

  it('centres and scales: where and how large the letter is drawn does not matter', () => {
    const original = imageAt(test, 7);
    const large = emnistPixels(enlarge(original, 10, 400, [60, 100])) as Uint8Array;
    const small = emnistPixels(enlarge(original, 5, 400, [250, 20])) as Uint8Array;
    expect(correlation(large, small)).toBeGreaterThan(0.97);
  });

  it('blurs with a normalized Gaussian: ink is kept, a point spreads symmetrically', () => {
    const ink = new Float32Array(21 * 21);
    ink[10 * 21 + 10] = 1;
    const blurred = gaussianBlur({ width: 21, height: 21, ink }, 2).ink;
    expect(blurred.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
    expect(blurred[10 * 21 + 8]).toBeCloseTo(blurred[8 * 21 + 10] as number, 7);
    // exp(-d²/2σ²) along one axis: two pixels away from the centre, σ = 2.
    expect((blurred[10 * 21 + 12] as number) / (blurred[10 * 21 + 10] as number)).toBeCloseTo(Math.exp(-0.5), 4);
  });
});
