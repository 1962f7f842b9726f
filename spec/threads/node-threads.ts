// The Node platform of the channel suite: threads of workers/pool.worker.ts, made as applications
// make them, whose deaths Node reports with an exit event.
import { Worker, type WorkerOptions } from 'node:worker_threads';
import { type ChannelPlatform, type ChannelSizes, channelSuite } from './channel-suite.js';
import { registerClasses } from './workers/classes.js';
import { useWorkerFile } from './workers/use.js';

registerClasses();

export const workerUrl = useWorkerFile('pool.worker.ts');

/** The channel suite on Node threads made with `options`, named `threads` and `thread`. */
export function nodeChannelSuite(
  names: Pick<ChannelPlatform, 'threads' | 'thread'>,
  sizes: ChannelSizes,
  options?: WorkerOptions,
): void {
  channelSuite({
    ...names,
    spawn: () => new Worker(workerUrl(), options),
    // Not events.once: it would reject on the 'error' event that comes first when a thread throws.
    noticed: (worker) =>
      new Promise((resolve) => (worker as Worker).once('exit', () => resolve(performance.now()))),
    deaths: ['throw', 'exit'],
    lossless: ['throw', 'exit'],
    sizes,
  });
}
