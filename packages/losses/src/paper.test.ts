import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';

import type { LogBaseOptions, PaperLossOptions } from './options.js';
import { crossEntropy, entropy, minEntropyLoss, mixEntropyLoss, swappedCrossEntropy } from './paper.js';
import { MIN_ENT_PRESET, MIX_ENT_PRESET, PAPER_DEFAULTS } from './presets.js';
import type { PaperSettings } from './presets.js';
import type { Hypothesis64, Matrix } from './reference64.test-util.js';
import {
  crossEntropy64,
  entropy64,
  finiteDifferenceGradient,
  fromLogits64,
  fromProbabilities64,
  minEntropy64,
  mixEntropy64,
  randomCase,
  seededRandom,
  swappedCrossEntropy64,
} from './reference64.test-util.js';
import {
  GRADIENT_ATOL_OF_SCALE,
  GRADIENT_RTOL,
  VALUE_ATOL,
  VALUE_RTOL,
  expectClose,
  expectMatrixClose,
  labelsOf,
  randomCases,
  rowsOf,
  useCpuBackend,
  valueAndGradient,
  valueOf,
} from './testing.test-util.js';

beforeAll(useCpuBackend);

/** float32 softmax probabilities of a case, computed in float64 then rounded, for `fromProbabilities`. */
function probabilitiesOf(logits: Matrix): Matrix {
  return fromLogits64(logits).p.map((row) => row.map(Math.fround));
}

/**
 * S = Σ_terms |w| · (1 + ln(1/eps)) / |ln b|, the size of ∂ℓ/∂p·p for the terms of a loss (eps
 * floored at 1e-8, where ln p of the test logits ends), and the absolute gradient tolerance
 * 1e-6·S/N it implies for a batch of N.
 */
function gradientScale(terms: { w?: number; base?: number; eps?: number }[]): number {
  return terms.reduce(
    (s, { w = 1, base = Math.E, eps = 1e-6 }) => s + (Math.abs(w) * (1 + Math.log(1 / Math.max(eps, 1e-8)))) / Math.abs(Math.log(base)),
    0,
  );
}

function gradientTolerance(scale: number, logits: Matrix): number {
  return (GRADIENT_ATOL_OF_SCALE * scale) / logits.length;
}

function paperScale(options: Partial<PaperSettings>): number {
  const o = { ...PAPER_DEFAULTS, ...options };
  return gradientScale([
    { w: o.w1, base: o.b1, eps: o.eps },
    { w: o.w2, base: o.b2, eps: o.eps },
  ]);
}

interface PaperLossUnderTest {
  name: string;
  loss: (labels: tf.Tensor, logits: tf.Tensor, options?: PaperLossOptions) => tf.Scalar;
  reference: (y: Matrix, h: Hypothesis64, o: typeof PAPER_DEFAULTS) => number;
  optionSets: Partial<PaperSettings>[];
}

interface LogLossUnderTest {
  name: string;
  loss: (labels: tf.Tensor, logits: tf.Tensor, options?: LogBaseOptions) => tf.Scalar;
  reference: (y: Matrix, h: Hypothesis64, base: number, eps: number) => number;
  optionSets: LogBaseOptions[];
}

const LOG_OPTION_SETS: LogBaseOptions[] = [{}, { base: 2 }, { base: 10.73, eps: 1e-3 }, { base: 0.5 }, { base: 12.45, eps: 1e-8 }];
const PAPER_OPTION_SETS: Partial<PaperSettings>[] = [
  {},
  MIN_ENT_PRESET,
  MIX_ENT_PRESET,
  { w1: 0.3, w2: -0.7, b1: 3, b2: 0.25, eps: 1e-3 },
  { w1: 0, w2: 2, b1: 20, b2: 1.5, eps: 1e-8 },
  { w1: 2.5, w2: 0 },
];

