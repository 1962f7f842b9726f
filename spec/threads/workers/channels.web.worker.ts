// The worker file of the Chromium channel spec: a module Web Worker, loaded by Vite from
// `new Worker(new URL('./workers/channels.web.worker.ts', import.meta.url), { type: 'module' })`.
// Every argument channel here is an endpoint of a channel of the page.
import { Channel, ClosedChannelError, recv, select, send } from 'gorx';
import { type ReceiveChannel, type SendChannel, serve } from 'gorx/worker';
import { QuotaError, registerClasses } from './classes.js';

registerClasses();

/** One task turn, unclamped (a nested setTimeout waits at least 4 ms). */
const turns = new MessageChannel();
const waiting: (() => void)[] = [];
turns.port1.onmessage = () => waiting.shift()?.();
const turn = () =>
  new Promise<void>((resolve) => {
    waiting.push(resolve);
    turns.port2.postMessage(null);
  });

serve({
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
  /** Forwards by ranging, trySend first (the fast faces), then closes `out`. */
  relay: async (jobs: ReceiveChannel<number>, out: SendChannel<number>) => {
    let n = 0;
    for await (const v of jobs) {
      if (!out.trySend(v)) await out.send(v);
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
  /** Closes `ch` here with a QuotaError, then tries a send on it. */
  closeWithQuota: (ch: SendChannel<unknown>) => {
    ch.close(new QuotaError(5));
    try {
      ch.trySend(1);
      return 'sent on closed';
    } catch (e) {
      return e instanceof ClosedChannelError ? 'ClosedChannelError' : String(e);
    }
  },
  /** Sends `value` once and then says so on `acks`. */
  sendThenAck: async (ch: SendChannel<string>, acks: SendChannel<string>, value: string) => {
    await ch.send(value);
    await acks.send('sent');
  },
  /** Receives once and returns what it got. */
  recvOne: (ch: ReceiveChannel<unknown>) => ch.recv(),
  /** A channel made here, fed 0, 1, 2, … forever by this thread: the caller gets an endpoint of it. */
  source: (capacity: number) => {
    const ch = new Channel<number>(capacity);
    void (async () => {
      for (let i = 0; ; i++) await ch.send(i);
    })();
    return ch;
  },
  /** A channel made here that this thread never feeds: its home dies with the thread. */
  stuck: (capacity: number) => new Channel<number>(capacity),
  /** Throws outside any task a few ms after starting: an uncaught error ends the thread. */
  crash: () => {
    setTimeout(() => {
      throw new QuotaError(9);
    }, 20);
    return new Promise<never>(() => {});
  },
  /**
   * `rounds` selects over a local channel of this thread and the endpoints `a` (receive) and `b`
   * (send): values received from `a` are returned; values offered to `b` are numbered from `from`.
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
});
