import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { PublishedAccuracy } from '@mixent/reporting';
import { PROFILES, type ProfileName, type TrainConfig } from '@mixent/training';
import { z } from 'zod';
import { EXPERIMENTS_DIR, namedConfigs } from './configs.js';
import { resourceProblems } from './slurm.js';

/**
 * The experiment matrix, tables.json: every table with its rows, baseline and output folder, the seeds, the runs
 * folder, the published accuracies and the display names. The nx plugin tools/experiment-targets.cjs makes the
 * targets from the same file, and the CLI takes its defaults from it.
 */
export const TABLES_FILE = join(EXPERIMENTS_DIR, 'tables.json');

const tableSchema = z.strictObject({
  /** What the table shows, in words. */
  description: z.string().min(1),
  /** Its rows, in order: names of config files. */
  rows: z.array(z.string()).min(1),
  /** The row every other is tested against. */
  baseline: z.string(),
  /** Where its files go, relative to the app's folder; `{profile}` stands for the profile. */
  out: z.string().min(1),
});

/** What a Slurm sweep asks for under one profile (slurm.ts's SlurmResources), and the backend its tasks train on. */
const slurmSchema = z.strictObject({
  partition: z.string().min(1).optional(),
  gpusPerTask: z.number().int().nonnegative().optional(),
  cpusPerTask: z.number().int().positive().optional(),
  time: z.string().min(1).optional(),
  maxParallel: z.number().int().positive().optional(),
  sbatchArgs: z.array(z.string()).optional(),
  backend: z.string().min(1).optional(),
});

const matrixSchema = z.strictObject({
  $comment: z.string().optional(),
  /** Seeds 0..seeds-1 of every row. */
  seeds: z.number().int().positive(),
  /** The profiles (nx configurations) of every target, the default first. */
  profiles: z.array(z.string()).min(1),
  /** The folder of all rows' runs; `{profile}` stands for the profile. */
  runs: z.string().min(1),
  /** By name: the name of its files, its nx target and its command, lowercase and ending in -table. */
  tables: z.record(z.string(), tableSchema),
  /** Published test accuracies in percent, by row, with their sources. */
  published: z.record(z.string(), z.strictObject({ accuracy: z.number().gt(0).max(100), source: z.string().min(1) })),
  /** How tables name models and losses, by their registry names; other names are shown as they are. */
  displayNames: z.strictObject({ models: z.record(z.string(), z.string()), losses: z.record(z.string(), z.string()) }),
  /** By profile: the resources of `mixent sweep` and of the rows' `-c <profile>-slurm` targets; flags override them. */
  slurm: z.record(z.string(), slurmSchema).optional(),
});

/** The experiment matrix, as tables.json holds it. */
export type ExperimentMatrix = z.infer<typeof matrixSchema>;

/** One table of the matrix. */
export type TableSpec = ExperimentMatrix['tables'][string];

/**
 * Reads and checks an experiment matrix: its shape, and that every row, baseline and published row is a named
 * config, that its profiles are training's, and that no two tables write to one folder. Errors name the file.
 */
export function readExperimentMatrix(file = TABLES_FILE, configs: readonly string[] = namedConfigs()): ExperimentMatrix {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new Error(`${file}: cannot read the experiment matrix (${(error as Error).message})`);
  }
  const result = matrixSchema.safeParse(parsed);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => `  ${issue.path.join('.') || '(root)'}: ${issue.message}`);
    throw new Error(`${file} is not a valid experiment matrix:\n${problems.join('\n')}`);
  }
  const problems = matrixProblems(result.data, configs);
  if (problems.length > 0) throw new Error(`${file} is not a valid experiment matrix:\n${problems.map((p) => `  ${p}`).join('\n')}`);
  return result.data;
}

