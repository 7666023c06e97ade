import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import type { LetterSet } from './emnist.js';
import { readLetterSet } from './letter-files.js';
import { OFFICIAL_FILES } from './checksums.js';
import { type FetchOptions, fetchEmnistLetters } from './fetch.js';

/** The folder of the embedded sample, shipped inside this package. */
export const SAMPLE_DIR = fileURLToPath(new URL('../sample/', import.meta.url));

/** One file of the sample, as the manifest describes it. */
export interface SampleFileEntry {
  /** File name inside SAMPLE_DIR. */
  file: string;
  /** sha256 of the file as committed (gzip). */
  sha256: string;
  /** sha256 of its decompressed IDX bytes (independent of the gzip encoder). */
  idxSha256: string;
  /** Number of records. */
  count: number;
}

/** The sample's manifest (sample/manifest.json): what it is, where it comes from, how it was split. */
export interface SampleManifest {
  name: string;
  description: string;
  provenance: string;
  source: { file: string; idxSha256: string; count: number }[];
  split: { method: string; seed: string; testPerClass: number };
  /** Class indices present, and their letters. */
  classes: { index: number; letter: string }[];
  splits: Record<SampleSplit, { images: SampleFileEntry; labels: SampleFileEntry; classCounts: number[]; officialTestIndices: number[] }>;
  /** The two official label files, byte-identical to NIST's. */
  officialLabels: { file: string; sha256: string; bytes: number }[];
}

/** The two parts of the sample: a stratified split of official test images 0..14,799. */
export type SampleSplit = 'train' | 'test';

/** Reads the sample's manifest. */
export function readSampleManifest(): SampleManifest {
  return JSON.parse(readFileSync(join(SAMPLE_DIR, 'manifest.json'), 'utf8')) as SampleManifest;
}

/** Loads one split of the embedded sample as an upright LetterSet (no network, no cache). */
export function loadSample(split: SampleSplit): Promise<LetterSet> {
  const entry = readSampleManifest().splits[split];
  return readLetterSet(join(SAMPLE_DIR, entry.images.file), join(SAMPLE_DIR, entry.labels.file));
}

/** Which data: the embedded sample (the default everywhere) or the official EMNIST-Letters files. */
export type DatasetName = 'sample' | 'full';

/**
 * Loads a split of a dataset. 'sample' reads the embedded sample; 'full' makes sure the
 * official files are present and verified (fetching them unless `fetch.offline`), then reads them.
 */
export async function loadLetters(dataset: DatasetName, split: SampleSplit, fetch: FetchOptions = {}): Promise<LetterSet> {
  if (dataset === 'sample') return loadSample(split);
  const { paths } = await fetchEmnistLetters(fetch);
  const images = split === 'train' ? OFFICIAL_FILES.trainImages : OFFICIAL_FILES.testImages;
  const labels = split === 'train' ? OFFICIAL_FILES.trainLabels : OFFICIAL_FILES.testLabels;
  return readLetterSet(paths[images.name] as string, paths[labels.name] as string);
}
