// Shared helpers for the channel, select and stress specs.
import type { Channel } from 'gorx';
import { checkInvariants } from '../../lib/internal/inspect.js';

export { flush, rng, type State, track } from '../helpers/async.js';

/** The channel's internal waiter counts and invariant check, read through a cast. */
export interface Inspectable {
  readonly waiting: { senders: number; receivers: number };
  checkInvariants(): void;
}

export function inspect(ch: Channel<any>): Inspectable {
  return {
    get waiting() {
      return (ch as unknown as Inspectable).waiting;
    },
    checkInvariants: () => checkInvariants(ch),
  };
}

/** Receives everything left in a channel without blocking (stops at empty or closed). */
export function drain<T>(ch: Channel<T>): T[] {
  const out: T[] = [];
  for (let r = ch.tryRecv(); r?.ok; r = ch.tryRecv()) out.push(r.value);
  return out;
}
