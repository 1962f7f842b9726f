// `npm run demo:browser` (also the last step of `npm test`): bundles the page with esbuild, loads it
// in the headless Chromium the browser specs use, lets it type a query in self-test mode, and checks
// the rendered results; then checks the thread-pool page the same way (demos/threads/check.ts). Any
// console error or uncaught page error fails the check, including one that arrives after the results
// are shown (a late rejection of cancelled work).
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { launchChromium } from '../../spec/helpers/chromium.node.js';
import { checkThreads } from '../threads/check.js';

const here = dirname(fileURLToPath(import.meta.url));

/** Longer than the slowest shard's latency: work the query abandoned has ended by then. */
const SETTLE_MS = 600;
const TIMEOUT_MS = 20_000;

const expected = [
  '"chan": 3 hits; timed out: shard-c',
  'channel (shard-a)',
  'buffered channel (shard-a)',
  'nil channel (shard-b)',
];

async function bundle(out: string): Promise<string> {
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
  return join(out, 'index.html');
}

async function main(): Promise<number> {
  const out = mkdtempSync(join(tmpdir(), 'gorx-browser-'));
  const browser = await launchChromium();
  try {
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(`console error: ${m.text()}`);
    });
    page.on('pageerror', (e) => errors.push(`page error: ${e.stack ?? e.message}`));
    await page.goto(`${pathToFileURL(await bundle(out)).href}#selftest`);
    const status = page.locator('#status[data-state="done"]');
    await status.waitFor({ timeout: TIMEOUT_MS }).then(
      () => page.waitForTimeout(SETTLE_MS),
      () => errors.push(`no results within ${TIMEOUT_MS} ms`),
    );
    const shown = [
      (await status.textContent()) ?? '',
      ...(await page.locator('#results li').allTextContents()),
    ];
    console.log(`chromium rendered: ${shown[0]}`);
    const missing = expected.filter((text) => !shown.includes(text));
    if (missing.length > 0)
      errors.push(`missing from the page: ${JSON.stringify(missing)}; shown: ${JSON.stringify(shown)}`);
    // The thread-pool page (demos/threads/): Web Workers, tiles, a view cancelled through its Context.
    errors.push(...(await checkThreads(browser, join(out, 'threads'))));
    if (errors.length > 0) {
      console.error(`browser check FAILED:\n${errors.join('\n')}`);
      return 1;
    }
    console.log('browser check passed');
    return 0;
  } finally {
    await browser.close();
    rmSync(out, { recursive: true, force: true });
  }
}

process.exitCode = await main();
