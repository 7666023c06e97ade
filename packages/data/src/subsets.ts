import { IMAGE_PIXELS, type LetterSet } from './emnist.js';
import type { Rng } from './rng.js';

/** The result of a stratified split: indices into the set, each part in ascending order. */
export interface StratifiedSplit {
  /** The indices taken from each class. */
  taken: number[];
  /** All the other indices. */
  rest: number[];
}

/**
 * Splits indices class by class: for each class (in ascending label order), a seeded shuffle of
 * its indices, of which the first `take(n)` are taken (n = the class's size). So the split is
 * deterministic under the generator's seed and keeps class proportions.
 */
export function stratifiedSplit(labels: ArrayLike<number>, rng: Rng, take: number | ((classSize: number) => number)): StratifiedSplit {
  const byClass = new Map<number, number[]>();
  for (let i = 0; i < labels.length; i++) {
    const label = labels[i] as number;
    const members = byClass.get(label);
    if (members) members.push(i);
    else byClass.set(label, [i]);
  }
  const taken: number[] = [];
  const rest: number[] = [];
  for (const label of [...byClass.keys()].sort((a, b) => a - b)) {
    const members = rng.shuffle(byClass.get(label) as number[]);
    const k = typeof take === 'number' ? take : take(members.length);
    if (!Number.isInteger(k) || k < 0 || k > members.length) {
      throw new RangeError(`stratifiedSplit: cannot take ${k} of the ${members.length} examples of class ${label}`);
    }
    taken.push(...members.slice(0, k));
    rest.push(...members.slice(k));
  }
  return { taken: taken.sort((a, b) => a - b), rest: rest.sort((a, b) => a - b) };
}

/** A new LetterSet of the given examples, in the given order. */
export function selectExamples(set: LetterSet, indices: readonly number[]): LetterSet {
  const images = new Uint8Array(indices.length * IMAGE_PIXELS);
  const labels = new Uint8Array(indices.length);
  indices.forEach((i, k) => {
    if (!Number.isInteger(i) || i < 0 || i >= set.count) throw new RangeError(`selectExamples: index ${i} is outside 0..${set.count - 1}`);
    images.set(set.images.subarray(i * IMAGE_PIXELS, (i + 1) * IMAGE_PIXELS), k * IMAGE_PIXELS);
    labels[k] = set.labels[i] as number;
  });
  return { images, labels, count: indices.length };
}
