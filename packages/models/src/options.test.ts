import { describe, expect, it } from 'vitest';
import { DEFAULT_MODEL_OPTIONS, validateModelOptions } from './options.js';
import type { ModelOptions } from './options.js';
import { modelName, resolveWidths } from './widths.js';

describe('validateModelOptions', () => {
  it('fills in the reference defaults', () => {
    expect(validateModelOptions()).toEqual({ numClasses: 62, dropout: 0.5, seed: 0, widthMultiplier: 1 });
    expect(validateModelOptions({ numClasses: 26 })).toEqual({ ...DEFAULT_MODEL_OPTIONS, numClasses: 26 });
    expect(validateModelOptions({ seed: undefined, dropout: 0.25 })).toEqual({
      ...DEFAULT_MODEL_OPTIONS,
      dropout: 0.25,
    });
  });

  it('returns a frozen copy and leaves the input alone', () => {
    const input = { seed: 7 };
    const resolved = validateModelOptions(input);
    expect(Object.isFrozen(resolved)).toBe(true);
    expect(input).toEqual({ seed: 7 });
  });

  it.each([
    [{ numClasses: 1 }, 'numClasses'],
    [{ numClasses: 26.5 }, 'numClasses'],
    [{ dropout: 1 }, 'dropout'],
    [{ dropout: -0.1 }, 'dropout'],
    [{ dropout: Number.NaN }, 'dropout'],
    [{ seed: -1 }, 'seed'],
    [{ seed: 1.5 }, 'seed'],
    [{ widthMultiplier: 0 }, 'widthMultiplier'],
    [{ widthMultiplier: Number.POSITIVE_INFINITY }, 'widthMultiplier'],
    [{ widthMultiplier: 0.005 }, 'widthMultiplier: 0.005 makes a layer 0 wide'],
    [{ widthMultiplier: 0.01 }, 'cannot split into two equal halves'],
  ] as [ModelOptions, string][])('rejects %o, naming the field', (options, fragment) => {
    expect(() => validateModelOptions(options)).toThrow(fragment);
  });

  it('names every bad field at once, unknown ones included', () => {
    const bad = { numClasses: 0, dropout: 2, widthMultipler: 0.5 } as ModelOptions;
    expect(() => validateModelOptions(bad)).toThrow(/widthMultipler: unknown option.*numClasses: must be.*dropout: must be/);
  });
});

describe('widths and names', () => {
  it('scales every width to round(m·w) and splits the features at half', () => {
    expect(resolveWidths(1)).toEqual({
      blocks: [
        [64, 64],
        [128, 128],
        [256, 256, 256],
        [256, 256, 256],
      ],
      features: 256,
      vggHidden: 512,
      spinalHalf: 128,
      spinalWidth: 128,
    });
    expect(resolveWidths(0.125)).toMatchObject({ features: 32, vggHidden: 64, spinalHalf: 16, spinalWidth: 16 });
    expect(resolveWidths(0.3).blocks[0]).toEqual([19, 19]);
  });

  it('spells the width multiplier out in the name, 1 included', () => {
    expect(modelName('vgg5', 1)).toBe('vgg5-w1');
    expect(modelName('spinal-vgg', 0.125)).toBe('spinal-vgg-w0.125');
  });
});
