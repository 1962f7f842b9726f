// The messages between a pool and its threads. Everything a side posts in one turn travels as one
// batch, `[WIRE, [envelope…], fence]`, so a thousand tiny tasks cost one postMessage; the fence
// (link.ts) holds the batch until the channel traffic posted before it arrived. Messages without
// the WIRE tag first belong to the application and are left alone. A batch and its envelopes are
// tuples (an envelope's first element is its kind): tuples clone several times faster than
// objects with keys, and a cold round trip of a batch as a tuple is about 10 µs shorter.
//
//   both ways       [READY, t]               the first envelope of each side: its thread id `t`
//                                            (link.ts `ID`; the worker's also says it listens)
//   main → worker   [WORDS, s]               where memory is shared: the thread's cancel words
//                                            from here on (a first array, or a larger one once
//                                            every word is held); an envelope of its own, which a
//                                            refused task cannot take with it
//                   [RUN, id, f, a, d, w, v]
//                                            start handler `f` with args `a`; `d` is the deadline of
//                                            the task's context (wall-clock ms; on a virtual clock,
//                                            the time left on it from now), or undefined;
//                                            `w`: where memory is shared, the index of the task's
//                                            word in the last WORDS, set on cancel (1, or 2 for a
//                                            deadline), else undefined; `v`: the values of the
//                                            context's crossing keys, name, value, …
//                   [CANCEL, id, e, c]       the task's context is done with error `e` (codec.ts;
//                                            1 or 2: a plain CanceledError or DeadlineExceededError);
//                                            its cause `c`: undefined when it is `e` itself, SAME
//                                            when it is `e.cause`, else the encoded cause
//                   [GONE, t, code]          thread `t` died with exit code `code` (a thread of a
//                                            pool of this side, or one it heard of): links to it
//                                            that no pool joins settle (link.ts)
//   worker → main   [OK, id, v, t]           the task returned `v` after `t` µs of work
//                   [ERR, id, e, t, own]     the task failed with `e` (codec.ts); own = 1: it failed
//                                            with its own context's error, which the main side has
//                                            itself (or makes, when the thread's deadline came
//                                            first), and `e` is 0
//                   [GONE, t, code]          thread `t` died (one of the thread's own pools, or one
//                                            it heard of): passed on to every other thread
//
// Values that leave a thread (task arguments, results, values sent on a channel to another thread:
// link.ts `crossing`) pass through one hook, `outgoing`, which collects the buffers marked by
// `transfer()` and turns a `Channel` in them into a link to a new endpoint (home.ts, remote.ts);
// `incoming` turns it back into the endpoint on the other side.
import type { Channel } from '../channel/Channel.js';
import { isSendPort } from '../internal/brand.js';
import { show } from '../internal/validate.js';
import type { Wired } from './codec.js';
import { cameHome, cross } from './home.js';
import { crossing, type Fence, flushNow, isDead, isToken, type Peer } from './link.js';
import { mark, moves } from './marks.js';
import { RemoteChannel } from './remote.js';

/** The tag of a gorx batch; a new wire format gets a new tag. */
export const WIRE = 'gorx/11';

export const RUN = 0;
export const CANCEL = 1;
export const READY = 2;
export const OK = 3;
export const ERR = 4;
export const GONE = 5;
export const WORDS = 6;
/** In a CANCEL envelope: the cause is the error's own `cause`. */
export const SAME = 1;

export type Envelope =
  | readonly [
      k: typeof RUN,
      id: number,
      f: string,
      a: unknown[],
      d: number | undefined,
      w?: number,
      v?: unknown[],
    ]
  | readonly [k: typeof WORDS, s: Int32Array]
  | readonly [k: typeof CANCEL, id: number, e: Wired | 1 | 2, c: Wired | typeof SAME | undefined]
  | readonly [k: typeof READY, t: string]
  | readonly [k: typeof GONE, t: string, code: number | undefined]
  | readonly [k: typeof OK, id: number, v: unknown, t: number]
  | readonly [k: typeof ERR, id: number, e: Wired | 0, t: number, own: 0 | 1];

/** A batch: the tag, the envelopes, and the fence (link.ts). */
export type Batch = readonly [tag: typeof WIRE, m: Envelope[], f: Fence | undefined];

/** The envelopes of a gorx batch, or undefined for a message that is not one. */
export function envelopes(data: unknown): Envelope[] | undefined {
  return Array.isArray(data) && data[0] === WIRE && Array.isArray(data[1]) ? data[1] : undefined;
}

