// Channels across real Web Workers in Chromium: a Channel passed to pool.go, or returned by a
// handler, is an endpoint on the other side. The worker file is made the way an application makes
// it (`new Worker(new URL(…, import.meta.url), { type: 'module' })`) and imports `gorx/worker`; its
// handlers are in workers/channels.web.worker.ts. The tests every platform shares are in
// channel-suite.ts, here at the sizes a page's one renderer thread runs in a few seconds: the
// long-stream tests at half the Node size (5·10^5 values: 4–7 s each here; 10^6 took up to 13 s).
import { channelSuite } from './channel-suite.js';
import { registerClasses } from './workers/classes.js';

registerClasses();

channelSuite({
  threads: 'Web Workers',
  thread: 'Web Worker',
  spawn: () => new Worker(new URL('./workers/channels.web.worker.ts', import.meta.url), { type: 'module' }),
  // A Web Worker fires no event when terminated: the pool notices at the call (it wraps terminate),
  // and an uncaught error through the 'error' event.
  noticed: (worker) =>
    new Promise((resolve) => {
      const w = worker as Worker;
      const end = w.terminate;
      w.terminate = () => {
        resolve(performance.now());
        end.call(w);
      };
      w.addEventListener('error', () => resolve(performance.now()));
    }),
  deaths: ['throw'],
  lossless: [],
  sizes: {
    order: 10_000,
    fanOut: 5_000,
    slowConsumer: 100,
    backpressure: 500_000,
    selects: 500,
    mixedSelects: 100_000,
    killed: 500_000,
    programs: 40,
  },
});
