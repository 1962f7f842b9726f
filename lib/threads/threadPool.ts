// threadPool: Go's GOMAXPROCS for gorx. A fixed set of threads runs named handlers (the worker
// file's `serve({...})`); `pool.go` is `go f(args…)` on one of them.
//
// Invariants:
// - a job is queued, running (on exactly one thread, in that thread's `jobs`) or done; it settles
//   exactly once, and every job that is not done is in `jobs` of the pool;
// - a thread's `load` is the number of its running jobs; the pool starts a job on a thread only
//   while `load < depth`, and `depth` follows the thread's recent task lengths (deep for tiny tasks,
//   shallow for long ones, so work does not pile up behind a long task while another thread idles);
// - where memory can be shared, a running job holds one word of its thread's cancel words (a slot
//   no other running job holds), set on cancel so that the task sees it without a turn; when every
//   word is held (jobs forced past the depth, see STALL), a new array twice as large takes over
//   for the jobs that start after, and the running ones keep theirs;
// - a thread that dies (or is terminated) leaves the pool at once and every job it ran settles with
//   WorkerExitError in that same turn; later jobs go to the other threads or to a replacement;
// - the pool's threads keep a Node process alive only while they run jobs (a channel's link, only
//   while an operation waits on it: link.ts `keep`).
import type { Cancel } from '../channel/types.js';
import { afterFunc } from '../context/afterFunc.js';
import { background, type Context, cause, crossing } from '../context/Context.js';
import { toContext } from '../context/interop.js';
import { CanceledError, ClosedChannelError, DeadlineExceededError } from '../errors.js';
import { activity } from '../internal/debug.js';
import { Ring } from '../internal/Ring.js';
import { count, fn, number, options, show } from '../internal/validate.js';
import { goOn, type Task, type TaskCtx } from '../task/go.js';
import { now } from '../time/clock.js';
import { decodeError, encodeError, type Wired } from './codec.js';
import { connect, type Endpoint } from './endpoint.js';
import { WorkerExitError } from './errors.js';
import {
  builtin,
  died,
  enroll,
  fence,
  type Gate,
  gate,
  host,
  ID,
  news,
  type Peer,
  Registry,
  registries,
} from './link.js';
import {
  type Batch,
  CANCEL,
  type Envelope,
  ERR,
  envelopes,
  foreign,
  GONE,
  incoming,
  OK,
  Outbox,
  orphaned,
  outgoing,
  READY,
  RUN,
  SAME,
  WIRE,
  WORDS,
} from './wire.js';

/**
 * The short form of a context error that the thread can make itself, as it is (1: a CanceledError,
 * 2: a DeadlineExceededError, with no cause and no property of its own but `timeout`), else
 * undefined: encoding the error is a fifth of what a cancellation costs before its message leaves.
 */
function shortForm(err: Error): 1 | 2 | undefined {
  const kind = err.constructor === CanceledError ? 1 : err.constructor === DeadlineExceededError ? 2 : 0;
  return kind > 0 && err.cause === undefined && Object.keys(err).length === kind - 1
    ? (kind as 1 | 2)
    : undefined;
}

/** Options of {@link threadPool}. */
export interface ThreadPoolOptions {
  /** Threads; default: Node `availableParallelism()`, browsers `hardwareConcurrency - 1` (min 1). */
  size?: number;
  /** Ending it cancels every task and closes the pool. */
  ctx?: Context;
  /**
   * Ms a task may ignore its cancellation before its thread is terminated (default 2000; never for
   * `Infinity`, or anything past a timer's longest delay, 2^31 − 1 ms: about 24.8 days).
   */
  terminateAfter?: number;
}

