import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { beforeAll, describe, expect, it } from 'vitest';
import { layerTable } from './__fixtures__/helpers.js';
import { spinalVgg } from './spinal-vgg.js';
import { vgg5 } from './vgg5.js';

// The README's layer tables are generated from the real models; this keeps them true.
describe('README.md', () => {
  const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  it.each([
    ['VGG-5', vgg5],
    ['Spinal-VGG', spinalVgg],
  ] as const)('holds the layer table of %s', (_name, build) => {
    const table = layerTable(build());
    // On failure, the expected table is printed: paste it into the README.
    expect(readme.includes(table), table).toBe(true);
  });
});
