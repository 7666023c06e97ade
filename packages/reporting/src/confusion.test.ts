import { describe, expect, it } from 'vitest';
import { makeRun } from './__fixtures__/make-run.js';
import { FIXTURE_RUNS } from './__fixtures__/runs.js';
import { confusionMatrix, confusionMatrixOfRuns, runConfusionMatrix } from './confusion.js';

describe('confusionMatrix', () => {
  it('counts true class × predicted class on a small fixed case', () => {
    const labels = [0, 0, 0, 1, 1, 2, 2, 2, 2];
    const predictions = [0, 1, 0, 1, 1, 2, 0, 2, 1];
    expect(confusionMatrix(predictions, labels)).toEqual([
      [2, 1, 0],
      [0, 2, 0],
      [1, 1, 2],
    ]);
    expect(confusionMatrix(Int32Array.from(predictions), Int32Array.from(labels), 4)).toEqual([
      [2, 1, 0, 0],
      [0, 2, 0, 0],
      [1, 1, 2, 0],
      [0, 0, 0, 0],
    ]);
  });

  it('names bad input', () => {
    expect(() => confusionMatrix([0, 1], [0])).toThrow(/2 predictions for 1 labels/);
    expect(() => confusionMatrix([0, 3], [0, 1], 3)).toThrow(/prediction 3 at index 1 is not a class index below 3/);
    const [run] = FIXTURE_RUNS;
    expect(() => confusionMatrixOfRuns([{ ...run!, testPredictions: undefined as unknown as number[] }])).toThrow(/testPredictions/);
  });

  it("builds a run's matrix and sums the seeds of a row", () => {
    // vgg5-ce seed 1 of the fixture: wrong at 0–7, predicting the next class: 2 errors per class.
    const seed1 = FIXTURE_RUNS.find((r) => r.row === 'vgg5-ce' && r.seed === 1);
    expect(seed1 && runConfusionMatrix(seed1)).toEqual([
      [8, 2, 0, 0],
      [0, 8, 2, 0],
      [0, 0, 8, 2],
      [2, 0, 0, 8],
    ]);
    const sum = confusionMatrixOfRuns(FIXTURE_RUNS.filter((r) => r.row === 'vgg5-ce'));
    // seed 2 is wrong at 0–6: classes 0, 1, 2 twice and class 3 once.
    expect(sum).toEqual([
      [16, 4, 0, 0],
      [0, 16, 4, 0],
      [0, 0, 16, 4],
      [3, 0, 0, 17],
    ]);
    expect(sum.flat().reduce((a, b) => a + b, 0)).toBe(80);
    expect(() => confusionMatrixOfRuns([makeRun('a', 1, []), makeRun('a', 2, [], { size: 8 })])).toThrow(
      /a seed 2 has 8 test examples, a seed 1 20/,
    );
  });
});
