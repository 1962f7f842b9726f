// Runs every numbered demo in order, then the Angular demo, in this process: `npm run demo`.
// Prints a header per demo and exits non-zero if any demo throws or leaves an unhandled rejection.
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));

/** The demo files in run order: `NN-name.ts` by number, then `angular/main.ts`. */
export function demoFiles(): string[] {
  const numbered = readdirSync(here)
    .filter((f) => /^\d{2}-.*\.ts$/.test(f))
    .sort();
  return [...numbered.map((f) => join(here, f)), join(here, 'angular', 'main.ts')];
}

/** A demo's display name: its path under demos/ without the extension. */
export function demoName(file: string): string {
  return file.slice(here.length + 1).replace(/\.ts$/, '');
}

async function runAll(): Promise<number> {
  let failures = 0;
  let unhandled: unknown[] = [];
  process.on('unhandledRejection', (reason) => unhandled.push(reason));
  for (const file of demoFiles()) {
    const name = demoName(file);
    console.log(`\n=== ${name} ${'='.repeat(Math.max(3, 60 - name.length))}`);
    const started = performance.now();
    try {
      const mod = (await import(pathToFileURL(file).href)) as { main: () => Promise<void> };
      await mod.main();
      await new Promise((r) => setTimeout(r, 0)); // let a stray rejection surface before judging
      if (unhandled.length > 0)
        throw new AggregateError(unhandled, `${unhandled.length} unhandled rejection(s)`);
      console.log(`--- ok (${Math.round(performance.now() - started)} ms)`);
    } catch (err) {
      failures++;
      console.error(`--- FAILED: ${name}`);
      console.error(err);
    }
    unhandled = [];
  }
  console.log(`\n${failures === 0 ? 'all demos passed' : `${failures} demo(s) failed`}`);
  return failures;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) process.exitCode = (await runAll()) > 0 ? 1 : 0;
