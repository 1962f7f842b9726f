import { Channel, go, sleep } from 'gorx';
import {
  captureStacks,
  DeadlockError,
  LeakError,
  type LiveSnapshot,
  snapshotLive,
  verifyNoLeaks,
} from 'gorx/testing';
import { beforeEach, describe, expect, test, vi } from 'vitest';

async function failure(p: Promise<unknown>): Promise<unknown> {
  return p.then(
    () => {
      throw new Error('expected a rejection');
    },
    (e: unknown) => e,
  );
}

let before: LiveSnapshot;
beforeEach(() => {
  before = snapshotLive();
});

describe('verifyNoLeaks', () => {
  test('LK1 passes when every task has exited', async () => {
    const ch = new Channel<number>();
    const t = go(() => ch.send(1));
    await ch.recv();
    await t;
    await expect(verifyNoLeaks({ ignore: before })).resolves.toBeUndefined();
  });

  test('LK2 a task that exits 5 ms after the body is not reported', async () => {
    go(() => new Promise((resolve) => setTimeout(resolve, 5)), { name: 'slow-exit' });
    go(() => sleep(5), { name: 'sleepy-exit' });
    await expect(verifyNoLeaks({ ignore: before })).resolves.toBeUndefined();
  });

  test('LK2 a task blocked forever is reported after the retries, with its name and creation site', async () => {
    const previous = captureStacks(true);
    const ch = new Channel<number>();
    try {
      go(() => ch.recv(), { name: 'stuck-forever' });
    } finally {
      captureStacks(previous);
    }
    const started = performance.now();
    const e = await failure(verifyNoLeaks({ ignore: before }));
    const waited = performance.now() - started;
    expect(e).toBeInstanceOf(LeakError);
    expect(e).not.toBeInstanceOf(DeadlockError);
    const l = e as LeakError;
    expect(l.name).toBe('LeakError');
    expect(l.tasks).toHaveLength(1);
    expect(l.tasks[0]!.name).toBe('stuck-forever');
    expect(l.parked).toBe(1);
    expect(l.message).toMatch(/^found unexpected goroutines: 1 live task\(s\), 1 pending operation\(s\)/);
    expect(l.message).toMatch(/"stuck-forever", created at .*leaks\.spec\.ts:\d+:\d+/);
    // 20 checks with sleeps 1, 2, 4, … ms capped at 100 ms: about 1.4 s in all.
    expect(waited).toBeGreaterThan(1000);
    ch.close();
    await verifyNoLeaks({ ignore: before });
  });

  test('LK1 an operation parked without a task is reported as pending', async () => {
    const ch = new Channel<number>();
    void ch.recv();
    const e = (await failure(verifyNoLeaks({ ignore: before, attempts: 3 }))) as LeakError;
    expect(e).toBeInstanceOf(LeakError);
    expect(e.tasks).toEqual([]);
    expect(e.parked).toBe(1);
    ch.close();
    await verifyNoLeaks({ ignore: before });
  });

  test('LK2 under fake timers the retries still wait in real time and end in LeakError', async () => {
    const realSetTimeout = globalThis.setTimeout;
    const ch = new Channel<number>();
    const t = go(() => ch.recv(), { name: 'stuck-under-fake-timers' });
    vi.useFakeTimers();
    let outcome: unknown;
    try {
      outcome = await Promise.race([
        failure(verifyNoLeaks({ ignore: before, attempts: 3, maxSleep: 1 })),
        new Promise((resolve) => realSetTimeout(() => resolve('pending after 1 s of real time'), 1000)),
      ]);
    } finally {
      vi.useRealTimers();
    }
    ch.close();
    await t;
    expect(outcome).toBeInstanceOf(LeakError);
  });

  test('LK3 a snapshot ignores what was alive when it was taken', async () => {
    const ch = new Channel<number>();
    go(() => ch.recv(), { name: 'old' });
    await sleep(1);
    const snapshot = snapshotLive();
    await expect(verifyNoLeaks({ ignore: snapshot, attempts: 2 })).resolves.toBeUndefined();
    go(() => ch.recv(), { name: 'new' });
    const e = (await failure(verifyNoLeaks({ ignore: snapshot, attempts: 3 }))) as LeakError;
    expect(e.tasks.map((t) => t.name)).toEqual(['new']);
    ch.close();
    await verifyNoLeaks({ ignore: before });
  });

  test('LK3 ignoreTask skips tasks by name', async () => {
    const ch = new Channel<number>();
    go(() => ch.recv(), { name: 'background-poller' });
    await expect(
      verifyNoLeaks({ ignore: before, ignoreTask: (t) => t.name === 'background-poller', attempts: 2 }),
    ).resolves.toBeUndefined();
    const e = (await failure(verifyNoLeaks({ ignore: before, attempts: 2 }))) as LeakError;
    expect(e.tasks.map((t) => t.name)).toEqual(['background-poller']);
    ch.close();
    await verifyNoLeaks({ ignore: before });
  });

  test('LK1 the errors pass instanceof and carry Go text', () => {
    const d = new DeadlockError([], ['chan receive on Channel#1(0)'], 1);
    const l = new LeakError([{ id: 1, name: 'x', created: undefined }], 0);
    expect(d).toBeInstanceOf(DeadlockError);
    expect(d).toBeInstanceOf(Error);
    expect(d).not.toBeInstanceOf(LeakError);
    expect(l).toBeInstanceOf(LeakError);
    expect(d.message.split('\n')[0]).toBe('all goroutines are asleep - deadlock!');
    expect(l.message).toContain('task 1 "x"');
  });
});
