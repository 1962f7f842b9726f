// Deep re-entrancy: every hand-off chain (a `$` holder that releases in `next` or through
// `take(1)`, a receiver that sends again, a waiter that wakes the next one, a context chain, a
// chain of tasks) runs to the end at depth 10^5 (one at 10^6) without growing the stack: nothing
// is left held, parked or uncancelled, and nothing is reported.
import {
  background,
  Channel,
  type Context,
  contextKey,
  ErrGroup,
  go,
  Mutex,
  RWMutex,
  recv,
  Semaphore,
  select$,
  type Task,
  type Unlock,
  WaitGroup,
  withCancel,
  withValue,
} from 'gorx';
import { take } from 'rxjs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { capture, flush } from '../helpers/async.js';

const N = 100_000;

/** Fails the test if anything reaches the host as uncaught while it runs. */
let uncaught: ReturnType<typeof capture>;
beforeEach(() => {
  uncaught = capture('uncaughtException');
});
afterEach(async () => {
  await flush(2);
  uncaught.restore();
  expect(uncaught.seen).toEqual([]);
});

describe('lock hand-offs', () => {
  it('G6 MU4 10^5 queued lock$() holders that release through take(1) are all granted in order', () => {
    const mu = new Mutex();
    mu.tryLock();
    const order: number[] = [];
    for (let i = 0; i < N; i++) {
      mu.lock$()
        .pipe(take(1))
        .subscribe(() => order.push(i));
    }
    mu.unlock();
    expect(order.length).toBe(N);
    expect(order.every((v, i) => v === i)).toBe(true);
    expect(mu.tryLock()).toBe(true);
  });

  it('G6 MU4 10^5 queued lock$() holders that unlock in next are all granted', () => {
    const mu = new Mutex();
    mu.tryLock();
    let granted = 0;
    for (let i = 0; i < N; i++) {
      mu.lock$().subscribe((unlock: Unlock) => {
        granted++;
        unlock();
      });
    }
    mu.unlock();
    expect(granted).toBe(N);
    expect(mu.tryLock()).toBe(true);
  });

  it('G6 SM1 10^5 queued acquire$() holders that release through take(1) are all granted', () => {
    const sem = new Semaphore(1);
    sem.tryAcquire();
    let granted = 0;
    for (let i = 0; i < N; i++) {
      sem
        .acquire$()
        .pipe(take(1))
        .subscribe(() => granted++);
    }
    sem.release();
    expect(granted).toBe(N);
    expect(sem.tryAcquire()).toBe(true);
  });

  it('G6 RW3 10^5 queued RWMutex lock$() writers that release through take(1) or in next are all granted', () => {
    const rw = new RWMutex();
    rw.tryLock();
    let granted = 0;
    for (let i = 0; i < N; i++) {
      if (i % 2 === 0) {
        rw.lock$()
          .pipe(take(1))
          .subscribe(() => granted++);
      } else {
        rw.lock$().subscribe((unlock: Unlock) => {
          granted++;
          unlock();
        });
      }
    }
    rw.unlock();
    expect(granted).toBe(N);
    expect(rw.tryLock()).toBe(true);
  });

  it('G6 RW3 writers and readers alternating through take(1) at depth 10^5 all get the lock', () => {
    const rw = new RWMutex();
    rw.tryLock();
    let granted = 0;
    for (let i = 0; i < N; i++) {
      (i % 2 === 0 ? rw.rLock$() : rw.lock$()).pipe(take(1)).subscribe(() => granted++);
    }
    rw.unlock();
    expect(granted).toBe(N);
    expect(rw.tryLock()).toBe(true);
  });
});

describe('channel hand-offs', () => {
  it('G6 GO7 a chain of 10^5 recv$() subscribers that send again in next relays the value to the end', () => {
    const ch = new Channel<number>();
    const seen: number[] = [];
    for (let i = 0; i < N; i++) {
      ch.recv$().subscribe((v) => {
        seen.push(v);
        ch.trySend(v + 1);
      });
    }
    expect(ch.trySend(0)).toBe(true);
    expect(seen.length).toBe(N);
    expect(seen.every((v, i) => v === i)).toBe(true);
    expect(ch.tryRecv()).toBeUndefined();
  });

  it('G6 SE2 a chain of 10^5 select$() subscribers that send again in next relays the value to the end', () => {
    const ch = new Channel<number>();
    const idle = new Channel<number>();
    const seen: number[] = [];
    for (let i = 0; i < N; i++) {
      select$({ v: recv(ch), idle: recv(idle) }).subscribe((r) => {
        if (r.case !== 'v' || !r.ok) return;
        seen.push(r.value);
        ch.trySend(r.value + 1);
      });
    }
    expect(ch.trySend(0)).toBe(true);
    expect(seen.length).toBe(N);
    expect(seen.every((v, i) => v === i)).toBe(true);
    expect(idle.trySend(1)).toBe(false); // every select committed once, so none waits on idle
  });

  it('G6 GO7 10^5 parked send$() senders that receive again on completion are all taken in order', () => {
    const ch = new Channel<number>();
    const got: number[] = [];
    for (let i = 0; i < N; i++) {
      ch.send$(i).subscribe({
        complete: () => {
          const r = ch.tryRecv();
          if (r?.ok) got.push(r.value);
        },
      });
    }
    const first = ch.tryRecv();
    if (first?.ok) got.push(first.value);
    // Each completion receives before it records, so the record order is not the send order.
    expect(got.length).toBe(N);
    expect(got.sort((a, b) => a - b).every((v, i) => v === i)).toBe(true);
  });

  it('G6 a ranging subscriber that sends to the next of 10^5 channels relays through all of them', () => {
    const chans = Array.from({ length: N }, () => new Channel<number>());
    let last = -1;
    chans.forEach((ch, i) => {
      ch.pipe(take(1)).subscribe((v) => {
        if (i + 1 < N) chans[i + 1]!.trySend(v + 1);
        else last = v;
      });
    });
    chans[0]!.trySend(0);
    expect(last).toBe(N - 1);
  });

  it('GO7 a value relayed through 10^5 chained tasks on unbuffered channels arrives', async () => {
    const first = new Channel<number>();
    let left = first;
    for (let i = 0; i < N; i++) {
      const right = new Channel<number>();
      const [from, to] = [left, right];
      go(async () => {
        const r = await from.recv();
        if (r.ok) await to.send(r.value + 1);
      });
      left = right;
    }
    void first.send(0);
    expect((await left.recv()).value).toBe(N);
  });
});