const LOG_LOSSES: LogLossUnderTest[] = [
  {
    name: 'crossEntropy',
    loss: crossEntropy,
    reference: crossEntropy64,
    optionSets: [...LOG_OPTION_SETS, { eps: 0 }, { base: 2, eps: 0 }],
  },
  {
    name: 'entropy',
    loss: (_labels, logits, options) => entropy(logits, options),
    reference: (_y, h, b, e) => entropy64(h, b, e),
    optionSets: [...LOG_OPTION_SETS, { eps: 0 }],
  },
  { name: 'swappedCrossEntropy', loss: swappedCrossEntropy, reference: swappedCrossEntropy64, optionSets: LOG_OPTION_SETS },
];

const PAPER_LOSSES: PaperLossUnderTest[] = [
  {
    name: 'minEntropyLoss',
    loss: minEntropyLoss,
    reference: minEntropy64,
    optionSets: [...PAPER_OPTION_SETS, { eps: 0 }, { ...MIN_ENT_PRESET, eps: 0 }],
  },
  { name: 'mixEntropyLoss', loss: mixEntropyLoss, reference: mixEntropy64, optionSets: PAPER_OPTION_SETS },
];

/** Runs `check` on value and gradient of a loss against the reference, from logits and from probabilities. */
function compareWithReference(
  loss: (labels: tf.Tensor, logits: tf.Tensor, fromProbabilities: boolean) => tf.Scalar,
  reference: (y: Matrix, h: Hypothesis64) => number,
  seed: number,
  what: string,
  scale: number,
): void {
  for (const c of randomCases(seed, 12)) {
    const labels = labelsOf(c);
    const { value, gradient } = valueAndGradient((z) => loss(labels, z, false), c.logits);
    expectClose(value, reference(c.dense, fromLogits64(c.logits)), VALUE_RTOL, VALUE_ATOL, `${what} value`);
    const expected = finiteDifferenceGradient((z) => reference(c.dense, fromLogits64(z)), c.logits);
    expectMatrixClose(gradient, expected, GRADIENT_RTOL, gradientTolerance(scale, c.logits), `${what} gradient`);

    const probabilities = probabilitiesOf(c.logits);
    const fromProbabilities = valueOf(loss(labels, tf.tensor2d(probabilities), true));
    expectClose(
      fromProbabilities,
      reference(c.dense, fromProbabilities64(probabilities, 1e-7)),
      VALUE_RTOL,
      VALUE_ATOL,
      `${what} from probabilities`,
    );
    labels.dispose();
  }
}

describe('values and gradients against the float64 reference', () => {
  for (const { name, loss, reference, optionSets } of LOG_LOSSES) {
    optionSets.forEach((options, i) => {
      it(`${name} ${JSON.stringify(options)}`, () => {
        const base = options.base ?? Math.E;
        const eps = options.eps ?? 1e-6;
        compareWithReference(
          (labels, logits, fromProbabilities) => loss(labels, logits, { ...options, fromProbabilities }),
          (y, h) => reference(y, h, base, eps),
          100 + i,
          name,
          gradientScale([{ base, eps }]),
        );
      });
    });
  }
  for (const { name, loss, reference, optionSets } of PAPER_LOSSES) {
    optionSets.forEach((options, i) => {
      it(`${name} ${JSON.stringify(options)}`, () => {
        const settings = { ...PAPER_DEFAULTS, ...options };
        compareWithReference(
          (labels, logits, fromProbabilities) => loss(labels, logits, { ...options, fromProbabilities }),
          (y, h) => reference(y, h, settings),
          200 + i,
          name,
          paperScale(options),
        );
      });
    });
  }
});

