// The worker file of the Chromium channel spec: a module Web Worker, loaded by Vite from
// `new Worker(new URL('./workers/channels.web.worker.ts', import.meta.url), { type: 'module' })`.
// Every argument channel here is an endpoint of a channel of the page.
import { serve } from 'gorx/worker';
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

/** An uncaught error: a Web Worker has no process.exit, so every death is one. */
const die = () =>
  queueMicrotask(() => {
    throw new QuotaError(9);
  });

serve({
  ...channelHandlers(
    turn,
    die,
    () => new Worker(new URL('./channels.web.worker.ts', import.meta.url), { type: 'module' }),
  ),
  /** Throws outside any task a few ms after starting: an uncaught error ends the thread. */
  crash: () => {
    setTimeout(() => {
      throw new QuotaError(9);
    }, 20);
    return new Promise<never>(() => {});
  },
});
