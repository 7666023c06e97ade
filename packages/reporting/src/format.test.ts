import { describe, expect, it } from 'vitest';
import { formatLevel, formatPValue, formatPercent, formatSigned, groupThousands, joinWords } from './format.js';

describe('number formatting', () => {
  it('formats percents, p-values and signed counts', () => {
    expect(formatPercent(0.95865)).toBe('95.86');
    expect(formatPercent(0.8)).toBe('80.00');
    expect(formatPercent(null)).toBe('–');
    expect(formatPercent(Number.NaN)).toBe('–');
    expect(formatPValue(0.0625)).toBe('0.063');
    expect(formatPValue(1)).toBe('1.000');
    expect(formatPValue(0.000123)).toBe('1.2e-4');
    expect(formatSigned(3)).toBe('+3');
    expect(formatSigned(-2)).toBe('-2');
    expect(formatSigned(-0.001, 2)).toBe('0.00');
    expect(formatSigned(0)).toBe('0');
    expect(formatLevel(0.95)).toBe('95');
    expect(formatLevel(0.005)).toBe('0.5');
  });

  it('groups thousands and joins words without a locale', () => {
    expect(groupThousands(20800)).toBe('20,800');
    expect(groupThousands(-1234567.5)).toBe('-1,234,567.5');
    expect(groupThousands(999)).toBe('999');
    expect(joinWords(['1'])).toBe('1');
    expect(joinWords(['1', '2'])).toBe('1 and 2');
    expect(joinWords(['1', '2', '3'])).toBe('1, 2 and 3');
  });
});
