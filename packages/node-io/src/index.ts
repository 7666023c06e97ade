/**
 * @mixent/node-io: the small Node utilities of mixent's packages and command lines.
 * Where a command line writes (the process's streams or a test's buffers), files that exist and files flushed to
 * the disk before a rename publishes them, Node's system errors told from others, and a progress display (a bar on
 * a terminal, plain periodic lines in logs).
 */

// Command lines
export { processIo, type CliIo } from './cli-io.js';

// Files
export { isSystemError, pathExists, writeFileDurably } from './files.js';

// Progress display
export {
  createProgress,
  formatAmount,
  formatDuration,
  progressLine,
  type Progress,
  type ProgressOptions,
  type ProgressUnit,
} from './progress.js';
