import { defineConfig } from 'vitest/config';

/** The one vitest preset of the workspace: packages import it in their vitest.config.ts. */
export default defineConfig({
  // Workspace packages are imported from their TypeScript sources, so tests never need a build
  // (tests run in vite's server-side mode, whose resolver has its own conditions).
  ssr: { resolve: { conditions: ['@mixent/source'] } },
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});