describe('wake-ups', () => {
  it('G6 WG2 10^5 wait$() waiters that add and done in next are all released', () => {
    const wg = new WaitGroup();
    wg.add(1);
    let released = 0;
    for (let i = 0; i < N; i++) {
      wg.wait$().subscribe(() => {
        released++;
        wg.add(1);
        wg.done();
      });
    }
    wg.done();
    expect(released).toBe(N);
  });

  it('G6 EG4 10^5 errgroup tasks behind a limit of 1 and 10^5 wait$() waiters all finish', async () => {
    const g = new ErrGroup();
    g.setLimit(1);
    let ran = 0;
    const launched: Promise<void>[] = [];
    for (let i = 0; i < N; i++) launched.push(g.go(() => void ran++));
    let released = 0;
    for (let i = 0; i < N; i++) g.wait$().subscribe(() => released++);
    await g.wait();
    await Promise.all(launched);
    expect(ran).toBe(N);
    expect(released).toBe(N);
  });

  it('G6 CX2 10^5 contexts whose done subscribers cancel the next one are all cancelled', () => {
    const pairs = Array.from({ length: N }, () => withCancel(background()));
    pairs.forEach(([ctx], i) => {
      ctx.done.subscribe({ complete: () => pairs[i + 1]?.[1]() });
    });
    pairs[0]![1]();
    expect(pairs.every(([ctx]) => ctx.err !== undefined)).toBe(true);
  });
});

describe('context chains', () => {
  function chain(depth: number): [root: () => void, leaf: Context, all: Context[]] {
    const [root, cancel] = withCancel(background());
    const all: Context[] = [root];
    let ctx = root;
    for (let i = 0; i < depth; i++) {
      [ctx] = withCancel(ctx);
      all.push(ctx);
    }
    return [cancel, ctx, all];
  }

  it('CX2 cancelling a withCancel chain 10^5 deep cancels every context and closes every done', () => {
    const [cancel, leaf, all] = chain(N);
    let closed = 0;
    leaf.done.subscribe({ complete: () => closed++ });
    expect(() => cancel()).not.toThrow();
    expect(all.every((c) => c.err !== undefined && c.done.tryRecv()?.ok === false)).toBe(true);
    expect(closed).toBe(1);
  });

  it('CX9 a value lookup and a deadline read through 10^5 mixed contexts walk the whole chain', () => {
    const key = contextKey<string>('k');
    const other = contextKey<string>('other');
    let ctx: Context = withValue(background(), key, 'root');
    for (let i = 0; i < N; i++) ctx = i % 2 === 0 ? withCancel(ctx)[0] : withValue(ctx, other, `v${i}`);
    expect(ctx.value(key)).toBe('root');
    expect(ctx.value(contextKey('missing'))).toBeUndefined();
    expect(ctx.deadline).toBeUndefined();
  });

  it('CX9 a value lookup through 10^6 contexts walks the whole chain', () => {
    const key = contextKey<number>('k');
    let ctx: Context = withValue(background(), key, 1);
    const other = contextKey<number>('other');
    for (let i = 0; i < 1_000_000; i++) ctx = withValue(ctx, other, i);
    expect(ctx.value(key)).toBe(1);
    const [child, cancel] = withCancel(ctx);
    expect(child.value(key)).toBe(1);
    cancel();
  });

  it('GO2 CX2 10^5 nested go() tasks, each under the previous task’s context, are all cancelled', async () => {
    const [root, cancel] = withCancel(background());
    const tasks: Task<void>[] = [];
    let parent: Context = root;
    for (let i = 0; i < N; i++) {
      const t = go(async (c) => void (await c.done.recv()), { ctx: parent });
      tasks.push(t);
      parent = t.ctx;
    }
    await flush(2);
    cancel();
    expect(tasks.every((t) => t.ctx.err !== undefined)).toBe(true);
    await Promise.all(tasks);
  });
});
