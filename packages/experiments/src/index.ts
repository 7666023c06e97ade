/**
 * The mixent experiments app: the `mixent` command, the named configs of the paper's rows, and
 * the glue from training runs to the paper's table.
 */
export { runMixentCli } from './cli.js';
export { CONFIG_DIR, namedConfigs, readTrainConfig } from './configs.js';
export {
  DEFAULT_SEEDS,
  LOSS_TABLE_ROWS,
  PAPER_TABLE_ROWS,
  TABLES,
  buildAndWriteTable,
  describeConfiguration,
  lossDisplayName,
  modelDisplayName,
  readRunRecord,
  readRunRecords,
  trainRow,
  type TableName,
  type TrainRowOptions,
} from './paper-table.js';
