// Node: a link between threads keeps the process alive only while an operation waits on it.
// Each case runs alive/main.ts in a process of its own.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const main = new URL('./alive/main.ts', import.meta.url).pathname;

describe('a process that waits on another thread', () => {
  const here = { endpoint: 'an endpoint', home: 'a buffered channel', unbuffered: 'an unbuffered channel' };
  for (const [side, what] of Object.entries(here)) {
    it(`receives every value sent from a thread after its task returned (${what} here), then ends by itself with its pool idle`, async () => {
      const { stdout } = await run(process.execPath, ['--import', 'tsx', main, side], {
        encoding: 'utf8',
        timeout: 60_000,
      });
      expect(stdout.trim()).toBe('received 20000 in order');
    });
  }

  it('ends once its last task ended, though a task of its pool had to wait in the queue behind long ones', async () => {
    const queued = new URL('./alive/queued.ts', import.meta.url).pathname;
    const { stdout } = await run(process.execPath, ['--import', 'tsx', queued], {
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(stdout.trim()).toBe('ended at once');
  });
});
