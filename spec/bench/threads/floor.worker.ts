// The floors' worker file: raw `worker_threads`, nothing but the message port. Its mode comes in
// `workerData`:
//   pool   a batch [id, op, n, id, op, n, …] in, a batch [id, result, …] out; an answer that took
//          long is posted at once, so the pool can refill the thread while it works on the next;
//   echo   every message goes straight back (the round-trip floor);
//   count  counts the values it receives (a number is one value, an array its length) and, on
//          'end', posts the count and starts again (the one-way floors);
//   ring   reads numbers from a SharedArrayBuffer ring the message hands it (a header of two
//          positions, head and tail, and the slots), sleeping on the tail while the ring is empty,
//          and posts how many it read (the shared-memory floor);
//   spin   on a message carrying a shared word, spins until the word is set, then answers (the
//          floor of a cancellation seen by a synchronous loop).
import { parentPort, workerData } from 'node:worker_threads';
import { fib, noop } from './work.js';

const port = parentPort!;
/** An answer that took longer than this (ms) leaves at once instead of with its batch. */
const PROMPT = 0.2;

if (workerData === 'pool') {
  port.on('message', (batch: number[]) => {
    let out: number[] = [];
    for (let i = 0; i < batch.length; i += 3) {
      const t0 = performance.now();
      const result = batch[i + 1] === 0 ? fib(batch[i + 2]!) : noop();
      out.push(batch[i]!, result ?? 0);
      if (performance.now() - t0 > PROMPT) {
        port.postMessage(out);
        out = [];
      }
    }
    if (out.length > 0) port.postMessage(out);
  });
} else if (workerData === 'echo') {
  port.on('message', (m: unknown) => port.postMessage(m));
} else if (workerData === 'spin') {
  port.on('message', (word: Int32Array) => {
    while (Atomics.load(word, 0) === 0);
    port.postMessage(0);
  });
} else if (workerData === 'ring') {
  port.on(
    'message',
    ({ header, slots, values }: { header: Int32Array; slots: Int32Array; values: number }) => {
      const mask = slots.length - 1;
      let head = 0;
      let seen = 0;
      while (head < values) {
        const tail = Atomics.load(header, 1);
        if (tail === head) {
          Atomics.wait(header, 1, tail);
          continue;
        }
        for (; head < tail; head++) seen ^= slots[head & mask]!;
        Atomics.store(header, 0, head);
        Atomics.notify(header, 0);
      }
      port.postMessage(seen === -1 ? -1 : head);
    },
  );
} else {
  let count = 0;
  port.on('message', (m: number | number[] | 'end') => {
    if (m === 'end') {
      port.postMessage(count);
      count = 0;
    } else count += typeof m === 'number' ? 1 : m.length;
  });
}
