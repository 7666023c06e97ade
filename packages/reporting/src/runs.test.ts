import { describe, expect, it } from 'vitest';
import { makeRun } from './__fixtures__/make-run.js';
import { FIXTURE_RUNS } from './__fixtures__/runs.js';
import { countCorrect, validateRun, validateRuns, type EpochAccuracies, type RunRecord } from './runs.js';

describe('validateRun', () => {
  it('accepts the fixture runs and typed arrays', () => {
    expect(() => validateRuns(FIXTURE_RUNS)).not.toThrow();
    const run = makeRun('vgg5-ce', 1, [0, 3]);
    expect(() =>
      validateRun({ ...run, testPredictions: Int32Array.from(run.testPredictions), testLabels: Int32Array.from(run.testLabels) }),
    ).not.toThrow();
  });

  it('rejects accuracies outside [0, 1], hinting at percents', () => {
    expect(() => validateRun(makeRun('vgg5-ce', 1, [], { bestTestAccuracy: 95.9 }))).toThrow(
      /vgg5-ce seed 1: bestTestAccuracy is 95.9, outside \[0, 1\] \(it looks like a percent/,
    );
    expect(() => validateRun(makeRun('vgg5-ce', 1, [], { valSelectedTestAccuracy: -0.1 }))).toThrow(
      /valSelectedTestAccuracy is -0.1, outside/,
    );
    const run = makeRun('vgg5-ce', 2, []);
    expect(() => validateRun({ ...run, epochs: [{ epoch: 1, trainAccuracy: 1.2, testAccuracy: 0.5 }] })).toThrow(
      /vgg5-ce seed 2: epochs\[0\]\.trainAccuracy is 1.2/,
    );
    expect(() => validateRun({ ...run, epochs: [{ epoch: 1, trainAccuracy: 0.2, testAccuracy: Number.NaN }] })).toThrow(
      /testAccuracy is NaN/,
    );
  });

  it('rejects predictions and labels of different lengths', () => {
    const run = makeRun('vgg5-minent', 3, []);
    expect(() => validateRun({ ...run, testPredictions: run.testPredictions.slice(1) })).toThrow(
      /vgg5-minent seed 3: 19 test predictions for 20 test labels/,
    );
  });

  it('rejects an accuracy its predictions do not give', () => {
    expect(() => validateRun(makeRun('vgg5-ce', 1, [0, 1], { bestTestAccuracy: 0.95 }))).toThrow(
      /bestTestAccuracy 0.95 does not match its test predictions \(18 of 20 correct = 0.9\)/,
    );
    // Float noise below half an image is accepted.
    expect(() => validateRun(makeRun('vgg5-ce', 1, [0, 1], { bestTestAccuracy: 0.9000001 }))).not.toThrow();
  });

  it('rejects a best epoch that is not the best of its epochs', () => {
    const run = makeRun('vgg5-ce', 1, [0, 1]);
    expect(() => validateRun({ ...run, bestEpoch: 99 })).toThrow(/vgg5-ce seed 1: bestEpoch 99 is not among the run's epochs \(1, 2\)/);
    expect(() => validateRun({ ...run, bestEpoch: 1.5 })).toThrow(/bestEpoch is 1.5, expected an integer/);
    expect(() => validateRun({ ...run, bestEpoch: 1 })).toThrow(/bestTestAccuracy 0.9 is not the test accuracy of bestEpoch 1 \(0.45\)/);
    const later = { epoch: 3, trainAccuracy: 0.8, testAccuracy: 0.95 };
    expect(() => validateRun({ ...run, epochs: [...run.epochs, later] })).toThrow(
      /epoch 3 has a better test accuracy \(0.95\) than bestEpoch 2/,
    );
    // A tie with a later epoch is the same selection, and a run with no epochs recorded has nothing to check.
    expect(() => validateRun({ ...run, epochs: [...run.epochs, { ...later, testAccuracy: 0.9 }] })).not.toThrow();
    expect(() => validateRun({ ...run, epochs: [] })).not.toThrow();
  });

  it('names an epoch entry that is not an object', () => {
    const run = makeRun('vgg5-ce', 1, []);
    expect(() => validateRun({ ...run, epochs: [null as unknown as EpochAccuracies] })).toThrow(
      /vgg5-ce seed 1: epochs\[0\] is null, expected an object/,
    );
  });

  it('rejects class indices that are not class indices', () => {
    const run = makeRun('vgg5-ce', 1, []);
    expect(() => validateRun({ ...run, testLabels: [...run.testLabels.slice(0, 19), 1.5] })).toThrow(/testLabels\[19\] is 1.5/);
    expect(() => validateRun({ ...run, numClasses: 3 })).toThrow(/class index 3 is not below numClasses 3/);
    expect(() => validateRun({ ...run, testLabels: [], testPredictions: [] })).toThrow(/testPredictions is empty/);
  });
});

describe('validateRuns', () => {
  it('rejects runs of one row with different test-set lengths', () => {
    const runs = [makeRun('vgg5-ce', 1, []), makeRun('vgg5-ce', 2, [], { size: 24 })];
    expect(() => validateRuns(runs)).toThrow(
      /row vgg5-ce: its runs have different test-set lengths \(vgg5-ce seed 1: 20, vgg5-ce seed 2: 24\)/,
    );
  });

  it('rejects rows on different test sets', () => {
    expect(() => validateRuns([makeRun('vgg5-ce', 1, []), makeRun('vgg5-minent', 1, [], { size: 24 })])).toThrow(
      /vgg5-minent seed 1 has 24 test labels but vgg5-ce seed 1 has 20/,
    );
    expect(() => validateRuns([makeRun('vgg5-ce', 1, []), makeRun('vgg5-minent', 1, [], { classes: 5 })])).toThrow(
      /vgg5-minent seed 1: testLabels differ from those of vgg5-ce seed 1 at index 4 \(4 vs 0\)/,
    );
  });

  it('rejects a row × seed given twice, names that change between seeds, and no runs', () => {
    expect(() => validateRuns([makeRun('vgg5-ce', 1, []), makeRun('vgg5-ce', 1, [2])])).toThrow(/vgg5-ce seed 1 appears twice/);
    expect(() => validateRuns([makeRun('vgg5-ce', 1, []), makeRun('vgg5-ce', 2, [], { model: 'VGG-5 ×0.25' })])).toThrow(
      /row vgg5-ce: display names differ between seeds/,
    );
    expect(() => validateRuns([] as RunRecord[])).toThrow(/no runs to report/);
  });
});

describe('countCorrect', () => {
  it('counts matches and checks lengths', () => {
    expect(countCorrect([0, 1, 2], [0, 2, 2])).toBe(2);
    expect(() => countCorrect([0], [0, 1])).toThrow(/1 predictions for 2 labels/);
  });
});
