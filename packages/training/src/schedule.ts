import type { Rng } from '@mixent/data';

/**
 * The reference schedule (SpinalNet's EMNIST scripts): after an epoch whose test accuracy does
 * not beat the best so far, the learning rate becomes base · u³ with u ~ U[0, 1); otherwise it
 * is kept. u comes from the run's seeded generator. The 'constant' schedule never changes it.
 */
export function nextLearningRate(
  schedule: 'reference' | 'constant',
  baseLearningRate: number,
  current: number,
  improved: boolean,
  rng: Rng,
): number {
  if (schedule === 'constant' || improved) return current;
  return baseLearningRate * rng.next() ** 3;
}
