import { describe, expect, it } from 'vitest';
import { ConfigError, DEFAULT_CONFIG, PROFILES, isSameConfig, mergeConfig, resolveConfig, validateConfig } from './config.js';

describe('training configs', () => {
  it('the defaults are the reference recipe', () => {
    const config = validateConfig(DEFAULT_CONFIG);
    expect(config.batchSize).toBe(100);
    expect(config.evalBatchSize).toBe(1000);
    expect(config.epochs).toBe(200);
    expect(config.optimizer).toEqual({ name: 'adam', learningRate: 0.005, beta1: 0.9, beta2: 0.999, epsilon: 1e-8 });
    expect(config.schedule).toBe('reference');
    expect(config.model).toEqual({ name: 'vgg5', numClasses: 62, dropout: 0.5, widthMultiplier: 1 });
  });

  it('applies defaults, then the profile, then the file, then flags', () => {
    const config = resolveConfig('sample', [
      { name: 'vgg5-minent', loss: { name: 'min-ent', options: { w1: 0.839 } }, epochs: 5 },
      { seed: 3 },
    ]);
    expect(config.name).toBe('vgg5-minent');
    expect(config.loss).toEqual({ name: 'min-ent', options: { w1: 0.839 }, learnableWeights: false });
    expect(config.epochs).toBe(5); // the file beats the profile
    expect(config.model.widthMultiplier).toBe(PROFILES.sample.model?.widthMultiplier);
    expect(config.data.dataset).toBe('sample');
    expect(config.seed).toBe(3);
    expect(resolveConfig('full', []).data.dataset).toBe('full');
  });

  it('merges nested objects without modifying its inputs', () => {
    const base = { a: { b: 1, c: 2 }, d: [1, 2] };
    const merged = mergeConfig(base, { a: { c: 3 }, d: [9] });
    expect(merged).toEqual({ a: { b: 1, c: 3 }, d: [9] });
    expect(base).toEqual({ a: { b: 1, c: 2 }, d: [1, 2] });
  });

  it('refuses unknown keys and bad values, naming each key and the reason', () => {
    const bad = mergeConfig(DEFAULT_CONFIG, {
      epoch: 3,
      model: { widthMultiplier: -1, depth: 3 },
      batchSize: 2.5,
      data: { dataset: 'mnist' },
    });
    let error: unknown;
    try {
      validateConfig(bad, 'configs/broken.json');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as Error).message;
    expect(message).toMatch(/^configs\/broken\.json is not a valid training config:/);
    expect(message).toContain('  epoch: unknown key');
    expect(message).toContain('  model.depth: unknown key');
    expect(message).toMatch(/ {2}model\.widthMultiplier: .*>0/);
    expect(message).toMatch(/ {2}batchSize: .*int/i);
    expect(message).toMatch(/ {2}data\.dataset: .*"sample"\|"full"/);
  });

  it('names what a union key takes, or the bad fields of its object form', () => {
    const withWeights = (learnableWeights: unknown) => mergeConfig(DEFAULT_CONFIG, { loss: { learnableWeights } });
    expect(() => validateConfig(withWeights(true))).toThrow(
      /^config is not a valid training config:\n {2}loss\.learnableWeights: expected false, or \{ "learningRate": number > 0, "maxRatio": number > 1 \}$/,
    );
    const message = (() => {
      try {
        validateConfig(withWeights({ learningRate: 0.001, maxRatio: 0.5, rate: 1 }));
      } catch (error) {
        return (error as Error).message;
      }
    })();
    expect(message?.split('\n').slice(1).sort()).toEqual([
      '  loss.learnableWeights.maxRatio: Too small: expected number to be >1',
      '  loss.learnableWeights.rate: unknown key',
    ]);
  });

  it('tells a recorded config from another: equal after a JSON round trip, whatever the key order', () => {
    const config = resolveConfig('sample', [{ seed: 2 }]);
    expect(isSameConfig(JSON.parse(JSON.stringify(config)), config)).toBe(true);
    const { seed, ...rest } = config;
    expect(isSameConfig({ seed, ...rest }, config)).toBe(true);
    expect(isSameConfig({ ...config, seed: 3 }, config)).toBe(false);
    expect(isSameConfig({ ...config, loss: { ...config.loss, options: { w1: 0.5 } } }, config)).toBe(false);
    expect(isSameConfig(undefined, config)).toBe(false);
  });

  it("refuses scheduleOn 'validation' without a validation split", () => {
    expect(() => resolveConfig('sample', [{ scheduleOn: 'validation', data: { validationFraction: 0 } }])).toThrow(
      "scheduleOn: 'validation' needs a validation split (data.validationFraction > 0)",
    );
    expect(resolveConfig('sample', [{ scheduleOn: 'validation' }]).scheduleOn).toBe('validation');
  });

  it('refuses a missing key', () => {
    const { seed: _seed, ...withoutSeed } = DEFAULT_CONFIG;
    expect(() => validateConfig(withoutSeed)).toThrow(/ {2}seed: .*number/);
  });
});
