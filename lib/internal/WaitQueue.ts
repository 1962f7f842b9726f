// The engine's one parked-operation record and its queue. Every blocking primitive in gorx
// (channel send and receive, select, context `done`, timers, Mutex, RWMutex, Semaphore,
// WaitGroup) parks a Waiter in a WaitQueue; there is no second waiting mechanism.
//
// Invariants:
// - a Waiter is in at most one queue, and `w.queue` names it (null when not parked, and then
//   `prev` and `next` are null too);
// - a Waiter still in a queue has not been committed: committing unlinks it first, and a
//   select or a cancellable operation withdraws its sibling waiters before any user code runs;
// - push, shift and unlink are O(1), so abandoned waiters leave nothing behind (G7).
import { activity } from './debug.js';

/** Where a parked waiter lives; `withdraw` unlinks it and lets the primitive tidy up. */
export interface Port {
  /** @internal */
  withdraw(w: Waiter): void;
}

/**
 * One pending operation. `value` carries the offered value of a send or the received value of a
 * receive; `ok` is false for a receive woken by close; `weight` is a permit count.
 * Subclasses decide what committing means (resolve a Promise, emit to a subscriber, win a select).
 */
export abstract class Waiter {
  // Assigned in the constructor rather than as field initialisers: plain stores build the
  // object faster than class-field definitions, and every blocked operation makes one.
  declare prev: Waiter | null;
  declare next: Waiter | null;
  declare queue: WaitQueue | null;
  declare port: Port | null;
  declare value: unknown;
  declare ok: boolean;
  declare weight: number;

  constructor() {
    this.prev = null;
    this.next = null;
    this.queue = null;
    this.port = null;
    this.value = undefined;
    this.ok = true;
    this.weight = 0;
  }

  /** The operation happened: the primitive has already unlinked this waiter and set value/ok. */
  abstract commit(): void;
  /** The operation failed with `error` (a send woken by close, a receive of a close error). */
  abstract fail(error: unknown): void;
}

/**
 * Whether the operation of `w` happened: it was parked in a port and is no longer queued (a port
 * that never wakes, NeverPort, keeps no waiter: one parked there stays pending).
 */
export function committed(w: Waiter): boolean {
  return w.queue === null && w.port !== null;
}

/** Unlinks `w` from wherever it is parked; a no-op when it is not parked, or null (none). */
export function withdraw(w: Waiter | null): void {
  if (w !== null && w.queue !== null) w.port!.withdraw(w);
}

/** An intrusive doubly linked FIFO of waiters. */
export class WaitQueue {
  head: Waiter | null = null;
  tail: Waiter | null = null;
  size = 0;

  push(w: Waiter, port: Port): void {
    w.queue = this;
    w.port = port;
    // `next` is already null: a waiter that is in no queue links to nothing (unlink clears it).
    const tail = (w.prev = this.tail);
    if (tail === null) this.head = w;
    else tail.next = w;
    this.tail = w;
    this.size++;
    activity.parked++;
    activity.observer?.park(w);
  }

  /** Removes and returns the oldest waiter, or null. */
  shift(): Waiter | null {
    const w = this.head;
    if (w !== null) this.unlink(w);
    return w;
  }

  unlink(w: Waiter): void {
    if (w.queue !== this) return;
    const { prev, next } = w;
    if (prev === null) this.head = next;
    else prev.next = next;
    if (next === null) this.tail = prev;
    else next.prev = prev;
    w.prev = w.next = null;
    w.queue = null;
    this.size--;
    activity.parked--;
    activity.observer?.unpark(w);
  }
}
