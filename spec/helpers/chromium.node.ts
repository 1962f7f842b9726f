// The headless Chromium that the browser specs and the browser demo run in: the binary that the
// @sparticuz/chromium package ships (so `npm ci` alone provides it), driven by Playwright. Node only:
// the Vitest config, demos/browser/check.ts and the Angular CLI spec import it.
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import chromium from '@sparticuz/chromium';
import type { Browser, LaunchOptions } from 'playwright';

const root = fileURLToPath(new URL('../../', import.meta.url));

/** The installed @sparticuz/chromium version: the binary is unpacked once per version. */
function packageVersion(): string {
  const entry = createRequire(import.meta.url).resolve('@sparticuz/chromium');
  let dir = dirname(entry);
  while (
    !existsSync(join(dir, 'package.json')) ||
    !readFileSync(join(dir, 'package.json'), 'utf8').includes('"@sparticuz/chromium"')
  ) {
    const up = dirname(dir);
    if (up === dir) throw new Error(`no package.json above ${entry}`);
    dir = up;
  }
  return (JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { version: string }).version;
}

/**
 * Unpacks the Chromium binary (about a second the first time) into
 * node_modules/.cache/sparticuz-chromium-<version> and returns the executable's path.
 *
 * The package unpacks into `os.tmpdir()` and reuses whatever binary it finds there, whatever its
 * version; so TMPDIR points at a fresh folder of this process for the call, and the finished folder
 * is renamed into place, which also keeps a half-unpacked binary from ever being reused.
 */
async function executablePath(): Promise<string> {
  const cache = join(root, 'node_modules', '.cache');
  const target = join(cache, `sparticuz-chromium-${packageVersion()}`);
  const binary = join(target, 'chromium');
  if (existsSync(binary)) return binary;
  const partial = `${target}.partial-${process.pid}`;
  rmSync(partial, { recursive: true, force: true });
  mkdirSync(partial, { recursive: true });
  const saved = process.env.TMPDIR;
  process.env.TMPDIR = partial;
  try {
    await chromium.executablePath();
  } finally {
    if (saved === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = saved;
  }
  try {
    renameSync(partial, target);
  } catch (error) {
    rmSync(partial, { recursive: true, force: true });
    if (!existsSync(binary)) throw error; // else another process finished first: use its copy
  }
  return binary;
}

const launches = new Map<boolean, Promise<LaunchOptions>>();

/**
 * The flags of the shipped Chromium that keep a page from being cross-origin isolated whatever its
 * headers: one process for everything, and site isolation and web security switched off.
 */
const SHARED_PROCESS = new Set([
  '--single-process',
  '--no-zygote',
  '--disable-site-isolation-trials',
  '--disable-web-security',
]);

/** `arg` without the features it switches off that keep sites out of processes of their own. */
function isolating(arg: string): string {
  const [flag, list] = arg.split('=', 2);
  if (flag !== '--disable-features' || list === undefined) return arg;
  const kept = list.split(',').filter((f) => f !== 'IsolateOrigins' && f !== 'site-per-process');
  return `${flag}=${kept.join(',')}`;
}

/**
 * Playwright launch options for the shipped Chromium, headless, with `gc()` exposed to pages and
 * exact `performance.memory` (for the specs that check what is collected and that a heap stays
 * flat); the binary is unpacked on first use. With `isolated`, Chromium runs its pages in
 * processes of their own, as a desktop Chromium does, so that a page served with COOP and COEP is
 * cross-origin isolated (shares memory with its workers); without, it runs as the package ships it
 * (one process), where no page is.
 */
export function chromiumLaunchOptions(isolated = false): Promise<LaunchOptions> {
  let options = launches.get(isolated);
  if (options === undefined) {
    options = executablePath().then((path) => ({
      executablePath: path,
      args: [
        ...(isolated ? chromium.args.filter((a) => !SHARED_PROCESS.has(a)).map(isolating) : chromium.args),
        '--js-flags=--expose-gc',
        '--enable-precise-memory-info',
      ],
      headless: true,
    }));
    launches.set(isolated, options);
  }
  return options;
}

/** Launches the shipped Chromium headless through Playwright (see `chromiumLaunchOptions`). */
export async function launchChromium(isolated = false): Promise<Browser> {
  const { chromium: playwright } = await import('playwright');
  return playwright.launch(await chromiumLaunchOptions(isolated));
}
