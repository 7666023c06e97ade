import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { loadSample } from '@mixent/data';
import { browserBundleInputs, isNodeOnlyFile } from '../../../tools/browser-bundle.js';
import { quiet, runDir, tinyConfig } from './__fixtures__/tiny-run.js';
import { selectBackend } from './backends/select.js';
import * as browser from './browser.js';
import * as node from './index.js';
import type { EpochRecord } from './run-state.js';

describe('the browser entry', () => {
  it('bundles for browsers with no Node built-in and no Node-only package', async () => {
    const inputs = await browserBundleInputs(join(import.meta.dirname, 'browser.ts'));
    expect(inputs.some((file) => file.endsWith('epoch.ts'))).toBe(true);
    // The browser builds of the packages it uses, not their Node entries.
    expect(inputs.some((file) => file.endsWith('models/src/browser.ts'))).toBe(true);
    expect(inputs.some((file) => file.endsWith('data/src/browser.ts'))).toBe(true);
    expect(inputs.filter(isNodeOnlyFile)).toEqual([]);
  }, 60_000);

  it("exports the Node entry's values, but its own registerWasmKernels, which reads the backend's release from it", () => {
    for (const name of Object.keys(browser)) {
      if (name === 'registerWasmKernels') continue;
      expect(browser[name as keyof typeof browser], name).toBe(node[name as keyof typeof node]);
    }
    expect(browser.registerWasmKernels).not.toBe(node.registerWasmKernels);
    expect(Object.keys(node).filter((name) => !(name in browser))).toEqual(
      expect.arrayContaining(['train', 'loadRunData', 'selectBackend', 'initWasmBackend', 'loadCheckpoint', 'saveCheckpoint']),
    );
  });

  it("trains as train() does: the browser's parts give the same epochs, and leave no tensor behind", async () => {
    await selectBackend('wasm');
    const config = tinyConfig({ epochs: 2, data: { trainLimit: 300, testLimit: 190 } });
    const summary = await node.train(config, { outDir: runDir(), ...quiet });
    const data = browser.splitRunData(config, await loadSample('train'), await loadSample('test'));
    const before = tf.memory().numTensors;
    const trainer = browser.createTrainer({
      config,
      data,
      environment: {
        backend: summary.backend,
        versions: { tfjsCore: tf.version_core, node: process.version },
        platform: 'test',
        seed: config.seed,
        model: summary.model,
        counts: summary.counts,
      },
      run: browser.initialRunState(config, tf.getBackend()),
    });
    const records: EpochRecord[] = [];
    try {
      while (trainer.run.epoch < config.epochs)
        records.push((await browser.runEpoch(trainer, { diverged: (what) => new Error(what) })).record);
    } finally {
      browser.disposeTrainer(trainer);
    }
    const timeless = (epochs: EpochRecord[]) => epochs.map((record) => ({ ...record, seconds: 0 }));
    expect(timeless(records)).toEqual(timeless(summary.epochs));
    expect(tf.memory().numTensors).toBe(before);
  }, 120_000);
});
