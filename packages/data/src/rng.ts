import seedrandom from 'seedrandom';

/**
 * The complete state of an Rng (Alea's three seeds and carry): JSON-serializable, so checkpoints can store and
 * restore it. Spelled out rather than taken from @types/seedrandom, which installs need not have.
 */
export interface RngState {
  c: number;
  s0: number;
  s1: number;
  s2: number;
}

/**
 * A seeded pseudo-random generator (Alea, from seedrandom) whose state can be saved and
 * restored, so that a resumed run draws exactly what an uninterrupted one would have drawn.
 */
export class Rng {
  private constructor(private readonly prng: seedrandom.StatefulPRNG<RngState>) {}

  /** A generator seeded by a number or string; equal seeds give equal sequences. */
  static fromSeed(seed: number | string): Rng {
    return new Rng(seedrandom.alea(String(seed), { state: true }));
  }

  /** A generator that continues exactly where the one that produced `state` was. */
  static fromState(state: RngState): Rng {
    return new Rng(seedrandom.alea('', { state }));
  }

  /** A uniform float in [0, 1). */
  next(): number {
    return this.prng();
  }

  /** A uniform float in [low, high). */
  uniform(low: number, high: number): number {
    return low + (high - low) * this.prng();
  }

  /** A uniform integer in [low, high), like torch.randint(low, high). */
  int(low: number, high: number): number {
    if (!(high > low)) throw new RangeError(`Rng.int: empty range [${low}, ${high})`);
    return low + Math.floor(this.prng() * (high - low));
  }

  /** Shuffles an array in place (Fisher–Yates) and returns it. */
  shuffle<T extends { length: number; [i: number]: unknown }>(array: T): T {
    for (let i = array.length - 1; i > 0; i--) {
      const j = Math.floor(this.prng() * (i + 1));
      const t = array[i];
      array[i] = array[j];
      array[j] = t;
    }
    return array;
  }

  /** The generator's current state (a copy). */
  state(): RngState {
    return this.prng.state();
  }
}
