// A clock whose time moves only when told to. Timers sit in a binary min-heap ordered by due time,
// then by insertion (`seq`), so timers due at the same instant fire in the order they were set.
//
// Invariants: `heap[i].index === i` for every pending entry; a cancelled or fired entry has
// index -1; `time` never decreases, and no pending entry is due before `time`.

import { duration } from '../internal/validate.js';
import { type Clock, setClock } from '../time/clock.js';

interface Entry {
  readonly at: number;
  readonly seq: number;
  readonly fn: () => void;
  index: number;
}

/** Go's synctest epoch: midnight UTC, 2000-01-01 (T10). */
const EPOCH = Date.UTC(2000, 0, 1);

function before(a: Entry, b: Entry): boolean {
  return a.at < b.at || (a.at === b.at && a.seq < b.seq);
}

/**
 * A virtual clock for the library: `now()` starts at 2000-01-01T00:00:00Z (as Go's synctest) and
 * moves only through `advance(ms)` and `next()`, which run the timers that come due, in order of
 * due time and then of creation. `synctest` installs one and drives it for you; `install()` lets
 * a test drive one by hand.
 *
 * @example
 * ```ts
 * import { sleep } from 'gorx';
 * import { VirtualClock } from 'gorx/testing';
 *
 * const clock = new VirtualClock();
 * const restore = clock.install();
 * let woke = false;
 * sleep(1000).then(() => { woke = true; });
 * clock.advance(1000); // the sleep's timer fires; `woke` is true after a microtask
 * restore();
 * ```
 * Go: the fake clock of `testing/synctest`. Rules: T10, DL5.
 */
export class VirtualClock implements Clock {
  /**
   * No host timer stands behind this clock, so no delay is too long for it: a timer of decades
   * is one timer, which a bubble reaches in one step, instead of a chain of 2^31-1 ms chunks.
   * @internal
   */
  readonly maxDelay = Number.POSITIVE_INFINITY;
  #time: number;
  #seq = 0;
  readonly #heap: Entry[] = [];

  /** @param start the initial time in ms since the Unix epoch; 2000-01-01T00:00:00Z by default. */
  constructor(start: number = EPOCH) {
    this.#time = duration('VirtualClock', start);
  }

  /** The current virtual time in ms. */
  now(): number {
    return this.#time;
  }

  /** How many timers are pending. */
  get pending(): number {
    return this.#heap.length;
  }

  /** When the next pending timer is due, or `undefined` when none is. */
  get nextAt(): number | undefined {
    return this.#heap[0]?.at;
  }

  /**
   * Schedules `fn` at `now() + ms` (`ms` below 0 counts as 0, as for `after`); returns a handle
   * for `cancel`.
   * @throws RangeError for a non-finite `ms`; TypeError for a non-number.
   */
  schedule(fn: () => void, ms: number): unknown {
    const at = this.#time + Math.max(0, duration('VirtualClock.schedule', ms));
    const entry: Entry = { at, seq: this.#seq++, fn, index: this.#heap.length };
    this.#heap.push(entry);
    this.#up(entry.index);
    return entry;
  }

  /** Cancels a pending timer; a no-op for one that fired or was cancelled. */
  cancel(handle: unknown): void {
    const entry = handle as Entry;
    const i = entry?.index ?? -1;
    if (i < 0 || this.#heap[i] !== entry) return;
    this.#remove(i);
  }

  /**
   * Moves time forward by `ms`, running every timer that comes due on the way at its own due
   * time (timers they schedule run too, if due in the window). Returns how many ran.
   * @throws RangeError for a negative or non-finite `ms`; TypeError for a non-number.
   */
  advance(ms: number): number {
    if (duration('VirtualClock.advance', ms) < 0) {
      throw new RangeError(`VirtualClock.advance: ms must be a finite non-negative number, got ${ms}`);
    }
    const target = this.#time + ms;
    let ran = 0;
    for (let top = this.#heap[0]; top !== undefined && top.at <= target; top = this.#heap[0]) {
      this.#remove(0);
      this.#time = Math.max(this.#time, top.at);
      ran++;
      top.fn();
    }
    this.#time = target;
    return ran;
  }

  /**
   * Jumps to the time of the next pending timer and runs every timer due then. Returns `false`
   * (and leaves time alone) when no timer is pending.
   */
  next(): boolean {
    const top = this.#heap[0];
    if (top === undefined) return false;
    this.advance(Math.max(0, top.at - this.#time));
    return true;
  }

  /**
   * Makes this the library clock until the returned function is called (which restores the
   * previous one). Timers set before install stay on the clock they were set on.
   */
  install(): () => void {
    const previous = setClock(this);
    let restored = false;
    return () => {
      if (restored) return;
      restored = true;
      setClock(previous);
    };
  }

  #remove(i: number): void {
    const heap = this.#heap;
    const entry = heap[i]!;
    entry.index = -1;
    const last = heap.pop()!;
    if (last === entry) return;
    heap[i] = last;
    last.index = i;
    this.#up(i);
    this.#down(last.index);
  }

  #up(i: number): void {
    const heap = this.#heap;
    const entry = heap[i]!;
    while (i > 0) {
      const p = (i - 1) >> 1;
      const parent = heap[p]!;
      if (!before(entry, parent)) break;
      heap[i] = parent;
      parent.index = i;
      i = p;
    }
    heap[i] = entry;
    entry.index = i;
  }

  #down(i: number): void {
    const heap = this.#heap;
    const n = heap.length;
    const entry = heap[i]!;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      const r = l + 1;
      const c = r < n && before(heap[r]!, heap[l]!) ? r : l;
      const child = heap[c]!;
      if (!before(child, entry)) break;
      heap[i] = child;
      child.index = i;
      i = c;
    }
    heap[i] = entry;
    entry.index = i;
  }
}
