import * as tf from '@tensorflow/tfjs-core';
import { type NamedTensor, saveCheckpoint } from './checkpoint.js';
import { adamState, restoreAdamState } from './tfjs-internals.js';
import type { TrainerState } from './trainer.js';

// A trainer's checkpoints on the file system: Node only, apart from trainer.ts, which browsers share.

/** A trainer with the run folder that holds its checkpoint (train.ts gives it its whole run folder). */
type CheckpointedTrainer = TrainerState & { readonly outDir: string };

/** Writes the run's checkpoint: its state, the model's weights, both optimizers and the learned loss weights. */
export async function saveTrainerCheckpoint(trainer: CheckpointedTrainer): Promise<void> {
  const { model, optimizer, learnable } = trainer;
  const named: NamedTensor[] = model.weights.map((w, i) => ({ name: `model/${i}`, tensor: w.read() }));
  const parts = [await adamState('optimizer', optimizer)];
  if (learnable) {
    learnable.weights.variables.forEach((v, i) => named.push({ name: `loss-weights/${i}`, tensor: v }));
    parts.push(await adamState('loss-weights-optimizer', learnable.optimizer));
  }
  try {
    await saveCheckpoint(trainer.outDir, { state: trainer.run, tensors: [...named, ...parts.flatMap((p) => p.named)] });
  } finally {
    tf.dispose(parts.flatMap((p) => p.temporary));
  }
}

/** Puts a checkpoint's tensors back into the trainer's model and optimizers, then disposes them. */
export async function restoreTrainer(trainer: CheckpointedTrainer, tensors: NamedTensor[]): Promise<void> {
  const { model, optimizer, learnable } = trainer;
  const find = (name: string) => {
    const found = tensors.find((t) => t.name === name);
    if (!found) throw new Error(`${trainer.outDir}: the checkpoint has no tensor ${name}`);
    return found.tensor;
  };
  try {
    model.setWeights(model.weights.map((_, i) => find(`model/${i}`)));
    await restoreAdamState('optimizer', optimizer, tensors);
    if (learnable) {
      learnable.weights.variables.forEach((v, i) => v.assign(find(`loss-weights/${i}`)));
      await restoreAdamState('loss-weights-optimizer', learnable.optimizer, tensors);
    }
  } finally {
    tf.dispose(tensors.map((t) => t.tensor));
  }
}
