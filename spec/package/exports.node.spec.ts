// The built package, as its users get it: `dist/` (built by `npm run build`, which `npm test` runs
// before vitest), loaded through package.json's `exports` map by the package's own name, in a
// plain Node process (consumer.mjs) for both `import` and `require`, and in this process through
// `createRequire`. The API-surface lists below are the committed snapshot of the public names.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import * as source from 'gorx';
import * as sourceTesting from 'gorx/testing';
import * as sourceWorker from 'gorx/worker';
import { beforeAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../', import.meta.url));
const pkg = JSON.parse(readFileSync(`${root}package.json`, 'utf8')) as {
  name: string;
  main: string;
  module: string;
  types: string;
  exports: Record<string, string | Record<string, Record<string, string>>>;
};

/** The runtime names of `gorx`, by API.md section; Timer and Ticker go beyond API.md. */
const GORX = {
  channels: ['Channel'],
  select: ['select', 'select$', 'trySelect', 'recv', 'send'],
  context: [
    'background',
    'withCancel',
    'withCancelCause',
    'withTimeout',
    'withDeadline',
    'withValue',
    'withoutCancel',
    'contextKey',
    'cause',
    'afterFunc',
    'fromSignal',
    'fromDestroyRef',
  ],
  goroutines: ['go', 'trackTasks'],
  sync: [
    'WaitGroup',
    'errGroup',
    'ErrGroup',
    'Mutex',
    'RWMutex',
    'Semaphore',
    'Once',
    'onceFunc',
    'onceValue',
  ],
  time: ['after', 'tick', 'newTimer', 'newTicker', 'sleep', 'Timer', 'Ticker'],
  operators: ['workerPool', 'toChannel', 'sendTo', 'produce', 'fanIn', 'cancelWith'],
  errors: [
    'ClosedChannelError',
    'CanceledError',
    'DeadlineExceededError',
    'NegativeCounterError',
    'UnlockError',
    'BufferOverflowError',
  ],
  threads: ['threadPool', 'registerError', 'transfer', 'WorkerExitError'],
};

/** The type-only names of `gorx` the contract relies on (checked in the emitted declarations). */
const GORX_TYPES = [
  'Context',
  'ContextKey',
  'ContextError',
  'ReceiveChannel',
  'SendChannel',
  'RecvResult',
  'Cancel',
  'Case',
  'Cases',
  'Selected',
  'Task',
  'Unlock',
  'Overflow',
  'DestroyRefLike',
  'PendingTasksLike',
  'ThreadPool',
  'ThreadPoolOptions',
];

/** The runtime names of `gorx/testing`; VirtualClock, captureStacks and snapshotLive go beyond API.md. */
const TESTING = [
  'synctest',
  'verifyNoLeaks',
  'DeadlockError',
  'LeakError',
  'VirtualClock',
  'captureStacks',
  'snapshotLive',
];
const TESTING_TYPES = ['Bubble', 'LiveTask'];

/** The runtime names of `gorx/worker`, the entry an application's worker file imports. */
const WORKER = ['serve', 'registerError', 'transfer', 'WorkerExitError'];

const sorted = (names: readonly string[]) => [...names].sort();
const runtimeNames = (m: object) =>
  sorted(Object.keys(m).filter((k) => k !== 'default' && k !== '__esModule'));
const ALL_GORX = sorted(Object.values(GORX).flat());

describe('API surface (source)', () => {
  it('every name of API.md is exported by gorx, section by section', () => {
    for (const [section, names] of Object.entries(GORX)) {
      const missing = names.filter((n) => !(n in source));
      expect(missing, `missing from the ${section} section of gorx`).toEqual([]);
    }
  });

  it('every name of API.md is exported by gorx/testing', () => {
    expect(TESTING.filter((n) => !(n in sourceTesting))).toEqual([]);
  });

  it('gorx/worker exports what a worker file needs, and the same registry functions as gorx', () => {
    expect(runtimeNames(sourceWorker)).toEqual(sorted(WORKER));
    expect(sourceWorker.registerError).toBe(source.registerError);
    expect(sourceWorker.WorkerExitError).toBe(source.WorkerExitError);
  });

  it('the public names match the committed list exactly (update this spec and API.md on purpose)', () => {
    expect(runtimeNames(source)).toEqual(ALL_GORX);
    expect(runtimeNames(sourceTesting)).toEqual(sorted(TESTING));
  });

  it('every export has the kind its name promises: classes and functions', () => {
    for (const name of ALL_GORX)
      expect(typeof (source as Record<string, unknown>)[name], name).toBe('function');
    for (const name of TESTING)
      expect(typeof (sourceTesting as Record<string, unknown>)[name], name).toBe('function');
  });
});

/** Every file package.json points at. */
function packageFiles(): string[] {
  const files = [pkg.main, pkg.module, pkg.types];
  for (const entry of Object.values(pkg.exports)) {
    if (typeof entry === 'string') files.push(entry);
    else for (const conditions of Object.values(entry)) files.push(...Object.values(conditions));
  }
  return files;
}

type Report = {
  resolved: Record<'esm' | 'esmTesting' | 'cjs' | 'cjsTesting', string>;
  names: Record<'esm' | 'cjs' | 'esmTesting' | 'cjsTesting', string[]>;
  cross: Record<'esmToCjs' | 'cjsToEsm', Record<string, boolean>>;
  thrown: Record<'esmToCjs' | 'cjsToEsm', Record<string, boolean>>;
  clock: Record<'esm' | 'cjs', { result: string; virtual: number; fast: boolean }>;
};

describe('the built package', () => {
  const STALE = 'dist is older than lib or incomplete: run npm run build first';
  const missing = packageFiles().filter((f) => !existsSync(`${root}${f}`));
  let consumer: Report | undefined;

  /** Fails the calling test with a clear message when the package has not been built. */
  function requireBuild(): void {
    if (missing.length > 0) {
      throw new Error(`gorx is not built (missing ${missing.join(', ')}): run npm run build first`);
    }
  }

  /** What a plain Node consumer of the package sees (consumer.mjs), run once. */
  function report(): Report {
    requireBuild();
    consumer ??= JSON.parse(
      execFileSync(process.execPath, [`${root}spec/package/consumer.mjs`], {
        cwd: root,
        encoding: 'utf8',
        timeout: 30_000,
      }),
    ) as Report;
    return consumer;
  }

  beforeAll(() => {
    if (missing.length === 0) report();
  }, 40_000);

  it('package.json names the package and maps both entries for import and require', () => {
    expect(pkg.name).toBe('gorx');
    expect(Object.keys(pkg.exports).sort()).toEqual(['.', './package.json', './testing', './worker']);
    for (const entry of ['.', './testing', './worker']) {
      const conditions = pkg.exports[entry] as Record<string, Record<string, string>>;
      expect(Object.keys(conditions)).toEqual(['import', 'require']);
      expect(Object.keys(conditions.import!)).toEqual(['types', 'default']);
      expect(Object.keys(conditions.require!)).toEqual(['types', 'default']);
    }
  });

  it('no CommonJS chunk writes to one of its exports from a class field', () => {
    // esbuild rewrites `this.#cause = x` into `this.#cause = exports.cause = x` when the chunk also
    // exports a `cause`: the package's own cause() would then be overwritten at run time.
    requireBuild();
    const cjs = readdirSync(`${root}dist`, { recursive: true, encoding: 'utf8' }).filter((f) =>
      f.endsWith('.cjs'),
    );
    for (const f of cjs) {
      expect(readFileSync(`${root}dist/${f}`, 'utf8'), f).not.toMatch(/#\w+ = exports\.\w+ =/);
    }
  });

  it('every file package.json points at exists', () => {
    requireBuild();
    expect(missing).toEqual([]);
  });

  it('the package resolves by its own name through the exports map, for import and require', () => {
    expect(report().resolved).toEqual({
      esm: pathToFileURL(`${root}dist/index.js`).href,
      esmTesting: pathToFileURL(`${root}dist/testing/index.js`).href,
      cjs: `${root}dist/index.cjs`,
      cjsTesting: `${root}dist/testing/index.cjs`,
    });
  });

  it('import and require of gorx expose every listed name', () => {
    expect(report().names.esm, STALE).toEqual(ALL_GORX);
    expect(report().names.cjs, STALE).toEqual(ALL_GORX);
  });

  it('import and require of gorx/testing expose every listed name', () => {
    expect(report().names.esmTesting, STALE).toEqual(sorted(TESTING));
    expect(report().names.cjsTesting, STALE).toEqual(sorted(TESTING));
  });

  it('the declarations export every listed type, for both formats', () => {
    requireBuild();
    for (const [file, names] of [
      ['dist/index.d.ts', [...ALL_GORX, ...GORX_TYPES]],
      ['dist/index.d.cts', [...ALL_GORX, ...GORX_TYPES]],
      ['dist/testing/index.d.ts', [...TESTING, ...TESTING_TYPES]],
      ['dist/testing/index.d.cts', [...TESTING, ...TESTING_TYPES]],
    ] as const) {
      const dts = readFileSync(`${root}${file}`, 'utf8');
      const exported = new Set(
        [...dts.matchAll(/^export (?:type )?\{([^}]*)\}/gm)].flatMap((m) =>
          m[1]!.split(',').map(
            (s) =>
              s
                .trim()
                .replace(/^type /, '')
                .split(' as ')
                .at(-1)!,
          ),
        ),
      );
      expect(
        names.filter((n) => !exported.has(n)),
        `${file}: ${STALE}`,
      ).toEqual([]);
    }
  });

  it('errors of one format are instanceof the classes of the other', () => {
    for (const direction of ['esmToCjs', 'cjsToEsm'] as const) {
      expect(Object.keys(report().cross[direction]).sort()).toEqual(
        sorted([...GORX.errors, 'DeadlockError', 'LeakError']),
      );
      expect(Object.values(report().cross[direction]).every(Boolean), direction).toBe(true);
      expect(report().thrown[direction]).toEqual({ canceled: true, deadline: true, closed: true });
    }
  });

  it('gorx/testing and gorx share one clock: a bubble drives the timers of gorx, in both formats', () => {
    for (const format of ['esm', 'cjs'] as const) {
      expect(report().clock[format]).toEqual({ result: 'ok', virtual: 3_600_000, fast: true });
    }
  });

  it('createRequire loads the CommonJS build in this process, and its errors pass the checks of this copy', () => {
    requireBuild();
    const require = createRequire(import.meta.url);
    expect(require.resolve('gorx')).toBe(`${root}dist/index.cjs`);
    const cjs = require('gorx') as typeof source;
    const cjsTesting = require('gorx/testing') as typeof sourceTesting;
    expect(cjs.CanceledError).not.toBe(source.CanceledError);
    const [ctx, cancel] = cjs.withCancel(cjs.background());
    cancel();
    expect(ctx.err).toBeInstanceOf(source.CanceledError);
    expect(new source.DeadlineExceededError()).toBeInstanceOf(cjs.DeadlineExceededError);
    expect(new cjsTesting.LeakError([], 0)).toBeInstanceOf(sourceTesting.LeakError);
    expect(new cjs.UnlockError()).not.toBeInstanceOf(source.CanceledError);
  });

  it('the ESM build loads in this process by path, and its errors pass the checks of this copy', async () => {
    requireBuild();
    const esm = (await import(
      /* @vite-ignore */ pathToFileURL(`${root}dist/index.js`).href
    )) as typeof source;
    expect(runtimeNames(esm), STALE).toEqual(ALL_GORX);
    const ch = new esm.Channel<number>();
    ch.close();
    expect(() => ch.close()).toThrow(source.ClosedChannelError);
  });
});
