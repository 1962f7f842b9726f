import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: {
    alias: {
      'gorx/testing': fileURLToPath(new URL('./lib/testing/index.ts', import.meta.url)),
      gorx: fileURLToPath(new URL('./lib/index.ts', import.meta.url)),
    },
  },
  test: {
    include: ['spec/**/*.spec.ts'],
    typecheck: { include: ['spec/**/*.test-d.ts'], tsconfig: './tsconfig.json' },
    testTimeout: 20_000,
    pool: 'forks',
  },
});
