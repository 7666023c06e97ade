/**
 * The mixent experiments app: the `mixent` command, the named configs of the paper's rows, and
 * the glue from training runs to the paper's table.
 */
export { runMixentCli } from './cli.js';
export { CONFIG_DIR, namedConfigs, readTrainConfig } from './configs.js';
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
