import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
// Registers the custom layers of @mixent/models (FeatureSlice) with tfjs, so that Spinal-VGG folders load.
import '@mixent/models';
import type { TrainConfig } from '@mixent/training';
import tables from '../../experiments/tables.json';

/*
 * Model folders as `mixent train` writes them (config.json, summary.json, model/model.json + weights) or as
 * `mixent import-torch` writes them (model.json + weights only), from a URL or from files a person picked.
 */

/** A model the playground compares, with what is known of how it was trained. */
export interface RunModel {
  /** Unique among the loaded models. */
  id: string;
  /** e.g. "VGG-5 ×0.125, MIN-ENT". */
  title: string;
  model: tfl.LayersModel;
  /** The letters its training data held, in class order. */
  letters: string;
  /** Where `letters` comes from, for people. */
  lettersSource: string;
  /** Its accuracy on its test set (the run's best epoch), when its summary says. */
  testAccuracy: number | undefined;
}

/** What the run folder's config.json and summary.json say, when it has them. */
interface RunRecord {
  config: TrainConfig | undefined;
  /** What the app reads of summary.json (train()'s TrainSummary). */
  summary: { bestTestAccuracy: number } | undefined;
}

const ALL_LETTERS = 'abcdefghijklmnopqrstuvwxyz';

/** A title from a config (the tables' own display names), or from the model's name without one. */
function titleOf(config: TrainConfig | undefined, fallback: string): string {
  if (!config) return fallback;
  const names = tables.displayNames as { models: Record<string, string>; losses: Record<string, string> };
  const model = names.models[config.model.name] ?? config.model.name;
  const loss = names.losses[config.loss.name] ?? config.loss.name;
  return `${model} ×${config.model.widthMultiplier}, ${loss}`;
}

/** Builds a RunModel; `sampleLetters` are the embedded sample's classes (its manifest's). */
function runModel(id: string, model: tfl.LayersModel, record: RunRecord, sampleLetters: string): RunModel {
  const dataset = record.config?.data.dataset;
  const [letters, lettersSource] =
    dataset === 'sample'
      ? [sampleLetters, 'trained on the embedded sample']
      : dataset === 'full'
        ? [ALL_LETTERS, 'trained on the official EMNIST-Letters']
        : [ALL_LETTERS, 'no config.json beside the model: all 26 letters assumed'];
  return { id, title: titleOf(record.config, model.name), model, letters, lettersSource, testAccuracy: record.summary?.bestTestAccuracy };
}

/** The JSON at a URL, or undefined when there is none there. */
async function optionalJson<T>(url: URL): Promise<T | undefined> {
  const response = await fetch(url);
  return response.ok ? ((await response.json()) as T) : undefined;
}

/** The last segment of a folder URL's path. */
const lastSegment = (folder: URL) => folder.pathname.split('/').filter(Boolean).at(-1) ?? folder.host;

/**
 * Loads a run folder (with model/ inside) or a model folder (model.json inside) from a URL. A run folder is
 * tried first; the config.json of a model folder named `model` is looked for in its parent, where `mixent train`
 * leaves it.
 */
export async function loadRunFromUrl(folderUrl: string | URL, sampleLetters: string): Promise<RunModel> {
  const folder = new URL(String(folderUrl).endsWith('/') ? String(folderUrl) : `${folderUrl}/`, document.baseURI);
  const asRun = new URL('model/model.json', folder);
  const isRun = (await fetch(asRun, { method: 'HEAD' })).ok;
  const runFolder = isRun ? folder : lastSegment(folder) === 'model' ? new URL('../', folder) : undefined;
  const [model, config, summary] = await Promise.all([
    tfl.loadLayersModel((isRun ? asRun : new URL('model.json', folder)).href),
    runFolder ? optionalJson<TrainConfig>(new URL('config.json', runFolder)) : undefined,
    runFolder ? optionalJson<RunRecord['summary']>(new URL('summary.json', runFolder)) : undefined,
  ]);
  return runModel(lastSegment(runFolder ?? folder), model, { config, summary }, sampleLetters);
}

/**
 * Loads a model from files a person picked: a run folder or a model folder (a directory picker gives every file
 * with its relative path), or model.json with its weight files and, optionally, the run's config.json.
 */
export async function loadRunFromFiles(files: readonly File[], sampleLetters: string): Promise<RunModel> {
  const path = (file: File) => file.webkitRelativePath || file.name;
  const manifests = files.filter((file) => file.name === 'model.json').sort((a, b) => path(a).length - path(b).length);
  const manifest = manifests[0];
  if (!manifest)
    throw new Error('no model.json among the chosen files: choose a folder that `mixent train` or `mixent import-torch` wrote');
  const weights = files.filter((file) => file.name.endsWith('.bin'));
  const json = async <T>(name: string) => {
    const file = files.find((f) => f.name === name);
    return file ? (JSON.parse(await file.text()) as T) : undefined;
  };
  const [model, config, summary] = await Promise.all([
    tfl.loadLayersModel(tf.io.browserFiles([manifest, ...weights])),
    json<TrainConfig>('config.json'),
    json<RunRecord['summary']>('summary.json'),
  ]);
  const folder = path(manifest)
    .split('/')
    .slice(0, -1)
    .filter((part) => part !== 'model');
  return runModel(folder.at(-1) ?? manifest.name, model, { config, summary }, sampleLetters);
}
