import { describe, expect, it } from 'vitest';
import { createProgress, formatAmount, formatDuration, progressLine } from './progress.js';

describe('progress', () => {
  it('formats amounts, durations, rate and ETA', () => {
    expect(formatAmount(1_500_000, 'bytes')).toBe('1.5 MB');
    expect(formatAmount(2_340_000_000, 'bytes')).toBe('2.34 GB');
    expect(formatAmount(12_345, 'items')).toBe('12.3k');
    expect(formatDuration(3725)).toBe('1h02m');
    expect(formatDuration(185)).toBe('3m05s');
    // 50 of 200 MB in 10 s: 5 MB/s, 150 MB left → 30 s.
    expect(progressLine('gzip.zip', 50e6, 200e6, 'bytes', 10)).toBe('gzip.zip 50.0 MB/200.0 MB (25.0%) 5.0 MB/s ETA 30s');
    expect(progressLine('epoch 1', 30, 0, 'items', 3, 'loss 0.50')).toBe('epoch 1 30 10.0/s ETA ? loss 0.50');
  });

  it('prints plain lines, at most one per interval, when the stream is not a TTY', () => {
    const lines: string[] = [];
    const stream = { isTTY: false, write: (text: string) => lines.push(text) } as unknown as NodeJS.WriteStream;
    const progress = createProgress({ label: 'work', total: 100, stream, lineIntervalMs: 60_000 });
    for (let i = 1; i <= 100; i++) progress.update(i, `step ${i}`);
    progress.stop();
    expect(lines).toHaveLength(2); // the first update, then the final state
    expect(lines[0]).toMatch(/^work 1\/100 \(1\.0%\) .* step 1\n$/);
    expect(lines[1]).toMatch(/^work 100\/100 \(100\.0%\) .* ETA 0s step 100\n$/);
  });
});
