// Many tasks on shared channels, through every receive and send style: Go's TestSelectStress,
// TestMultiConsumer and kotlinx.coroutines' ChannelSendReceiveStressTest.
import { Channel, go, recv, select, send } from 'gorx';
import { firstValueFrom } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { inspect } from '../channel/helpers.js';
import { STRESS_SCALE } from '../helpers/env.js';

const SCALE = STRESS_SCALE;

describe('select stress', () => {
  it('SE6 TestSelectStress: plain and select senders and receivers on four channels finish without deadlock', async () => {
    const n = 1000 * SCALE;
    const caps = [0, 0, 2, 3];
    const cs = caps.map((cap) => new Channel<number>(cap));
    const tasks: PromiseLike<unknown>[] = [];
    let received = 0;
    for (const c of cs) {
      tasks.push(
        go(async () => {
          for (let i = 0; i < n; i++) await c.send(i);
        }),
        go(async () => {
          for (let i = 0; i < n; i++) {
            await c.recv();
            received++;
          }
        }),
      );
    }
    // A select sender and a select receiver that switch off (null) each channel they are done with.
    tasks.push(
      go(async () => {
        const left = [n, n, n, n];
        while (left.some((k) => k > 0)) {
          const on = (k: number) => (left[k]! > 0 ? cs[k]! : null);
          const r = await select({
            0: send(on(0), 0),
            1: send(on(1), 1),
            2: send(on(2), 2),
            3: send(on(3), 3),
          });
          left[Number(r.case)]!--;
        }
      }),
      go(async () => {
        const left = [n, n, n, n];
        while (left.some((k) => k > 0)) {
          const on = (k: number) => (left[k]! > 0 ? cs[k]! : null);
          const r = await select({ 0: recv(on(0)), 1: recv(on(1)), 2: recv(on(2)), 3: recv(on(3)) });
          left[Number(r.case)]!--;
          received++;
        }
      }),
    );
    await Promise.all(tasks);
    expect(received).toBe(8 * n);
    for (const c of cs) expect(inspect(c).waiting).toEqual({ senders: 0, receivers: 0 });
  });

  it('CH18 TestMultiConsumer: 23 workers, a close cascade and an exact sum', async () => {
    const nwork = 23;
    const niter = 27_182 * SCALE;
    const q = new Channel<number>(nwork * 3);
    const r = new Channel<number>(nwork * 3);
    const workers = Array.from({ length: nwork }, () =>
      go(async () => {
        for await (const v of q) await r.send(v);
      }),
    );
    go(async () => {
      await Promise.all(workers);
      r.close();
    });
    go(async () => {
      for (let i = 0; i < niter; i++) await q.send(i);
      q.close();
    });
    let count = 0;
    let sum = 0;
    for await (const v of r) {
      count++;
      sum += v;
    }
    expect(count).toBe(niter);
    expect(sum).toBe((niter * (niter - 1)) / 2);
  });

  it('G3 ChannelSendReceiveStressTest: every style of sender and receiver, no duplicate, none missing', async () => {
    const n = 4000 * SCALE;
    for (const cap of [0, 1, 16]) {
      for (const [nSenders, nReceivers] of [
        [1, 1],
        [2, 10],
        [10, 1],
        [10, 10],
      ] as const) {
        const ch = new Channel<number>(cap);
        const seen = new Uint8Array(n);
        let duplicates = 0;
        let next = 0;
        const perReceiver = new Array<number>(nReceivers).fill(0);
        const senders = Array.from({ length: nSenders }, (_, s) =>
          go(async () => {
            for (let k = 0; ; k++) {
              const v = next++;
              if (v >= n) return;
              if ((k + s) % 3 === 0) await ch.send(v);
              else if ((k + s) % 3 === 1) await select({ v: send(ch, v) });
              else await firstValueFrom(ch.send$(v), { defaultValue: undefined });
            }
          }),
        );
        const take = (v: number, r: number) => {
          if (seen[v]) duplicates++;
          seen[v] = 1;
          perReceiver[r]!++;
        };
        const receivers = Array.from({ length: nReceivers }, (_, r) =>
          go(async () => {
            for (let k = r; ; k++) {
              switch (k % 5) {
                case 0: {
                  const x = await ch.recv();
                  if (!x.ok) return;
                  take(x.value, r);
                  break;
                }
                case 1: {
                  const x = await select({ c: recv(ch) });
                  if (!x.ok) return;
                  take(x.value, r);
                  break;
                }
                case 2: {
                  const x = await firstValueFrom(ch.recv$(), { defaultValue: -1 });
                  if (x === -1) return;
                  take(x, r);
                  break;
                }
                case 3: {
                  // An iterator, left after one value: the next receive style takes over.
                  const it = ch[Symbol.asyncIterator]();
                  const x = await it.next();
                  if (x.done) return;
                  take(x.value, r);
                  await it.return?.();
                  break;
                }
                default: {
                  const x = ch.tryRecv();
                  if (x === undefined) await null;
                  else if (!x.ok) return;
                  else take(x.value, r);
                }
              }
            }
          }),
        );
        await Promise.all(senders);
        ch.close();
        await Promise.all(receivers);
        expect({ cap, nSenders, nReceivers, duplicates, missing: seen.indexOf(0) }).toEqual({
          cap,
          nSenders,
          nReceivers,
          duplicates: 0,
          missing: -1,
        });
        if (nReceivers * 10 <= n) expect(perReceiver.every((c) => c > 0)).toBe(true);
      }
    }
  });
});