describe('confident batches', () => {
  // Values near 0 (a well-fitted batch) keep 1e-5 relative precision, and gradients 1e-3 with a
  // 1000 times smaller absolute floor: ln p and ln(p + eps) near p = 1 come from log1p of the
  // non-maximal terms, and the gradient's top entry from 1 − p = s / (1 + s).
  it.each([
    [
      'crossEntropy eps 0',
      (y: tf.Tensor, z: tf.Tensor) => crossEntropy(y, z, { eps: 0 }),
      (y: Matrix, h: Hypothesis64) => crossEntropy64(y, h, Math.E, 0),
    ],
    [
      'crossEntropy',
      (y: tf.Tensor, z: tf.Tensor) => crossEntropy(y, z),
      (y: Matrix, h: Hypothesis64) => crossEntropy64(y, h, Math.E, 1e-6),
    ],
    ['entropy', (_y: tf.Tensor, z: tf.Tensor) => entropy(z, { eps: 1e-8 }), (_y: Matrix, h: Hypothesis64) => entropy64(h, Math.E, 1e-8)],
    [
      'minEntropyLoss',
      (y: tf.Tensor, z: tf.Tensor) => minEntropyLoss(y, z, MIN_ENT_PRESET),
      (y: Matrix, h: Hypothesis64) => minEntropy64(y, h, MIN_ENT_PRESET),
    ],
    [
      'mixEntropyLoss',
      (y: tf.Tensor, z: tf.Tensor) => mixEntropyLoss(y, z, MIX_ENT_PRESET),
      (y: Matrix, h: Hypothesis64) => mixEntropy64(y, h, MIX_ENT_PRESET),
    ],
  ] as const)('%s', (_name, loss, reference) => {
    const random = seededRandom(310);
    for (let i = 0; i < 20; i++) {
      const c = randomCase(random, 1 + Math.floor(random() * 16), 2 + Math.floor(random() * 61), 1, 'indices');
      // The true class leads by 7 to 14, so 1 − p_y is about K·e^−7 … K·e^−14, far above eps.
      const logits = c.logits.map((row, n) => row.map((v, k) => (k === c.indices[n] ? Math.fround(v + 7 + 7 * random()) : v)));
      const labels = tf.tensor1d(c.indices, 'int32');
      const { value, gradient } = valueAndGradient((z) => loss(labels, z), logits);
      expectClose(value, reference(c.dense, fromLogits64(logits)), VALUE_RTOL, 0, 'confident value');
      // The true class's entry −(1 − p_y)·…/N is computed without the cancellation of p_y − 1.
      const expected = finiteDifferenceGradient((z) => reference(c.dense, fromLogits64(z)), logits);
      expectMatrixClose(gradient, expected, GRADIENT_RTOL, 1e-3 * gradientTolerance(paperScale({}), logits), 'confident gradient');
      labels.dispose();
    }
  });
});

