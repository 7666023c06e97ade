import * as tf from '@tensorflow/tfjs-core';
import { crossEntropy } from '@mixent/losses';
import { getModel, type ModelName, trainableVariables } from '@mixent/models';
import { type BackendInfo, selectBackend } from './select.js';

/** How far one variable's gradient on a backend is from the reference backend's. */
export interface GradientAgreement {
  /** The weight's name, e.g. `block1_conv1/kernel`. */
  variable: string;
  /** max |candidate − reference| over the variable, divided by the largest reference gradient of its layer. */
  relativeError: number;
}

/** What compareTrainingStep measured: the two backends as started, and each variable's error. */
export interface TrainingStepAgreement {
  reference: BackendInfo;
  candidate: BackendInfo;
  model: ModelName;
  variables: GradientAgreement[];
  /** The largest relativeError. */
  maxRelativeError: number;
}

/** Options of compareTrainingStep; the defaults make a step that takes well under a second on wasm. */
export interface TrainingStepOptions {
  widthMultiplier?: number;
  batchSize?: number;
  seed?: number;
}

/**
 * The gradients of one training step (cross entropy, fixed random batch) of a model on `candidate` against
 * `reference`, variable by variable: a backend that computes what the others do gives errors near float32
 * rounding (~1e-5–1e-4). Dropout is off, so the step is deterministic; the same seed gives the same weights on
 * both backends. Errors are relative to the largest gradient of the same layer, because a bias followed by
 * BatchNorm has a gradient of exactly 0 in theory and rounding noise in practice. Leaves `candidate` active.
 */
export async function compareTrainingStep(
  model: ModelName,
  reference: string,
  candidate: string,
  options: TrainingStepOptions = {},
): Promise<TrainingStepAgreement> {
  const referenceInfo = await selectBackend(reference);
  const expected = await stepGradients(model, options);
  const candidateInfo = await selectBackend(candidate);
  const actual = await stepGradients(model, options);
  const layerScale = new Map<string, number>();
  for (const [variable, values] of expected) {
    const layer = layerOf(variable);
    layerScale.set(layer, Math.max(layerScale.get(layer) ?? 0, maxAbs(values)));
  }
  const variables = [...expected].map(([variable, want]) => {
    const got = actual.get(variable);
    if (got?.length !== want.length) throw new Error(`compareTrainingStep: ${candidate} has no gradient of the shape of ${variable}`);
    let diff = 0;
    for (let i = 0; i < want.length; i++) diff = Math.max(diff, Math.abs((got[i] as number) - (want[i] as number)));
    return { variable, relativeError: diff / (layerScale.get(layerOf(variable)) || 1) };
  });
  return {
    reference: referenceInfo,
    candidate: candidateInfo,
    model,
    variables,
    maxRelativeError: Math.max(...variables.map((v) => v.relativeError)),
  };
}

function layerOf(variable: string): string {
  return variable.split('/')[0] ?? variable;
}

function maxAbs(values: Float32Array): number {
  let m = 0;
  for (const v of values) m = Math.max(m, Math.abs(v));
  return m;
}

/** One step's gradients on the active backend, keyed by the weights' names (the same whatever was built before). */
async function stepGradients(name: ModelName, options: TrainingStepOptions): Promise<Map<string, Float32Array>> {
  const { widthMultiplier = 0.125, batchSize = 4, seed = 3 } = options;
  const model = getModel(name, { widthMultiplier, seed, dropout: 0 });
  const { x, labels } = tf.tidy(() => ({
    x: tf.randomUniform([batchSize, 28, 28, 1], 0, 1, 'float32', 7),
    labels: tf.tensor1d(
      Array.from({ length: batchSize }, (_, i) => i % 26),
      'int32',
    ),
  }));
  const variables = trainableVariables(model);
  const { grads, value } = tf.variableGrads(() => crossEntropy(labels, model.apply(x, { training: true }) as tf.Tensor), variables);
  const result = new Map<string, Float32Array>();
  // Read asynchronously: webgpu in Node has no synchronous read.
  for (const [i, w] of model.trainableWeights.entries()) {
    const grad = grads[variables[i]!.name];
    if (grad) result.set(w.originalName, (await grad.data()) as Float32Array);
  }
  tf.dispose([x, labels, value, ...Object.values(grads)]);
  model.dispose();
  return result;
}
