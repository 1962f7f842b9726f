// Checks of the engine's written invariants, made from outside the classes for the property and
// stress specs. Nothing in the library imports this module, so no program carries it.
import type { Channel } from '../channel/Channel.js';
import type { Ring } from './Ring.js';

/** What a channel shows of itself to the engine (its internal getters). */
interface ChannelState {
  readonly capacity: number;
  readonly length: number;
  readonly closed: boolean;
  readonly waiting: { senders: number; receivers: number };
}

/** Throws when `ch` breaks one of the invariants stated in Channel.ts (Go's runtime/chan.go, CH7). */
export function checkInvariants(ch: Channel<any>): void {
  const { capacity, length, closed, waiting } = ch as unknown as ChannelState;
  const { senders, receivers } = waiting;
  if (length > 0 && receivers > 0) throw new Error('invariant: buffered values with waiting receivers');
  if (length < capacity && senders > 0 && !closed)
    throw new Error('invariant: room in the buffer with waiting senders');
  if (closed && senders > 0) throw new Error('invariant: closed with waiting senders');
  if (closed && receivers > 0) throw new Error('invariant: closed with waiting receivers');
  if (length > capacity) throw new Error('invariant: buffer over capacity');
}

/** The values in `ring`, oldest first (read by turning it round once: shift and push back). */
export function ringValues<T>(ring: Ring<T>): T[] {
  const out: T[] = [];
  for (let i = 0; i < ring.length; i++) {
    const v = ring.shift();
    out.push(v);
    ring.push(v);
  }
  return out;
}
