// The worker side of a thread pool: `serve({...})` in the application's worker file answers the
// pool's `run` and `cancel` envelopes (threads/wire.ts) on the thread's own port — Node's
// `parentPort` (found through `process.getBuiltinModule`, so nothing here imports `node:` and a
// browser bundle stays clean) or a Web Worker's global scope.
//
// Invariants:
// - each running task has exactly one context in `running`, removed when the task settles; the
//   context is cancelled when the task ends, as `go` does;
// - the first envelope this side posts is READY; every RUN is answered by exactly one OK or ERR
//   (a result that cannot be cloned becomes an `err` with the host's DataCloneError);
// - a task given a cancel word (shared memory) sees its context's error as soon as the word is set,
//   as one error that the cancel message later completes with its cause (unless the task ended
//   first: then it stays without), so `ctx.err` keeps its identity and a task that throws it ends
//   with the caller's own error;
// - answers are batched per turn, except that a long task's answer leaves at once (it would
//   otherwise wait for the next task of the same batch).
import {
  background,
  CancelCtx,
  type ContextError,
  type ContextKey,
  STEP,
  Uncancellable,
} from '../context/Context.js';
import { CanceledError, DeadlineExceededError } from '../errors.js';
import { number, options, show } from '../internal/validate.js';
import { decodeError, encodeError, type Wired } from '../threads/codec.js';
import { WorkerExitError } from '../threads/errors.js';
import {
  ABOVE,
  builtin,
  died,
  enroll,
  fence,
  flushNow,
  type Gate,
  gate,
  host,
  ID,
  news,
  type Peer,
  Registry,
  registries,
  threads,
} from '../threads/link.js';
import {
  type Batch,
  CANCEL,
  type Envelope,
  ERR,
  envelopes,
  GONE,
  incoming,
  OK,
  Outbox,
  orphaned,
  outgoing,
  type Post,
  READY,
  RUN,
  SAME,
  WORDS,
} from '../threads/wire.js';
import { alarm, now } from '../time/clock.js';

/** A handler: its arguments as the pool passed them, then the task's Context. */
export type Handler = (...argsThenCtx: any[]) => unknown;

/** Options of {@link serve}. */
export interface ServeOptions {
  /** The port to serve on; default: Node's `parentPort`, or the Web Worker's global scope. */
  port?: unknown;
  /**
   * Node: for how many µs (at most 1000; default 50, or 0 on a single core) this thread, once it
   * posted what it had and waits for another thread, keeps reading its ports rather than sleep, as
   * Go's idle threads spin before they park: an operation here waiting on a channel's link, or the
   * thread left with no task after a long one (over 200 µs). A sleeping thread takes tens of µs to
   * wake; here `Channel(16)` into a thread ran about 5× faster with it, an unbuffered round trip
   * 1.2–1.3×, and `workerPool(2, pool.fn(name))` over 2 threads a few % faster. It costs up to
   * that much CPU each time; 0: sleep at once. Ignored in browsers, which cannot read a port
   * synchronously.
   */
  spin?: number;
}

/** An answer that took longer than this (µs), or a batch older than this, is posted at once. */
const PROMPT = 200;

let taskEnded: CanceledError | undefined;

/** The root of a task's context in its thread: the values of the caller's crossing keys, by name. */
class Carried extends Uncancellable {
  readonly #values = new Map<string, unknown>();
  constructor(values: unknown[]) {
    super();
    for (let i = 0; i < values.length; i += 2) this.#values.set(values[i] as string, values[i + 1]);
  }
  [STEP](key: ContextKey<unknown>): unknown {
    return key.crossesThreads === true ? this.#values.get(key.name) : undefined;
  }
}

/** A task's context: `err` also reads its cancel word, if it has one (1: canceled, 2: deadline). */
class TaskCtx extends CancelCtx {
  /** The error `err` showed from the word, before the cancel message came. */
  early: ContextError | undefined = undefined;

  /** The thread's shared words, and the index of this task's one in them. */
  readonly #words: Int32Array | undefined;
  readonly #word: number;

  constructor(
    deadline: number | undefined,
    words: Int32Array | undefined,
    word: number | undefined,
    values: unknown[] | undefined,
  ) {
    super(values === undefined ? background() : new Carried(values), deadline);
    this.#words = word === undefined ? undefined : words;
    this.#word = word ?? 0;
    if (deadline === undefined) return;
    const expire = () => this.cancel(contextError(2), undefined);
    if (deadline <= now()) {
      expire();
      return;
    }
    const timer = alarm(expire, deadline);
    this.onCancel = () => timer.cancel();
  }

