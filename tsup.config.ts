import { defineConfig } from 'tsup';

export default defineConfig({
  entry: { index: 'lib/index.ts', 'testing/index': 'lib/testing/index.ts' },
  format: ['esm', 'cjs'],
  dts: true,
  sourcemap: true,
  target: 'es2022',
  splitting: true,
  clean: true,
  treeshake: true,
  external: ['rxjs'],
});
