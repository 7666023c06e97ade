import { Rng, type RngState } from '@mixent/data';

/**
 * tfjs draws dropout masks from Math.random when no seed is given (a seeded tfjs Dropout
 * repeats one mask on every step). To make runs repeatable, training replaces Math.random with
 * a seeded generator, whose state is checkpointed, and restores the original afterwards.
 */
export class SeededMathRandom {
  private readonly original = Math.random;
  private constructor(private readonly rng: Rng) {}

  /** Installs a generator continuing from `state` (a fresh run's comes from Rng.fromSeed). */
  static install(state: RngState): SeededMathRandom {
    const installed = new SeededMathRandom(Rng.fromState(state));
    Math.random = () => installed.rng.next();
    return installed;
  }

  /** The generator's state, for a checkpoint. */
  state(): RngState {
    return this.rng.state();
  }

  /** Puts the original Math.random back. */
  uninstall(): void {
    Math.random = this.original;
  }
}