/** A pool of threads running the handlers of a worker file (see {@link threadPool}). */
export interface ThreadPool {
  /** The number of threads. */
  readonly size: number;
  /**
   * Runs handler `name` with `args` on a pool thread: Go's `go f(args…)`. The Task settles with the
   * handler's result or error (as its own class); its context crosses to the thread. A `Channel`
   * in `args` (or in the result, also inside arrays and plain objects) is an endpoint on the other
   * side: see `serve`. A task whose context is done before it starts (at the call, while queued,
   * or on its way to the thread when its deadline passes there) does not run: it ends with the
   * context's error.
   * @throws ClosedChannelError after `close()`; TypeError for a bad name, args or cancel.
   */
  go<R>(name: string, args: readonly unknown[], cancel?: Cancel): Task<R>;
  /** `(arg, ctx) => pool.go(name, [arg], ctx)` as a Promise: the work of `workerPool`. */
  fn<A, R>(name: string): (arg: A, ctx: Context) => Promise<R>;
  /**
   * No new tasks; waits for the queued and running ones, then ends the threads. When `cancel` ends
   * first, every task is cancelled, and the Promise rejects with its error once all is ended.
   */
  close(cancel?: Cancel): Promise<void>;
}

/** A thread holds enough queued work to keep it busy for about this long (µs)... */
const BUDGET = 1000;
/** ...but never more than this many tasks, and at least two (one runs while one travels). */
const MAX_DEPTH = 64;
const MIN_DEPTH = 2;
/** A task this long (µs) is "long": near the end of a run it waits for a free thread instead. */
const LONG = 200;
/**
 * Queued tasks wait for room, but not for ever: when no task ended (and no thread became ready)
 * for this long (ms), or four times the longest mean task length if more, the next one starts
 * anyway. Tasks that wait on each other (a pipeline of more stages than the threads run at once)
 * would otherwise never run (GO2).
 */
const STALL = 200;
/** The longest delay a host's timer takes (ms); a `terminateAfter` beyond it never comes. */
const MAX_DELAY = 2 ** 31 - 1;

interface Job {
  readonly id: number;
  readonly name: string;
  readonly args: unknown[];
  /** The values of the caller's crossing keys: name, value, … (undefined: none). */
  readonly values: unknown[] | undefined;
  readonly moves: Transferable[];
  /** The links of the channels among its arguments. */
  readonly peers: Peer[];
  readonly ctx: TaskCtx;
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: unknown) => void;
  /** Where it runs; null while it is queued. */
  thread: Thread | null;
  timer?: ReturnType<typeof setTimeout>;
  /** Its cancel word, where memory is shared: an array of its thread's words, and the index. */
  words?: Int32Array;
  word?: number;
}

/** The threads of this side's pools that are alive (those not READY yet hear of deaths after it). */
const live = new Set<Thread>();
news.down = (id, code, from) => {
  for (const t of live) if (t !== from) t.outbox.push([GONE, id, code]);
};

class Thread {
  readonly jobs = new Map<number, Job>();
  /** The channels linked to this thread, by key: ours with endpoints there, theirs with endpoints here. */
  readonly peers = new Registry();
  /** The thread's id, once it said READY. */
  id = '';
  /** Holds the thread's batches until the channel traffic posted before them arrived. */
  readonly gate: Gate = gate(this.peers);
  readonly outbox: Outbox;
  readonly #endpoint: Endpoint;
  load = 0;
  depth = MIN_DEPTH;
  /**
   * The cancel words its new jobs take (one per job it may run at once, more if jobs are forced
   * past that), and the free ones.
   */
  #words: Int32Array | undefined = undefined;
  #free: number[] = [];
  #used = 0;
  /** Mean task length in µs (exponentially weighted); -1 before the first. */
  #mean = -1;
  /** Four times its mean task length, in ms: the pool waits at least this long (`STALL`). */
  get patience(): number {
    return this.#mean / 250;
  }
  long = false;
  /** Left the pool (died, or terminated by it). */
  gone = false;
  /** Terminated by the pool, and not yet gone. */
  ending = false;
  /** The uncaught error the thread reported, if any. */
  error: unknown = undefined;
  readonly exited: Promise<void>;
  #exited!: () => void;