/** The tag of a batch of another gorx build (whose messages this one cannot read), if `data` is one. */
export function foreign(data: unknown): string | undefined {
  const tag: unknown = Array.isArray(data) ? data[0] : undefined;
  return typeof tag === 'string' && tag.startsWith('gorx/') && tag !== WIRE ? tag : undefined;
}

/**
 * Marks `value` so that, when it crosses to another thread (a task argument, a task's result, or a
 * value sent on a channel whose other side is another thread), the listed buffers are moved
 * instead of copied: the sender's copies become detached (length 0) once it has left. Returns
 * `value` itself.
 *
 * @example
 * ```ts
 * import { threadPool, transfer } from 'gorx';
 *
 * const pool = threadPool(() => new Worker(new URL('./img.worker', import.meta.url), { type: 'module' }));
 * const pixels = new Uint8ClampedArray(4 * 1024 * 1024);
 * const blurred = await pool.go<Uint8ClampedArray>('blur', [transfer(pixels, [pixels.buffer])]);
 * ```
 * @throws TypeError when `value` is not an object or `buffers` is not an array.
 */
export function transfer<T>(value: T, buffers: Transferable[]): T {
  if ((typeof value !== 'object' && typeof value !== 'function') || value === null) {
    throw new TypeError(`transfer: value must be an object, got ${show(value)}`);
  }
  if (!Array.isArray(buffers))
    throw new TypeError(`transfer: buffers must be an array, got ${show(buffers)}`);
  mark(value, buffers);
  return value;
}

/** How deep `outgoing` and `incoming` look for channels inside a value: `{ reply: ch }` is 1. */
const DEPTH = 3;

/** A plain object or array, the containers a channel is looked for in. */
function container(value: object): boolean {
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === Array.prototype || proto === null;
}

/**
 * The hook every value leaving a thread goes through (task arguments and results, values sent on
 * a channel across threads): adds the buffers `transfer()` marked to `list` and returns what to
 * post in the value's place. A `Channel` crosses as a link to a new endpoint (home.ts), also inside
 * arrays and plain objects (up to 3 levels down: `{ reply: ch }`, `[{ reply: ch }]`), which are
 * then copied along the way to it; its peer goes to `peers`, to be told if the other thread dies.
 * An endpoint crosses on as a new link to the channel's home.
 */
export function outgoing(value: unknown, list: Transferable[], peers?: Peer[], depth = DEPTH): unknown {
  if (typeof value !== 'object' || value === null) return value;
  moves(value, list, true);
  if (value instanceof RemoteChannel) return value.again(list);
  if (isSendPort(value) && typeof (value as { queues?: unknown }).queues === 'function') {
    const { token, peer } = cross(value as unknown as Channel<unknown>, list);
    peers?.push(peer);
    return token;
  }
  return within(value, depth, (v, d) => outgoing(v, list, peers, d));
}

/**
 * `value` with `f`'s answer in place of each own element or property that is an object, when it is
 * a plain array or object and `depth` is not 0 (`f` gets the depth left): in a copy made at the
 * first change, or in `value` itself when it is `into`.
 */
function within(
  value: object,
  depth: number,
  f: (v: object, depth: number) => unknown,
  into?: object,
): unknown {
  if (depth === 0 || !container(value)) return value;
  let copy = into as Record<string | number, unknown> | undefined;
  const put = (v: object, key: string | number) => {
    const x = f(v, depth - 1);
    if (x === v) return;
    copy ??= (Array.isArray(value) ? value.slice() : { ...value }) as Record<string | number, unknown>;
    copy[key] = x;
  };
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const v: unknown = value[i];
      if (typeof v === 'object' && v !== null) put(v, i);
    }
  } else {
    for (const key in value) {
      const v = (value as Record<string, unknown>)[key];
      if (typeof v === 'object' && v !== null && Object.hasOwn(value, key)) put(v, key);
    }
  }
  return copy ?? value;
}

/**
 * The hook every value arriving from another thread goes through (the mirror of `outgoing`): a
 * channel arrives as an endpoint, added to `peers`; inside arrays and plain objects it is put in
 * place (the value is a fresh copy already).
 */
