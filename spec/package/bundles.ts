// What a program that uses gorx pays in bundle size: entry snippets bundled the way an app's
// bundler does it (esbuild, ESM, minified, tree-shaken), then gzipped. gorx is taken as built
// (dist, through the package's `exports` map, with rxjs external: the app has its own rxjs); the
// peers with every dependency bundled. Shared by spec/package/size.node.spec.ts (the budgets) and
// spec/package/size.ts (`npm run size`, the table in BENCHMARKS.md).
import { mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import * as gorx from '../../lib/index.js';

/** The repository root, which is the package root. */
export const root: string = fileURLToPath(new URL('../../', import.meta.url));

/** The libraries measured beside gorx. */
export const PEERS = ['async-channel', 'ts-chan', 'js-csp', 'rxjs'] as const;
export type Peer = (typeof PEERS)[number];

/** One entry snippet: a program that uses everything it imports. */
export interface Snippet {
  readonly id: string;
  readonly title: string;
  /** The most its gzipped bundle may weigh, in bytes (1 kB = 1,000 bytes). */
  readonly budget: number;
  /**
   * While a snippet is over its budget: the most it may weigh until it is brought under, its size
   * when the ceiling was set. Nothing may grow meanwhile; each saving lowers the ceiling.
   */
  readonly ceiling?: number;
  readonly gorx: string;
  /** The same program written for a peer, where the peer has what it needs. */
  readonly peers: Partial<Record<Peer, string>>;
}

const kB = 1000;

/** The thread layer's exports: the one part of `gorx` that a program without threads never needs. */
export const THREADS = ['threadPool', 'registerError', 'transfer', 'WorkerExitError'] as const;

/** Every other export of `gorx`, read from its entry (lib/index.ts, which the build publishes). */
const BUT_THREADS: readonly string[] = Object.keys(gorx).filter(
  (name) => !(THREADS as readonly string[]).includes(name),
);

export const SNIPPETS: readonly Snippet[] = [
  {
    id: 'channel',
    title: '`Channel` send/recv',
    budget: 3.5 * kB,
    gorx: `import { Channel } from 'gorx';
const ch = new Channel(1);
await ch.send(1);
console.log(await ch.recv());`,
    peers: {
      'async-channel': `import { Channel } from 'async-channel';
const ch = new Channel(1);
await ch.push(1);
console.log(await ch.get());`,
      'ts-chan': `import { Chan } from 'ts-chan';
const ch = new Chan(1);
await ch.send(1);
console.log(await ch.recv());`,
      'js-csp': `import { chan, go, put, take } from 'js-csp';
const ch = chan(1);
go(function* () {
  yield put(ch, 1);
  console.log(yield take(ch));
});`,
    },
  },
  {
    id: 'select',
    title: '`Channel` + `select` + `recv` + `after` + `go`',
    budget: 5.5 * kB,
    ceiling: 5_520,
    gorx: `import { after, Channel, go, recv, select } from 'gorx';
const ch = new Channel();
go(() => ch.send(1));
console.log(await select({ value: recv(ch), timeout: recv(after(100)) }));`,
    peers: {
      'ts-chan': `import { Chan, Select, recv } from 'ts-chan';
const ch = new Chan();
const timeout = new Chan(1);
setTimeout(() => timeout.trySend(true), 100);
void ch.send(1);
console.log(await new Select([recv(ch), recv(timeout)]).wait());`,
      'js-csp': `import { alts, chan, go, put, timeout } from 'js-csp';
const ch = chan();
go(function* () {
  yield put(ch, 1);
});
go(function* () {
  console.log((yield alts([ch, timeout(100)])).value);
});`,
      rxjs: `import { mergeMap, of, timeout } from 'rxjs';
of(1)
  .pipe(mergeMap(async (v) => v), timeout(100))
  .subscribe(console.log);`,
    },
  },
  {
    id: 'workerPool',
    title: '`workerPool`',
    budget: 6 * kB,
    gorx: `import { workerPool } from 'gorx';
import { range } from 'rxjs';
range(1, 10)
  .pipe(workerPool(4, async (v) => v * 2))
  .subscribe(console.log);`,
    peers: {
      rxjs: `import { mergeMap, range } from 'rxjs';
range(1, 10)
  .pipe(mergeMap(async (v) => v * 2, 4))
  .subscribe(console.log);`,
    },
  },
  {
    id: 'context',
    title: 'Context: `background`, `withCancel`, `withTimeout`',
    budget: 4 * kB,
    gorx: `import { background, withCancel, withTimeout } from 'gorx';
const [ctx, cancel] = withCancel(background());
const [timed] = withTimeout(ctx, 100);
cancel();
console.log(timed.err);`,
    peers: {},
  },
  {
    id: 'everything-but-threads',
    title: 'everything but the thread layer',
    budget: 12 * kB,
    gorx: `import { ${BUT_THREADS.join(', ')} } from 'gorx';
console.log(${BUT_THREADS.join(', ')});`,
    peers: {},
  },
  {
    id: 'everything',
    title: 'everything (`import *`)',
    budget: 16 * kB,
    ceiling: 27_332,
    gorx: `import * as gorx from 'gorx';
console.log(gorx, ${THREADS.map((name) => `gorx.${name}`).join(', ')});`,
    peers: {
      'async-channel': `import * as lib from 'async-channel';
console.log(lib);`,
      'ts-chan': `import * as lib from 'ts-chan';
console.log(lib);`,
      'js-csp': `import * as csp from 'js-csp';
console.log(csp);`,
      rxjs: `import * as rxjs from 'rxjs';
console.log(rxjs);`,
    },
  },
  {
    id: 'synctest',
    title: '`gorx/testing` `synctest`',
    budget: 7 * kB,
    gorx: `import { synctest } from 'gorx/testing';
await synctest(async (bubble) => console.log(bubble.now()));`,
    peers: {
      rxjs: `import { TestScheduler } from 'rxjs/testing';
new TestScheduler((actual, expected) => console.log(actual, expected)).run(({ cold, expectObservable }) =>
  expectObservable(cold('a|')).toBe('a|'),
);`,
    },
  },
];

/** A bundle's weight and what went into it. */
export interface Measured {
  readonly minified: number;
  readonly gzip: number;
  /** The files that put code in the bundle (the entry aside), relative to the repository root. */
  readonly modules: readonly string[];
  readonly text: string;
}

/** Bundles `contents` as an app's entry would be, resolving imports from `resolveDir`. */
export async function measure(contents: string, resolveDir: string, external: string[]): Promise<Measured> {
  const result = await build({
    stdin: { contents, resolveDir, loader: 'js', sourcefile: 'entry.js' },
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    minify: true,
    treeShaking: true,
    external,
    metafile: true,
    logLevel: 'silent',
    // The repository's tsconfig maps `gorx` to lib/; a consumer has no such mapping.
    tsconfigRaw: {},
  });
  const bytes = result.outputFiles[0]!.contents;
  const output = Object.values(result.metafile.outputs)[0]!;
  const modules = Object.entries(output.inputs)
    .filter(([path, input]) => input.bytesInOutput > 0 && !path.endsWith('entry.js'))
    .map(([path]) => fileURLToPath(new URL(path, `file://${process.cwd()}/`)).replace(root, ''));
  return {
    minified: bytes.length,
    gzip: gzipSync(bytes, { level: 9 }).length,
    modules,
    text: result.outputFiles[0]!.text,
  };
}

/**
 * A throwaway app folder whose `node_modules/gorx` is this package (so imports resolve through
 * its `exports` map to dist, as they do for an app that installed it). Call `dispose` when done.
 */
export function consumerFolder(): { dir: string; dispose: () => void } {
  const dir = mkdtempSync(join(os.tmpdir(), 'gorx-size-'));
  mkdirSync(join(dir, 'node_modules'));
  symlinkSync(root, join(dir, 'node_modules', 'gorx'), 'dir');
  return { dir, dispose: () => rmSync(dir, { recursive: true, force: true }) };
}

/** The gorx bundle of a snippet: the built package, rxjs left to the app. */
export const measureGorx = (snippet: Snippet, consumer: string): Promise<Measured> =>
  measure(snippet.gorx, consumer, ['rxjs']);

/** A peer's bundle of a snippet, with all its dependencies; undefined where the peer has no equivalent. */
export async function measurePeer(snippet: Snippet, peer: Peer): Promise<Measured | undefined> {
  const contents = snippet.peers[peer];
  return contents === undefined ? undefined : measure(contents, root, []);
}
