import { appendFile, readFile } from 'node:fs/promises';
import writeFileAtomic from 'write-file-atomic';
import { pathExists } from '@mixent/node-io';

/** A run's metrics.jsonl, open for appending. */
export interface MetricsLog {
  append(record: Record<string, unknown>): Promise<void>;
}

/**
 * metrics.jsonl: one JSON line per logged step and per epoch, appended. On resume, the lines of
 * epochs after the checkpoint (and a line torn by the kill) are dropped, so the file ends as an
 * uninterrupted run's would.
 */
export async function openMetrics(path: string, keepThroughEpoch: number): Promise<MetricsLog> {
  const lines = (await pathExists(path)) ? (await readFile(path, 'utf8')).split('\n') : [];
  const kept = lines.filter((line) => {
    try {
      return (JSON.parse(line) as { epoch: number }).epoch <= keepThroughEpoch;
    } catch {
      return false;
    }
  });
  await writeFileAtomic(path, kept.map((line) => `${line}\n`).join(''));
  return { append: (record) => appendFile(path, `${JSON.stringify(record)}\n`) };
}
