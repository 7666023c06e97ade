import { z } from 'zod';

/**
 * A training run is described by one plain, JSON-serializable object. Precedence, as in
 * nanoGPT: DEFAULT_CONFIG (the reference recipe), then a profile, then the config file (which
 * names the model and loss of a table row), then command-line overrides. Unknown keys and
 * values of the wrong type or range are refused, naming the key.
 */
const modelSchema = z.strictObject({
  /** 'vgg5' or 'spinal-vgg'. */
  name: z.enum(['vgg5', 'spinal-vgg']),
  /** Output units: 62 as the reference, or 26. */
  numClasses: z.union([z.literal(62), z.literal(26)]),
  dropout: z.number().min(0).lt(1),
  /** Scales every width; 1 is the paper's model. Part of the model's name. */
  widthMultiplier: z.number().gt(0).max(4),
});

const lossSchema = z.strictObject({
  /** A name of @mixent/losses' registry, e.g. 'cross-entropy', 'min-ent', 'mix-ent'. */
  name: z.string().min(1),
  /** Options of that loss (w1, w2, b1, b2, eps, …); checked by the registry before training. */
  options: z.record(z.string(), z.number()),
  /** Learn w1, w2 (MIN-ENT, MIX-ENT) in their own optimizer group, or keep them fixed (false). */
  learnableWeights: z.union([z.literal(false), z.strictObject({ learningRate: z.number().positive(), maxRatio: z.number().gt(1) })], {
    error: 'expected false, or { "learningRate": number > 0, "maxRatio": number > 1 }',
  }),
});

const dataSchema = z.strictObject({
  /** 'sample' (embedded, the default) or 'full' (the official files, fetched and verified). */
  dataset: z.enum(['sample', 'full']),
  /** Fraction of the training images held out, stratified, for validation-based selection. */
  validationFraction: z.number().min(0).lt(1),
  /** Use only N training images after the split, a fixed random subset (the same for every seed and row; null: all). */
  trainLimit: z.number().int().positive().nullable(),
  /** Use only a stratified subset of N test images (null: all). For quick runs. */
  testLimit: z.number().int().positive().nullable(),
  /** The reference augmentation on training images. */
  augment: z.boolean(),
});

const optimizerSchema = z.strictObject({
  name: z.literal('adam'),
  learningRate: z.number().positive(),
  beta1: z.number().min(0).lt(1),
  beta2: z.number().min(0).lt(1),
  epsilon: z.number().positive(),
});

/** The schema of a complete training config. */
export const trainConfigSchema = z
  .strictObject({
    /** The run's name, e.g. the table row 'vgg5-minent'. */
    name: z.string().min(1),
    /** What the config is for, in words (configs are data, so this is their comment). */
    description: z.string().optional(),
    model: modelSchema,
    loss: lossSchema,
    data: dataSchema,
    epochs: z.number().int().positive(),
    batchSize: z.number().int().positive(),
    evalBatchSize: z.number().int().positive(),
    optimizer: optimizerSchema,
    /**
     * 'reference': after an epoch whose test accuracy does not beat the best so far, the learning
     * rate becomes optimizer.learningRate · u³, u ~ U[0, 1) from the run's generator. 'constant': never changes.
     */
    schedule: z.enum(['reference', 'constant']),
    /**
     * The accuracy the 'reference' schedule watches: 'test', as the reference does (so the test set steers the
     * learning rate, and through it even the validation-selected result), or 'validation', which keeps the test set
     * out of every training decision (needs data.validationFraction > 0).
     */
    scheduleOn: z.enum(['test', 'validation']),
    seed: z.number().int().min(0),
    /** Steps between two 'step' lines of metrics.jsonl. */
    logEvery: z.number().int().positive(),
  })
  .check((ctx) => {
    if (ctx.value.scheduleOn === 'validation' && ctx.value.data.validationFraction === 0) {
      ctx.issues.push({
        code: 'custom',
        input: ctx.value.scheduleOn,
        path: ['scheduleOn'],
        message: "'validation' needs a validation split (data.validationFraction > 0)",
      });
    }
  });

/** A complete, validated training config. */
export type TrainConfig = z.infer<typeof trainConfigSchema>;

/** Any part of a config, as files, profiles and flags give it. */
export type ConfigOverrides = { [K in keyof TrainConfig]?: TrainConfig[K] extends object ? Partial<TrainConfig[K]> : TrainConfig[K] };

