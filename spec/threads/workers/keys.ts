// Context keys shared by the thread specs and their worker files: two whose values cross with a
// task (the worker makes its own keys of the same names), and one that stays behind.
import { type Context, contextKey, type SendChannel, withCancel } from '../../../lib/index.js';

export const tenant = contextKey<string>('tenant', { crossesThreads: true });
export const trace = contextKey<{ id: number; path: string[] }>('trace', { crossesThreads: true });
/** A channel as a context value: an endpoint in the thread. */
export const replies = contextKey<SendChannel<string>>('replies', { crossesThreads: true });
/** Same name as `tenant`, made without crossesThreads: a different key, which stays behind. */
export const localTenant = contextKey<string>('tenant');

/** What a task's context holds under each key, there and in a context derived from it. */
export function contextValues(ctx: Context) {
  const [child, cancel] = withCancel(ctx);
  const seen = {
    tenant: ctx.value(tenant),
    trace: ctx.value(trace),
    localTenant: ctx.value(localTenant),
    derived: child.value(tenant),
  };
  cancel();
  return seen;
}
