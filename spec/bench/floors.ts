// Floors: the least a channel, a lock or a pool can cost in this runtime. No closing, no
// cancellation, no fairness beyond FIFO: anything a real library adds shows up as the gap.

const RESOLVED: Promise<void> = Promise.resolve();

/** A growable FIFO on a power-of-two ring. */
export class Ring<T> {
  private items: (T | undefined)[] = new Array(8);
  private head = 0;
  private size = 0;

  get length(): number {
    return this.size;
  }

  push(item: T): void {
    if (this.size === this.items.length) this.grow();
    this.items[(this.head + this.size) & (this.items.length - 1)] = item;
    this.size++;
  }

  shift(): T | undefined {
    if (this.size === 0) return undefined;
    const item = this.items[this.head];
    this.items[this.head] = undefined;
    this.head = (this.head + 1) & (this.items.length - 1);
    this.size--;
    return item;
  }

  private grow(): void {
    const next: (T | undefined)[] = new Array(this.items.length * 2);
    for (let i = 0; i < this.size; i++) next[i] = this.items[(this.head + i) & (this.items.length - 1)];
    this.items = next;
    this.head = 0;
  }
}

/** A parked receiver: returns false when it belongs to a select that another case already won. */
type Waiter<T> = (value: T) => boolean;

interface ParkedSender<T> {
  readonly value: T;
  readonly resolve: () => void;
}

/** A promise channel: unbuffered (rendezvous) when capacity is 0, else buffered. */
export class FloorChannel<T> {
  private readonly buffer = new Ring<T>();
  private readonly receivers = new Ring<Waiter<T>>();
  private readonly senders = new Ring<ParkedSender<T>>();

  constructor(readonly capacity = 0) {}

  send(value: T): Promise<void> {
    for (let w = this.receivers.shift(); w !== undefined; w = this.receivers.shift()) {
      if (w(value)) return RESOLVED;
    }
    if (this.buffer.length < this.capacity) {
      this.buffer.push(value);
      return RESOLVED;
    }
    return new Promise((resolve) => this.senders.push({ value, resolve }));
  }

  recv(): Promise<T> {
    if (this.ready()) return Promise.resolve(this.take());
    return new Promise((resolve) =>
      this.receivers.push((value) => {
        resolve(value);
        return true;
      }),
    );
  }

  /** True when a value can be taken now. */
  ready(): boolean {
    return this.buffer.length > 0 || this.senders.length > 0;
  }

  /** Takes a value; the caller has checked `ready()`. */
  take(): T {
    if (this.buffer.length > 0) {
      const value = this.buffer.shift() as T;
      const sender = this.senders.shift();
      if (sender !== undefined) {
        this.buffer.push(sender.value);
        sender.resolve();
      }
      return value;
    }
    const sender = this.senders.shift()!;
    sender.resolve();
    return sender.value;
  }

  park(waiter: Waiter<T>): void {
    this.receivers.push(waiter);
  }
}

/** Receives from whichever channel is ready first; losing registrations are dropped lazily. */
export function floorSelect<T>(chans: readonly FloorChannel<T>[]): Promise<{ index: number; value: T }> {
  const n = chans.length;
  const start = (Math.random() * n) | 0;
  for (let k = 0; k < n; k++) {
    const index = (start + k) % n;
    const ch = chans[index]!;
    if (ch.ready()) return Promise.resolve({ index, value: ch.take() });
  }
  return new Promise((resolve) => {
    let done = false;
    for (let index = 0; index < n; index++) {
      chans[index]!.park((value) => {
        if (done) return false;
        done = true;
        resolve({ index, value });
        return true;
      });
    }
  });
}

/** A synchronous unbuffered handoff: a receiver parks a callback, a sender calls it. */
export class SyncHandoff<T> {
  private readonly receivers = new Ring<(value: T) => void>();

  recv(callback: (value: T) => void): void {
    this.receivers.push(callback);
  }

  trySend(value: T): boolean {
    const receiver = this.receivers.shift();
    if (receiver === undefined) return false;
    receiver(value);
    return true;
  }
}

/** A FIFO mutex that hands the lock straight to the next waiter. */
export class FloorMutex {
  private locked = false;
  private readonly waiters = new Ring<() => void>();

  lock(): Promise<void> {
    if (!this.locked) {
      this.locked = true;
      return RESOLVED;
    }
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  unlock(): void {
    const next = this.waiters.shift();
    if (next !== undefined) next();
    else this.locked = false;
  }
}

/** A FIFO counting semaphore of single permits. */
export class FloorSemaphore {
  private readonly waiters = new Ring<() => void>();

  constructor(private permits: number) {}

  acquire(): Promise<void> {
    if (this.permits > 0) {
      this.permits--;
      return RESOLVED;
    }
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  release(): void {
    const next = this.waiters.shift();
    if (next !== undefined) next();
    else this.permits++;
  }
}

/** Runs `task(i)` for i in [0, count) with at most `concurrency` in flight. */
export async function floorPool(
  count: number,
  concurrency: number,
  task: (i: number) => Promise<unknown>,
): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < count) await task(next++);
  };
  const workers: Promise<void>[] = [];
  for (let w = 0; w < concurrency; w++) workers.push(worker());
  await Promise.all(workers);
}
