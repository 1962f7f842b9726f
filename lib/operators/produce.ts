import { Channel } from '../channel/Channel.js';
import type { ReceiveChannel, SendChannel } from '../channel/types.js';
import { background, type Context } from '../context/Context.js';
import { toContext } from '../context/interop.js';
import { ClosedChannelError } from '../errors.js';
import { toToken } from '../internal/cancel.js';
import { endedByOwnContext, reportPanic } from '../internal/report.js';
import { count, fn, options } from '../internal/validate.js';
import { type Waiter, withdraw } from '../internal/WaitQueue.js';
import { go } from '../task/go.js';
import { guard } from './internal.js';

/** Options of {@link produce}. */
export interface ProduceOptions {
  /** The channel's buffer size (default 0: every send waits for a receiver). */
  capacity?: number;
  /** The parent of the task's context; when it is done the channel is closed with `ctx.err`. */
  ctx?: Context | AbortSignal;
}

/**
 * Go's generator idiom: makes a channel, starts `work` as a task (`go`) that sends on it, and
 * returns the receive side. The channel is closed when `work` finishes; if `work` throws or
 * rejects, it is closed with that error, which receivers get after the buffered values.
 *
 * `work` receives the task's context, a child of `opts.ctx`. When `opts.ctx` is done the
 * channel is closed with `ctx.err` at once (as Kotlin's `produce` is cancelled), so a `send`
 * that `work` is blocked in fails with `ClosedChannelError` and the task can end even if it
 * ignores its context. If `work` closes the channel itself, nothing more is done.
 *
 * A `work` that fails with its own context's error once that context is done (Go's goroutine
 * returning `ctx.Err()`) has ended normally. A failure that the closed channel can no longer
 * carry (`work` closed it, or the context's end did) is reported as an uncaught error, unless it
 * is that context's error or the `ClosedChannelError` of a send the context's end interrupted.
 *
 * @example
 * ```ts
 * import { produce } from 'gorx';
 *
 * const squares = produce<number>(async (out, ctx) => {
 *   for (let i = 1; i <= 3; i++) await out.send(i * i, ctx);
 * });
 * for await (const v of squares) console.log(v); // 1 4 9
 * ```
 * @throws RangeError for a bad `capacity`; TypeError if `work` is not a function, `capacity` is
 * not a number, or `opts.ctx` is neither a Context nor an AbortSignal.
 * Go: `out := make(chan T); go func() { defer close(out); … }(); return out`. Rules: PT1, GO4, CH11.
 */
export function produce<T>(
  work: (out: SendChannel<T>, ctx: Context) => unknown,
  opts?: ProduceOptions,
): ReceiveChannel<T> {
  fn('produce', 'work', work);
  options('produce', opts);
  const capacity = count('produce', 'capacity', opts?.capacity === undefined ? 0 : opts.capacity);
  const parent = toContext(opts?.ctx, 'produce') ?? background();
  const token = toToken(parent);
  const out = new Channel<T>(capacity);
  let watcher: Waiter | null = null;
  const closeWith = (error: unknown): void => {
    withdraw(watcher);
    if (!out.closed) out.close(error);
  };
  // A context already done closes the channel at once; `work` still runs, and its sends fail.
  watcher = guard(token, closeWith);
  const task = go((ctx) => work(out, ctx), { ctx: parent, name: work.name || 'produce' });
  task.then(
    () => closeWith(undefined),
    (error: unknown) => {
      const carried = !out.closed;
      closeWith(error);
      if (carried || endedByOwnContext(task.ctx, error)) return;
      // The ClosedChannelError of a send that the context's end interrupted is that end too.
      const interrupted = error instanceof ClosedChannelError && token !== null && token.err !== undefined;
      if (!interrupted) reportPanic(error);
    },
  );
  return out;
}
