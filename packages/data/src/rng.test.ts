import { describe, expect, it } from 'vitest';
import { Rng, type RngState } from './rng.js';

describe('Rng', () => {
  it('repeats its sequence for a seed and differs across seeds', () => {
    const draw = (seed: number | string) =>
      Array.from(
        { length: 5 },
        (
          (rng) => () =>
            rng.next()
        )(Rng.fromSeed(seed)),
      );
    expect(draw(1)).toEqual(draw(1));
    expect(draw(1)).not.toEqual(draw(2));
    expect(draw('1')).toEqual(draw(1));
  });

  it('continues exactly from a saved state, through JSON', () => {
    const rng = Rng.fromSeed(42);
    for (let i = 0; i < 10; i++) rng.next();
    const saved = JSON.parse(JSON.stringify(rng.state())) as RngState;
    // RngState spells out seedrandom's Alea state: its fields must be exactly these numbers.
    expect(Object.keys(saved).sort()).toEqual(['c', 's0', 's1', 's2']);
    expect(Object.values(saved).every((v) => typeof v === 'number')).toBe(true);
    const expected = Array.from({ length: 10 }, () => rng.next());
    const restored = Rng.fromState(saved);
    expect(Array.from({ length: 10 }, () => restored.next())).toEqual(expected);
  });

  it('draws integers in [low, high) and uniform floats in range', () => {
    const rng = Rng.fromSeed(3);
    const ints = Array.from({ length: 5000 }, () => rng.int(2, 5));
    expect(new Set(ints)).toEqual(new Set([2, 3, 4]));
    const floats = Array.from({ length: 5000 }, () => rng.uniform(-10, 10));
    expect(Math.min(...floats)).toBeGreaterThanOrEqual(-10);
    expect(Math.max(...floats)).toBeLessThan(10);
    expect(Math.abs(floats.reduce((a, b) => a + b, 0) / floats.length)).toBeLessThan(0.5);
    expect(() => rng.int(3, 3)).toThrow(/empty range/);
  });

  it('shuffles into a permutation', () => {
    const shuffled = Rng.fromSeed(9).shuffle(Array.from({ length: 100 }, (_, i) => i));
    expect([...shuffled].sort((a, b) => a - b)).toEqual(Array.from({ length: 100 }, (_, i) => i));
    expect(shuffled).not.toEqual(Array.from({ length: 100 }, (_, i) => i));
  });
});
