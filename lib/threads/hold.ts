// A waiter of a home channel set aside for an endpoint's answer (capacity 0): a receiver for the
// send case of a select there, a sender for a receive there; or a receiver of an endpoint set
// aside for another endpoint's send case (HOLD, remote.ts). The other thread is where that
// operation commits (in one step, as a select there does), so while it decides, the waiter set
// aside must not commit in any other way: its other ways out — a select's other cases and
// cancellation, a receive's or a send's cancellation — are withdrawn while it is held, and put back
// when it is let go. Then an unbuffered channel stays a rendezvous across threads: an operation
// completes only with a partner that completes too (CH2). An unsubscription cannot wait: a `$` face
// or an async iterator that leaves while held takes no part, and its partner's value goes to the
// next receiver; a sender's value that comes back untaken after it left goes nowhere.
import { BLOCKED, CLOSED, type RecvCore, type SendCore, type Token } from '../internal/blocking.js';
import { commitSafely, failSafely } from '../internal/trampoline.js';
import { type Waiter, withdraw } from '../internal/WaitQueue.js';
import { commitReady, type Group, parkAll } from '../select/select.js';

/**
 * What holding reads of the engine's waiters: a select's case has its group, a Promise wait its
 * guard (the waiter on its context's `done`). Read by field, so that code without select pays
 * nothing for it.
 */
type Parts = Waiter & { group?: Group; guard?: (Waiter & { token: Token }) | null };

/** Whether nothing but its own operation can end `w` (no select's other case, no cancellation). */
export function plain(w: Waiter): boolean {
  const { group, guard } = w as Parts;
  return group === undefined && guard == null;
}

/** Sets `w` aside: only its own operation can commit it now. */
export function hold(w: Waiter): void {
  const { group, guard } = w as Parts;
  if (group !== undefined) group.drop(w as never);
  else if (guard != null) withdraw(guard);
}

/**
 * Lets `w` go, a receiver (or a sender, `send`) of `ch` (a channel, or an endpoint) in no queue: a
 * select runs again, a Promise wait whose context ended meanwhile fails with its error, anything
 * else tries its operation again (and parks if it has to), as if it had just been called.
 */
export function letGo(w: Waiter, ch: RecvCore<unknown> & SendCore<unknown>, send: boolean): void {
  w.port = ch;
  const { group, guard } = w as Parts;
  if (group !== undefined) return rearm(group);
  if (guard != null) {
    if (guard.token.err !== undefined) return failSafely(w, guard.token.err);
    (guard.token.done as RecvCore<never>).parkRecv(guard);
  }
  let v: unknown;
  try {
    if (send) {
      if (!ch.offerNow(w.value)) return ch.parkSend(w);
      w.value = undefined;
      return commitSafely(w);
    }
    v = ch.takeNow();
  } catch (error) {
    return failSafely(w, error);
  }
  if (v === BLOCKED) return ch.parkRecv(w);
  w.ok = v !== CLOSED;
  w.value = w.ok ? v : undefined;
  commitSafely(w);
}

/**
 * Runs a select again as if just called, over the same waiters (each on its own port, none
 * parked): commits a ready case, or parks every one.
 */
function rearm(group: Group): void {
  const { token } = group;
  if (token !== null && token.err !== undefined) return group.finish(true, token.err);
  // A waiter has the fields of its case record (op, port, value): the ready pass reads them.
  const list: unknown[] = [];
  for (const w of group.waiters) if (w.key !== null) list.push(w.key, w);
  let r: unknown;
  try {
    r = commitReady(list);
  } catch (error) {
    return group.finish(true, error);
  }
  if (r !== BLOCKED) group.finish(false, r);
  else parkAll(group.waiters);
}