describe('closed-form gradients', () => {
  it('cross entropy with eps = 0 has gradient (softmax − onehot) / N', () => {
    for (const c of randomCases(300, 12)) {
      const labels = labelsOf(c);
      const { gradient } = valueAndGradient((z) => crossEntropy(labels, z, { eps: 0 }), c.logits);
      const { p } = fromLogits64(c.logits);
      const expected = p.map((row, n) => row.map((pk, k) => (pk - c.dense[n]![k]!) / c.logits.length));
      expectMatrixClose(gradient, expected, GRADIENT_RTOL, gradientTolerance(gradientScale([{ eps: 0 }]), c.logits), 'CE gradient');
      labels.dispose();
    }
  });

  it('cross entropy with eps has gradient q_y · (softmax − onehot) / (N ln b), q_y = p_y / (p_y + eps)', () => {
    for (const c of randomCases(301, 12).filter((x) => x.kind !== 'soft')) {
      const labels = labelsOf(c);
      const { gradient } = valueAndGradient((z) => crossEntropy(labels, z, { base: 2, eps: 1e-3 }), c.logits);
      const { p } = fromLogits64(c.logits);
      const expected = p.map((row, n) => {
        const py = row[c.indices[n]!]!;
        const q = py / (py + 1e-3);
        return row.map((pk, k) => (q * (pk - c.dense[n]![k]!)) / (c.logits.length * Math.log(2)));
      });
      expectMatrixClose(
        gradient,
        expected,
        GRADIENT_RTOL,
        gradientTolerance(gradientScale([{ base: 2, eps: 1e-3 }]), c.logits),
        'CE_eps gradient',
      );
      labels.dispose();
    }
  });

  it('entropy with eps = 0 has gradient −p_i (ln p_i + H) / N', () => {
    for (const c of randomCases(302, 12)) {
      const { gradient } = valueAndGradient((z) => entropy(z, { eps: 0 }), c.logits);
      const { p, logp } = fromLogits64(c.logits);
      const expected = p.map((row, n) => {
        const h = -row.reduce((s, pk, k) => s + pk * logp[n]![k]!, 0);
        return row.map((pk, k) => (-pk * (logp[n]![k]! + h)) / c.logits.length);
      });
      expectMatrixClose(gradient, expected, GRADIENT_RTOL, gradientTolerance(gradientScale([{ eps: 0 }]), c.logits), 'H gradient');
    }
  });

  it('the swapped term for one-hot labels has gradient −C p_y (onehot − p) / N, C = ln((1 + eps)/eps) / ln b', () => {
    for (const c of randomCases(303, 12).filter((x) => x.kind !== 'soft')) {
      const labels = labelsOf(c);
      const { gradient } = valueAndGradient((z) => swappedCrossEntropy(labels, z, { base: 12.45 }), c.logits);
      const { p } = fromLogits64(c.logits);
      const scale = Math.log((1 + 1e-6) / 1e-6) / Math.log(12.45);
      const expected = p.map((row, n) => {
        const py = row[c.indices[n]!]!;
        return row.map((pk, k) => (-scale * py * (c.dense[n]![k]! - pk)) / c.logits.length);
      });
      expectMatrixClose(
        gradient,
        expected,
        GRADIENT_RTOL,
        gradientTolerance(gradientScale([{ base: 12.45 }]), c.logits),
        'swapped gradient',
      );
      labels.dispose();
    }
  });
});

