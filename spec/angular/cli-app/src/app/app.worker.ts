/// <reference lib="webworker" />
// Made by `ng generate web-worker app`, then given gorx's handlers: the worker file is the
// application's own; gorx ships none.
import { type Context, type ReceiveChannel, type SendChannel, serve } from 'gorx/worker';

function fib(n: number): number {
  return n < 2 ? n : fib(n - 1) + fib(n - 2);
}

serve({
  fib: (n: number) => fib(n),
  /** Ranges over a channel of the page and answers on another, until the first is closed. */
  square: async (jobs: ReceiveChannel<number>, out: SendChannel<number>, ctx: Context) => {
    for await (const n of jobs) await out.send(n * n, ctx);
    out.close();
  },
  /** CPU-bound until cancelled: checks its context between slices of work, as cooperative code does. */
  spin: async (ctx: Context) => {
    let rounds = 0;
    while (ctx.err === undefined) {
      fib(15);
      rounds++;
      if (rounds % 64 === 0) await new Promise((resolve) => setTimeout(resolve, 0));
    }
    throw ctx.err;
  },
});
