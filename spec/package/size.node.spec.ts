// Bundle-size budgets of the built package (dist, as an app imports it by name): each entry snippet
// of bundles.ts, bundled by esbuild (ESM, minified, tree-shaken, rxjs external) and gzipped, stays
// within its budget, and a program that uses only channels does not carry the rest of the library.
// `npm run size` prints the same measurements beside the peers'.
import { existsSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { consumerFolder, type Measured, measure, measureGorx, root, SNIPPETS } from './bundles.js';

const built = existsSync(`${root}dist/index.js`) && existsSync(`${root}dist/testing/index.js`);
const consumer = consumerFolder();
afterAll(() => consumer.dispose());

const bytes = (n: number) => n.toLocaleString('en-US');

/** The bundle of a snippet, measured once. */
const measured = new Map<string, Promise<Measured>>();
function bundleOf(id: string): Promise<Measured> {
  if (!built) throw new Error('gorx is not built (dist/index.js is missing): run npm run build first');
  const snippet = SNIPPETS.find((s) => s.id === id)!;
  let m = measured.get(id);
  if (m === undefined) measured.set(id, (m = measureGorx(snippet, consumer.dir)));
  return m;
}

describe('bundle size of the built package (gzip, minified, rxjs external)', () => {
  for (const snippet of SNIPPETS) {
    const limit = Math.max(snippet.budget, snippet.ceiling ?? 0);
    const title =
      limit === snippet.budget
        ? `${snippet.title} stays within its budget of ${bytes(snippet.budget)} bytes`
        : `${snippet.title} does not grow past ${bytes(limit)} bytes (its budget, ${bytes(snippet.budget)}, is not met yet)`;
    it(title, async () => {
      const { gzip } = await bundleOf(snippet.id);
      expect(gzip, `${snippet.id}: ${gzip} bytes gzipped`).toBeLessThanOrEqual(limit);
    });
  }

  it('a program that uses only Channel carries no Context, sync kit, go, operators or timers', async () => {
    const { modules } = await bundleOf('channel');
    expect(modules).toContain('dist/channel/Channel.js');
    expect(
      modules.filter((m) => /^dist\/(context|sync|task|operators|time|select|threads)\//.test(m)),
    ).toEqual([]);
  });

  it('a Context program carries no Channel class, and no value or detached contexts it did not make', async () => {
    const { modules } = await bundleOf('context');
    expect(modules).toContain('dist/context/Context.js');
    expect(
      modules.filter((m) =>
        /^dist\/(channel\/Channel|context\/withValue|context\/withoutCancel)\.js$/.test(m),
      ),
    ).toEqual([]);
  });

  it('the thread layer is the only difference between the two everything bundles', async () => {
    const [all, butThreads] = [await bundleOf('everything'), await bundleOf('everything-but-threads')];
    expect(butThreads.modules.filter((m) => m.startsWith('dist/threads/'))).toEqual([]);
    expect(all.modules).toEqual(
      expect.arrayContaining(['dist/threads/threadPool.js', 'dist/threads/codec.js']),
    );
  });

  it('the bundles come from the built package, resolved by its name, and leave rxjs to the app', async () => {
    const { modules, text } = await bundleOf('select');
    expect(modules.filter((m) => !m.startsWith('dist/'))).toEqual([]);
    expect(modules).toEqual(expect.arrayContaining(['dist/select/select.js', 'dist/task/go.js']));
    expect(text).toMatch(/from\s*"rxjs"/);
  });

  it('importing both entries and using nothing bundles to nothing (no module-level side effects)', async () => {
    if (!built) throw new Error('gorx is not built: run npm run build first');
    const empty = await measure("import 'gorx'; import 'gorx/testing';", consumer.dir, ['rxjs']);
    expect(empty.text).toBe('');
  });
});