describe('identities', () => {
  const ALL: { name: string; loss: (labels: tf.Tensor, logits: tf.Tensor) => tf.Scalar; scale: number }[] = [
    { name: 'crossEntropy', loss: (y, z) => crossEntropy(y, z), scale: gradientScale([{}]) },
    { name: 'crossEntropy eps 0', loss: (y, z) => crossEntropy(y, z, { eps: 0, base: 2 }), scale: gradientScale([{ eps: 0, base: 2 }]) },
    { name: 'entropy', loss: (_y, z) => entropy(z, { base: 3 }), scale: gradientScale([{ base: 3 }]) },
    { name: 'swappedCrossEntropy', loss: (y, z) => swappedCrossEntropy(y, z, { base: 12.45 }), scale: gradientScale([{ base: 12.45 }]) },
    { name: 'minEntropyLoss', loss: (y, z) => minEntropyLoss(y, z, MIN_ENT_PRESET), scale: paperScale(MIN_ENT_PRESET) },
    { name: 'minEntropyLoss eps 0', loss: (y, z) => minEntropyLoss(y, z, { eps: 0 }), scale: paperScale({ eps: 0 }) },
    { name: 'mixEntropyLoss', loss: (y, z) => mixEntropyLoss(y, z, MIX_ENT_PRESET), scale: paperScale(MIX_ENT_PRESET) },
  ];

  it('MIN-ENT with w2 = 0 equals w1 · CE_b1, value and gradient', () => {
    for (const c of randomCases(400, 12)) {
      const labels = labelsOf(c);
      for (const options of [
        { b1: 2.02, eps: 1e-6 },
        { b1: Math.E, eps: 0 },
        { b1: 12.58, eps: 1e-3 },
      ]) {
        const min = valueAndGradient((z) => minEntropyLoss(labels, z, { ...options, w1: 1, w2: 0, b2: 10.73 }), c.logits);
        const ce = valueAndGradient((z) => crossEntropy(labels, z, { base: options.b1, eps: options.eps }), c.logits);
        expectClose(min.value, ce.value, 1e-7, 0, 'value');
        expectMatrixClose(min.gradient, ce.gradient, 1e-6, 1e-12, 'gradient');
      }
      labels.dispose();
    }
  });

  it("MIX-ENT's swapped term for one-hot labels is (ln(1/eps)·(1 − p_y) − ln(1 + eps)·p_y) / ln b2", () => {
    for (const eps of [1e-6, 1e-3, 0.1]) {
      for (const c of randomCases(401, 12).filter((x) => x.kind !== 'soft')) {
        const labels = labelsOf(c);
        const { p } = fromLogits64(c.logits);
        const b2 = MIX_ENT_PRESET.b2;
        const complement = p.reduce((s, row, n) => s + 1 - row[c.indices[n]!]!, 0) / p.length;
        const approximation = (Math.log(1 / eps) / Math.log(b2)) * complement;
        const correction = (Math.log1p(eps) / Math.log(b2)) * (1 - complement);
        const swapped = valueOf(swappedCrossEntropy(labels, tf.tensor2d(c.logits), { base: b2, eps }));
        expectClose(swapped, approximation - correction, VALUE_RTOL, VALUE_ATOL, 'swapped identity');
        // The ln(1 + eps) term is all that separates it from the scaled reverse cross entropy.
        expect(Math.abs(swapped - approximation)).toBeLessThanOrEqual(Math.log1p(eps) / Math.log(b2) + 1e-6);
        // MIX-ENT is w1·CE + w2·(that term).
        const mix = valueOf(mixEntropyLoss(labels, tf.tensor2d(c.logits), { ...MIX_ENT_PRESET, eps }));
        const ce = valueOf(crossEntropy(labels, tf.tensor2d(c.logits), { base: MIX_ENT_PRESET.b1, eps }));
        expectClose(mix, MIX_ENT_PRESET.w1 * ce + MIX_ENT_PRESET.w2 * (approximation - correction), VALUE_RTOL, VALUE_ATOL, 'MIX-ENT');
        labels.dispose();
      }
    }
  });

  it('changing a base scales by exactly the ratio of logs', () => {
    for (const c of randomCases(402, 12)) {
      const labels = labelsOf(c);
      const z = tf.tensor2d(c.logits);
      const ratio = Math.log(2) / Math.log(10.73);
      expectClose(valueOf(crossEntropy(labels, z, { base: 10.73 })), valueOf(crossEntropy(labels, z, { base: 2 })) * ratio, 1e-6, 0, 'CE');
      expectClose(valueOf(entropy(z, { base: 10.73 })), valueOf(entropy(z, { base: 2 })) * ratio, 1e-6, 0, 'H');
      expectClose(
        valueOf(swappedCrossEntropy(labels, z, { base: 10.73 })),
        valueOf(swappedCrossEntropy(labels, z, { base: 2 })) * ratio,
        1e-6,
        0,
        'swapped',
      );
      // Squaring both bases doubles both logs, so MIN-ENT and MIX-ENT halve.
      for (const [loss, preset] of [
        [minEntropyLoss, MIN_ENT_PRESET],
        [mixEntropyLoss, MIX_ENT_PRESET],
      ] as const) {
        const squared = { ...preset, b1: preset.b1 ** 2, b2: preset.b2 ** 2 };
        expectClose(valueOf(loss(labels, z, squared)), valueOf(loss(labels, z, preset)) / 2, 1e-6, 0, loss.name);
      }
      // Changing b1 alone changes MIN-ENT by w1·CE_e·(1/ln b1' − 1/ln b1).
      const ceNatural = valueOf(crossEntropy(labels, z, { base: Math.E }));
      const shifted = valueOf(minEntropyLoss(labels, z, { ...MIN_ENT_PRESET, b1: 7 }));
      const expected =
        valueOf(minEntropyLoss(labels, z, MIN_ENT_PRESET)) + MIN_ENT_PRESET.w1 * ceNatural * (1 / Math.log(7) - 1 / Math.log(2.02));
      expectClose(shifted, expected, 1e-6, 1e-7, 'MIN-ENT b1');
      tf.dispose([labels, z]);
    }
  });

  it('adding a constant to all logits changes neither value nor gradient', () => {
    for (const c of randomCases(403, 8)) {
      const labels = labelsOf(c);
      for (const shift of [-50, 3.5, 1000]) {
        const shifted = c.logits.map((row) => row.map((v) => Math.fround(v + shift)));
        for (const { name, loss, scale } of ALL) {
          const a = valueAndGradient((z) => loss(labels, z), c.logits);
          const b = valueAndGradient((z) => loss(labels, z), shifted);
          // Shifted float32 logits keep ~6e-8·|shift| of absolute resolution: 6e-5 at 1000.
          const resolution = Math.max(1e-5, 1e-7 * Math.abs(shift));
          expectClose(b.value, a.value, 10 * resolution, VALUE_ATOL, `${name} value`);
          expectMatrixClose(
            b.gradient,
            a.gradient,
            100 * resolution,
            gradientTolerance(scale, c.logits) * Math.max(1, Math.abs(shift)),
            `${name} gradient`,
          );
        }
      }
      labels.dispose();
    }
  });

  it('index labels and one-hot labels give the same value and gradient', () => {
    for (const c of randomCases(404, 12)) {
      const indices = tf.tensor1d(c.indices, 'int32');
      const oneHot = tf.tensor2d(c.indices.map((i) => Array.from({ length: c.logits[0]!.length }, (_, k) => (k === i ? 1 : 0))));
      for (const { name, loss, scale } of ALL) {
        const a = valueAndGradient((z) => loss(indices, z), c.logits);
        const b = valueAndGradient((z) => loss(oneHot, z), c.logits);
        expectClose(b.value, a.value, 1e-6, VALUE_ATOL, `${name} value`);
        expectMatrixClose(b.gradient, a.gradient, 1e-5, gradientTolerance(scale, c.logits), `${name} gradient`);
      }
      tf.dispose([indices, oneHot]);
    }
  });

  it('probabilities equal to softmax(logits) give the logits form', () => {
    for (const c of randomCases(405, 12)) {
      const labels = labelsOf(c);
      const probabilities = tf.tensor2d(probabilitiesOf(c.logits));
      const logits = tf.tensor2d(c.logits);
      for (const [loss, options] of [
        [minEntropyLoss, MIN_ENT_PRESET],
        [mixEntropyLoss, MIX_ENT_PRESET],
      ] as const) {
        const fromLogits = valueOf(loss(labels, logits, options));
        expectClose(valueOf(loss(labels, probabilities, { ...options, fromProbabilities: true })), fromLogits, 1e-5, 1e-6, loss.name);
      }
      tf.dispose([labels, probabilities, logits]);
    }
  });
});

