import type { ReceiveChannel, SendChannel } from '../channel/types.js';
import type { RecvCore, SendCore } from '../internal/blocking.js';
import { CASE as CASE_BRAND, PROTOCOL } from '../internal/brand.js';
import { recvPortOrNil, sendPortOrNil } from '../internal/validate.js';
import { RECV, SEND } from './kinds.js';

/**
 * Marks the objects that `recv` and `send` build, in the types only: a plain object literal has no
 * such key, so it is not a `Case`.
 */
declare const CASE: unique symbol;

/** A receive case of a select: build it with `recv(ch)`. */
export interface RecvCase<T> {
  readonly [CASE]: 'recv';
  readonly op: typeof RECV;
  /** @internal */
  readonly port: RecvCore<T> | null;
  readonly value?: undefined;
}

/** A send case of a select: build it with `send(ch, value)`. */
export interface SendCase<T> {
  readonly [CASE]: 'send';
  readonly op: typeof SEND;
  /** @internal */
  readonly port: SendCore<T> | null;
  readonly value: T;
}

/** A select case. */
export type Case = RecvCase<any> | SendCase<any>;

/**
 * What `recv` and `send` build at run time: select accepts only these (or those of another copy
 * of gorx, by their brand), so a case cannot be forged, and its fields are plain data.
 * @internal
 */
export class CaseRecord {
  declare readonly op: number;
  declare readonly port: RecvCore<unknown> | SendCore<unknown> | null;
  declare readonly value: unknown;

  constructor(op: number, port: RecvCore<unknown> | SendCore<unknown> | null, value: unknown) {
    this.op = op;
    this.port = port;
    this.value = value;
  }
  /** The cross-copy brand (internal/brand.ts). */
  get [CASE_BRAND](): number {
    return PROTOCOL;
  }
}

/**
 * Whether `value` was made by `recv()` or `send()`: of this copy, or of another by its brand
 * (`?.` reads the brand of any value but null and undefined). @internal
 */
export function isCaseRecord(value: unknown): value is CaseRecord {
  return (
    value instanceof CaseRecord ||
    (value as Record<symbol, unknown> | null | undefined)?.[CASE_BRAND] === PROTOCOL
  );
}

/** The cases of a select: a name per case; `null` disables a case. */
export type Cases = Record<string, Case | null>;

/**
 * The result of a select: a union discriminated by `case`, one member per case name. A receive
 * case gives `value` and `ok`; a send case gives only `case`.
 */
export type Selected<C extends Cases> = {
  // Numeric keys ({ 0: …, 1: … }) arrive as strings at run time, as Object.keys gives them.
  [K in keyof C & (string | number)]: NonNullable<C[K]> extends RecvCase<infer T>
    ?
        | { readonly case: `${K}`; readonly value: T; readonly ok: true }
        | { readonly case: `${K}`; readonly value: undefined; readonly ok: false }
    : { readonly case: `${K}` };
}[keyof C & (string | number)];

/**
 * A receive case for `select`: ready when `ch` has a value or is closed. `null` (the nil channel)
 * is never ready.
 *
 * @example
 * ```ts
 * import { after, Channel, recv, select } from 'gorx';
 *
 * const ch = new Channel<string>();
 * const r = await select({ msg: recv(ch), timeout: recv(after(100)) });
 * if (r.case === 'msg') console.log(r.value);
 * else console.log('timed out');
 * ```
 * @throws TypeError when `ch` is neither a gorx receive channel nor null.
 * Go: `case v, ok := <-ch:`. Rules: SE2, SE6, SE7.
 */
export function recv<T>(ch: ReceiveChannel<T> | null): RecvCase<T> {
  recvPortOrNil('recv', ch);
  return new CaseRecord(RECV, ch as unknown as RecvCore<T> | null, undefined) as unknown as RecvCase<T>;
}

/**
 * A send case for `select`: ready when a receiver waits or the buffer has room, and also when
 * `ch` is closed (choosing it then fails the select with `ClosedChannelError`). The value is sent
 * only if this case wins. `null` is never ready.
 *
 * @example
 * ```ts
 * import { background, Channel, recv, select, send } from 'gorx';
 *
 * const out = new Channel<number>(1);
 * const ctx = background();
 * await select({ sent: send(out, 42), stop: recv(ctx.done) });
 * ```
 * @throws TypeError when `ch` is neither a gorx channel nor null.
 * Go: `case ch <- v:`. Rules: SE8, SE11.
 */
export function send<T>(ch: SendChannel<T> | null, value: T): SendCase<T> {
  sendPortOrNil('send', ch);
  return new CaseRecord(SEND, ch as unknown as SendCore<T> | null, value) as unknown as SendCase<T>;
}
