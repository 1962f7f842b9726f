/**
 * The directional channel types: Go's `chan<- T` and `<-chan T`. A `Channel<T>` is both; a
 * function that should only send takes a `SendChannel<T>`, one that should only receive takes a
 * `ReceiveChannel<T>`, and the compiler rejects the other direction.
 */
import type { Observable } from 'rxjs';
import type { Context } from '../context/Context.js';

/** What a blocking call accepts as its cancellation token. */
export type Cancel = Context | AbortSignal;

/**
 * The result of a receive: `ok` is false only when the channel is closed and drained.
 *
 * @example
 * ```ts
 * import { Channel } from 'gorx';
 *
 * const ch = new Channel<number>(1);
 * ch.trySend(1);
 * ch.close();
 * console.log(ch.tryRecv(), ch.tryRecv()); // { value: 1, ok: true } { value: undefined, ok: false }
 * ```
 * Go: `v, ok := <-ch`. Rules: T3, CH11.
 */
export type RecvResult<T> =
  | { readonly value: T; readonly ok: true }
  | { readonly value: undefined; readonly ok: false };

/**
 * The send side of a channel: Go's `chan<- T`. No receive, no iteration.
 *
 * @example
 * ```ts
 * import { Channel, type SendChannel } from 'gorx';
 *
 * async function producer(out: SendChannel<number>) {
 *   for (let i = 0; i < 3; i++) await out.send(i);
 *   out.close();
 * }
 * void producer(new Channel<number>(3));
 * ```
 * Go: `chan<- T`. Rules: CH16.
 */
export interface SendChannel<in T> {
  // The send members are function-typed properties, not methods: TypeScript checks method
  // parameters bivariantly, which would let a `Channel<Dog>` pass as a `SendChannel<Animal>`.
  /** Sends `value`, waiting for a receiver or for room; rejects if the channel is closed. */
  readonly send: (value: T, cancel?: Cancel) => Promise<void>;
  /** Sends on subscription; emits `undefined` once sent, then completes. */
  readonly send$: (value: T) => Observable<void>;
  /** Sends only if a receiver waits or the buffer has room; `false` otherwise. Throws if closed. */
  readonly trySend: (value: T) => boolean;
  /** Closes the channel; with `error`, receivers get it after the buffered values. */
  close(error?: unknown): void;
  readonly capacity: number;
  readonly length: number;
}

/**
 * The receive side of a channel: Go's `<-chan T`. No send, no close. Subscribing ranges over it
 * (each subscriber competes for values); so does `for await`.
 *
 * @example
 * ```ts
 * import { Channel, type ReceiveChannel } from 'gorx';
 *
 * async function consumer(input: ReceiveChannel<number>) {
 *   for await (const v of input) console.log(v);
 * }
 * const ch = new Channel<number>(2);
 * ch.trySend(1);
 * ch.close();
 * void consumer(ch); // 1
 * ```
 * Go: `<-chan T`. Rules: CH15, CH16.
 */
export interface ReceiveChannel<out T> extends Observable<T>, AsyncIterable<T> {
  /** Receives a value, waiting for one; `{ ok: false }` once closed and drained. */
  recv(cancel?: Cancel): Promise<RecvResult<T>>;
  /** Receives on subscription: emits the value and completes, or completes empty when closed. */
  recv$(): Observable<T>;
  /** Receives only if a value is ready; `undefined` otherwise. */
  tryRecv(): RecvResult<T> | undefined;
  readonly capacity: number;
  readonly length: number;
}
