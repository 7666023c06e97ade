import { defineConfig, mergeConfig } from 'vitest/config';
import shared from '../vitest.shared.js';

// The workspace preset, for the tests that live beside the workspace scripts.
export default mergeConfig(shared, defineConfig({ root: import.meta.dirname, test: { include: ['*.test.ts', 'testing/*.test.ts'] } }));
