// Helpers of the thread specs: the cross-thread channel suite, in Node (channels.node.spec.ts) and
// in Chromium (channels.browser.spec.ts), and the pool specs of both (closeAll).
import type { Channel, ReceiveChannel, SendChannel } from 'gorx';
import { background, CanceledError, withCancel, withTimeout } from '../../lib/index.js';
import type { RemoteChannel } from '../../lib/threads/remote.js';
import type { ThreadPool } from '../../lib/threads/threadPool.js';

/**
 * Closes the pools a test made. A task the test left running (it failed half-way) is cancelled
 * after 5 s and the close rejects, rather than the hook waiting for it until its own time runs out.
 */
export async function closeAll(pools: ThreadPool[]): Promise<void> {
  const [ctx, cancel] = withTimeout(background(), 5_000);
  try {
    await Promise.all(pools.splice(0).map((p) => p.close(ctx)));
  } finally {
    cancel();
  }
}

/** Values of a channel held anywhere (home buffer, credits, in flight, prefetched): CH1 end to end. */
export const heldIn = (ch: Channel<unknown>) => ch.length + ch.held;

/** Sends 0 … n-1 with the fast faces (trySend first), then closes. */
export async function produce(ch: Channel<number>, n: number, check?: () => void): Promise<void> {
  for (let i = 0; i < n; i++) {
    if (!ch.trySend(i)) await ch.send(i);
    check?.();
  }
  ch.close();
}

/** Ranges over `ch` by subscription and resolves with every value. */
export function gather<T>(ch: Channel<T> | RemoteChannel<T>, check?: () => void): Promise<T[]> {
  const got: T[] = [];
  return new Promise((resolve, reject) =>
    ch.subscribe({
      next: (v) => {
        got.push(v);
        check?.();
      },
      error: reject,
      complete: () => resolve(got),
    }),
  );
}

/**
 * Whether `done()` holds within `ms`, asked again after each `step()` (a short pause by default;
 * a collection of garbage where what it waits for follows one).
 */
export async function eventually(
  done: () => boolean | Promise<boolean>,
  step: () => PromiseLike<unknown> = () => new Promise((resolve) => setTimeout(resolve, 5)),
  ms = 5000,
): Promise<boolean> {
  const until = performance.now() + ms;
  while (!(await done()) && performance.now() < until) await step();
  return done();
}

/** from, from + 1, …, from + n - 1. */
export const range = (n: number, from = 0) => Array.from({ length: n }, (_, i) => from + i);

/** Whether `xs` only grows (numbers received in the order one sender sent them). */
export const inOrder = (xs: readonly number[]) => xs.every((x, i) => i === 0 || xs[i - 1]! < x);

/**
 * `units` units of deterministic CPU work (about 0.1 µs each): how the backpressure tests make one
 * side ten times slower than the other. Returns a value so that the work cannot be skipped.
 */
export function work(units: number): number {
  let x = units;
  for (let i = 0; i < units * 64; i++) x = (Math.imul(x, 31) + i) | 0;
  return x;
}

/**
 * Sends 0 … n-1 on `ch`, each with a context cancelled at a random moment (`draw(3)`: at once,
 * after a microtask, or after `turn()`), calling `check` before each. Returns the values whose
 * send completed; every other send must have failed with its context's error.
 */
export async function racedSends(
  ch: SendChannel<number>,
  n: number,
  draw: (n: number) => number,
  turn: () => Promise<void>,
  check: () => void = () => {},
): Promise<number[]> {
  const sent: number[] = [];
  for (let i = 0; i < n; i++) {
    check();
    const [ctx, cancel] = withCancel(background());
    const sending = ch.send(i, ctx);
    const when = draw(3);
    if (when === 0) cancel();
    else if (when === 1) queueMicrotask(cancel);
    else void turn().then(cancel);
    try {
      await sending;
      sent.push(i);
    } catch (e) {
      if (!(e instanceof CanceledError)) throw e;
    }
    cancel();
  }
  return sent;
}

/**
 * Receives from `ch` until it is closed, now and then after `turn()`, each receive with a context
 * cancelled at a random moment (`draw(3)`: after a microtask, after `turn()`, or never), calling
 * `check` after each. Returns the values received.
 */
export async function racedRecvs(
  ch: ReceiveChannel<number>,
  draw: (n: number) => number,
  turn: () => Promise<void>,
  check: () => void = () => {},
): Promise<number[]> {
  const got: number[] = [];
  for (;;) {
    if (draw(2) === 0) await turn();
    const [ctx, cancel] = withCancel(background());
    const receiving = ch.recv(ctx);
    const when = draw(3);
    if (when === 0) queueMicrotask(cancel);
    else if (when === 1) void turn().then(cancel);
    const r = await receiving.catch((e: unknown) => {
      if (e instanceof CanceledError) return null;
      throw e;
    });
    cancel();
    check();
    if (r === null) continue;
    if (!r.ok) return got;
    got.push(r.value);
  }
}

/**
 * Receives from `b`, then polls `a` for the value sent there before, n times (the i-th value of
 * each is i): the rounds where `a` did not have it yet.
 */
export async function missedAfter(
  a: ReceiveChannel<number>,
  b: ReceiveChannel<number>,
  n: number,
): Promise<number[]> {
  const missed: number[] = [];
  for (let i = 0; i < n; i++) {
    await b.recv();
    const r = a.tryRecv();
    if (r?.value !== i) missed.push(i);
    if (r === undefined) await a.recv();
  }
  return missed;
}

/** Sends i on `a`, then, once `turn` has passed, on `b`, for each i below n. */
export async function sendBoth(
  a: SendChannel<number>,
  b: SendChannel<number>,
  n: number,
  turn: () => Promise<unknown>,
): Promise<void> {
  for (let i = 0; i < n; i++) {
    await a.send(i);
    await turn();
    await b.send(i);
  }
}
