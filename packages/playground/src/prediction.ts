import { LETTERS } from '@mixent/data';

/** One output of a model with its probability. */
export interface Ranked {
  /** The output's index: 0..25 are the letters a..z, higher ones are outputs of EMNIST's 62 that no letter uses. */
  index: number;
  probability: number;
}

/** The softmax of logits, in float64 (max-shifted, so large logits do not overflow). */
export function softmax(logits: ArrayLike<number>): Float64Array {
  const max = Math.max(...Array.from(logits));
  const exps = Float64Array.from(logits, (z) => Math.exp(z - max));
  const total = exps.reduce((a, b) => a + b, 0);
  return exps.map((e) => e / total);
}

/** The entropy H(p) = −Σ p ln p of a distribution, in nats (0 ln 0 = 0). */
export function entropy(probabilities: ArrayLike<number>): number {
  let sum = 0;
  for (const p of Array.from(probabilities)) if (p > 0) sum -= p * Math.log(p);
  return sum;
}

/** The k most probable outputs, most probable first (ties in output order). */
export function topK(probabilities: ArrayLike<number>, k: number): Ranked[] {
  return Array.from(probabilities, (probability, index) => ({ index, probability }))
    .sort((a, b) => b.probability - a.probability || a.index - b.index)
    .slice(0, k);
}

/** The name of an output: its letter, or "#n" for the outputs of EMNIST's 62 that are not letters. */
export function outputName(index: number): string {
  return LETTERS[index] ?? `#${index}`;
}

/** Letters as ranges, for people: "abcdefghijklmnopqrs" → "a–s", "abcxz" → "a–c, x, z". */
export function letterRanges(letters: string): string {
  const codes = [...new Set(letters)].map((c) => c.charCodeAt(0)).sort((a, b) => a - b);
  const ranges: string[] = [];
  for (let i = 0; i < codes.length;) {
    let j = i;
    while (j + 1 < codes.length && codes[j + 1] === (codes[j] as number) + 1) j++;
    const [first, last] = [String.fromCharCode(codes[i] as number), String.fromCharCode(codes[j] as number)];
    ranges.push(j === i ? first : j === i + 1 ? `${first}, ${last}` : `${first}–${last}`);
    i = j + 1;
  }
  return ranges.join(', ');
}
