// Runs every demo's main() and compares what it prints with demos/expected/<name>.txt, so the demos
// cannot rot. Each demo runs twice: in a synctest bubble (virtual time: fast, and it also proves the
// demo leaves no task behind) and on the real clock, as `npm run demo` runs it.
// Regenerate the expected files after an intended change with `npx vitest run spec/demos.node.spec.ts -u`.

import { pathToFileURL } from 'node:url';
import { format } from 'node:util';
import { synctest } from 'gorx/testing';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { demoFiles, demoName } from '../demos/run-all.js';

async function capture(run: () => Promise<void>): Promise<string> {
  const lines: string[] = [];
  vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => {
    lines.push(format(...args));
  });
  await run();
  return `${lines.join('\n')}\n`;
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('demos', () => {
  const files = demoFiles();

  it('finds the numbered demos and the Angular demo', () => {
    expect(files.map(demoName)).toContain('angular/main');
    expect(files.length).toBeGreaterThanOrEqual(16);
  });

  for (const file of files) {
    const name = demoName(file);
    const expected = `../demos/expected/${name.replace('/', '-')}.txt`;
    const load = async () => (await import(pathToFileURL(file).href)) as { main: () => Promise<void> };

    it(`${name} prints the expected output in virtual time`, async () => {
      const { main } = await load();
      const output = await capture(() => synctest(() => main()));
      await expect(output).toMatchFileSnapshot(expected);
    });

    it(`${name} prints the same output on the real clock`, async () => {
      const { main } = await load();
      const output = await capture(main);
      await expect(output).toMatchFileSnapshot(expected);
    });
  }
});