  constructor(pool: Pool, worker: unknown) {
    this.exited = new Promise((resolve) => (this.#exited = resolve));
    this.outbox = new Outbox(
      (message, transfer) => this.#endpoint.post(message, transfer),
      (envelope, error) => pool.refused(this, envelope, error),
      () => fence(this.peers),
    );
    this.outbox.held = true;
    this.outbox.push([READY, ID]);
    live.add(this);
    this.#endpoint = connect(worker, {
      message: (data) => pool.message(this, data),
      error: (error) => {
        this.error ??= error;
      },
      exit: (code) => {
        this.#exited();
        pool.exit(this, code);
      },
    });
    this.#endpoint.ref(false);
  }

  start(job: Job): void {
    job.thread = this;
    this.jobs.set(job.id, job);
    enroll(this.peers, job.peers);
    // An array of words crosses once, ahead of the first task that takes one of them; a task is
    // told only its index, in the array the thread was sent last.
    if (host.shared) {
      let w = this.#words;
      // (A full array has no free word: the next one starts with none.)
      if (w === undefined || (this.#free.length === 0 && this.#used === w.length)) {
        w = this.#words = new Int32Array(new SharedArrayBuffer(w ? 8 * w.length : 4 * MAX_DEPTH));
        this.#used = 0;
        this.outbox.push([WORDS, w]);
      }
      job.words = w;
      job.word = this.#free.pop() ?? this.#used++;
      Atomics.store(w, job.word, 0);
    }
    if (this.load++ === 0) this.#endpoint.ref(true);
    this.outbox.push(
      [RUN, job.id, job.name, job.args, wall(job.ctx.deadline), job.word, job.values],
      job.moves,
    );
  }

  /** Ends the thread (its exit is reported as any other). */
  terminate(): void {
    this.#endpoint.terminate();
  }

  /** Takes `job` off this thread; `micros` is its length as the thread measured it, if known. */
  finish(job: Job, micros: number): void {
    this.jobs.delete(job.id);
    if (job.words === this.#words && job.word !== undefined) this.#free.push(job.word);
    if (--this.load === 0) this.#endpoint.ref(false);
    if (micros < 0 || job.ctx.err !== undefined) return;
    this.#mean = this.#mean < 0 ? micros : this.#mean + (micros - this.#mean) / 4;
    this.depth = Math.max(MIN_DEPTH, Math.min(MAX_DEPTH, Math.floor(BUDGET / Math.max(this.#mean, 1))));
    this.long = this.#mean > LONG;
  }
}

class Pool implements ThreadPool {
  readonly #spawn: () => unknown;
  readonly #terminateAfter: number;
  readonly #ctx: Context;
  #threads: Thread[] = [];
  /** Jobs waiting for a thread, in order (done ones are skipped). */
  readonly #queue = new Ring<Job>();
  readonly #jobs = new Set<Job>();
  #nextId = 1;
  #closed = false;
  /** The threads were ended by close(): nothing is started or replaced any more. */
  #ended = false;
  #ending: Promise<void> | null = null;
  readonly #drained: (() => void)[] = [];
  /**
   * Jobs settled and threads ready so far, and the timer that starts a queued job when nothing of
   * the sort happens for a while.
   */
  #progress = 0;
  #stall: ReturnType<typeof setTimeout> | undefined = undefined;
  /** Stops watching `opts.ctx`. */
  #unwatch: (() => boolean) | null = null;

  constructor(
    spawn: () => unknown,
    readonly size: number,
    ctx: Context,
    terminateAfter: number,
  ) {
    this.#spawn = spawn;
    this.#ctx = ctx;
    this.#terminateAfter = terminateAfter;
    try {
      for (let i = 0; i < size; i++) this.#threads.push(new Thread(this, spawn()));
    } catch (error) {
      this.#ended = true;
      for (const t of this.#threads) t.terminate();
      throw error;
    }
    if (ctx !== background()) this.#unwatch = afterFunc(ctx, () => this.close(ctx).catch(() => {}));
  }

  go<R>(name: string, args: readonly unknown[], cancel?: Cancel): Task<R> {
    if (typeof name !== 'string') throw new TypeError(`pool.go: name must be a string, got ${show(name)}`);
    if (!Array.isArray(args)) throw new TypeError(`pool.go: args must be an array, got ${show(args)}`);
    const parent = toContext(cancel, 'pool.go') ?? this.#ctx;
    if (this.#closed) throw new ClosedChannelError('go on closed thread pool');
    const moves: Transferable[] = [];
    const peers: Peer[] = [];
    let copy: unknown[];
    let values: unknown[] | undefined;
    try {
      copy = args.map((a) => outgoing(a, moves, peers));
      for (const key of crossing) {
        const v = parent.value(key);
        if (v !== undefined) (values ??= []).push(key.name, outgoing(v, moves, peers));
      }
    } catch (error) {
      for (const p of peers) p.lost(null);
      throw error;
    }
    let resolve!: (value: unknown) => void;
    let reject!: (error: unknown) => void;
    const result = new Promise<unknown>((ok, fail) => {
      resolve = ok;
      reject = fail;
    });
    const task = goOn(result, parent, name) as Task<R>;
    const ctx = task.ctx as TaskCtx;
    if (ctx.err !== undefined) {
      // It never runs: the links opened for the channels among its arguments are dropped.
      for (const p of peers) p.lost(null);
      reject(ctx.err);
      return task;
    }
    const job: Job = {
      id: this.#nextId++,
      name,
      args: copy,
      values,
      moves,
      peers,
      ctx,
      resolve,
      reject,
      thread: null,
    };
    // A task's context is made by go() just above: nothing else uses its cancel hook.
    ctx.onCancel = () => this.#canceled(job);
    this.#jobs.add(job);
    // A test harness (synctest) waits for the thread in real time rather than call it a deadlock.
    activity.observer?.external?.(result);
    this.#queue.push(job);
    this.#pump();
    return task;
  }

  fn<A, R>(name: string): (arg: A, ctx: Context) => Promise<R> {
    if (typeof name !== 'string') throw new TypeError(`pool.fn: name must be a string, got ${show(name)}`);
    // async: what go() throws at the call (a closed pool, a bad ctx) becomes the Promise's rejection.
    return async (arg, ctx) => this.go<R>(name, [arg], ctx);
  }

  close(cancel?: Cancel): Promise<void> {
    const c = toContext(cancel, 'pool.close');
    this.#closed = true;
    const stop = c === null ? undefined : afterFunc(c, () => this.#cancelAll(c));
    return this.#idle()
      .then(() => {
        stop?.();
        return this.#end();
      })
      .then(() => {
        if (c?.err !== undefined) throw c.err;
      });
  }

  /** Ends every thread (once) and resolves when all have exited. */
  #end(): Promise<void> {
    if (this.#ending === null) {
      this.#ended = true;
      clearTimeout(this.#stall);
      this.#unwatch?.();
      const threads = this.#threads;
      this.#threads = [];
      for (const t of threads) {
        t.gone = true;
        t.terminate();
        drop(t, new WorkerExitError(undefined, { cause: new Error('thread pool closed') }));
      }
      this.#ending = Promise.all(threads.map((t) => t.exited)).then(() => {});
      activity.observer?.external?.(this.#ending);
    }
    return this.#ending;
  }

  /** Resolves when no job is left. */
  #idle(): Promise<void> {
    return new Promise((resolve) => (this.#jobs.size === 0 ? resolve() : this.#drained.push(resolve)));
  }

  #cancelAll(c: Context): void {
    const err = c.err!;
    const why = cause(c);
    for (const job of [...this.#jobs]) job.ctx.cancel(err, why);
  }

  /** Starts queued jobs on threads with room (`force`: the first one on the least-loaded thread). */
  #pump(force = false): void {
    const queue = this.#queue;
    while (queue.length > 0) {
      let thread: Thread | undefined;
      try {
        thread = this.#pick(queue.length, force);
        force = false;
      } catch (error) {
        // The spawn function failed and no thread has room: the next job cannot run.
        this.#settle(queue.shift(), false, error);
        continue;
      }
      if (thread === undefined) return this.#wait();
      const job = queue.shift();
      // A job cancelled while queued is done: it left the pool's jobs.
      if (this.#jobs.has(job)) thread.start(job);
    }
  }

  /**
   * Jobs wait in the queue: if none ends before the threads' patience runs out, the next starts on
   * the least-loaded thread however loaded (the running ones may be waiting for it).
   */
  #wait(): void {
    if (this.#stall !== undefined || this.#ended) return;
    const progress = this.#progress;
    const patience = Math.max(STALL, ...this.#threads.map((t) => t.patience));
    this.#stall = setTimeout(() => {
      this.#stall = undefined;
      // A thread still loading has not had the time to end anything.
      const loading = this.#threads.some((t) => t.id === '' && t.load > 0);
      this.#pump(!loading && this.#progress === progress);
    }, patience);
    // The running tasks keep a Node process alive while jobs wait, not this timer, which may
    // outlast them.
    (this.#stall as { unref?(): void }).unref?.();
  }

  /**
   * The least-loaded thread with room (`force`: however loaded), a new thread in place of a dead
   * one, or undefined.
   */
  #pick(waiting: number, force = false): Thread | undefined {
    let best: Thread | undefined;
    for (const t of this.#threads) {
      if (t.ending || (!force && t.load >= t.depth)) continue;
      // Near the end of a run of long tasks, a task waits for whichever thread frees first.
      if (!force && t.load > 0 && t.long && waiting < this.#threads.length) continue;
      if (best === undefined || t.load < best.load) best = t;
    }
    if ((best === undefined || best.load > 0) && this.#threads.length < this.size && !this.#ended) {
      try {
        const t = new Thread(this, this.#spawn());
        this.#threads.push(t);
        return t;
      } catch (error) {
        if (best === undefined) throw error;
      }
    }
    return best;
  }

  #settle(job: Job, ok: boolean, value: unknown): void {
    // A job is done once it leaves the pool's jobs, and it settles once.
    if (!this.#jobs.delete(job)) return;
    this.#progress++;
    clearTimeout(job.timer);
    // Its channels never crossed: their links are dropped.
    if (job.thread === null) for (const p of job.peers) p.lost(null);
    if (ok) job.resolve(value);
    else job.reject(value);
    if (this.#jobs.size === 0) for (const f of this.#drained.splice(0)) f();
  }

  #canceled(job: Job): void {
    if (!this.#jobs.has(job)) return;
    const thread = job.thread;
    if (thread === null) return this.#settle(job, false, job.ctx.err);
    if (thread.gone) return;
    const err = job.ctx.err!;
    const why = job.ctx.cause;
    const short = shortForm(err);
    // Seen at once by a task that never yields; the error and its cause follow by message. (The
    // word is the short form's kind, when there is one.)
    if (job.words !== undefined)
      Atomics.store(job.words, job.word!, short ?? (err instanceof DeadlineExceededError ? 2 : 1));
    const c = why === err ? undefined : why === err.cause ? SAME : encodeError(why);
    const cancel: Envelope = [CANCEL, job.id, short ?? encodeError(err, false), c];
    // A lone cancellation leaves at once, not at the end of the turn; behind envelopes queued in
    // this turn, it goes with them.
    if (thread.outbox.length === 0) thread.outbox.post(cancel);
    else thread.outbox.push(cancel);
    const ms = this.#terminateAfter;
    if (ms <= MAX_DELAY) {
      // Settling the job clears the timer: when it fires, the job still runs.
      job.timer = setTimeout(() => {
        if (thread.gone || thread.ending) return;
        // It leaves as a thread that exits does, once it is gone (a Web Worker's end is reported
        // at once): its tasks settle with its exit code, and what its channels logged in shared
        // memory is read whole (home.ts). Meanwhile it takes no task.
        thread.error = new Error(`thread terminated: task "${job.name}" ignored cancellation for ${ms} ms`, {
          cause: err,
        });
        thread.ending = true;
        thread.terminate();
      }, ms);
    }
  }

  /** `thread` left the pool: every job on it fails with `error`; the others take the queue. */
  #lose(thread: Thread, error: WorkerExitError): void {
    thread.gone = true;
    thread.outbox.clear();
    drop(thread, error);
    thread.gate();
    const i = this.#threads.indexOf(thread);
    if (i >= 0) this.#threads.splice(i, 1);
    const jobs = [...thread.jobs.values()];
    thread.jobs.clear();
    thread.load = 0;
    for (const job of jobs) this.#settle(job, false, error);
    this.#pump();
  }

  /** @internal */
  message(thread: Thread, data: unknown): void {
    const batch = envelopes(data);
    if (thread.gone) return;
    if (batch === undefined) {
      // A worker file built with another gorx: nothing it says can be read, so it is ended.
      const tag = foreign(data);
      if (tag === undefined) return;
      thread.error ??= new Error(
        `the worker speaks ${tag}, this thread ${WIRE}: build both with the same gorx`,
      );
      return thread.terminate();
    }
    // Channels in results are taken in first, so that the fence waits for their links as well.
    const peers: Peer[] = [];
    for (const env of batch) if (env[0] === OK) (env as unknown as unknown[])[2] = incoming(env[2], peers);
    enroll(thread.peers, peers);
    // What the thread posted on its channels before this batch comes first (Go: happens before).
    thread.gate((data as Batch)[2], () => this.#receive(thread, batch));
  }

  #receive(thread: Thread, batch: Envelope[]): void {
    if (thread.gone) return;
    for (const env of batch) {
      if (env[0] === READY) {
        // The links to it are listed under its id (a READY comes first and alone: nothing is
        // waiting for that list yet).
        registries.set((thread.id = env[1]), thread.peers);
        thread.outbox.held = false;
        thread.outbox.flush();
        this.#progress++;
      } else if (env[0] === GONE) {
        // A thread of its own pools died, or one it heard of.
        died(env[1], new WorkerExitError(env[2]), thread);
      } else if (env[0] === OK || env[0] === ERR) {
        const job = thread.jobs.get(env[1]);
        if (job === undefined) continue;
        thread.finish(job, env[3]);
        if (env[0] === OK) this.#settle(job, true, env[2]);
        // The handler returned its context's error: the task ends with this side's own ctx.err
        // (a thread's context is done before this side's only when the thread's deadline came first).
        else if (env[4] === 1) this.#settle(job, false, job.ctx.err ?? new DeadlineExceededError());
        else this.#settle(job, false, decodeError(env[2] as Wired));
      }
    }
    this.#pump();
  }

  /** @internal */
  refused(thread: Thread, envelope: Envelope, error: unknown): void {
    if (envelope[0] !== RUN) return;
    const job = thread.jobs.get(envelope[1]);
    if (job === undefined) return;
    thread.finish(job, -1);
    for (const p of job.peers) {
      thread.peers.delete(p.key);
      p.lost(null);
    }
    // An endpoint among its arguments whose channel's thread died meanwhile: that death is why.
    const death = orphaned(job.values === undefined ? job.args : [...job.args, ...job.values]);
    this.#settle(job, false, death ? new WorkerExitError(undefined, { cause: error }) : error);
    this.#pump();
  }

  /** @internal */
  exit(thread: Thread, code: number | undefined): void {
    if (thread.gone) return;
    this.#lose(thread, new WorkerExitError(code, { cause: thread.error }));
  }
}

/**
 * The channels linked to `thread` lose it: their parked operations fail with `error`, whose
 * `uncertain` becomes the number of values whose fate cannot be known.
 */
function drop(thread: Thread, error: WorkerExitError): void {
  registries.delete(thread.id);
  // Links to it that no pool joins, here and in every other thread (the news goes on from here).
  if (live.delete(thread) && thread.id !== '') died(thread.id, error);
  let uncertain = 0;
  for (const p of thread.peers.values()) uncertain += p.lost(error);
  thread.peers.clear();
  (error as { uncertain: number }).uncertain += uncertain;
}

/**
 * `deadline` as the thread reads it, on the wall clock all threads share: as it is on the real
 * clock; on a virtual one (a synctest bubble, TestScheduler) the time left on it, from now.
 */
function wall(deadline: number | undefined): number | undefined {
  if (deadline === undefined) return undefined;
  const t = now();
  const w = Date.now();
  return Math.abs(t - w) <= 1 ? deadline : deadline - t + w;
}

function defaultSize(): number {
  const cores = builtin<{ availableParallelism(): number }>('node:os')?.availableParallelism?.();
  if (typeof cores === 'number') return cores;
  const hardware = (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator
    ?.hardwareConcurrency;
  return typeof hardware === 'number' && hardware > 1 ? hardware - 1 : 1;
}

/**
 * A pool of threads (Node `worker_threads` or Web Workers) that run the handlers of a worker file:
 * Go's GOMAXPROCS for CPU-bound work. `spawn` makes one thread; write it in the application, in
 * the literal form bundlers recognise, and let the worker file call `serve({...})` from
 * `gorx/worker`. Each `pool.go(name, args, cancel?)` is `go f(args…)` on the least-loaded thread.
 * A thread runs a few tasks at once (more of short ones); the others wait their turn, and when no
 * task ends for 200 ms (or four times the tasks' mean length), the next starts anyway: tasks that
 * wait on each other, such as the stages of a long pipeline, never deadlock. Each task's context
 * crosses (cancellation, deadline, cause), cooperatively: a task that ignores its cancellation for
 * `terminateAfter` ms has its thread terminated, reported as `WorkerExitError`.
 * A thread that dies settles every task it ran with `WorkerExitError`, and the pool replaces it.
 * Idle threads do not keep a Node process alive, and neither do channels that crossed, except while
 * an operation here waits on one (a receive that waits for a thread's send); `close()` ends them.
 *
 * @example
 * ```ts
 * import { from } from 'rxjs';
 * import { threadPool, workerPool } from 'gorx';
 *
 * const pool = threadPool(() => new Worker(new URL('./math.worker', import.meta.url), { type: 'module' }));
 * console.log(await pool.go<number>('fib', [30]));
 * from([25, 26, 27]).pipe(workerPool(2, pool.fn<number, number>('fib'))).subscribe(console.log);
 * await pool.close();
 *
 * // math.worker.ts
 * import { serve } from 'gorx/worker';
 * const fib = (n: number): number => (n < 2 ? n : fib(n - 1) + fib(n - 2));
 * serve({ fib });
 * ```
 * @throws TypeError when `spawn` is not a function or does not return a Worker, or for bad
 * options; RangeError for a size that is not a positive integer or a negative `terminateAfter`.
 * Go: GOMAXPROCS and `go f(x)`. Rules: C1, C2, E1, R2.
 */
export function threadPool(spawn: () => unknown, opts?: ThreadPoolOptions): ThreadPool {
  fn('threadPool', 'spawn', spawn);
  options('threadPool', opts);
  const size = opts?.size === undefined ? defaultSize() : count('threadPool', 'size', opts.size);
  if (size < 1) throw new RangeError(`threadPool: size must be a positive integer, got ${show(size)}`);
  const terminateAfter = number('threadPool', 'terminateAfter', opts?.terminateAfter ?? 2000);
  if (!(terminateAfter >= 0)) {
    throw new RangeError(
      `threadPool: terminateAfter must be a non-negative number, got ${show(terminateAfter)}`,
    );
  }
  const ctx = toContext(opts?.ctx, 'threadPool') ?? background();
  return new Pool(spawn, size, ctx, terminateAfter);
}
