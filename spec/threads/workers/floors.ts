// The handlers the cross-thread channel benchmarks run on a thread (Node's pool.worker.ts, the
// Chromium page's module worker in spec/bench/threads): the bare MessagePort floors written by hand,
// and gorx channel receivers. Nothing here is specific to a host.
import { host } from '../../../lib/threads/link.js';
import type { ReceiveChannel, SendChannel } from '../../../lib/worker/index.js';

/** The floors the channel benchmarks compare with (a bare MessagePort), and the receivers they drive. */
export const floors = {
  /** Sets `serve`'s `spin` of this thread (µs; 0: it parks at once); returns the last setting. */
  spin: (micros: number) => {
    const was = host.spin;
    host.spin = micros;
    return was;
  },
  /** Counts the numbers arriving in arrays on `port` until `n`, then says so. */
  floorSink: (port: MessagePort, n: number) =>
    new Promise<number>((resolve) => {
      let got = 0;
      port.onmessage = (e: MessageEvent<number[]>) => {
        got += e.data.length;
        if (got >= n) {
          port.close();
          resolve(got);
        }
      };
    }),
  /**
   * `k` rounds over two ports, as an unbuffered ping-pong over two channels goes: each round, once
   * both a value on `a` and an answer on `b` came, it posts a report on `a` and a value on `b`.
   */
  floorEcho2: (a: MessagePort, b: MessagePort, k: number) =>
    new Promise<number>((resolve) => {
      let n = 0;
      let got = 0;
      let value: unknown;
      const step = () => {
        if (++got < 2) return;
        got = 0;
        a.postMessage(0);
        b.postMessage(value);
        if (++n === k) {
          a.close();
          b.close();
          resolve(n);
        }
      };
      a.onmessage = (e: MessageEvent) => {
        value = e.data;
        step();
      };
      b.onmessage = step;
    }),
  /** Echoes `k` messages on `port`. */
  floorEcho: (port: MessagePort, k: number) =>
    new Promise<number>((resolve) => {
      let n = 0;
      port.onmessage = (e: MessageEvent) => {
        port.postMessage(e.data);
        if (++n === k) {
          port.close();
          resolve(n);
        }
      };
    }),
  /**
   * The receiving side of the bare credit protocol: counts the numbers arriving in arrays on
   * `port` and grants their slots back as credits, once per batch, or at once when half the
   * window `c` is free; says so when `n` arrived.
   */
  floorCredit: (port: MessagePort, n: number, c: number) =>
    new Promise<number>((resolve) => {
      let got = 0;
      let free = 0;
      const half = Math.max(1, c >> 1);
      port.onmessage = (e: MessageEvent<number[]>) => {
        const vs = e.data;
        for (let i = 0; i < vs.length; i++) {
          got++;
          if (++free >= half) {
            port.postMessage(free);
            free = 0;
          }
        }
        if (free > 0) port.postMessage(free);
        free = 0;
        if (got >= n) {
          port.close();
          resolve(got);
        }
      };
    }),
  /** Counts a channel's values, ranging by subscription. */
  countRange: (ch: ReceiveChannel<number>) =>
    new Promise<number>((resolve, reject) => {
      let n = 0;
      ch.subscribe({ next: () => n++, error: reject, complete: () => resolve(n) });
    }),
  /** Counts a channel's values with one `await recv()` per value. */
  countRecv: async (ch: ReceiveChannel<number>) => {
    let n = 0;
    while ((await ch.recv()).ok) n++;
    return n;
  },
  /** Answers every value of `a` on `b` (unbuffered round trips). */
  pong: async (a: ReceiveChannel<number>, b: SendChannel<number>) => {
    for await (const v of a) await b.send(v);
    b.close();
  },
};
