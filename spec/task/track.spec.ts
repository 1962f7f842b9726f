import { background, Channel, go, trackTasks, WaitGroup, withCancel } from 'gorx';
import { afterEach, describe, expect, it } from 'vitest';
import { capture, flush } from '../helpers/async.js';

/** A tracker shaped like Angular's PendingTasks, counting what is pending. */
function counter() {
  const t = {
    pending: 0,
    added: 0,
    add() {
      t.pending++;
      t.added++;
      let ended = false;
      return () => {
        if (!ended) t.pending--;
        ended = true;
      };
    },
  };
  return t;
}

const stops: (() => void)[] = [];
afterEach(() => {
  for (const stop of stops.splice(0)) stop();
});

describe('trackTasks', () => {
  it('reports each task from start to end, so a stability check can wait for gorx work', async () => {
    const t = counter();
    stops.push(trackTasks(t));
    const ch = new Channel<number>();
    const task = go(async () => (await ch.recv()).value);
    expect(t.pending).toBe(1);
    await flush();
    expect(t.pending).toBe(1); // blocked in recv: still pending
    await ch.send(7);
    expect(await task).toBe(7);
    expect(t.pending).toBe(0);
  });

  it('ends a failing or cancelled task too', async () => {
    const t = counter();
    stops.push(trackTasks(t));
    const failing = go(() => {
      throw new Error('boom');
    });
    await expect(failing).rejects.toThrow('boom');
    const [ctx, cancel] = withCancel(background());
    const cancelled = go(
      async (c) => {
        await new Channel<never>().recv(c);
      },
      { ctx },
    );
    cancel();
    await expect(cancelled).rejects.toThrow('context canceled');
    expect(t.pending).toBe(0);
    expect(t.added).toBe(2);
  });

  it('counts tasks started through WaitGroup.go', async () => {
    const t = counter();
    stops.push(trackTasks(t));
    const wg = new WaitGroup();
    wg.go(async () => {});
    wg.go(async () => {});
    expect(t.pending).toBe(2);
    await wg.wait();
    await flush();
    expect(t.pending).toBe(0);
  });

  it('stops reporting once stopped; stopping twice is harmless; several trackers each see every task', async () => {
    const a = counter();
    const b = counter();
    const stopA = trackTasks(a);
    stops.push(trackTasks(b));
    await go(() => 1);
    stopA();
    stopA();
    await go(() => 2);
    expect([a.added, b.added]).toEqual([1, 2]);
    expect([a.pending, b.pending]).toEqual([0, 0]);
  });

  it('reports a throwing tracker instead of failing the task', async () => {
    const seen = capture('uncaughtException');
    try {
      stops.push(
        trackTasks({
          add: () => {
            throw new Error('tracker broke');
          },
        }),
      );
      expect(await go(() => 'fine')).toBe('fine');
      await new Promise((resolve) => setTimeout(resolve, 5)); // reports arrive on a fresh macrotask
      expect(seen.seen.map((e) => (e as Error).message)).toContain('tracker broke');
    } finally {
      seen.restore();
    }
  });

  it('rejects something that is not shaped like PendingTasks, at the call', () => {
    expect(() => trackTasks({} as never)).toThrow(TypeError);
    expect(() => trackTasks(null as never)).toThrow(TypeError);
  });
});
