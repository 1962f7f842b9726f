// The six canonical goroutine leak shapes of Go's leak profile fixtures
// (runtime/testdata/testgoroutineleakprofile/commonpatterns.go), each as a leaky version that
// must be flagged and a fixed version that must pass: inside a synctest bubble, and on the real
// clock with verifyNoLeaks.
import { background, Channel, go, recv, select, withCancel } from 'gorx';
import { LeakError, type LiveSnapshot, snapshotLive, synctest, verifyNoLeaks } from 'gorx/testing';
import { beforeEach, describe, expect, test } from 'vitest';

type Fixture = (fixed: boolean) => Promise<void>;

// Workers range over a channel that is never closed (and with no worker, the sender blocks).
const noCloseRange: Fixture = async (fixed) => {
  const run = async (list: number[], workers: number) => {
    const ch = new Channel<number>();
    for (let i = 0; i < workers; i++) {
      go(
        async () => {
          for await (const item of ch) void item;
        },
        { name: 'range-worker' },
      );
    }
    for (const item of list) await ch.send(item);
    if (fixed) ch.close();
  };
  go(() => run([1, 2, 3], 3), { name: 'producer' });
  if (!fixed) go(() => run([1, 2, 3], 0), { name: 'producer-no-workers' });
};

// A worker whose Start spawns a loop that only Stop ends; the caller never calls Stop.
const methodContractViolation: Fixture = async (fixed) => {
  class Worker {
    readonly ch = new Channel<unknown>();
    readonly done = new Channel<unknown>();
    start(): void {
      go(
        async () => {
          for (;;) {
            const r = await select({ item: recv(this.ch), done: recv(this.done) });
            if (r.case === 'done') return;
          }
        },
        { name: 'worker-loop' },
      );
    }
    stop(): void {
      this.done.close();
    }
    addToQueue(item: unknown): Promise<void> {
      return this.ch.send(item);
    }
  }
  const w = new Worker();
  w.start();
  for (let i = 0; i < 10; i++) await w.addToQueue(i);
  if (fixed) w.stop();
};

// On error the sender sends once and forgets to return, then sends again.
const doubleSend: Fixture = async (fixed) => {
  const send = async (ch: Channel<unknown>, err: Error | null) => {
    if (err !== null) {
      await ch.send(null);
      if (fixed) return;
    }
    await ch.send({});
  };
  const ch = new Channel<unknown>();
  go(() => send(ch, null), { name: 'double-send-ok' });
  await ch.recv();
  go(() => send(ch, new Error('error')), { name: 'double-send-error' });
  await ch.recv();
  const ch1 = new Channel<unknown>(1);
  go(() => send(ch1, new Error('error')), { name: 'double-send-buffered' });
  await ch1.recv();
};

// The parent returns early on an error, before receiving from its sender.
const earlyReturn: Fixture = async (fixed) => {
  const run = async (err: Error | null) => {
    const ch = new Channel<unknown>(fixed ? 1 : 0);
    go(() => ch.send({}), { name: 'early-return-sender' });
    if (err !== null) return;
    await ch.recv();
  };
  go(() => run(new Error('error')), { name: 'early-return' });
};

// n senders on an unbuffered channel; only the first result is received.
const nCastLeak: Fixture = async (fixed) => {
  const run = async (items: unknown[]) => {
    if (fixed && items.length === 0) return;
    const ch = new Channel<unknown>(fixed ? items.length : 0);
    for (const _ of items) go(() => ch.send({}), { name: 'n-cast-sender' });
    await ch.recv();
  };
  go(() => run([]), { name: 'n-cast-empty' });
  go(() => run(new Array(5).fill(null)), { name: 'n-cast-five' });
};

// A select on ctx.done abandons the sender of an unbuffered channel.
const timeout: Fixture = async (fixed) => {
  const run = async (ctx: ReturnType<typeof background>) => {
    const ch = new Channel<unknown>(fixed ? 1 : 0);
    go(() => ch.send({}), { name: 'timeout-sender' });
    await select({ v: recv(ch), done: recv(ctx.done) });
  };
  const [ctx, cancel] = withCancel(background());
  cancel();
  for (let i = 0; i < 100; i++) go(() => run(ctx), { name: 'timeout' });
};

const fixtures: [name: string, fixture: Fixture, leaked: Record<string, number>][] = [
  ['range over a channel never closed', noCloseRange, { 'range-worker': 3, 'producer-no-workers': 1 }],
  ['Start without Stop', methodContractViolation, { 'worker-loop': 1 }],
  ['double send after an error', doubleSend, { 'double-send-error': 1 }],
  ['early return leaving a sender blocked', earlyReturn, { 'early-return-sender': 1 }],
  [
    'n senders on unbuffered with only the first received',
    nCastLeak,
    { 'n-cast-empty': 1, 'n-cast-sender': 4 },
  ],
  ['select on ctx.done abandoning a sender', timeout, { 'timeout-sender': 100 }],
];

function countNames(tasks: readonly { name: string }[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const t of tasks) out[t.name] = (out[t.name] ?? 0) + 1;
  return out;
}

let before: LiveSnapshot;
beforeEach(() => {
  before = snapshotLive();
});

describe('LK4 canonical leak shapes in a synctest bubble', () => {
  for (const [name, fixture, leaked] of fixtures) {
    test(`LK4 ${name}: the leak is flagged`, async () => {
      const e = await synctest(() => fixture(false)).then(
        () => undefined,
        (error: unknown) => error,
      );
      expect(e).toBeInstanceOf(LeakError);
      expect(countNames((e as LeakError).tasks)).toEqual(leaked);
    });
    test(`LK4 ${name}: the fixed version passes`, async () => {
      await expect(synctest(() => fixture(true))).resolves.toBeUndefined();
    });
  }
});

describe('LK4 canonical leak shapes on the real clock with verifyNoLeaks', () => {
  for (const [name, fixture, leaked] of fixtures) {
    test(`LK4 ${name}: the leak is flagged`, async () => {
      await fixture(false);
      const e = await verifyNoLeaks({ ignore: before, attempts: 5 }).then(
        () => undefined,
        (error: unknown) => error,
      );
      expect(e).toBeInstanceOf(LeakError);
      expect(countNames((e as LeakError).tasks)).toEqual(leaked);
      expect((e as LeakError).parked).toBeGreaterThan(0);
    });
    test(`LK4 ${name}: the fixed version passes`, async () => {
      await fixture(true);
      await expect(verifyNoLeaks({ ignore: before })).resolves.toBeUndefined();
    });
  }
});
