// Floors of the thread benchmarks: the least a thread pool and a message port can cost in this
// runtime, written by hand on raw `worker_threads` (the worker side is threads/floor.worker.ts).
// No errors, no cancellation, no thread replacement: anything a real pool adds shows up as the gap.
import { once } from 'node:events';
import { Worker } from 'node:worker_threads';
import { Ring } from './floors.js';

/** Operations of the floor pool's batches. */
export const FIB = 0;
export const NOOP = 1;

interface Pending {
  readonly id: number;
  readonly op: number;
  readonly n: number;
  readonly resolve: (value: number) => void;
}

interface Lane {
  readonly worker: Worker;
  load: number;
  out: number[];
}

/**
 * A pool of `size` threads with at most `depth` tasks in flight per thread, least-loaded first;
 * tasks go out batched once per turn (one message per thread) and come back batched.
 */
export class FloorPool {
  private readonly lanes: Lane[] = [];
  private readonly queue = new Ring<Pending>();
  private readonly waiting = new Map<number, (value: number) => void>();
  private nextId = 0;
  private scheduled = false;

  constructor(
    url: URL,
    size: number,
    private readonly depth: number,
  ) {
    for (let i = 0; i < size; i++) {
      const lane: Lane = { worker: new Worker(url, { workerData: 'pool' }), load: 0, out: [] };
      lane.worker.on('message', (batch: number[]) => this.answered(lane, batch));
      lane.worker.unref();
      this.lanes.push(lane);
    }
  }

  run(op: number, n: number): Promise<number> {
    return new Promise((resolve) => {
      this.queue.push({ id: this.nextId++, op, n, resolve });
      if (!this.scheduled) {
        this.scheduled = true;
        queueMicrotask(() => this.pump());
      }
    });
  }

  private answered(lane: Lane, batch: number[]): void {
    for (let i = 0; i < batch.length; i += 2) {
      const id = batch[i]!;
      const resolve = this.waiting.get(id)!;
      this.waiting.delete(id);
      lane.load--;
      resolve(batch[i + 1]!);
    }
    this.pump();
  }

  private pump(): void {
    this.scheduled = false;
    while (this.queue.length > 0) {
      let best: Lane | undefined;
      for (const lane of this.lanes) {
        if (lane.load < this.depth && (best === undefined || lane.load < best.load)) best = lane;
      }
      if (best === undefined) break;
      const task = this.queue.shift()!;
      this.waiting.set(task.id, task.resolve);
      best.load++;
      best.out.push(task.id, task.op, task.n);
    }
    for (const lane of this.lanes) {
      if (lane.out.length === 0) continue;
      lane.worker.postMessage(lane.out);
      lane.out = [];
    }
  }

  close(): Promise<unknown> {
    return Promise.all(this.lanes.map((l) => l.worker.terminate()));
  }
}

/** A thread that echoes every message back. */
export function echoThread(url: URL): Worker {
  const worker = new Worker(url, { workerData: 'echo' });
  worker.unref();
  return worker;
}

/** `count` round trips of one number over a raw port, each sent when the last came back. */
export function roundTrips(worker: Worker, count: number): Promise<void> {
  return new Promise((resolve) => {
    let left = count;
    const next = (): void => {
      if (--left === 0) {
        worker.off('message', next);
        resolve();
      } else worker.postMessage(left);
    };
    worker.on('message', next);
    worker.postMessage(left);
  });
}

/** A thread that counts the values it is sent. */
export function countingThread(url: URL): Worker {
  const worker = new Worker(url, { workerData: 'count' });
  worker.unref();
  return worker;
}

/**
 * Sends `values` numbers one way, `perMessage` to a message (a bare number when 1), then waits
 * until the thread has counted them all.
 */
export async function oneWay(worker: Worker, values: number, perMessage: number): Promise<void> {
  const counted = once(worker, 'message');
  if (perMessage === 1) {
    for (let v = 0; v < values; v++) worker.postMessage(v);
  } else {
    const chunk = Array.from({ length: perMessage }, (_, i) => i);
    for (let v = 0; v < values; v += perMessage) worker.postMessage(chunk);
  }
  worker.postMessage('end');
  const [got] = (await counted) as [number];
  if (got !== values) throw new Error(`the thread counted ${got} of ${values} values`);
}

/** `Atomics.waitAsync` (Node 16+), which the ES2022 lib does not declare. */
interface AtomicsWaitAsync {
  waitAsync(
    array: Int32Array,
    index: number,
    value: number,
  ): { async: false; value: string } | { async: true; value: Promise<string> };
}

/** A thread that reads numbers from a SharedArrayBuffer ring (the floor worker in `ring` mode). */
export function ringThread(url: URL): Worker {
  const worker = new Worker(url, { workerData: 'ring' });
  worker.unref();
  return worker;
}

/**
 * Sends `values` numbers through a SharedArrayBuffer ring of `capacity` slots (a power of two):
 * the sender fills what room there is, publishes its tail and wakes the reader; when the ring is
 * full it waits (`Atomics.waitAsync`) for the reader's head to move. Resolves when all were read.
 */
export async function ringOneWay(worker: Worker, values: number, capacity: number): Promise<void> {
  const header = new Int32Array(new SharedArrayBuffer(8)); // [head, tail]
  const slots = new Int32Array(new SharedArrayBuffer(4 * capacity));
  const mask = capacity - 1;
  const read = once(worker, 'message');
  worker.postMessage({ header, slots, values });
  let tail = 0;
  while (tail < values) {
    const head = Atomics.load(header, 0);
    if (tail - head === capacity) {
      const wait = (Atomics as unknown as AtomicsWaitAsync).waitAsync(header, 0, head);
      if (wait.async) await wait.value;
      continue;
    }
    const end = Math.min(values, head + capacity);
    for (; tail < end; tail++) slots[tail & mask] = tail;
    Atomics.store(header, 1, tail);
    Atomics.notify(header, 1);
  }
  const [got] = (await read) as [number];
  if (got !== values) throw new Error(`the thread read ${got} of ${values} values`);
}

/** A thread that spins on a shared word until it is set, then answers (the floor worker in `spin` mode). */
export function spinThread(url: URL): Worker {
  const worker = new Worker(url, { workerData: 'spin' });
  worker.unref();
  return worker;
}

/** Milliseconds from setting a shared word to the answer of a thread spinning on it. */
export async function wordSeen(worker: Worker): Promise<number> {
  const word = new Int32Array(new SharedArrayBuffer(4));
  const answered = once(worker, 'message');
  worker.postMessage(word);
  await new Promise((resolve) => setTimeout(resolve, 2)); // the thread is spinning by then
  const t0 = performance.now();
  Atomics.store(word, 0, 1);
  await answered;
  return performance.now() - t0;
}

/** Milliseconds of one message round trip to an idle thread (`echoThread`). */
export async function messageSeen(worker: Worker): Promise<number> {
  await new Promise((resolve) => setTimeout(resolve, 2)); // idle, as a waiting task's thread is
  const answered = once(worker, 'message');
  const t0 = performance.now();
  worker.postMessage(0);
  await answered;
  return performance.now() - t0;
}
