// gorx as the benchmarks see it.
//
// By default the benchmarks run gorx as it ships: lib/ bundled by tsup into .bench-tmp/gorx
// (tsx, which runs the benchmarks, would otherwise compile lib/ with esbuild's `keepNames`,
// which wraps every named closure in a `__name()` call and makes closure-heavy paths several
// times slower than the published build). `--source` runs lib/ through tsx instead.
//
// Exports that may not exist yet are looked up at run time, so a case whose export is missing is
// reported as "n/a" instead of failing the whole run.
import { pathToFileURL } from 'node:url';
import type * as Gorx from 'gorx';
import type { ObservableInput, OperatorFunction } from 'rxjs';
import type { Case } from './harness.js';

const root = new URL('../../', import.meta.url);

/** Bundles lib/ the way the package is built (ESM, ES2022, rxjs external); returns its URL. */
async function bundle(): Promise<string> {
  const { build } = await import('tsup');
  const outDir = new URL('.bench-tmp/gorx/', root);
  await build({
    config: false,
    entry: { index: new URL('lib/index.ts', root).pathname },
    outDir: outDir.pathname,
    format: ['esm'],
    target: 'es2022',
    platform: 'node',
    external: ['rxjs'],
    splitting: false,
    sourcemap: false,
    dts: false,
    clean: true,
    silent: true,
  });
  return pathToFileURL(new URL('index.js', outDir).pathname).href;
}

/** Set by the runner for its child processes, so that lib/ is bundled once per run. */
const BUNDLE_ENV = 'GORX_BENCH_BUNDLE';

async function load(): Promise<[typeof Gorx, string, string | undefined]> {
  if (process.argv.includes('--source'))
    return [await import('gorx'), 'lib/ run from source by tsx', undefined];
  const bundled = 'lib/ bundled by tsup, as published';
  const preset = process.env[BUNDLE_ENV];
  if (preset) return [await import(preset), bundled, preset];
  try {
    const url = await bundle();
    return [await import(url), bundled, url];
  } catch (error) {
    console.warn(`Bundling lib/ failed, running it from source instead: ${String(error).split('\n')[0]}`);
    return [await import('gorx'), 'lib/ run from source by tsx: bundling failed', undefined];
  }
}

const [gorx, build, bundleUrl] = await load();

/** How gorx was loaded, for the report. */
export const gorxBuild: string = build;

/** Environment for a child process that should load the same gorx. */
export const gorxEnv: Record<string, string> = bundleUrl === undefined ? {} : { [BUNDLE_ENV]: bundleUrl };

export const { Channel, go, recv, select, select$ } = gorx;
export type Channel<T> = Gorx.Channel<T>;

export interface MutexLike {
  lock(): Promise<() => void>;
  unlock(): void;
}

export interface SemaphoreLike {
  acquire(n?: number): Promise<void>;
  release(n?: number): void;
}

export type WorkerPool = <T, R>(
  concurrency: number,
  work: (value: T, ctx: unknown, index: number) => ObservableInput<R>,
) => OperatorFunction<T, R>;

export interface Optional {
  Mutex: new () => MutexLike;
  Semaphore: new (size: number) => SemaphoreLike;
  workerPool: WorkerPool;
}

const table = gorx as unknown as Partial<Optional>;

/** A gorx case that needs `name`; "n/a" when gorx does not export it. */
export function needs<K extends keyof Optional>(
  name: K,
  variant: string | undefined,
  build: (value: Optional[K]) => Pick<Case, 'ops' | 'run' | 'floor'>,
): Case {
  const value = table[name];
  if (value === undefined) {
    return { kind: 'gorx', lib: 'gorx', variant, ops: 0, missing: `gorx does not export ${name}` };
  }
  return { kind: 'gorx', lib: 'gorx', variant, ...build(value as Optional[K]) };
}
