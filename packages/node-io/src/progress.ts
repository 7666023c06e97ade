import cliProgress from 'cli-progress';

/** What a progress bar counts. */
export type ProgressUnit = 'bytes' | 'items';

/** Options of createProgress. */
export interface ProgressOptions {
  /** What is being done, e.g. "gzip.zip" or "epoch 3/20". */
  label: string;
  /** Total amount of work (bytes or items); 0 when unknown. */
  total: number;
  /** Unit of `total` and of update's `done` (default 'items'). */
  unit?: ProgressUnit;
  /** Where to draw (default process.stderr). */
  stream?: NodeJS.WriteStream;
  /** When the stream is not a TTY: minimum milliseconds between plain lines (default 5000). */
  lineIntervalMs?: number;
}

/** A progress display: a redrawn bar on a TTY, plain periodic lines elsewhere (CI, logs). */
export interface Progress {
  /** Records that `done` units are finished; `info` is shown after the rate (e.g. "loss 0.41"). */
  update(done: number, info?: string): void;
  /** Draws the final state and releases the terminal. */
  stop(): void;
}

/** Formats a count of bytes or items for humans: 1.5 MB, 12.3k. */
export function formatAmount(value: number, unit: ProgressUnit): string {
  if (unit === 'bytes') {
    if (value >= 1e9) return `${(value / 1e9).toFixed(2)} GB`;
    if (value >= 1e6) return `${(value / 1e6).toFixed(1)} MB`;
    if (value >= 1e3) return `${(value / 1e3).toFixed(1)} kB`;
    return `${value} B`;
  }
  return value >= 1e4 ? `${(value / 1e3).toFixed(1)}k` : String(Math.round(value));
}

/** Formats seconds as 1h02m, 3m05s or 12s. */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '?';
  const s = Math.round(seconds);
  if (s >= 3600) return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
  if (s >= 60) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${s}s`;
}

/** One line of progress text: amount, percentage, rate and ETA, then the caller's info. */
export function progressLine(label: string, done: number, total: number, unit: ProgressUnit, elapsedSeconds: number, info = ''): string {
  const rate = elapsedSeconds > 0 ? done / elapsedSeconds : 0;
  const amount =
    total > 0
      ? `${formatAmount(done, unit)}/${formatAmount(total, unit)} (${((100 * done) / total).toFixed(1)}%)`
      : formatAmount(done, unit);
  const eta = total > 0 && rate > 0 ? formatDuration((total - done) / rate) : '?';
  const per = unit === 'bytes' ? `${formatAmount(rate, unit)}/s` : `${rate.toFixed(1)}/s`;
  return `${label} ${amount} ${per} ETA ${eta}${info ? ` ${info}` : ''}`;
}

/** Starts a progress display for work of known (or unknown, total 0) size. */
export function createProgress(options: ProgressOptions): Progress {
  const { label, total } = options;
  const unit = options.unit ?? 'items';
  const stream = options.stream ?? process.stderr;
  const started = performance.now();
  const elapsed = () => (performance.now() - started) / 1000;
  let lastDone = 0;
  let lastInfo = '';

  if (!stream.isTTY) {
    const interval = options.lineIntervalMs ?? 5000;
    let lastLine = -Infinity;
    const print = () => {
      lastLine = performance.now();
      stream.write(`${progressLine(label, lastDone, total, unit, elapsed(), lastInfo)}\n`);
    };
    return {
      update(done, info = '') {
        lastDone = done;
        lastInfo = info;
        if (performance.now() - lastLine >= interval) print();
      },
      stop: print,
    };
  }

  const bar = new cliProgress.SingleBar(
    {
      stream,
      // A hidden cursor stays hidden when Ctrl-C ends the process (the usual way to stop a run and resume it later),
      // and cli-progress's gracefulExit would swallow that Ctrl-C: the cursor stays visible.
      hideCursor: false,
      barsize: 24,
      format: (opts, params) => {
        const width = opts.barsize ?? 24;
        const filled = total > 0 ? Math.round(Math.min(1, params.value / total) * width) : 0;
        const drawn = `${'█'.repeat(filled)}${'░'.repeat(width - filled)}`;
        return `${drawn} ${progressLine(label, params.value, total, unit, elapsed(), lastInfo)}`;
      },
    },
    cliProgress.Presets.shades_classic,
  );
  bar.start(Math.max(total, 1), 0);
  return {
    update(done, info = '') {
      lastInfo = info;
      bar.update(done);
    },
    stop() {
      bar.stop();
    },
  };
}