function matrixProblems(matrix: ExperimentMatrix, configs: readonly string[]): string[] {
  const problems: string[] = [];
  const known = new Set(configs);
  const profiles = Object.keys(PROFILES);
  if ([...matrix.profiles].sort().join() !== [...profiles].sort().join()) {
    problems.push(`profiles: [${matrix.profiles.join(', ')}], but training has the profiles ${profiles.join(', ')}`);
  }
  const outs = new Map<string, string>();
  for (const [name, table] of Object.entries(matrix.tables)) {
    // The CLI runs a table by its name: the suffix keeps it apart from the other commands.
    if (!/^[a-z][a-z0-9-]*-table$/.test(name)) problems.push(`tables.${name}: a table name is lowercase and ends in -table`);
    for (const row of table.rows)
      if (!known.has(row)) problems.push(`tables.${name}.rows: ${row} is not a config of configs/ (${configs.join(', ')})`);
    if (new Set(table.rows).size !== table.rows.length) problems.push(`tables.${name}.rows: a row is listed twice`);
    if (!table.rows.includes(table.baseline)) problems.push(`tables.${name}.baseline: ${table.baseline} is not one of its rows`);
    const other = outs.get(table.out);
    if (other) problems.push(`tables.${name}.out: ${table.out} is also the folder of ${other}, whose figures it would overwrite`);
    outs.set(table.out, name);
  }
  for (const row of Object.keys(matrix.published)) if (!known.has(row)) problems.push(`published: ${row} is not a config of configs/`);
  for (const [profile, resources] of Object.entries(matrix.slurm ?? {})) {
    if (!profiles.includes(profile)) problems.push(`slurm.${profile}: not a profile (${profiles.join(', ')})`);
    for (const problem of resourceProblems(resources)) problems.push(`slurm.${profile}: ${problem}`);
  }
  return problems;
}

let matrix: ExperimentMatrix | undefined;

/** The app's own experiment matrix (TABLES_FILE), read once. */
export function experimentMatrix(): ExperimentMatrix {
  matrix ??= readExperimentMatrix();
  return matrix;
}

/** The table of the matrix with this name; an unknown name is refused with the known ones. */
export function tableSpec(name: string, of: ExperimentMatrix = experimentMatrix()): TableSpec {
  const table = of.tables[name];
  if (!table) throw new Error(`no table ${name} in ${TABLES_FILE} (tables: ${Object.keys(of.tables).join(', ')})`);
  return table;
}

/** The folder of every row's runs under a profile, relative to the app's folder. */
export function runsFolder(profile: ProfileName, of: ExperimentMatrix = experimentMatrix()): string {
  return of.runs.replaceAll('{profile}', profile);
}

/** The folder a table's files go to under a profile, relative to the app's folder. */
export function tableFolder(name: string, profile: ProfileName, of: ExperimentMatrix = experimentMatrix()): string {
  return tableSpec(name, of).out.replaceAll('{profile}', profile);
}

/** The published accuracies of a table's rows, in its order, for @mixent/reporting. */
export function publishedAccuracies(rows: readonly string[], of: ExperimentMatrix = experimentMatrix()): PublishedAccuracy[] {
  return rows.flatMap((row) => {
    const published = of.published[row];
    return published ? [{ row, paperAccuracy: published.accuracy, source: published.source }] : [];
  });
}

/** How a table names a model: 'VGG-5', or 'VGG-5 ×0.25' when narrower than the paper's. */
export function modelDisplayName(config: TrainConfig, of: ExperimentMatrix = experimentMatrix()): string {
  const name = of.displayNames.models[config.model.name] ?? config.model.name;
  return config.model.widthMultiplier === 1 ? name : `${name} ×${config.model.widthMultiplier}`;
}

/** How a table names a loss: 'cross entropy', 'MIN-ENT', 'MIX-ENT', else the registry name. */
export function lossDisplayName(config: TrainConfig, of: ExperimentMatrix = experimentMatrix()): string {
  const name = of.displayNames.losses[config.loss.name] ?? config.loss.name;
  return config.loss.learnableWeights ? `${name} (learned weights)` : name;
}
