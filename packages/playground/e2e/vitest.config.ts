import { defineConfig } from 'vitest/config';
import shared from '../../../vitest.shared.js';

/** The e2e suite: the built app in Chromium, one file, long timeouts (it trains a model on wasm). */
export default defineConfig({
  ssr: shared.ssr,
  test: { include: ['e2e/**/*.e2e.test.ts'], testTimeout: 300_000, hookTimeout: 300_000, pool: 'forks' },
});
