// No module of the package imports itself back through others. An import cycle makes the order in
// which modules run depend on which entry a program imports first: a worker file that imports only
// gorx/worker once met a class extending a base that had not run yet.
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';

const ENTRIES = ['lib/index.ts', 'lib/testing/index.ts', 'lib/worker/index.ts'];

/** Every cycle among the modules an entry reaches, as `a -> b -> a`. */
async function cycles(entry: string): Promise<string[]> {
  const { metafile } = await build({
    entryPoints: [entry],
    bundle: true,
    write: false,
    metafile: true,
    format: 'esm',
    platform: 'neutral',
    external: ['rxjs', 'node:*'],
    logLevel: 'silent',
  });
  const graph = new Map<string, string[]>();
  for (const [file, input] of Object.entries(metafile.inputs)) {
    graph.set(
      file,
      input.imports.filter((i) => !i.external && i.kind === 'import-statement').map((i) => i.path),
    );
  }
  const found = new Set<string>();
  const done = new Set<string>();
  const path: string[] = [];
  const visit = (file: string): void => {
    const at = path.indexOf(file);
    if (at >= 0) {
      found.add([...path.slice(at), file].join(' -> '));
      return;
    }
    if (done.has(file)) return;
    path.push(file);
    for (const next of graph.get(file) ?? []) visit(next);
    path.pop();
    done.add(file);
  };
  for (const file of graph.keys()) visit(file);
  return [...found];
}

describe('module graph', () => {
  for (const entry of ENTRIES) {
    it(`${entry} reaches no import cycle`, async () => {
      expect(await cycles(entry)).toEqual([]);
    });
  }
});
