// The one exit for errors nobody can receive: a user callback that threw inside channel
// machinery, or a failing task nobody awaits. The error is rethrown on a fresh macrotask after
// every state change is complete (RX5), so it reaches the host's uncaught-error handling.

export function reportPanic(error: unknown): void {
  setTimeout(() => {
    throw error;
  }, 0);
}

/**
 * Whether `error` is the error of the task's own context `ctx`, which is done: the work returned
 * `ctx.err` (Go's `return ctx.Err()`), so it ended normally. Such a failure still rejects whoever
 * awaits the work, but is not reported when nobody does. A
 * CanceledError of another context, or any other error, is not.
 */
export function endedByOwnContext(ctx: { readonly err: unknown }, error: unknown): boolean {
  return error !== undefined && ctx.err === error;
}

/** Does nothing: the callback of what needs none (a handled rejection, a result nobody reads). */
export function noop(): void {}

/** Marks `promise` as handled: its rejection is not reported as unhandled (awaiting it still rejects). */
export function handled(promise: Promise<unknown>): void {
  promise.then(undefined, noop);
}