export function incoming(value: unknown, peers?: Peer[], depth = DEPTH): unknown {
  if (typeof value !== 'object' || value === null) return value;
  if (isToken(value)) {
    const own = cameHome(value);
    if (own !== undefined) return own;
    const remote = new RemoteChannel(value);
    peers?.push(remote.link);
    return remote;
  }
  // In place: a value that arrives twice in it (the clone keeps such sharing) is turned once.
  return within(value, depth, (v, d) => incoming(v, peers, d), value);
}

/**
 * Whether `values`, which could not be posted, failed for an endpoint among them whose channel's
 * thread is gone (its port closed with that thread's, so it cannot be posted any more; the pool
 * may not have seen the death yet) rather than for a value that cannot be cloned: the rest, without
 * the endpoints that crossed on, clones.
 */
export function orphaned(values: unknown[]): boolean {
  const found = { any: false };
  const rest = values.map((v) => bare(v, found));
  if (!found.any) return false;
  try {
    structuredClone(rest);
    return true;
  } catch {
    return false;
  }
}

/** `value` with the endpoints that crossed on (or whose channel's thread died) left out. */
function bare(value: unknown, found: { any: boolean }, depth = DEPTH): unknown {
  if (typeof value !== 'object' || value === null) return value;
  if (isToken(value)) {
    if (value.a !== 1 && !isDead(value.h)) return value;
    found.any = true;
    return null;
  }
  return within(value, depth, (v, d) => bare(v, found, d));
}

crossing.out = outgoing;
crossing.in = incoming;

/** Where an outbox posts: a Worker, a MessagePort, a worker's `parentPort` or `self`. */
export type Post = (message: Batch, transfer: Transferable[]) => void;

/**
 * The envelopes one side will post, sent as one batch at the end of the turn (or at once with
 * `post` or `flush`). A batch the host refuses to clone is posted envelope by envelope, and each refused
 * envelope goes to `refused` with the host's error (a `DataCloneError`).
 */
export class Outbox {
  #queue: Envelope[] = [];
  /** Transfer lists, by position in the queue; null while no envelope has one. */
  #moves: (Transferable[] | undefined)[] | null = null;
  #scheduled = false;
  /** While held, envelopes wait (a worker that has not said `ready`). */
  held = false;
  readonly #flushBatch = () => {
    this.#scheduled = false;
    this.flush();
  };

  readonly #post: Post;
  readonly #refused: (envelope: Envelope, error: unknown) => void;
  /** The fence of the next batch (link.ts). */
  readonly #nextFence: () => Fence | undefined;

  constructor(
    post: Post,
    refused: (envelope: Envelope, error: unknown) => void,
    fence: () => Fence | undefined,
  ) {
    this.#post = post;
    this.#refused = refused;
    this.#nextFence = fence;
  }

  get length(): number {
    return this.#queue.length;
  }

  /** Queues `envelope`, to be posted at the end of the turn. */
  push(envelope: Envelope, moves?: Transferable[]): void {
    this.#add(envelope, moves);
    if (!this.#scheduled && !this.held) {
      this.#scheduled = true;
      queueMicrotask(this.#flushBatch);
    }
  }

  /** Posts `envelope` at once, behind what is queued. */
  post(envelope: Envelope, moves?: Transferable[]): void {
    this.#add(envelope, moves);
    this.flush();
  }

  #add(envelope: Envelope, moves: Transferable[] | undefined): void {
    if (moves !== undefined && moves.length > 0) {
      this.#moves ??= [];
      this.#moves[this.#queue.length] = moves;
    }
    this.#queue.push(envelope);
  }

  flush(): void {
    if (this.held || this.#queue.length === 0) return;
    const queue = this.#queue;
    const moves = this.#moves;
    this.#queue = [];
    this.#moves = null;
    // The channel traffic of this turn leaves first, and the batch is fenced behind it.
    flushNow();
    const f = this.#nextFence();
    try {
      this.#post([WIRE, queue, f], moves === null ? [] : (moves.flat() as Transferable[]));
    } catch {
      // Something in the batch cannot be cloned: find it by posting one envelope at a time.
      for (let i = 0; i < queue.length; i++) {
        const envelope = queue[i]!;
        try {
          this.#post([WIRE, [envelope], f], moves?.[i] ?? []);
        } catch (error) {
          this.#refused(envelope, error);
        }
      }
    }
  }

  /** Drops everything queued (the other side is gone). */
  clear(): void {
    this.#queue = [];
    this.#moves = null;
  }
}
