// The threads page's check, run by demos/browser/check.ts (`npm run demo:browser`, the last step of
// `npm test`): bundles the page and its worker file with esbuild, serves them over HTTP (a module
// worker does not load from a file:// page), opens `#selftest` and checks the counts it reports:
// every tile of a view rendered, then a view replaced part-way (its other tiles cancelled through
// its Context, no thread terminated), then the view that replaced it rendered in full; once served
// plain and once with the COOP/COEP headers of cross-origin isolation.
import { copyFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import type { Browser } from 'playwright';
import { launchChromium } from '../../spec/helpers/chromium.node.js';
import { serveFolder } from '../../spec/helpers/static.node.js';
import type { Report } from './main.js';

const here = dirname(fileURLToPath(import.meta.url));
const TIMEOUT_MS = 30_000;

/** Builds the page and its worker into `out` (ES modules, side by side, as a bundler emits them). */
async function bundle(out: string): Promise<void> {
  await build({
    entryPoints: [join(here, 'main.ts'), join(here, 'tile.worker.ts')],
    outdir: out,
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    tsconfig: join(here, '..', '..', 'tsconfig.json'), // resolves 'gorx' and 'gorx/worker' to lib/
    logLevel: 'warning',
  });
  copyFileSync(join(here, 'index.html'), join(out, 'index.html'));
}

/** What is wrong with the self-test's report; empty when it is as it must be. */
function judge(report: Report): string[] {
  const wrong: string[] = [];
  const [whole, replaced, zoomed] = report.views;
  if (report.views.length !== 3 || !whole || !replaced || !zoomed)
    return [`expected 3 views, got ${JSON.stringify(report)}`];
  if (whole.rendered !== whole.tiles) wrong.push(`view 1 rendered ${whole.rendered} of ${whole.tiles} tiles`);
  if (replaced.rendered !== 8 || replaced.cancelled !== replaced.tiles - 8)
    wrong.push(`view 2 should stop after 8 tiles: ${JSON.stringify(replaced)}`);
  if (zoomed.rendered !== zoomed.tiles)
    wrong.push(`view 3 rendered ${zoomed.rendered} of ${zoomed.tiles} tiles`);
  if (report.views.some((v) => v.lost > 0)) wrong.push('tiles were lost to a dead thread');
  if (report.terminated !== 0) wrong.push(`${report.terminated} thread(s) terminated`);
  return wrong;
}

/**
 * Loads the threads page in `browser`, served without the COOP/COEP headers, then with them in a
 * Chromium that isolates the page (so memory is shared with the workers); the pool needs neither.
 * Returns the errors found (none: it passed).
 */
export async function checkThreads(browser: Browser, out: string): Promise<string[]> {
  await bundle(out);
  const plain = await load(browser, out, false);
  const isolating = await launchChromium(true);
  try {
    return [...plain, ...(await load(isolating, out, true))];
  } finally {
    await isolating.close();
  }
}

async function load(browser: Browser, out: string, isolated: boolean): Promise<string[]> {
  const server = await serveFolder(out, isolated);
  const where = `threads page${isolated ? ' (with COOP/COEP)' : ''}`;
  const errors: string[] = [];
  try {
    const page = await browser.newPage();
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(`${where}: console error: ${m.text()}`);
    });
    page.on('pageerror', (e) => errors.push(`${where}: page error: ${e.stack ?? e.message}`));
    await page.goto(`${server.url}index.html#selftest`);
    const status = page.locator('#status[data-state="done"]');
    const done = await status.waitFor({ timeout: TIMEOUT_MS }).then(
      () => true,
      () => false,
    );
    if (!done) return [...errors, `${where}: no report within ${TIMEOUT_MS} ms`];
    const report = JSON.parse((await status.getAttribute('data-report')) ?? '{}') as Report;
    const [whole, replaced, zoomed] = report.views;
    console.log(
      `chromium, ${where}, ${report.threads} thread(s): view 1 ${whole?.rendered}/${whole?.tiles} tiles; ` +
        `view 2 ${replaced?.rendered} rendered, ${replaced?.cancelled} cancelled ` +
        `(${replaced?.stopped} stopped in a thread, ${replaced?.late} finished late); ` +
        `view 3 ${zoomed?.rendered}/${zoomed?.tiles}; threads terminated: ${report.terminated}; ` +
        `crossOriginIsolated: ${report.isolated}`,
    );
    if (report.isolated !== isolated) errors.push(`${where}: crossOriginIsolated is ${report.isolated}`);
    errors.push(...judge(report).map((e) => `${where}: ${e}`));
    return errors;
  } finally {
    await server.close();
  }
}
