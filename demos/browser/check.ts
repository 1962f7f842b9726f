// `npm run demo:browser`: bundles the page with esbuild, then, if Chromium is installed, loads it
// headless in self-test mode and checks the rendered DOM. Without Chromium it says so and skips.
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';

const here = dirname(fileURLToPath(import.meta.url));
const CHROMIUM = '/usr/bin/chromium';

const expected = [
  'data-state="done"',
  '"chan": 3 hits; timed out: shard-c',
  '<li>channel (shard-a)</li>',
  '<li>buffered channel (shard-a)</li>',
  '<li>nil channel (shard-b)</li>',
];

async function main(): Promise<number> {
  const out = mkdtempSync(join(tmpdir(), 'gorx-browser-'));
  await build({
    entryPoints: [join(here, 'main.ts')],
    outfile: join(out, 'main.js'),
    bundle: true,
    format: 'iife', // a classic script: module scripts do not load from file:// URLs
    platform: 'browser',
    target: 'es2022',
    tsconfig: join(here, '..', '..', 'tsconfig.json'), // resolves 'gorx' to lib/ through `paths`
    logLevel: 'warning',
  });
  copyFileSync(join(here, 'index.html'), join(out, 'index.html'));
  console.log(`built ${join(out, 'index.html')} (open it in a browser to try the search box)`);

  if (!existsSync(CHROMIUM)) {
    console.log(`${CHROMIUM} not found: browser check skipped (the bundle was built)`);
    return 0;
  }
  const url = `${pathToFileURL(join(out, 'index.html')).href}#selftest`;
  const dom = execFileSync(
    CHROMIUM,
    ['--headless', '--no-sandbox', '--disable-gpu', '--virtual-time-budget=5000', '--dump-dom', url],
    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 60_000 },
  );
  const missing = expected.filter((text) => !dom.includes(text));
  const status = /<p id="status"[^>]*>([^<]*)<\/p>/.exec(dom)?.[1] ?? '(no status)';
  console.log(`chromium rendered: ${status}`);
  if (missing.length > 0) {
    console.error('browser check FAILED; missing from the DOM:', missing);
    console.error(dom);
    return 1;
  }
  console.log('browser check passed');
  return 0;
}

process.exitCode = await main();
