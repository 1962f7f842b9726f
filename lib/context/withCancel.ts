import { CanceledError } from '../errors.js';
import { context } from '../internal/validate.js';
import { CancelCtx, type Context, type ContextError } from './Context.js';

/**
 * The error of a context cancelled because of `why`: a CanceledError (or an error of the class
 * `type`) whose cause is `why`, unless `why` is absent (`undefined`, or `null` as Go's nil).
 * @internal
 */
export function canceled<E extends ContextError = CanceledError>(
  why: unknown,
  type: new (options?: ErrorOptions) => E = CanceledError as never,
): E {
  return why === undefined || why === null ? new type() : new type({ cause: why });
}

/**
 * A child of `parent` and the function that cancels it (idempotent). Cancelling reaches every
 * descendant synchronously; the parent is unaffected.
 *
 * @example
 * ```ts
 * import { background, withCancel } from 'gorx';
 *
 * const [ctx, cancel] = withCancel(background());
 * cancel();
 * console.log(ctx.err?.message, ctx.signal.aborted); // 'context canceled' true
 * ```
 * @throws TypeError when `parent` is not a Context.
 * Go: `context.WithCancel`. Rules: CX2, CX3, CX4, CX5, CX10.
 */
export function withCancel(parent: Context): [ctx: Context, cancel: () => void] {
  context('withCancel', 'parent context', parent);
  const ctx = new CancelCtx(parent);
  ctx.attach();
  return [ctx, () => ctx.cancel(new CanceledError())];
}

/**
 * Like `withCancel`, but the cancel function records a cause, which `cause(ctx)` returns and
 * `ctx.err.cause` holds. `cancel()` without a cause (or with `null`, Go's `nil`) makes the cause `ctx.err` itself.
 *
 * @example
 * ```ts
 * import { background, cause, withCancelCause } from 'gorx';
 *
 * const [ctx, cancel] = withCancelCause(background());
 * cancel(new Error('user left'));
 * console.log((cause(ctx) as Error).message, ctx.err?.message); // 'user left' 'context canceled'
 * ```
 * Go: `context.WithCancelCause`. Rules: CX11.
 */
export function withCancelCause(parent: Context): [ctx: Context, cancel: (cause?: unknown) => void] {
  context('withCancelCause', 'parent context', parent);
  const ctx = new CancelCtx(parent);
  ctx.attach();
  return [ctx, (why?: unknown) => ctx.cancel(canceled(why), why)];
}