  /**
   * The error `err` showed first stays its error (CX5): the one from its word, when the task ended,
   * or its deadline passed, before the cancellation came.
   */
  override cancel(err: ContextError, why?: unknown): void {
    super.cancel(this.early ?? err, why);
  }

  override get err(): ContextError | undefined {
    const err = super.err;
    const w = err === undefined && this.#words !== undefined ? Atomics.load(this.#words, this.#word) : 0;
    if (w === 0) return err;
    return (this.early ??= contextError(w));
  }
}

/**
 * A task's context error: 1 canceled, 2 deadline exceeded, else the caller's error (codec.ts). It
 * is made without stack frames, which would only show this file (the cancellation came from the
 * caller's thread) and are most of what making it costs.
 */
function contextError(e: Wired | number): ContextError {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  const err = e === 2 ? new DeadlineExceededError() : e === 1 ? new CanceledError() : decodeError(e as Wired);
  Error.stackTraceLimit = limit;
  return err as ContextError;
}

/** Ports already served: serving one twice would answer every task twice. */
const served = new WeakSet<object>();

type Run = Extract<Envelope, readonly [typeof RUN, ...unknown[]]>;
type Cancel = Extract<Envelope, readonly [typeof CANCEL, ...unknown[]]>;

interface NodePort {
  on(event: 'message', listener: (data: unknown) => void): unknown;
  postMessage(message: unknown, transfer?: readonly Transferable[]): void;
}

interface WebPort {
  addEventListener(type: 'message', listener: (event: MessageEvent) => void): void;
  postMessage(message: unknown, transfer: Transferable[]): void;
  start?(): void;
}

class Server {
  readonly #running = new Map<number, TaskCtx>();
  /** The thread's shared cancel words, once the pool has sent them (where memory is shared). */
  #words: Int32Array | undefined = undefined;
  /** The channels linked to the pool's thread, by key (link.ts). */
  readonly #peers = new Registry();
  readonly #inOrder: Gate = gate(this.#peers);
  readonly #handlers: Map<string, Handler>;
  readonly outbox: Outbox;
  /** When the oldest queued answer was queued (ms). */
  #opened = 0;
  /** Node worker threads: the port read for the next task after a long one (for `host.spin` µs). */
  port: MessagePort | undefined = undefined;
  /** A long task ended since the last batch was handled. */
  #long = false;

  constructor(handlers: Map<string, Handler>, post: Post) {
    this.#handlers = handlers;
    this.outbox = new Outbox(
      post,
      (envelope, error) => this.#refused(envelope, error),
      () => fence(this.#peers),
    );
  }

  receive(data: unknown): void {
    const batch = envelopes(data);
    if (batch === undefined) return;
    // The pool's first envelope: its thread's id, under which the links to it are listed.
    if (batch[0]?.[0] === READY) registries.set(batch[0][1], this.#peers);
    // Channels among the arguments are taken in first, so that the fence waits for their links too.
    for (const env of batch) {
      if (env[0] !== RUN) continue;
      this.#take(env[3]);
      if (env[6] !== undefined) this.#take(env[6]);
    }
    for (const env of batch) if (env[0] === GONE) died(env[1], new WorkerExitError(env[2]), ABOVE);
    this.#inOrder((data as Batch)[2], () => {
      for (const env of batch) {
        if (env[0] === RUN) this.#run(env);
        else if (env[0] === CANCEL) this.#cancel(env);
        else if (env[0] === WORDS) this.#words = env[1];
      }
    });
  }

  /** Turns the channels among `values` into endpoints, in place, and keeps their links. */
  #take(values: unknown[]): void {
    const peers: Peer[] = [];
    for (let i = 0; i < values.length; i++) values[i] = incoming(values[i], peers);
    enroll(this.#peers, peers);
  }

