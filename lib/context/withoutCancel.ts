import { context } from '../internal/validate.js';
import { CANCEL_KEY, type Context, type ContextKey, INHERIT, STEP, Uncancellable } from './Context.js';

class WithoutCancelCtx extends Uncancellable {
  declare readonly parent: Context;
  constructor(parent: Context) {
    super();
    this.parent = parent;
  }
  /** The parent's values, but no cancellation node (CX12). */
  [STEP](key: ContextKey<unknown>): unknown {
    return key === CANCEL_KEY ? undefined : INHERIT;
  }
}

/**
 * A context that keeps `parent`'s values but is never cancelled and has no deadline.
 *
 * @example
 * ```ts
 * import { background, withCancel, withoutCancel } from 'gorx';
 *
 * const [parent, cancel] = withCancel(background());
 * const detached = withoutCancel(parent);
 * cancel();
 * console.log(detached.err); // undefined
 * ```
 * @throws TypeError when `parent` is not a Context.
 * Go: `context.WithoutCancel`. Rules: CX12.
 */
export function withoutCancel(parent: Context): Context {
  context('withoutCancel', 'parent context', parent);
  return new WithoutCancelCtx(parent);
}
