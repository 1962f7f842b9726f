import { describe, expect, it } from 'vitest';
import { parseFrame, userFrame } from '../../lib/testing/frames.js';

describe('stack frames', () => {
  it('reads V8 frames with a path, a file URL and an http URL, dropping a query', () => {
    expect(parseFrame('    at f (/src/app.ts:3:7)')).toEqual({ file: '/src/app.ts', line: 3, column: 7 });
    expect(parseFrame('    at file:///src/app.mjs:10:2')).toEqual({
      file: 'file:///src/app.mjs',
      line: 10,
      column: 2,
    });
    expect(
      parseFrame('    at it (http://localhost:63315/spec/leaks.spec.ts?import&browserv=17:30:4)'),
    ).toEqual({
      file: 'http://localhost:63315/spec/leaks.spec.ts',
      line: 30,
      column: 4,
    });
    expect(parseFrame('    at https://example.test/app/main.js#x:1:2')?.file).toBe(
      'https://example.test/app/main.js',
    );
  });

  it('reads SpiderMonkey and JavaScriptCore frames', () => {
    expect(parseFrame('run@http://localhost:5173/src/a.ts?t=1:8:15')).toEqual({
      file: 'http://localhost:5173/src/a.ts',
      line: 8,
      column: 15,
    });
    expect(parseFrame('@http://localhost:5173/src/b.ts:1:1')?.file).toBe('http://localhost:5173/src/b.ts');
  });

  it('has no location for runtime-internal and anonymous frames', () => {
    expect(
      parseFrame('    at process.processTicksAndRejections (node:internal/process/task_queues:95:5)'),
    ).toBe(undefined);
    expect(parseFrame('    at new Promise (<anonymous>)')).toBe(undefined);
    expect(parseFrame('Error')).toBe(undefined);
  });

  it('names the first frame outside gorx and its dependencies, scheme kept and query dropped', () => {
    const stack = [
      'Error',
      '    at x (http://localhost:1/node_modules/.vite/deps/rxjs.js?v=9:1:1)',
      '    at y (node:internal/timers:1:1)',
      '    at z (http://localhost:1/spec/user.spec.ts?import&browserv=3:12:5)',
    ].join('\n');
    expect(userFrame(stack)).toBe('http://localhost:1/spec/user.spec.ts:12:5');
  });

  it('skips gorx frames wherever gorx is served from', () => {
    // This spec's own frame comes first once gorx's frames are skipped.
    expect(userFrame(new Error().stack)).toMatch(/frames\.spec\.ts:\d+:\d+$/);
  });
});
