/** Shown for a value that is undefined, e.g. the standard deviation of one seed. */
export const MISSING = '–';

/** A fraction as a percent with `decimals` decimals (2 by default); {@link MISSING} for null or NaN. */
export function formatPercent(fraction: number | null, decimals = 2): string {
  if (fraction === null || !Number.isFinite(fraction)) return MISSING;
  return (fraction * 100).toFixed(decimals);
}

/** A p-value: three decimals from 0.001 up, two significant digits in exponent form below. */
export function formatPValue(p: number): string {
  if (!Number.isFinite(p)) return MISSING;
  return p >= 0.001 ? p.toFixed(3) : p.toExponential(1);
}

/** A signed number with an explicit `+` for positive values, e.g. `+3`, `-2`, `0`, `+1.5`. */
export function formatSigned(value: number, decimals = 0): string {
  if (!Number.isFinite(value)) return MISSING;
  const text = value.toFixed(decimals);
  // Negative zero after rounding shows as 0.
  if (Number(text) === 0) return (0).toFixed(decimals);
  return value > 0 ? `+${text}` : text;
}

/** An integer with thousands grouped by commas, independent of the locale: `20800` → `20,800`. */
export function groupThousands(value: number): string {
  const [whole = '', fraction] = String(value).split('.');
  const sign = whole.startsWith('-') ? '-' : '';
  const digits = sign ? whole.slice(1) : whole;
  const grouped = digits.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return fraction === undefined ? `${sign}${grouped}` : `${sign}${grouped}.${fraction}`;
}

/** A list in words: `a`, `a and b`, `a, b and c`. */
export function joinWords(items: readonly string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} and ${items[items.length - 1] ?? ''}`;
}

/** A level or fraction as a percent number without trailing zeros: `0.95` → `95`, `0.005` → `0.5`. */
export function formatLevel(fraction: number): string {
  return String(Number((fraction * 100).toPrecision(6)));
}
