import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// GORX_STRESS=n multiplies the stress specs' sizes (by up to 10·n); their time limit grows with them.
const stress = Number(process.env.GORX_STRESS ?? 0);
const scale = stress > 0 ? stress * 10 : 1;

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
    testTimeout: 20_000 * scale,
    pool: 'forks',
  },
});
