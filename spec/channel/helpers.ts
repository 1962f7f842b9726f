// Shared helpers for the channel, select and stress specs.
import { Channel } from 'gorx';
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

/**
 * Runs `step(i)` inside each of `n` chained recv$ hand-offs, each within the emission of the one
 * before: past the trampoline's nesting bound some steps run where a delivery they cause is
 * queued rather than run at once (the committed-but-not-yet-emitted window).
 */
export function handOffChain(n: number, step: (i: number) => void): void {
  const chans = Array.from({ length: n }, () => new Channel<number>());
  for (let i = 0; i < n; i++) {
    chans[i]!.recv$().subscribe(() => {
      step(i);
      if (i + 1 < n) chans[i + 1]!.trySend(i + 1);
    });
  }
  chans[0]!.trySend(0);
}
