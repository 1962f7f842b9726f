// An Angular CLI application with a Web Worker made by `ng generate web-worker`, whose worker file
// imports `gorx/worker`: built by the CLI (`ng build`, production) with no configuration beyond
// what the generators write, against the package as an app installs it (the packed tarball,
// unpacked into the app's node_modules; Angular, rxjs and TypeScript come from this repository's;
// the app has a package.json of its own, or `gorx` would resolve to this repository itself),
// then loaded in the headless Chromium of the browser specs, plain and cross-origin isolated.
// The fixture is spec/angular/cli-app; its page reports what it saw in `data-report`.
// Needs the built package (`npm run build`, which `npm test` runs first).
import { execFile } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { gzipSync } from 'node:zlib';
import type { Browser } from 'playwright';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../helpers/chromium.node.js';
import { serveFolder } from '../helpers/static.node.js';

const run = promisify(execFile);
const root = new URL('../../', import.meta.url).pathname;
const fixture = new URL('./cli-app/', import.meta.url).pathname;

/**
 * Gzip (level 9) bytes of the worker chunk, everything it needs bundled (gorx/worker and the parts
 * of rxjs it uses), the size it had when this ceiling was set: it may not grow. The goal is 8,000.
 */
const WORKER_CHUNK_CEILING = 20_026;

/** The environment of a child process, without what an enclosing `npm test` sets for itself. */
const env = {
  ...Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('npm_'))),
  NG_CLI_ANALYTICS: 'false',
};

let tmp = '';
let app = '';
let built = '';
/** The shipped Chromium as it runs, and one that isolates a page served with COOP and COEP. */
let browser: Browser | undefined;
let isolating: Browser | undefined;

/** Runs `args` with Node in `cwd`; resolves stdout, rejects with stdout and stderr. */
async function node(cwd: string, args: string[]): Promise<string> {
  try {
    return (await run(process.execPath, args, { cwd, env, encoding: 'utf8', timeout: 150_000 })).stdout;
  } catch (error) {
    const e = error as { stdout?: string; stderr?: string; message: string };
    throw new Error(`node ${args.join(' ')} failed:\n${e.stdout ?? ''}${e.stderr ?? e.message}`);
  }
}

beforeAll(async () => {
  if (!existsSync(`${root}dist/index.js`)) throw new Error('gorx is not built: run npm run build first');
  // Inside the repository, so that Angular and rxjs resolve from its node_modules, one copy each.
  mkdirSync(join(root, '.tmp'), { recursive: true });
  tmp = mkdtempSync(join(root, '.tmp', 'angular-cli-'));
  app = join(tmp, 'app');
  cpSync(fixture, app, { recursive: true });
  const packed = await run('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', tmp], {
    cwd: root,
    env,
    encoding: 'utf8',
  });
  const [{ filename }] = JSON.parse(packed.stdout) as [{ filename: string }];
  const installed = join(app, 'node_modules', 'gorx');
  mkdirSync(installed, { recursive: true });
  await run('tar', ['-xzf', join(tmp, filename), '-C', installed, '--strip-components=1']);
  await node(app, [join(root, 'node_modules/@angular/cli/bin/ng.js'), 'build']);
  built = join(app, 'dist', 'app', 'browser');
  browser = await launchChromium();
  isolating = await launchChromium(true);
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await isolating?.close();
  if (tmp !== '') rmSync(tmp, { recursive: true, force: true });
});

/** The chunk files the CLI wrote, by kind: the page's entry and the worker's. */
function chunks(): { main: string; worker: string } {
  const files = readdirSync(built).filter((f) => f.endsWith('.js'));
  const main = files.find((f) => f.startsWith('main-'));
  const worker = files.find((f) => f.startsWith('worker-'));
  if (main === undefined || worker === undefined)
    throw new Error(`no main or worker chunk in ${files.join(', ')}`);
  return { main, worker };
}

interface Report {
  fibs?: number[];
  squares?: number;
  spin?: string;
  threads?: number;
  isolated?: boolean;
  error?: string;
}

/** Loads the built app (plain, or with COOP/COEP); returns its report and every error it logged. */
async function load(isolated: boolean): Promise<{ report: Report; errors: string[] }> {
  const server = await serveFolder(built, isolated);
  const page = await (isolated ? isolating : browser)!.newPage();
  const errors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(`console error: ${m.text()}`);
  });
  page.on('pageerror', (e) => errors.push(`page error: ${e.stack ?? e.message}`));
  try {
    await page.goto(server.url);
    const status = page.locator('#status[data-state="done"]');
    await status.waitFor({ timeout: 30_000 });
    const report = JSON.parse((await status.getAttribute('data-report')) ?? '{}') as Report;
    await page.waitForTimeout(200); // a late rejection of cancelled work would show by now
    return { report, errors };
  } finally {
    // Not page.close(): the shipped Chromium runs in one process, which ends with its last page.
    await page.goto('about:blank');
    await server.close();
  }
}

describe('an Angular CLI app with a worker from `ng generate web-worker`', () => {
  it('D1 the app resolves gorx to the unpacked tarball, not to this repository (the app is a package of its own)', () => {
    const resolved = createRequire(join(app, 'src', 'main.ts')).resolve('gorx/worker');
    expect(resolved.startsWith(join(app, 'node_modules', 'gorx'))).toBe(true);
  });

  it('D1 the CLI builds it with no extra configuration: the worker file is the app’s, bundled into a worker chunk with gorx', () => {
    const { main, worker } = chunks();
    const workerCode = readFileSync(join(built, worker), 'utf8');
    const mainCode = readFileSync(join(built, main), 'utf8');
    expect(workerCode).toContain('worker exited'); // gorx's error texts travel with it
    expect(mainCode).toContain(worker); // the page spawns that chunk
  });

  for (const isolated of [false, true]) {
    it(`D1 it runs in Chromium${isolated ? ' with COOP/COEP' : ''}: workerPool over pool.fn, channels crossing both ways, a CPU-bound task stopped through its Context; no console or page error`, async () => {
      const { report, errors } = await load(isolated);
      expect(errors).toEqual([]);
      expect(report).toEqual({
        fibs: [6765, 10946, 17711, 28657],
        squares: (1000 * 1001 * 2001) / 6,
        spin: 'canceled',
        threads: 2,
        isolated,
      });
    }, 60_000);
  }

  it(`D1 the worker chunk stays within ${WORKER_CHUNK_CEILING} bytes gzipped`, () => {
    const { worker } = chunks();
    const gzip = gzipSync(readFileSync(join(built, worker)), { level: 9 }).length;
    console.log(`Angular CLI worker chunk with gorx/worker: ${gzip} bytes gzipped (goal 8,000)`);
    expect(gzip).toBeLessThanOrEqual(WORKER_CHUNK_CEILING);
  });
});
