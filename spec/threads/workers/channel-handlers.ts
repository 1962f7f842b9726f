// The channel handlers both worker files of the thread specs serve (worker_threads in
// pool.worker.ts, a module Web Worker in channels.web.worker.ts): every argument channel is an
// endpoint of a channel of the caller. `turn` is one task turn of the thread's host.
import { Channel, recv, select, send } from '../../../lib/index.js';
import type { ReceiveChannel, SendChannel } from '../../../lib/worker/index.js';
import { QuotaError } from './classes.js';

export function channelHandlers(turn: () => Promise<void>) {
  return {
    /** Forwards every value of `jobs` plus `add` to `out` with Promise faces, then closes `out`. */
    pipe: async (jobs: ReceiveChannel<number>, out: SendChannel<number>, add: number) => {
      let n = 0;
      for (;;) {
        const r = await jobs.recv();
        if (!r.ok) break;
        await out.send(r.value + add);
        n++;
      }
      out.close();
      return n;
    },
    /** Sends 0 … n-1 on `out` and closes it. */
    produce: async (out: SendChannel<number>, n: number) => {
      for (let i = 0; i < n; i++) if (!out.trySend(i)) await out.send(i);
      out.close();
      return n;
    },
    /** Receives everything; returns the values in order. */
    collect: async (jobs: ReceiveChannel<unknown>) => {
      const got: unknown[] = [];
      for await (const v of jobs) got.push(v);
      return got;
    },
    /** Receives everything with Promise faces; returns how many, and the error it ended with. */
    drain: async (jobs: ReceiveChannel<unknown>) => {
      let n = 0;
      try {
        while ((await jobs.recv()).ok) n++;
        return { n };
      } catch (e) {
        return { n, error: e instanceof Error ? e.name : e, quota: e instanceof QuotaError };
      }
    },
    /** A consumer ten times slower: one value per `every` turns; reports `length` as it goes. */
    slow: async (jobs: ReceiveChannel<number>, every: number) => {
      let n = 0;
      let maxLength = 0;
      for (;;) {
        for (let i = 0; i < every; i++) await turn();
        const r = await jobs.recv();
        if (!r.ok) return { n, maxLength };
        maxLength = Math.max(maxLength, jobs.length);
        n++;
      }
    },
    /** Sends `value` once and then says so on `acks`. */
    sendThenAck: async (ch: SendChannel<string>, acks: SendChannel<string>, value: string) => {
      await ch.send(value);
      await acks.send('sent');
    },
    /** Receives once and returns what it got. */
    recvOne: (ch: ReceiveChannel<unknown>) => ch.recv(),
    /** A channel made here that this thread never feeds: its home dies with the thread. */
    stuck: (capacity: number) => new Channel<number>(capacity),
    /**
     * `rounds` selects over a local channel of this thread and the endpoints `a` (receive) and `b`
     * (send): values received from `a` are returned; values offered to `b` are numbered from `from`.
     * Returns what each case did, so the caller can check that every select committed one case.
     */
    selects: async (a: ReceiveChannel<number>, b: SendChannel<number>, rounds: number, from: number) => {
      const local = new Channel<number>(4);
      const got: number[] = [];
      let sent = 0;
      let locals = 0;
      for (let i = 0; i < rounds; i++) {
        if (i % 3 === 0) local.trySend(i);
        const r = await select({ a: recv(a), b: send(b, from + sent), l: recv(local) });
        if (r.case === 'a') {
          if (!r.ok) break;
          got.push(r.value);
        } else if (r.case === 'b') sent++;
        else locals++;
      }
      return { got, sent, locals };
    },
  };
}
