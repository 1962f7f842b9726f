// The ordering suite of the thread pool, for both hosts (order.node.spec.ts, order.browser.spec.ts):
// what a thread did before a message of the pool's own port is seen by whoever handles that
// message, although channel traffic travels on other ports (Go: happens-before). Each case runs
// several times, since a message that overtakes another does so only now and then.
import { background, Channel, withCancel } from 'gorx';
import { expect, it } from 'vitest';
import type { RemoteChannel } from '../../lib/threads/remote.js';
import type { ThreadPool } from '../../lib/threads/threadPool.js';
import { missedAfter, sendBoth } from './channel-helpers.js';
import { QuotaError } from './workers/classes.js';

const ROUNDS = 20;
const N = 50;
const upTo = (n: number) => Array.from({ length: n }, (_, i) => i);

/** What `ch` holds now, and whether it is closed and drained. */
function taken(ch: Channel<number>): { values: number[]; closed: boolean } {
  const values: number[] = [];
  for (let r = ch.tryRecv(); r !== undefined; r = ch.tryRecv()) {
    if (!r.ok) return { values, closed: true };
    values.push(r.value);
  }
  return { values, closed: false };
}

/** The ordering cases, on a one-thread pool of order.worker.ts that `pool()` gives. */
export function orderSuite(pool: () => ThreadPool): void {
  it('MM4 a task has ended only after its last sends arrived: every value is in the channel when its Task resolves', async () => {
    for (let i = 0; i < ROUNDS; i++) {
      const ch = new Channel<number>(N);
      expect(await pool().go('pour', [ch, N, 'return'])).toBe(N);
      expect(taken(ch)).toEqual({ values: upTo(N), closed: false });
    }
  });

  it('MM1 a close the task made before it ended is seen when its Task resolves, after its values', async () => {
    for (let i = 0; i < ROUNDS; i++) {
      const ch = new Channel<number>(N);
      await pool().go('pour', [ch, N, 'close']);
      expect(taken(ch)).toEqual({ values: upTo(N), closed: true });
    }
  });

  it('MM4 a task that fails has sent everything it sent before failing when its Task rejects', async () => {
    for (let i = 0; i < ROUNDS; i++) {
      const ch = new Channel<number>(N);
      await expect(pool().go('pour', [ch, N, 'throw'])).rejects.toBeInstanceOf(QuotaError);
      expect(taken(ch)).toEqual({ values: upTo(N), closed: false });
    }
  });

  it('GO2 values sent to a channel of the thread before pool.go, and its close, are seen by the task', async () => {
    for (let i = 0; i < ROUNDS; i++) {
      const ep = await pool().go<RemoteChannel<number>>('make', [N]);
      for (let v = 0; v < N; v++) await ep.send(v);
      expect(await pool().go('take', [])).toEqual({ values: upTo(N), closed: false });
      await ep.send(N);
      ep.close();
      expect(await pool().go('take', [])).toEqual({ values: [N], closed: true });
    }
  });

  it('MM1 a value the thread sent on a before it sent on b is in a once b was received here (the links to a thread are numbered)', async () => {
    const n = 300;
    const a = new Channel<number>(n);
    const b = new Channel<number>(n);
    const task = pool().go('sendBoth', [a, b, n]);
    expect(await missedAfter(a, b, n)).toEqual([]);
    await task;
  });

  it('MM1 a value sent here on a before b is in a when the thread has received b', async () => {
    const n = 300;
    const a = new Channel<number>(n + 1);
    const b = new Channel<number>(n);
    const task = pool().go<number[]>('pollAfter', [a, b, n]);
    await a.send(-1);
    await sendBoth(a, b, n, () => new Promise((resolve) => setTimeout(resolve, 0)));
    expect(await task).toEqual([]);
  });

  it('MM1 values sent before a task is cancelled are seen by the task once its context is done', async () => {
    for (let i = 0; i < ROUNDS; i++) {
      const ep = await pool().go<RemoteChannel<number>>('make', [N]);
      const [ctx, cancel] = withCancel(background());
      const task = pool().go('takeOnCancel', [], ctx);
      for (let v = 0; v < N; v++) await ep.send(v);
      cancel();
      expect(await task).toEqual({ values: upTo(N), closed: false });
    }
  });
}
