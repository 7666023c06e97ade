import { basename } from 'node:path';
import type * as tfl from '@tensorflow/tfjs-layers';
import { type LetterSet, transposeImages } from '@mixent/data';
import {
  type ModelName,
  REFERENCE_BLOCKS,
  TORCH_EXTRA_KEYS,
  checkTorchStateDict,
  getModel,
  loadTorchStateDict,
  readTorchCheckpoint,
  saveModel,
} from '@mixent/models';

/**
 * What an imported model's directory records about how it was trained (model.json's userDefinedMetadata), so that
 * `mixent eval` feeds it its images as it saw them: torchvision's EMNIST gives the images as the IDX files store
 * them, transposed against mixent's upright ones, and the paper's models are trained on labels 1..26 as output
 * indices where mixent's use class indices 0..25.
 */
export interface ImportedModelInfo {
  source: 'pytorch';
  checkpoint: string;
  model: ModelName;
  widthMultiplier: number;
  /** 'transposed': as EMNIST's IDX files store the images (torchvision); mixent's loader makes them upright. */
  inputOrientation: 'transposed';
  /** Output k is EMNIST label k (1..26), that is class k − 1. */
  outputs: 'emnist-labels';
  /** The learned loss weights the checkpoint carried (loss_module.loss_1_weight, loss_2_weight). */
  lossWeights?: { w1: number; w2: number };
  /** BatchNorm's num_batches_tracked, the same for every BatchNorm of a model trained as one. */
  numBatchesTracked: number[];
  /** Top-level keys of the checkpoint beside model_state. */
  extra: Record<string, unknown>;
}

const METADATA_KEY = 'mixent';

/** Reads a PyTorch checkpoint of the reference, checks it against the architecture, and writes a model directory. */
export async function importTorchCheckpoint(file: string, architecture: ModelName, outDir: string): Promise<ImportedModelInfo> {
  const checkpoint = await readTorchCheckpoint(file);
  const { stateDict } = checkpoint;
  const firstConv = stateDict.get('l1.0.weight');
  const logitsKey = architecture === 'vgg5' ? 'classifier.5.weight' : 'fc_out.1.weight';
  const logits = stateDict.get(logitsKey);
  // The widths follow from the first convolution (64 channels at width 1) and the classes from the last layer.
  const widthMultiplier = firstConv ? (firstConv.shape[0] as number) / (REFERENCE_BLOCKS[0]?.[0] as number) : 1;
  const numClasses = logits?.shape[0] === 26 ? 26 : 62;
  const model = getModel(architecture, { widthMultiplier, numClasses });
  try {
    checkTorchStateDict(model, architecture, stateDict, file);
    loadTorchStateDict(model, architecture, stateDict);
    const [w1, w2] = TORCH_EXTRA_KEYS.map((key) => stateDict.get(key)?.data[0]);
    const info: ImportedModelInfo = {
      source: 'pytorch',
      checkpoint: basename(file),
      model: architecture,
      widthMultiplier,
      inputOrientation: 'transposed',
      outputs: 'emnist-labels',
      ...(w1 !== undefined && w2 !== undefined ? { lossWeights: { w1, w2 } } : {}),
      numBatchesTracked: [
        ...new Set([...stateDict].filter(([k]) => k.endsWith('num_batches_tracked')).map(([, t]) => t.data[0] as number)),
      ],
      extra: checkpoint.extra,
    };
    model.setUserDefinedMetadata({ [METADATA_KEY]: info });
    await saveModel(model, outDir);
    return info;
  } finally {
    model.dispose();
  }
}

/** What an imported model's directory says of it, or undefined for a model mixent trained. */
export function importedModelInfo(model: tfl.LayersModel): ImportedModelInfo | undefined {
  const metadata = model.getUserDefinedMetadata() as Record<string, unknown> | undefined;
  return metadata?.[METADATA_KEY] as ImportedModelInfo | undefined;
}

/**
 * A letter set as the model expects it: mixent's upright images and class indices, or, for an imported model,
 * transposed images and EMNIST labels as its outputs are indexed. Evaluation's accuracy then holds as it is, and
 * `toClasses` maps its predictions back to class indices.
 */
export function setForModel(
  set: LetterSet,
  info: ImportedModelInfo | undefined,
): { set: LetterSet; toClasses: (p: Int32Array) => Int32Array } {
  if (!info) return { set, toClasses: (p) => p };
  return {
    set: { ...set, images: transposeImages(set.images, set.count), labels: set.labels.map((label) => label + 1) },
    toClasses: (p) => p.map((output) => output - 1),
  };
}
