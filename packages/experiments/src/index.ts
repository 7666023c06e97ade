/**
 * The mixent experiments app: the `mixent` command, the named configs of the paper's rows, the
 * glue from training runs to the paper's table, and sweeps of a table as one Slurm job array.
 */
export { runMixentCli } from './cli.js';
export { CONFIG_DIR, EXPERIMENTS_DIR, namedConfigs, readTrainConfig } from './configs.js';
export { jobScript, type SlurmResources, SlurmUnavailableError } from './slurm.js';
export {
  formatStatus,
  planSweep,
  submitSweep,
  sweepInputsHash,
  sweepScript,
  sweepStatus,
  waitForSweep,
  type RunStatus,
  type SweepManifest,
  type SweepPlan,
  type SweepRequest,
} from './sweep.js';
export {
  buildAndWriteTable,
  describeConfiguration,
  readRunRecord,
  readRunRecords,
  trainRow,
  type TableOptions,
  type TrainRowOptions,
} from './table.js';
export {
  TABLES_FILE,
  experimentMatrix,
  lossDisplayName,
  modelDisplayName,
  publishedAccuracies,
  readExperimentMatrix,
  runsFolder,
  tableFolder,
  tableSpec,
  type ExperimentMatrix,
  type TableSpec,
} from './tables.js';