/** The reference recipe (SpinalNet's EMNIST-Letters VGG script) on the embedded sample, with cross entropy. */
export const DEFAULT_CONFIG: TrainConfig = Object.freeze({
  name: 'vgg5-ce',
  model: { name: 'vgg5', numClasses: 62, dropout: 0.5, widthMultiplier: 1 },
  loss: { name: 'cross-entropy', options: {}, learnableWeights: false },
  data: { dataset: 'sample', validationFraction: 0.1, trainLimit: null, testLimit: null, augment: true },
  epochs: 200,
  batchSize: 100,
  evalBatchSize: 1000,
  optimizer: { name: 'adam', learningRate: 0.005, beta1: 0.9, beta2: 0.999, epsilon: 1e-8 },
  schedule: 'reference',
  scheduleOn: 'test',
  seed: 0,
  logEvery: 10,
}) as TrainConfig;

/** Budgets: 'full' is the reference recipe on the official data; 'sample' a quick CPU run on the embedded sample. */
export const PROFILES: Readonly<Record<'sample' | 'full', ConfigOverrides>> = Object.freeze({
  // The validation split stays: the reference trained on all 124,800 images, this on 90% of them (README).
  full: { data: { dataset: 'full' }, epochs: 200, model: { widthMultiplier: 1 } },
  // An eighth-width model (labelled ×0.125 everywhere) for 4 epochs on the whole sample: the sample table must
  // run on a 2-core CI machine; its cost and accuracy are in packages/experiments/README.md.
  sample: { data: { dataset: 'sample' }, epochs: 4, model: { widthMultiplier: 0.125 } },
});

/** A profile's name. */
export type ProfileName = keyof typeof PROFILES;

/** A config that failed validation; the message lists each bad key and why. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/** Merges plain objects key by key (arrays and values replace); the inputs are not modified. */
export function mergeConfig(base: object, ...overrides: object[]): Record<string, unknown> {
  const out: Record<string, unknown> = structuredClone(base) as Record<string, unknown>;
  for (const override of overrides) {
    for (const [key, value] of Object.entries(override)) {
      const current = out[key];
      out[key] = isPlainObject(value) && isPlainObject(current) ? mergeConfig(current, value) : structuredClone(value);
    }
  }
  return out;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Validates a complete config, refusing unknown keys, missing keys and bad values with one line
 * per problem naming the key (`source` names the file in the message).
 */
export function validateConfig(config: unknown, source = 'config'): TrainConfig {
  const parsed = trainConfigSchema.safeParse(config);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.flatMap((issue) => describeIssue(issue, []));
  throw new ConfigError(`${source} is not a valid training config:\n${problems.join('\n')}`);
}

/** One line per bad key of a zod issue; `at` is the path of the union it was found in. */
function describeIssue(issue: z.core.$ZodIssue, at: readonly PropertyKey[]): string[] {
  const path = [...at, ...issue.path];
  // A union whose object form was chosen but has bad fields: name those fields, not the union.
  if (issue.code === 'invalid_union') {
    const inner = issue.errors.flat().filter((nested) => nested.path.length > 0 || nested.code === 'unrecognized_keys');
    if (inner.length > 0) return inner.flatMap((nested) => describeIssue(nested, path));
  }
  const keys = issue.code === 'unrecognized_keys' ? issue.keys.map((k) => [...path, k].join('.')).join(', ') : path.join('.');
  const reason = issue.code === 'unrecognized_keys' ? 'unknown key' : issue.message;
  return [`  ${keys || '(root)'}: ${reason}`];
}

/**
 * Whether `previous` (a config as a run folder or checkpoint recorded it, read back from JSON) is `config`: the
 * test for reusing or resuming a run. Compared as JSON, so keys left undefined and key order do not count.
 */
export function isSameConfig(previous: unknown, config: TrainConfig): boolean {
  return sameJson(JSON.parse(JSON.stringify(previous ?? null)), JSON.parse(JSON.stringify(config)));
}

/** Deep equality of two values parsed from JSON, key order aside (here rather than node:util's, for browsers). */
function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null || Array.isArray(a) !== Array.isArray(b)) return false;
  const keys = Object.keys(a);
  const record = (value: object) => value as Record<string, unknown>;
  return keys.length === Object.keys(b).length && keys.every((key) => Object.hasOwn(b, key) && sameJson(record(a)[key], record(b)[key]));
}

/** Resolves defaults, a profile, then overrides (a config file, then flags) into a validated config. */
export function resolveConfig(profile: ProfileName | undefined, overrides: readonly object[], source = 'config'): TrainConfig {
  const layers = profile ? [PROFILES[profile], ...overrides] : overrides;
  return validateConfig(mergeConfig(DEFAULT_CONFIG, ...layers), source);
}
