import { defineConfig } from 'vitest/config';

// Tests run against the TypeScript sources: the `zoo-source` export condition maps every
// `@zoo/*` import to `src/`, so no build is needed before `pnpm test`.
export default defineConfig({
  resolve: { conditions: ['zoo-source'] },
  ssr: { resolve: { conditions: ['zoo-source'] } },
  test: {
    include: ['packages/*/src/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});