describe('extreme logits', () => {
  const LOSSES = [
    (y: tf.Tensor, z: tf.Tensor) => crossEntropy(y, z),
    (y: tf.Tensor, z: tf.Tensor) => crossEntropy(y, z, { eps: 0 }),
    (_y: tf.Tensor, z: tf.Tensor) => entropy(z),
    (_y: tf.Tensor, z: tf.Tensor) => entropy(z, { eps: 0 }),
    (y: tf.Tensor, z: tf.Tensor) => swappedCrossEntropy(y, z),
    (y: tf.Tensor, z: tf.Tensor) => minEntropyLoss(y, z, MIN_ENT_PRESET),
    (y: tf.Tensor, z: tf.Tensor) => minEntropyLoss(y, z, { eps: 0 }),
    (y: tf.Tensor, z: tf.Tensor) => mixEntropyLoss(y, z, MIX_ENT_PRESET),
  ];

  it.each([1, 7, 1000])('values and gradients stay finite for logits of ±1e4, batch %i', (n) => {
    const random = seededRandom(500 + n);
    const k = 62;
    const logits = tf.tensor2d(Array.from({ length: n }, () => Array.from({ length: k }, () => (random() < 0.5 ? -1e4 : 1e4) * random())));
    const labels = [
      tf.tensor1d(
        Array.from({ length: n }, () => Math.floor(random() * k)),
        'int32',
      ),
      tf.oneHot(
        tf.tensor1d(
          Array.from({ length: n }, () => Math.floor(random() * k)),
          'int32',
        ),
        k,
        1,
        0,
        'float32',
      ),
    ];
    for (const y of labels) {
      for (const loss of LOSSES) {
        const { value, grad } = tf.valueAndGrad((z: tf.Tensor) => loss(y, z))(logits);
        expect(Number.isFinite(valueOf(value))).toBe(true);
        expect(rowsOf(grad).flat().every(Number.isFinite)).toBe(true);
      }
    }
    tf.dispose([logits, ...labels]);
  });

  it('probabilities of exactly 0 and 1 give finite values and gradients', () => {
    const probabilities = tf.tensor2d([
      [1, 0, 0],
      [0, 0, 1],
      [0.5, 0.5, 0],
    ]);
    const labels = tf.tensor1d([1, 2, 2], 'int32');
    for (const loss of [crossEntropy, swappedCrossEntropy, minEntropyLoss, mixEntropyLoss] as const) {
      for (const eps of loss === swappedCrossEntropy || loss === mixEntropyLoss ? [1e-6] : [0, 1e-6]) {
        const { value, grad } = tf.valueAndGrad((p: tf.Tensor) => loss(labels, p, { eps, fromProbabilities: true }))(probabilities);
        expect(Number.isFinite(valueOf(value))).toBe(true);
        expect(rowsOf(grad).flat().every(Number.isFinite)).toBe(true);
      }
    }
    tf.dispose([probabilities, labels]);
  });

  it('with eps = 0 cross entropy keeps the exact log-softmax value where the literal eps form saturates', () => {
    const logits = tf.tensor2d([[0, 1e4, -1e4]]);
    const labels = tf.tensor1d([0], 'int32');
    expect(valueOf(crossEntropy(labels, logits, { eps: 0 }))).toBeCloseTo(1e4, 0);
    expectClose(valueOf(crossEntropy(labels, logits)), Math.log(1 / 1e-6), 1e-6, 0, 'saturated');
    tf.dispose([logits, labels]);
  });
});

