// The package as an app installs it: `npm pack`, then `npm install` of the tarball (with the
// rxjs and TypeScript versions of this repository, from npm's cache when it has them) into a
// throwaway app, which then type-checks, runs a marble test, and loads both entries as ESM and
// CommonJS. Needs the built package (`npm run build`, which `npm test` runs first).
import { execFile } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const root = new URL('../../', import.meta.url).pathname;
const fixtures = new URL('./consumer/', import.meta.url).pathname;

/** The environment of a child process, without what an enclosing `npm test` sets for itself. */
const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('npm_')));

const versionOf = (pkg: string): string =>
  (JSON.parse(readFileSync(`${root}node_modules/${pkg}/package.json`, 'utf8')) as { version: string })
    .version;

let tmp = '';
let app = '';

/** Runs `file` with `args` in the app folder; resolves stdout, rejects with stdout and stderr. */
async function inApp(file: string, args: string[]): Promise<string> {
  try {
    return (await run(file, args, { cwd: app, env, encoding: 'utf8', timeout: 60_000 })).stdout;
  } catch (error) {
    const e = error as { stdout?: string; stderr?: string; message: string };
    throw new Error(`${file} ${args.join(' ')} failed:\n${e.stdout ?? ''}${e.stderr ?? e.message}`);
  }
}

/** Type-checks `files` in the app with `options` (strict and skipLibCheck off unless overridden). */
function typecheck(name: string, options: Record<string, unknown>, files: string[]): Promise<string> {
  const config = {
    compilerOptions: {
      strict: true,
      skipLibCheck: false,
      noEmit: true,
      target: 'es2022',
      types: [],
      lib: ['es2022', 'dom'],
      ...options,
    },
    files,
  };
  writeFileSync(join(app, `tsconfig.${name}.json`), JSON.stringify(config, null, 2));
  return inApp(process.execPath, ['node_modules/typescript/bin/tsc', '-p', `tsconfig.${name}.json`]);
}

const BUNDLER = { module: 'esnext', moduleResolution: 'bundler' };
const NODE16 = { module: 'node16', moduleResolution: 'node16' };
const DISPOSABLE = { lib: ['es2022', 'dom', 'esnext.disposable'] };
const EVERY = ['every-export.ts', 'forged-case.ts'];

beforeAll(async () => {
  if (!existsSync(`${root}dist/index.js`)) throw new Error('gorx is not built: run npm run build first');
  tmp = mkdtempSync(join(os.tmpdir(), 'gorx-consumer-'));
  app = join(tmp, 'app');
  mkdirSync(app);
  const packed = await run('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', tmp], {
    cwd: root,
    env,
    encoding: 'utf8',
  });
  const [{ filename }] = JSON.parse(packed.stdout) as [{ filename: string }];
  writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'app', private: true, type: 'module' }));
  await inApp('npm', [
    'install',
    '--prefer-offline',
    '--no-audit',
    '--no-fund',
    '--ignore-scripts',
    '--loglevel=error',
    join(tmp, filename),
    `rxjs@${versionOf('rxjs')}`,
    `typescript@${versionOf('typescript')}`,
  ]);
  for (const file of ['every-export.ts', 'forged-case.ts', 'using.ts', 'marbles.mjs']) {
    copyFileSync(join(fixtures, file), join(app, file));
  }
  // The same program as CommonJS: under node16 it resolves the `require` condition (.d.cts).
  copyFileSync(join(fixtures, 'every-export.ts'), join(app, 'every-export.cts'));
  copyFileSync(new URL('./consumer.mjs', import.meta.url).pathname, join(app, 'consumer.mjs'));
}, 120_000);

afterAll(() => {
  if (tmp !== '') rmSync(tmp, { recursive: true, force: true });
});

