import { defineConfig, type Options } from 'tsup';

// ESM is published one file per module (dist/<area>/<File>.js, the layout of lib/), so a bundler
// keeps only the modules a program reaches; with `sideEffects: false` it drops the rest whole.
// CommonJS is bundled per entry, and its shared code goes in one chunk, so that `gorx` and
// `gorx/testing` and `gorx/worker` share one clock and one error registry in CommonJS too. The declarations are bundled
// per entry for both formats (`.d.ts` and `.d.cts`).
const entry = {
  index: 'lib/index.ts',
  'testing/index': 'lib/testing/index.ts',
  'worker/index': 'lib/worker/index.ts',
};
const shared: Options = { sourcemap: true, target: 'es2022', external: ['rxjs'], dts: { entry } };

export default defineConfig([
  { ...shared, entry: ['lib/**/*.ts'], format: 'esm', bundle: false, clean: true },
  { ...shared, entry, format: 'cjs', splitting: true },
]);