  #run(env: Run): void {
    const [, id, name, args, deadline, word, values] = env;
    const ctx = new TaskCtx(deadline, this.#words, word, values);
    this.#running.set(id, ctx);
    const t0 = performance.now();
    const handler = this.#handlers.get(name);
    if (handler === undefined) {
      const names = [...this.#handlers.keys()].map((n) => JSON.stringify(n)).join(', ');
      const err = new TypeError(`serve: no handler named ${show(name)} (handlers: ${names || 'none'})`);
      return this.#done(id, ctx, false, err, t0);
    }
    // Its deadline passed on the way here: its context is done before it starts, and it does not
    // run, as a task whose context is done at the call does not. (A task cancelled on its way still
    // runs, as it must where no cancel word is shared: `err` shows the word at once, `early`, and
    // the cancellation itself follows by message.)
    if (ctx.err !== undefined && ctx.early === undefined) return this.#done(id, ctx, false, ctx.err, t0);
    let result: unknown;
    try {
      result = handler(...args, ctx);
      if (typeof (result as PromiseLike<unknown> | null)?.then === 'function') {
        (result as PromiseLike<unknown>).then(
          (value) => this.#done(id, ctx, true, value, t0),
          (error: unknown) => this.#done(id, ctx, false, error, t0),
        );
        return;
      }
    } catch (error) {
      return this.#done(id, ctx, false, error, t0);
    }
    this.#done(id, ctx, true, result, t0);
  }

  #done(id: number, ctx: TaskCtx, ok: boolean, value: unknown, t0: number): void {
    const now = performance.now();
    const t = (now - t0) * 1000;
    this.#running.delete(id);
    if (this.outbox.length === 0) this.#opened = now;
    let answer: Envelope;
    let moves: Transferable[] | undefined;
    if (ok) {
      moves = [];
      const peers: Peer[] = [];
      answer = [OK, id, outgoing(value, moves, peers), t];
      enroll(this.#peers, peers);
    } else {
      // Its own context's error does not go: the caller has that error itself.
      const own = value !== undefined && value === ctx.err;
      answer = own ? [ERR, id, 0, t, 1] : [ERR, id, encodeError(value), t, 0];
    }
    ctx.cancel((taskEnded ??= new CanceledError()), undefined);
    if (t > PROMPT || (now - this.#opened) * 1000 > PROMPT) this.outbox.post(answer, moves);
    else this.outbox.push(answer, moves);
    if (t > PROMPT) this.#long = true;
  }

  /**
   * Once a batch is handled: if a long task ended meanwhile and none runs, reads the port for up to
   * `spin` µs and returns the next batch, if one came. A long task's answer left at once, so the
   * pool may answer soon; short tasks come in batches, and the pool's thread is then the busier one,
   * whose core a spin here would take.
   */
  linger(): unknown {
    if (!this.#long) return;
    this.#long = false;
    const read = host.now;
    const port = this.port;
    if (this.#running.size > 0 || read === undefined || port === undefined) return;
    for (const end = performance.now() + host.spin / 1000; performance.now() < end; ) {
      const m = read(port);
      if (m === undefined) continue;
      if (envelopes(m.message) !== undefined) return m.message;
      // Not the pool's: the port's other listeners hear it, as they would have.
      (port as Partial<{ emit(type: string, data: unknown): void }>).emit?.('message', m.message);
      return;
    }
  }

  #cancel(env: Cancel): void {
    const [, id, e, c] = env;
    const ctx = this.#running.get(id);
    if (ctx === undefined) return;
    const err = contextError(e);
    const why = c === SAME ? err.cause : c === undefined ? undefined : decodeError(c);
    // The error the task already saw becomes the context's (TaskCtx.cancel), with the cause.
    const first = ctx.early;
    if (first && 'cause' in err) (first as { cause?: unknown }).cause = err.cause;
    ctx.cancel(err, why);
  }

  /** A result the host cannot clone: the task fails with the host's error instead. */
  #refused(envelope: Envelope, error: unknown): void {
    if (envelope[0] !== OK) return;
    // An endpoint in the result whose channel's thread is gone: that death is why.
    const e = orphaned([envelope[2]]) ? new WorkerExitError(undefined, { cause: error }) : error;
    this.outbox.push([ERR, envelope[1], encodeError(e), envelope[3], 0]);
  }
}

/** The thread's own port: Node's `parentPort`, or the Web Worker's global scope. */
function hostPort(): unknown {
  const scope = (globalThis as { WorkerGlobalScope?: Function }).WorkerGlobalScope;
  // Node: the thread's parentPort (null on the main thread); browsers: the worker's global scope.
  const port = threads?.parentPort;
  if (port !== undefined && port !== null) return port;
  if (typeof scope === 'function' && globalThis instanceof scope) return globalThis;
  throw new Error("serve: not in a worker thread; pass opts.port (Node < 20.16: worker_threads' parentPort)");
}

/**
 * Serves `handlers` to a thread pool: call it once, at the top of the application's worker file
 * (before any top-level `await`, so no message is missed). Each handler gets the arguments given to
 * `pool.go(name, args)`, then the task's Context last: it is cancelled when the caller's is (with
 * its error and cause) and at the caller's deadline; honouring it is up to the handler, as in Go.
 * A task whose deadline passed on its way to the thread is not run: it ends with
 * DeadlineExceededError.
 * Where memory can be shared with the thread (Node; pages served cross-origin isolated), `ctx.err`
 * shows the cancellation at once, even to a loop that never yields; `done` and the cause follow at
 * the handler's next turn. Elsewhere the cancellation arrives by message, at the next turn.
 * What a handler returns (or resolves to) is the task's result; what it throws (or rejects with)
 * reaches the caller as the same class (gorx errors, built-in errors, DOMException, and classes
 * given to `registerError` on both sides).
 *
 * A `Channel` among the arguments arrives as an endpoint of it (its buffer stays in the caller's
 * thread), with every face of a channel; a `Channel` made here and returned crosses back the same
 * way, and so does one inside an array or plain object (up to 3 levels down) or inside a value sent
 * on a channel to the other thread (a request with its reply channel, a channel of channels). The
 * capacity bounds every value between the threads; one sender's values keep their order and a
 * close follows them. On an endpoint, `trySend` and `tryRecv` decide on what the endpoint holds
 * (credits of room in the home's buffer, values prefetched from it), so they may say "not ready"
 * while the home could serve; `length` counts the prefetched values. An endpoint cannot be passed
 * to another thread again, and values on a channel must be structured-cloneable.
 *
 * @example
 * ```ts
 * // math.worker.ts
 * import { type Context, serve } from 'gorx/worker';
 *
 * const fib = (n: number): number => (n < 2 ? n : fib(n - 1) + fib(n - 2));
 * serve({
 *   fib,
 *   countdown: async (from: number, ctx: Context) => {
 *     for (let i = from; i > 0; i--) {
 *       if (ctx.err) throw ctx.err;
 *       await new Promise((r) => setTimeout(r, 10));
 *     }
 *     return 'liftoff';
 *   },
 * });
 * ```
 * @throws TypeError when `handlers` is not an object of functions or `opts.port` is not a port;
 * RangeError when `opts.spin` is not from 0 to 1000; Error when the port is already served, or
 * outside a worker thread without `opts.port`.
 */
export function serve(handlers: Record<string, Handler>, opts?: ServeOptions): void {
  if (typeof handlers !== 'object' || handlers === null) {
    throw new TypeError(`serve: handlers must be an object of functions, got ${show(handlers)}`);
  }
  options('serve', opts);
  // A thread that spins on the only core would hold it from the thread it waits for.
  const cores = builtin<{ availableParallelism(): number }>('node:os')?.availableParallelism?.();
  const spin = number('serve', 'spin', opts?.spin ?? (cores === 1 ? 0 : 50));
  if (!(spin >= 0 && spin <= 1000))
    throw new RangeError(`serve: spin must be from 0 to 1000 µs, got ${show(spin)}`);
  const table = new Map<string, Handler>();
  for (const [name, handler] of Object.entries(handlers)) {
    if (typeof handler !== 'function') {
      throw new TypeError(`serve: handler ${show(name)} must be a function, got ${show(handler)}`);
    }
    table.set(name, handler);
  }
  const port = (opts?.port ?? hostPort()) as Partial<NodePort & WebPort>;
  if (typeof port !== 'object' || port === null || typeof port.postMessage !== 'function') {
    throw new TypeError(`serve: port must be a MessagePort or a worker scope, got ${show(port)}`);
  }
  if (served.has(port)) throw new Error('serve: this port is already served');
  served.add(port);
  const server = new Server(table, (message, transfer) => port.postMessage!(message, transfer));
  if (host.worker) {
    host.spin = spin;
    if ((port as object) instanceof MessagePort) server.port = port as MessagePort;
  }
  // A death this thread sees or hears of from below goes up to the pool that serves it tasks.
  news.up = (id, code) => server.outbox.push([GONE, id, code]);
  // A batch read while lingering is handled in this loop, not by a call that nests deeper.
  const receive = (data: unknown) => {
    for (let d = data; d !== undefined; d = server.linger()) server.receive(d);
  };
  if (typeof port.on === 'function') port.on('message', receive);
  else {
    port.addEventListener!('message', (event: MessageEvent) => receive(event.data));
    port.start?.();
  }
  server.outbox.push([READY, ID]);
  server.outbox.flush();
  // A Node thread that ends by an uncaught error or process.exit() still posts what its channels
  // did in its last turn, so the values sent there are not lost.
  (globalThis as { process?: { on?(event: 'exit', listener: () => void): unknown } }).process?.on?.(
    'exit',
    flushNow,
  );
}
