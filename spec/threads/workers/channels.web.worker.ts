// The worker file of the Chromium channel spec: a module Web Worker, loaded by Vite from
// `new Worker(new URL('./workers/channels.web.worker.ts', import.meta.url), { type: 'module' })`.
// Every argument channel here is an endpoint of a channel of the page.
import { Channel, ClosedChannelError } from 'gorx';
import { type ReceiveChannel, type SendChannel, serve } from 'gorx/worker';
import { channelHandlers } from './channel-handlers.js';
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
  ...channelHandlers(turn),
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
  /** A channel made here, fed 0, 1, 2, … forever by this thread: the caller gets an endpoint of it. */
  source: (capacity: number) => {
    const ch = new Channel<number>(capacity);
    void (async () => {
      for (let i = 0; ; i++) await ch.send(i);
    })();
    return ch;
  },
  /** Throws outside any task a few ms after starting: an uncaught error ends the thread. */
  crash: () => {
    setTimeout(() => {
      throw new QuotaError(9);
    }, 20);
    return new Promise<never>(() => {});
  },
});