describe('argument checks', () => {
  const logits = (): tf.Tensor2D => tf.zeros([3, 4]);

  it('names the function and both shapes when labels do not match logits', () => {
    expect(() => crossEntropy(tf.zeros([3, 5]), logits())).toThrow(
      'crossEntropy: labels of shape [3,5] do not match logits of shape [3,4]',
    );
    expect(() => minEntropyLoss(tf.tensor1d([0, 1], 'int32'), logits())).toThrow(
      'minEntropyLoss: labels of shape [2] do not match logits of shape [3,4]',
    );
    expect(() => mixEntropyLoss(tf.zeros([3, 4, 1]), logits())).toThrow(/mixEntropyLoss: labels must be int32 indices/);
  });

  it('rejects class indices outside [0, K) on the cpu backend', () => {
    expect(() => crossEntropy(tf.tensor1d([0, 4, 1], 'int32'), logits())).toThrow('crossEntropy: class index 4 is outside [0, 4)');
    expect(() => minEntropyLoss(tf.tensor1d([0, -1, 1], 'int32'), logits())).toThrow('minEntropyLoss: class index -1 is outside [0, 4)');
  });

  it('rejects one-hot or probability labels outside [0, 1] on the cpu backend, naming the entry', () => {
    const dense = (row: number[]) => tf.tensor2d([[1, 0, 0, 0], row, [0, 0, 1, 0]]);
    expect(() => mixEntropyLoss(dense([-0.5, 1.5, 0, 0]), logits())).toThrow(
      'mixEntropyLoss: label [1, 0] is -0.5: one-hot or probability labels must lie in [0, 1]',
    );
    expect(() => crossEntropy(dense([0, Number.NaN, 0, 1]), logits())).toThrow('crossEntropy: label [1, 1] is NaN');
    expect(() =>
      minEntropyLoss(
        tf.tensor2d(
          [
            [3, 0, 0, 0],
            [0, 1, 0, 0],
            [0, 0, 1, 0],
          ],
          undefined,
          'int32',
        ),
        logits(),
      ),
    ).toThrow(/label \[0, 0\] is 3/);
    expect(() => crossEntropy(dense([0.25, 0.25, 0.5, 0]), logits())).not.toThrow();
  });

  it('rejects float class indices, integer or badly shaped logits', () => {
    expect(() => crossEntropy(tf.tensor1d([0, 1, 2]), logits())).toThrow(/must be int32 class indices, got float32/);
    expect(() => crossEntropy(tf.tensor1d([0, 1, 2], 'int32'), tf.zeros([3, 4], 'int32'))).toThrow(
      'crossEntropy: logits must be float32, got int32',
    );
    expect(() => entropy(tf.zeros([4]))).toThrow('entropy: logits must have shape [N, K], got shape [4]');
    expect(() => entropy(tf.zeros([3, 1]))).toThrow(/need at least 1 row and 2 classes/);
  });

  it('rejects bad options with the name of the option', () => {
    const y = tf.tensor1d([0, 1, 2], 'int32');
    expect(() => crossEntropy(y, logits(), { eps: -1 })).toThrow('crossEntropy: eps must be ≥ 0, got -1');
    expect(() => mixEntropyLoss(y, logits(), { eps: 0 })).toThrow(/mixEntropyLoss: eps must be > 0/);
    expect(() => swappedCrossEntropy(y, logits(), { eps: 0 })).toThrow(/swappedCrossEntropy: eps must be > 0/);
    expect(() => crossEntropy(y, logits(), { base: 1 })).toThrow('crossEntropy: base must be > 0 and ≠ 1, got 1');
    expect(() => minEntropyLoss(y, logits(), { b2: -2 })).toThrow('minEntropyLoss: b2 must be > 0 and ≠ 1, got -2');
    expect(() => minEntropyLoss(y, logits(), { w1: Number.NaN })).toThrow('minEntropyLoss: w1 must be a finite number, got NaN');
    expect(() => minEntropyLoss(y, logits(), { w2: tf.zeros([2]) as unknown as tf.Scalar })).toThrow(
      /w2 must be a number or a float32 scalar tensor/,
    );
    expect(() => crossEntropy(y, logits(), { w2: 1 } as LogBaseOptions)).toThrow(
      "crossEntropy: unknown option 'w2' (expected one of: base, eps, fromProbabilities)",
    );
    expect(() => minEntropyLoss(y, logits(), { fromProbabilities: 'yes' } as unknown as PaperLossOptions)).toThrow(
      /fromProbabilities must be a boolean/,
    );
  });

  it('accepts scalar tensor weights', () => {
    const y = tf.tensor1d([0, 1, 2], 'int32');
    const z = tf.randomNormal([3, 4], 0, 1, 'float32', 7) as tf.Tensor2D;
    const withTensors = valueOf(
      minEntropyLoss(y, z, { ...MIN_ENT_PRESET, w1: tf.scalar(MIN_ENT_PRESET.w1), w2: tf.scalar(MIN_ENT_PRESET.w2) }),
    );
    expectClose(withTensors, valueOf(minEntropyLoss(y, z, MIN_ENT_PRESET)), 1e-6, 0, 'tensor weights');
  });
});
