import { readdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type ProfileName, type TrainConfig, resolveConfig } from '@mixent/training';

/**
 * The folder that holds the experiment matrix (tables.json) and its configs (configs/): MIXENT_EXPERIMENTS when set,
 * so that a matrix of one's own runs without editing the app's, else the app's own folder.
 */
export const EXPERIMENTS_DIR = process.env.MIXENT_EXPERIMENTS
  ? resolve(process.env.MIXENT_EXPERIMENTS)
  : fileURLToPath(new URL('../', import.meta.url));

/** The folder of the named configs: the rows of the tables, and any config a user adds (each gets an nx train-<name> target). */
export const CONFIG_DIR = join(EXPERIMENTS_DIR, 'configs');

/** The names of the configs in CONFIG_DIR, sorted. */
export function namedConfigs(): string[] {
  return readdirSync(CONFIG_DIR)
    .filter((file) => file.endsWith('.json'))
    .map((file) => basename(file, '.json'))
    .sort();
}

/**
 * Reads a config by name (a file of CONFIG_DIR) or path and resolves it under a profile, with
 * flag overrides last; its name is its file's name. Bad JSON and bad keys are refused naming the file.
 */
export async function readTrainConfig(nameOrPath: string, profile: ProfileName, overrides: object = {}): Promise<TrainConfig> {
  const path = /^[\w-]+$/.test(nameOrPath) ? join(CONFIG_DIR, `${nameOrPath}.json`) : resolve(nameOrPath);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new Error(`${path}: cannot read the config (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
  let file: unknown;
  try {
    file = JSON.parse(text);
  } catch (error) {
    throw new Error(`${path}: not valid JSON (${(error as Error).message})`);
  }
  if (typeof file !== 'object' || file === null || Array.isArray(file)) throw new Error(`${path}: a config is a JSON object`);
  // A row is known by its file's name: a copied file that keeps another name would collide with it.
  const name = basename(path, '.json');
  if ('name' in file && file.name !== name) {
    throw new Error(`${path}: "name" is ${JSON.stringify(file.name)}, but a config is named by its file (${name}); remove the field`);
  }
  return resolveConfig(profile, [{ ...file, name }, overrides], path);
}
