import { type LetterSet, loadLetters } from '@mixent/data';
import { loadModel } from '@mixent/models';
import type * as tfl from '@tensorflow/tfjs-layers';
import { mcnemarExact, pairedCounts } from '@mixent/reporting';
import { type Evaluation, evaluate } from '@mixent/training';
import { importedModelInfo, setForModel } from './torch-import.js';

/** One model of a comparison, against the first. */
export interface ModelComparison {
  model: string;
  accuracy: number;
  correct: number;
  /** Test images this model gets right that the first gets wrong, minus the reverse; 0 for the first. */
  deltaImages: number;
  /** Exact two-sided McNemar p against the first model; null for the first. */
  pValue: number | null;
}

/** The test set of a comparison: the official one when it is fetched and verified, else the embedded sample's. */
export async function comparisonTestSet(log: (line: string) => void): Promise<{ set: LetterSet; name: string }> {
  try {
    return { set: await loadLetters('full', 'test', { offline: true }), name: 'the official EMNIST-Letters test set' };
  } catch {
    log('the official test set is not fetched (npx mixent-data fetch): comparing on the embedded sample, 3,800 images of 19 classes');
    return { set: await loadLetters('sample', 'test'), name: 'the embedded sample test set' };
  }
}

/** Evaluates a model on a set, fed as it was trained (an imported PyTorch model sees transposed images); predictions are class indices. */
export async function evaluateModel(model: tfl.LayersModel, set: LetterSet, batchSize: number): Promise<Evaluation> {
  const { set: fed, toClasses } = setForModel(set, importedModelInfo(model));
  const result = await evaluate(model, fed, batchSize);
  return { ...result, predictions: toClasses(result.predictions) };
}

/** Evaluates every model directory on one test set; each after the first is tested against the first, paired. */
export async function compareModels(dirs: readonly string[], set: LetterSet, batchSize = 1000): Promise<ModelComparison[]> {
  const evaluations: Evaluation[] = [];
  for (const dir of dirs) {
    const model = await loadModel(dir);
    try {
      evaluations.push(await evaluateModel(model, set, batchSize));
    } finally {
      model.dispose();
    }
  }
  const labels = Int32Array.from(set.labels);
  const first = (evaluations[0] as Evaluation).predictions;
  return dirs.map((dir, i) => {
    const { accuracy, correct, predictions } = evaluations[i] as Evaluation;
    const counts = i === 0 ? undefined : pairedCounts(predictions, first, labels);
    return {
      model: dir,
      accuracy,
      correct,
      deltaImages: counts ? counts.b - counts.c : 0,
      pValue: counts ? mcnemarExact(counts.b, counts.c) : null,
    };
  });
}
