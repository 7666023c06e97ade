import { describe, expect, it } from 'vitest';
import { makeRun } from './__fixtures__/make-run.js';
import { FIXTURE_PUBLISHED, FIXTURE_RUNS, FIXTURE_TABLE } from './__fixtures__/runs.js';
import { describeSignificance } from './summary.js';
import { buildPaperTable } from './table.js';

const configuration = 'unit test';

describe('describeSignificance', () => {
  it("states each row's verdict from the numbers of the fixture table", () => {
    const text = describeSignificance(buildPaperTable(FIXTURE_RUNS, FIXTURE_TABLE));
    const lines = text.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^Against the baseline \(VGG-5, cross entropy\).*5% level \(40 test images: one image is 2.5 points\)\.$/);
    expect(lines.slice(2)).toEqual([
      '- **Spinal-VGG, cross entropy**: not significant at 5% in either seed (seed 1: p = 1.000; seed 2: p = 0.375). ' +
        'Mean difference -1.5 images of 40 (-3.75 points). Paper: +0.02 points over its baseline (about +4 of 20,800 images), one run, no test.',
      '- **VGG-5, MIN-ENT**: significant at 5% in 1 of 2 seeds only (better in that seed; seed 1: p = 0.039; seed 2: p = 0.125), ' +
        'not consistent across seeds. Mean difference +6.0 images of 40 (+15.00 points). ' +
        'Paper: +0.073 points over its baseline (about +15 of 20,800 images), one run, no test.',
      '- **VGG-5, MIX-ENT**: significantly worse at 5% in both seeds (seed 1: p = 0.008; seed 2: p = 0.031). ' +
        'Mean difference -7.0 images of 40 (-17.50 points). Paper: +0.067 points over its baseline (about +14 of 20,800 images), one run, no test.',
    ]);
  });

  it('handles three seeds, rows without a paper value, unpaired and untested seeds', () => {
    const size = 3_800;
    const runs = [
      ...[1, 2, 3].map((seed) =>
        makeRun(
          'vgg5-ce',
          seed,
          Array.from({ length: 40 }, (_, i) => i),
          { size },
        ),
      ),
      // 40 fixed, 3 new errors → b = 40, c = 3 each seed: p = 2 · (1 + 43 + 903 + 12341)/2^43 = 3.02e-9.
      ...[1, 2, 3].map((seed) => makeRun('vgg5-focal', seed, [100, 101, 102], { size, loss: 'focal' })),
      makeRun('vgg5-other', 9, [], { size, loss: 'other' }),
    ];
    const text = describeSignificance(buildPaperTable(runs, { configuration, baselineRow: 'vgg5-ce', published: FIXTURE_PUBLISHED }));
    expect(text).toContain('(3,800 test images: one image is 0.026 points)');
    expect(text).toMatch(
      /- \*\*VGG-5, focal\*\*: significantly better at 5% in all 3 seeds \(seed 1: p = 3\.0e-9; seed 2: p = 3\.0e-9; seed 3: p = 3\.0e-9\)\. Mean difference \+37\.0 images of 3,800 \(\+0\.97 points\)\.\n/,
    );
    expect(text).toContain('- **VGG-5, other**: not tested: the baseline has no run with seed 9.');
  });

  it('says when every seed is significant but not in the same direction', () => {
    const size = 400;
    const wrong = Array.from({ length: 20 }, (_, i) => i);
    // Seed 1: MIN-ENT gets 20 images wrong that the baseline gets right; seed 2 the reverse. p = 2 · 2^-20 each.
    const runs = [
      makeRun('vgg5-ce', 1, [], { size }),
      makeRun('vgg5-ce', 2, wrong, { size }),
      makeRun('vgg5-minent', 1, wrong, { size }),
      makeRun('vgg5-minent', 2, [], { size }),
    ];
    expect(describeSignificance(buildPaperTable(runs, { configuration, baselineRow: 'vgg5-ce', published: FIXTURE_PUBLISHED }))).toContain(
      '- **VGG-5, MINENT**: significant at 5% in both seeds but in opposite directions (1 better, 1 worse; seed 1: p = 1.9e-6; seed 2: p = 1.9e-6), ' +
        'not consistent across seeds. Mean difference 0.0 images of 400 (0.00 points).',
    );
  });

  it('names seeds that were not tested', () => {
    const runs = [makeRun('vgg5-ce', 1, [0]), makeRun('vgg5-minent', 1, [0]), makeRun('vgg5-minent', 4, []), makeRun('vgg5-minent', 5, [])];
    expect(describeSignificance(buildPaperTable(runs, { configuration, baselineRow: 'vgg5-ce', published: FIXTURE_PUBLISHED }))).toContain(
      'not significant at 5% in its one tested seed (seed 1: p = 1.000). Mean difference 0.0 images of 20 (0.00 points). ' +
        'Paper: +0.073 points over its baseline (about +15 of 20,800 images), one run, no test. Seeds 4 and 5 had no baseline run with the same seed and were not tested.',
    );
  });

  it('says so when there is nothing to compare', () => {
    expect(
      describeSignificance(
        buildPaperTable([makeRun('vgg5-ce', 1, [])], { configuration, baselineRow: 'vgg5-ce', published: FIXTURE_PUBLISHED }),
      ),
    ).toMatch(/There is no other row to compare\.\n$/);
  });
});
