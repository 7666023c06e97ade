import { describe, expect, it } from 'vitest';
import { entropy, letterRanges, outputName, softmax, topK } from './prediction.js';

describe('the numbers each card shows', () => {
  it('softmax sums to 1, keeps the order of the logits and survives large logits', () => {
    const p = softmax([1000, 999, 998]);
    expect(p.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
    // e^0 : e^-1 : e^-2, normalized.
    const z = 1 + Math.exp(-1) + Math.exp(-2);
    expect(Array.from(p)).toEqual([1 / z, Math.exp(-1) / z, Math.exp(-2) / z].map((v) => expect.closeTo(v, 12)));
  });

  it('entropy is ln n for a uniform prediction over n outputs and 0 for a certain one', () => {
    expect(entropy(new Array(62).fill(1 / 62))).toBeCloseTo(Math.log(62), 12);
    expect(entropy([0, 1, 0])).toBe(0);
    expect(entropy([0.5, 0.25, 0.25])).toBeCloseTo(1.5 * Math.LN2, 12);
  });

  it('topK ranks by probability, ties in output order', () => {
    expect(topK([0.1, 0.4, 0.1, 0.4], 3)).toEqual([
      { index: 1, probability: 0.4 },
      { index: 3, probability: 0.4 },
      { index: 0, probability: 0.1 },
    ]);
  });

  it('names outputs by letter, and the unused outputs of the 62 by number', () => {
    expect([0, 18, 25, 26, 61].map(outputName)).toEqual(['a', 's', 'z', '#26', '#61']);
  });

  it('writes letters as ranges', () => {
    expect(letterRanges('abcdefghijklmnopqrs')).toBe('a–s');
    expect(letterRanges('zxcba')).toBe('a–c, x, z');
    expect(letterRanges('abdf')).toBe('a, b, d, f');
  });
});
