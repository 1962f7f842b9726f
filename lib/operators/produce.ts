import { Channel } from '../channel/Channel.js';
import type { ReceiveChannel, SendChannel } from '../channel/types.js';
import { background, type Context } from '../context/Context.js';
import { toToken } from '../internal/cancel.js';
import { count, fn } from '../internal/validate.js';
import { withdraw } from '../internal/WaitQueue.js';
import { go } from '../task/go.js';
import { watch } from './internal.js';

/** Options of {@link produce}. */
export interface ProduceOptions {
  /** The channel's buffer size (default 0: every send waits for a receiver). */
  capacity?: number;
  /** The parent of the task's context; when it is done the channel is closed with `ctx.err`. */
  ctx?: Context;
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
 * @example
 * ```ts
 * import { produce } from 'gorx';
 *
 * const squares = produce<number>(async (out, ctx) => {
 *   for (let i = 1; i <= 3; i++) await out.send(i * i, ctx);
 * });
 * for await (const v of squares) console.log(v); // 1 4 9
 * ```
 * @throws RangeError for a bad `capacity`; TypeError if `work` is not a function.
 * Go: `out := make(chan T); go func() { defer close(out); … }(); return out`. Rules: PT1, GO4, CH11.
 */
export function produce<T>(
  work: (out: SendChannel<T>, ctx: Context) => unknown,
  opts?: ProduceOptions,
): ReceiveChannel<T> {
  fn('produce', 'work', work);
  const out = new Channel<T>(count('produce', 'capacity', opts?.capacity ?? 0));
  const parent = opts?.ctx ?? background();
  const token = toToken(parent);
  const closeWith = (error: unknown): void => {
    if (watcher !== null) withdraw(watcher);
    if (!out.closed) out.close(error);
  };
  const watcher = watch(token, () => closeWith(token!.err));
  go((ctx) => work(out, ctx), { ctx: parent, name: work.name || 'produce' }).then(
    () => closeWith(undefined),
    closeWith,
  );
  return out;
}