describe('the package as an app installs it', () => {
  it('installs with one rxjs: the app’s, shared with gorx (a peer dependency, not a copy)', () => {
    expect(existsSync(join(app, 'node_modules/rxjs/package.json'))).toBe(true);
    expect(existsSync(join(app, 'node_modules/gorx/node_modules/rxjs'))).toBe(false);
  });

  it('the fixture uses every name that gorx, gorx/testing and gorx/worker export', () => {
    const source = readFileSync(join(fixtures, 'every-export.ts'), 'utf8');
    const imported = (from: string) =>
      new Set(
        source
          .match(new RegExp(`import \\{([^}]*)\\} from '${from}'`))![1]!
          .split(',')
          .map(
            (s) =>
              s
                .trim()
                .replace(/^type /, '')
                .split(' as ')[0]!,
          )
          .filter(Boolean),
      );
    for (const [entry, dts] of [
      ['gorx', 'index.d.ts'],
      ['gorx/testing', 'testing/index.d.ts'],
      ['gorx/worker', 'worker/index.d.ts'],
    ] as const) {
      const declared = readFileSync(join(app, 'node_modules/gorx/dist', dts), 'utf8');
      const exported = declared
        .match(/^export \{([^}]*)\}/m)![1]!
        .split(',')
        .map(
          (s) =>
            s
              .trim()
              .replace(/^type /, '')
              .split(' as ')
              .at(-1)!,
        );
      const names = imported(entry);
      expect(
        exported.filter((n) => !names.has(n)),
        `exports of ${entry} missing from every-export.ts`,
      ).toEqual([]);
    }
  });

  it('every export type-checks (strict, skipLibCheck off) under moduleResolution bundler, without esnext.disposable', async () => {
    await typecheck('bundler', BUNDLER, EVERY);
  });

  it('… and with esnext.disposable, where `using` over an Unlock type-checks too', async () => {
    await typecheck('bundler-disposable', { ...BUNDLER, ...DISPOSABLE }, [...EVERY, 'using.ts']);
  });

  it('every export type-checks under node16, as ESM and as CommonJS (.d.ts and .d.cts), without esnext.disposable', async () => {
    await typecheck('node16', NODE16, [...EVERY, 'every-export.cts']);
  });

  it('… and with esnext.disposable, `using` included', async () => {
    await typecheck('node16-disposable', { ...NODE16, ...DISPOSABLE }, [
      ...EVERY,
      'every-export.cts',
      'using.ts',
    ]);
  });

  it('a forged select case is a type error with skipLibCheck on too', async () => {
    await typecheck('forged-skiplib', { ...BUNDLER, skipLibCheck: true }, ['forged-case.ts']);
  });

  it('a marble test through the installed package runs on the app’s TestScheduler (one rxjs)', async () => {
    expect(await inApp(process.execPath, ['marbles.mjs'])).toContain('marbles ok');
  });

  it('both entries load as ESM and as CommonJS, share one clock, and agree on instanceof', async () => {
    const report = JSON.parse(await inApp(process.execPath, ['consumer.mjs'])) as {
      resolved: Record<string, string>;
      names: Record<'esm' | 'cjs' | 'esmTesting' | 'cjsTesting', string[]>;
      cross: Record<string, Record<string, boolean>>;
      thrown: Record<string, Record<string, boolean>>;
      clock: Record<string, { result: string; virtual: number; fast: boolean }>;
    };
    const installed = join(app, 'node_modules/gorx/dist/');
    expect(Object.values(report.resolved).map((p) => p.replace('file://', ''))).toEqual([
      `${installed}index.js`,
      `${installed}testing/index.js`,
      `${installed}index.cjs`,
      `${installed}testing/index.cjs`,
    ]);
    expect(report.names.esm).toEqual(expect.arrayContaining(['Channel', 'select', 'go', 'workerPool']));
    expect(report.names.esmTesting).toEqual(expect.arrayContaining(['synctest', 'verifyNoLeaks']));
    expect(report.names.cjs).toEqual(report.names.esm);
    expect(report.names.cjsTesting).toEqual(report.names.esmTesting);
    for (const direction of Object.values({ ...report.cross, ...report.thrown })) {
      expect(Object.values(direction).every(Boolean), JSON.stringify(direction)).toBe(true);
    }
    for (const format of ['esm', 'cjs']) {
      expect(report.clock[format]).toEqual({ result: 'ok', virtual: 3_600_000, fast: true });
    }
  });

  it('every installed script has exactly one sourceMappingURL', () => {
    const dist = join(app, 'node_modules/gorx/dist');
    const scripts = (readdirSync(dist, { recursive: true }) as string[]).filter((f) => /\.c?js$/.test(f));
    expect(scripts.length).toBeGreaterThan(10);
    const counts = scripts
      .map(
        (f) =>
          [f, readFileSync(join(dist, f), 'utf8').match(/\/\/# sourceMappingURL=/g)?.length ?? 0] as const,
      )
      .filter(([, n]) => n !== 1);
    expect(counts).toEqual([]);
  });
});
