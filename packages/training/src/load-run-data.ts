import { loadLetters } from '@mixent/data';
import type { TrainConfig } from './config.js';
import { type RunData, splitRunData } from './run-data.js';

/** Loads the config's dataset from the embedded sample or the official files, and splits it (splitRunData). */
export async function loadRunData(config: TrainConfig): Promise<RunData> {
  const [trainAll, testAll] = await Promise.all([loadLetters(config.data.dataset, 'train'), loadLetters(config.data.dataset, 'test')]);
  return splitRunData(config, trainAll, testAll);
}
