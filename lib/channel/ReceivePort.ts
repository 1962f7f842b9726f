// The receive faces shared by every gorx receive channel (channels, timer channels, context
// `done`): recv, recv$, tryRecv, ranging by subscription and `for await`, all driven by the three
// core functions a subclass provides (readyRecv, takeNow, parkRecv) plus withdraw.
import { Observable, type Subscriber } from 'rxjs';
import {
  BLOCKED,
  CLOSED,
  type PromiseWaiter,
  recvPromise,
  recvShape,
  type Shape,
  SubscriberWaiter,
} from '../internal/blocking.js';
import { PROTOCOL, RECV_PORT } from '../internal/brand.js';
import { toToken } from '../internal/cancel.js';
import { resolved } from '../internal/resume.js';
import { committed, type Waiter, withdraw } from '../internal/WaitQueue.js';
import type { Cancel, ReceiveChannel, RecvResult } from './types.js';

/** Receives on subscription: one value (recv$, `ranging` null), or ranging until closed (subscribe). */
function receive<T>(
  port: ReceivePort<T>,
  subscriber: Subscriber<T>,
  ranging: ReceivePort<T> | null,
): SubscriberWaiter {
  const w = new SubscriberWaiter(subscriber, ranging);
  w.pump(port);
  return w;
}

function range<T>(this: ReceivePort<T>, subscriber: Subscriber<T>): SubscriberWaiter {
  return receive(this, subscriber, this);
}

const DONE: IteratorReturnResult<undefined> = Object.freeze({ value: undefined, done: true });
const iterShape: Shape = (value, ok) => (ok ? { value, done: false } : DONE);

/**
 * The receive side shared by every gorx receive channel: channels, timer and ticker channels,
 * and context `done` channels. Use it through the `ReceiveChannel` interface.
 */
export abstract class ReceivePort<T> extends Observable<T> implements ReceiveChannel<T> {
  constructor() {
    // Observable calls its subscribe function as a method of the instance: `range` ranges `this`.
    super(range as (this: Observable<T>, subscriber: Subscriber<T>) => SubscriberWaiter);
  }

  /** @internal The cross-copy brand: the version of the port protocol (internal/brand.ts). */
  get [RECV_PORT](): number {
    return PROTOCOL;
  }

  abstract readonly capacity: number;
  abstract readonly length: number;
  /** @internal */
  abstract readyRecv(): boolean;
  /** @internal */
  abstract takeNow(): T | BLOCKED | CLOSED;
  /** @internal */
  abstract parkRecv(w: Waiter): void;
  /** @internal */
  abstract withdraw(w: Waiter): void;

  /**
   * Receives a value: Go's `v, ok := <-ch`. Waits in FIFO order until a value is ready; resolves
   * `{ value, ok: true }`, or `{ value: undefined, ok: false }` once the channel is closed and
   * drained. Rejects with the close error of a channel closed with one (after its values).
   *
   * When `cancel` fires first, nothing was received and the Promise rejects with the token's error.
   *
   * @example
   * ```ts
   * import { Channel } from 'gorx';
   *
   * const ch = new Channel<string>();
   * void ch.send('ping');
   * const { value, ok } = await ch.recv(); // 'ping', true
   * ```
   * @see {@link ReceivePort.recv$} (Observable) and {@link ReceivePort.tryRecv} (non-blocking).
   * Go: `v, ok := <-ch`. Rules: CH2, CH4, CH11, T9.
   */
  recv(cancel?: Cancel): Promise<RecvResult<T>> {
    return recvPromise(this, toToken(cancel), recvShape);
  }

  /**
   * Receives one value, as a cold Observable. On subscription it emits the value and completes
   * in the same synchronous step if one is ready, otherwise it waits in FIFO order; unsubscribing
   * before a value arrives withdraws the receive and consumes nothing. When the channel is closed
   * and drained it completes without emitting; a close error is delivered as `error`.
   *
   * ```text
   * send(a)     ----a---
   * recv$()     ----(a|)
   * ```
   *
   * @example
   * ```ts
   * import { Channel } from 'gorx';
   *
   * const ch = new Channel<number>(1);
   * ch.trySend(42);
   * ch.recv$().subscribe((v) => console.log(v)); // 42
   * ```
   * Go: `v := <-ch`. Rules: CH4, CH11, RX2.
   */
  recv$(): Observable<T> {
    return new Observable<T>((subscriber) => receive(this, subscriber, null));
  }

  /**
   * Receives only if a value is ready now (or the channel is closed): Go's `select` with
   * `default`. Returns `undefined` when it would block; throws a close error after draining.
   *
   * @example
   * ```ts
   * import { Channel } from 'gorx';
   *
   * const ch = new Channel<number>(1);
   * console.log(ch.tryRecv()); // undefined
   * ```
   * Go: `select { case v, ok := <-ch: … default: … }`. Rules: T5, CH13, SE14.
   */
  tryRecv(): RecvResult<T> | undefined {
    const r = this.takeNow();
    return r === BLOCKED ? undefined : (recvShape(r, r !== CLOSED) as RecvResult<T>);
  }

  /**
   * Ranges over the channel: Go's `for v := range ch`. `break` leaves nothing registered.
   * Rules: CH15.
   */
  [Symbol.asyncIterator](): AsyncIterator<T> {
    // `return` (a `break`, or a consumer giving up) withdraws every pending `next`, which then
    // resolves done: the receive did not happen, so no value is lost (CH15). `parked` holds the
    // pending ones; it is null once returned. A port commits its receivers in FIFO order, so the
    // committed ones are at the front, where each `next` drops them. A pending one is never
    // dropped: were a committed one ever behind it, it would only stay until `return` skips it.
    // A committed waiter is out of its queue but has the port it was parked in; one a port never
    // queued (a `done` that can never close keeps nothing, NeverPort) has no port, and is pending.
    let parked: PromiseWaiter[] | null = [];
    return {
      next: (): Promise<IteratorResult<T>> => {
        if (parked === null) return resolved(DONE);
        while (parked.length > 0 && committed(parked[0]!)) parked.shift();
        return recvPromise(this, null, iterShape, parked);
      },
      return: (): Promise<IteratorResult<T>> => {
        const ws = parked ?? [];
        parked = null;
        for (const w of ws) {
          if (committed(w)) continue;
          withdraw(w);
          w.ok = false;
          w.commit();
        }
        return resolved(DONE);
      },
    };
  }
}
