import type { ProfileName } from '@mixent/training';

/** The value of --profile, checked. */
export function profileFlag(value: string | undefined): ProfileName {
  if (value !== 'sample' && value !== 'full') throw new Error(`--profile must be sample or full, got '${value}'`);
  return value;
}

/** The value of an integer flag, checked. */
export function integerFlag(flag: string, value: string): number {
  if (!/^\d+$/.test(value)) throw new Error(`${flag} must be a non-negative integer, got '${value}'`);
  return Number(value);
}
