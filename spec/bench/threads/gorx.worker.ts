// gorx's worker file for the thread benchmarks, as an application writes it.
import { type Context, serve } from 'gorx/worker';
import { fib, noop } from './work.js';

serve({
  fib,
  noop,
  /** Waits for its context to end and returns its error, as a task that honours cancellation does. */
  awaitCancel: async (ctx: Context) => {
    await ctx.done.recv();
    throw ctx.err;
  },
  /** A synchronous loop that checks its context on every round, as CPU-bound code does. */
  spinUntilCancel: (ctx: Context) => {
    while (ctx.err === undefined);
    throw ctx.err;
  },
});
