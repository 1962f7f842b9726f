// The channel handlers both worker files of the thread specs serve (worker_threads in
// pool.worker.ts, a module Web Worker in channels.web.worker.ts): every argument channel is an
// endpoint of a channel of the caller. `turn` is one task turn of the thread's host; `die` ends the
// thread the way the kill tests ask ('exit' only where the host has process.exit). Every handler
// gets its context after its arguments, so callers pass every argument.
import {
  after,
  background,
  CanceledError,
  Channel,
  ClosedChannelError,
  go,
  recv,
  select,
  send,
  threadPool,
  transfer,
  withCancel,
} from '../../../lib/index.js';
import type { Context, ReceiveChannel, SendChannel } from '../../../lib/worker/index.js';
import { collector, heapUsed, rng } from '../../helpers/async.js';
import { missedAfter, racedSends, sendBoth, work } from '../channel-helpers.js';
import {
  bothReceiver,
  eitherSender,
  type Pending,
  type RecvFace,
  receiver,
  type SendFace,
  type Side,
  sender,
  type Value,
} from '../model-actors.js';
import { QuotaError } from './classes.js';

export type Death = 'throw' | 'exit';

/** A thread as its spawn factory returned it: a Node Worker or a Web Worker. */
export interface Killable {
  terminate(): unknown;
}

/** What a cancelled or failed operation reports, in this thread's own classes. */
function failure(e: unknown) {
  return { error: e instanceof Error ? e.name : String(e), canceled: e instanceof CanceledError };
}

/** A sender or receiver of a property-test program, as `act` gets it (model-checks.ts). */
interface Actor {
  send: boolean;
  face: string;
  values: Value[];
  gives: boolean;
  seed: number;
}
type Sent = { sent: number[]; maybe: number[] };

/** Starts `actors` on `ch`: what the senders sent, and what the receivers got once it closed. */
function play(ch: Side, actors: Actor[]): { sent: Promise<Sent>[]; got: Promise<number[]>[] } {
  const pending: Pending = { sends: 0, gaveUp: 0 };
  const none = () => {};
  return {
    got: actors
      .filter((a) => !a.send)
      .map((a) => receiver(ch, a.face as RecvFace, a.gives, rng(a.seed), none, pending)),
    sent: actors
      .filter((a) => a.send)
      .map((a) => sender(ch, a.face as SendFace, a.values, a.gives, rng(a.seed), none, pending)),
  };
}

/** Channels made here by `keep`, until a later task of this thread takes them. */
const kept = new Map<string, Channel<number>>();

/** Endpoints kept by `holdEndpoint`, unused, until `probeHeld` takes them. */
const held = new Map<string, ReceiveChannel<number> & SendChannel<number>>();

/** What the receiver of the last `sink` took, once its channel is closed. */
let sunk: Promise<number[]> = Promise.resolve([]);

/** A channel closed after a task turn: a select case that fires then. */
function afterTurn(turn: () => Promise<void>): Channel<never> {
  const ch = new Channel<never>();
  void turn().then(() => ch.close());
  return ch;
}

export function channelHandlers(
  turn: () => Promise<void>,
  die: (how: Death) => void,
  spawnSelf: () => Killable,
) {
  /** The thread of the pool `nestedChannel` made in this one. */
  let nested: Killable | undefined;
  return {
    /**
     * The senders and receivers of a property-test program at one place (model-actors.ts), on one
     * endpoint `ch`: once its senders are done, what they sent goes on `reports`; then, if `close`
     * says so (a message, or '' for none), it closes `ch` (with an error of that message); it
     * returns what its receivers got once they saw the close.
     */
    act: async (ch: Side, actors: Actor[], reports: SendChannel<Sent[]>, close: ReceiveChannel<string>) => {
      const { sent, got } = play(ch, actors);
      // The close may come while the senders here still send.
      const closing = close.recv().then((r) => {
        if (r.ok) ch.close(r.value === '' ? undefined : new Error(r.value));
      });
      await reports.send(await Promise.all(sent));
      await closing;
      return Promise.all(got);
    },
    /**
     * The same on a channel of this thread (capacity `capacity`), whose endpoint goes on `handoff`
     * first; it waits for this thread's end.
     */
    actHome: async (capacity: number, actors: Actor[], handoff: SendChannel<Channel<number>>) => {
      const ch = new Channel<number>(capacity);
      await handoff.send(ch);
      play(ch, actors);
      await new Promise(() => {});
    },
    /**
     * The selects of a two-channel property-test program at one place, on endpoints `a` and `b`:
     * senders that send on either, then their report on `reports`; receivers from both, whose
     * values it returns once both channels are closed.
     */
    actPair: async (
      a: Side,
      b: Side,
      actors: { send: boolean; values: number[]; gives: boolean; seed: number }[],
      reports: SendChannel<number[]>,
    ) => {
      const got = actors.filter((x) => !x.send).map((x) => bothReceiver(a, b, x.gives, rng(x.seed)));
      const sent = actors
        .filter((x) => x.send)
        .map((x) => eitherSender(a, b, x.values, x.gives, rng(x.seed)));
      await reports.send((await Promise.all(sent)).flat());
      return Promise.all(got);
    },
    /** A channel of its own, whose endpoint goes to the caller. */
    made: (capacity: number) => new Channel<number>(capacity),
    /**
     * A channel made by the thread of a pool nested in this thread (one more thread of this file),
     * handed on to the caller as it came here: an endpoint of that thread's.
     */
    nestedChannel: (capacity: number) =>
      threadPool(() => (nested = spawnSelf()), { size: 1 }).go<Channel<number>>('made', [capacity]),
    /** Terminates the thread of the nested pool. */
    killNested: () => {
      nested?.terminate();
    },
    /** Forwards every value of `jobs` plus `add` to `out` with Promise faces, then closes `out`. */
    pipe: async (jobs: ReceiveChannel<number>, out: SendChannel<number>, add: number) => {
      let n = 0;
      for (;;) {
        const r = await jobs.recv();
        if (!r.ok) break;
        await out.send(r.value + add);
        n++;
      }
      out.close();
      return n;
    },
    /**
     * Forwards with ranging and trySend first (the fast faces), then closes `out`; dies (`how`)
     * after `at` values (never for -1).
     */
    relay: (jobs: ReceiveChannel<number>, out: SendChannel<number>, at: number, how: Death) =>
      new Promise<number>((resolve, reject) => {
        let n = 0;
        const it = jobs[Symbol.asyncIterator]();
        const step = async (): Promise<void> => {
          for (;;) {
            const r = await it.next();
            if (r.done) {
              out.close();
              return resolve(n);
            }
            if (!out.trySend(r.value)) await out.send(r.value);
            if (++n === at) return die(how);
          }
        };
        step().catch(reject);
      }),
    /**
     * Writes every value of `jobs` to `log` (shared memory: the count first, then the values), as a
     * consumer whose work shows outside the channels; never ends on its own.
     */
    consume: (jobs: ReceiveChannel<number>, log: Int32Array) =>
      new Promise<never>(() => {
        let n = 0;
        jobs.subscribe((v) => {
          log[1 + n] = v;
          Atomics.store(log, 0, ++n);
        });
      }),
    /**
     * Sends 0, 1, 2, … on `out` (as `{ i }` when `boxed`) with the fast faces, working `micros` µs
     * on each, and counts the sends that completed in `log` (shared memory), as a producer whose
     * progress shows outside the channels; never ends.
     */
    produceLogged: async (
      out: SendChannel<number | { i: number }>,
      log: Int32Array,
      micros: number,
      boxed: boolean,
    ) => {
      for (let i = 0; ; i++) {
        for (const t = performance.now() + micros / 1000; performance.now() < t; );
        const v = boxed ? { i } : i;
        if (!out.trySend(v)) await out.send(v);
        Atomics.store(log, 0, i + 1);
      }
    },
    /**
     * Receives `jobs` with one `recv()` at a time, `every` turns apart (its prefetched window
     * idles meanwhile), writing each value to `log` (shared memory: the count first, then the
     * values); returns how many it received once `jobs` is closed and drained.
     */
    recvLogged: async (jobs: ReceiveChannel<number>, log: Int32Array, every: number) => {
      let n = 0;
      for (;;) {
        for (let i = 0; i < every; i++) await turn();
        const r = await jobs.recv();
        if (!r.ok) return n;
        log[1 + n] = r.value;
        Atomics.store(log, 0, ++n);
      }
    },
    /** Forwards every value of `jobs` to `out` with the fast faces, and leaves `out` open. */
    forward: async (jobs: ReceiveChannel<number>, out: SendChannel<number>) => {
      let n = 0;
      for await (const v of jobs) {
        if (!out.trySend(v)) await out.send(v);
        n++;
      }
      return n;
    },
    /** Sends 0 … n-1 on `out` and closes it. */
    produce: async (out: SendChannel<number>, n: number) => {
      for (let i = 0; i < n; i++) if (!out.trySend(i)) await out.send(i);
      out.close();
      return n;
    },
    /** Receives everything; returns the values in order. */
    collect: async (jobs: ReceiveChannel<unknown>) => {
      const got: unknown[] = [];
      for await (const v of jobs) got.push(v);
      return got;
    },
    /** Receives everything with Promise faces; returns how many, and the error it ended with. */
    drain: async (jobs: ReceiveChannel<unknown>) => {
      let n = 0;
      try {
        while ((await jobs.recv()).ok) n++;
        return { n };
      } catch (e) {
        return { n, error: e instanceof Error ? e.name : e, quota: e instanceof QuotaError };
      }
    },
    /** A consumer ten times slower: one value per `every` turns; reports `length` as it goes. */
    slow: async (jobs: ReceiveChannel<number>, every: number) => {
      let n = 0;
      let maxLength = 0;
      for (;;) {
        for (let i = 0; i < every; i++) await turn();
        const r = await jobs.recv();
        if (!r.ok) return { n, maxLength };
        maxLength = Math.max(maxLength, jobs.length);
        n++;
      }
    },
    /**
     * A consumer `units` units of work per value (work() in channel-helpers.ts), ranging; reports
     * the most values its endpoint held prefetched, and whether every value came in order.
     */
    slowSink: async (jobs: ReceiveChannel<number>, units: number) => {
      let n = 0;
      let maxLength = 0;
      let inOrder = true;
      let sink = 0;
      for await (const v of jobs) {
        if (v !== n) inOrder = false;
        n++;
        sink ^= work(units);
        maxLength = Math.max(maxLength, jobs.length);
      }
      return { n, maxLength, inOrder, sink };
    },
    /**
     * Sends 0…n-1 on `out` with trySend first, one unit of work per value, then closes it; samples
     * this thread's heap after a full collection every tenth of the stream where the host can
     * (null elsewhere: a Web Worker has no heap figure).
     */
    slowSource: async (out: SendChannel<number>, n: number) => {
      let gc: (() => void) | undefined;
      try {
        gc = collector();
        heapUsed();
      } catch {
        gc = undefined;
      }
      const heap: number[] = [];
      let sink = 0;
      for (let i = 0; i < n; i++) {
        sink ^= work(1);
        if (!out.trySend(i)) await out.send(i);
        if (gc !== undefined && i % (n / 10) === 0) {
          gc();
          heap.push(heapUsed());
        }
      }
      out.close();
      if (gc === undefined) return { growth: null, sink };
      gc();
      heap.push(heapUsed());
      // From the sample after the first tenth (the channel and its link warmed up) to the end.
      return { growth: heap[heap.length - 1]! - heap[1]!, sink };
    },
    /** Sends `value` once and then says so on `acks`. */
    sendThenAck: async (ch: SendChannel<string>, acks: SendChannel<string>, value: string) => {
      await ch.send(value);
      await acks.send('sent');
    },
    /** Receives once and returns what it got. */
    recvOne: (ch: ReceiveChannel<unknown>) => ch.recv(),
    /** A parked receive cancelled by the task's context. */
    recvCtx: async (ch: ReceiveChannel<unknown>, ctx: Context) => {
      try {
        return await ch.recv(ctx);
      } catch (e) {
        return failure(e);
      }
    },
    /** A parked send cancelled by the task's context. */
    sendCtx: async (ch: SendChannel<unknown>, value: unknown, ctx: Context) => {
      try {
        await ch.send(value, ctx);
        return 'sent';
      } catch (e) {
        return failure(e);
      }
    },
    /**
     * Sends 0 … n-1 on `ch`, each with a context cancelled at a random moment (at once, after a
     * microtask, or after a task turn), then closes `ch`. Returns the values whose send completed;
     * every other send must have failed with the context's error.
     */
    offerRace: async (ch: SendChannel<number>, n: number, seed: number) => {
      const sent = await racedSends(ch, n, rng(seed), turn);
      ch.close();
      return sent;
    },
    /**
     * `n` selects, each sending `i` on `ch` beside (at random) a case that fires after a task turn,
     * then closes `ch`. Returns the values whose send case committed.
     */
    selectSends: async (ch: SendChannel<number>, n: number, seed: number) => {
      const draw = rng(seed);
      const sent: number[] = [];
      for (let i = 0; i < n; i++) {
        const r = await select({ s: send(ch, i), t: draw(2) === 0 ? recv(afterTurn(turn)) : null });
        if (r.case === 's') sent.push(i);
      }
      ch.close();
      return sent;
    },
    /**
     * Selects receiving from `ch` beside (at random) a case that fires after a task turn, until
     * `ch` is closed; after that case fired, the receiver is away for up to 3 task turns. Returns
     * the values received.
     */
    selectRecvs: async (ch: ReceiveChannel<number>, seed: number) => {
      const draw = rng(seed);
      const got: number[] = [];
      for (;;) {
        const r = await select({ r: recv(ch), t: draw(2) === 0 ? recv(afterTurn(turn)) : null });
        if (r.case === 't') for (let away = draw(4); away > 0; away--) await turn();
        else if (!r.ok) return got;
        else got.push(r.value);
      }
    },
    /**
     * An unbuffered channel made here, whose receiver here comes and goes (it is away for up to 15
     * task turns between receives, and half of its receives give up after a turn) until the
     * channel is closed; `sunk` then returns what it took.
     */
    sink: (seed: number) => {
      const ch = new Channel<number>();
      const draw = rng(seed);
      sunk = (async () => {
        const got: number[] = [];
        for (;;) {
          for (let away = draw(16); away > 0; away--) await turn();
          const [ctx, cancel] = withCancel(background());
          const receiving = ch.recv(ctx);
          if (draw(2) === 0) void turn().then(cancel);
          const r = await receiving.catch((e: unknown) => {
            if (e instanceof CanceledError) return null;
            throw e;
          });
          cancel();
          if (r === null) continue;
          if (!r.ok) return got;
          got.push(r.value);
        }
      })();
      return ch;
    },
    /** The first byte of each array received from `jobs` (-1 for an empty one), until it is closed. */
    firstBytes: async (jobs: ReceiveChannel<Uint8Array>) => {
      const firsts: number[] = [];
      for await (const b of jobs) firsts.push(b.byteLength === 0 ? -1 : b[0]!);
      return firsts;
    },
    /**
     * Sends `n` arrays of `size` bytes filled with 1 … n on `out`, each marked by `transfer()`, then
     * closes it; returns their lengths here a turn later (0 once moved).
     */
    sendBytes: async (out: SendChannel<Uint8Array>, n: number, size: number) => {
      const sent: Uint8Array[] = [];
      for (let i = 1; i <= n; i++) {
        const b = new Uint8Array(size).fill(i);
        sent.push(b);
        await out.send(transfer(b, [b.buffer]));
      }
      out.close();
      await turn();
      return sent.map((b) => b.byteLength);
    },
    /**
     * Answers each request of `reqs` (`n` and a channel of the caller's to reply on) with `2n` on its
     * reply channel, then closes that channel, unless `closes` is false (as Go code often leaves
     * it: this thread lets it go); returns the number of requests.
     */
    answer: async (reqs: ReceiveChannel<{ n: number; reply: SendChannel<number> }>, closes = true) => {
      let count = 0;
      for await (const { n, reply } of reqs) {
        await reply.send(2 * n);
        if (closes) reply.close();
        count++;
      }
      return count;
    },
    /** Sends `value` once on `ch`, and lets it go. */
    sendOne: (ch: SendChannel<number>, value: number) => ch.send(value),
    /** Sends i on `a`, then, a turn later, on `b`, for each i below n. */
    sendBoth: (a: SendChannel<number>, b: SendChannel<number>, n: number) => sendBoth(a, b, n, turn),
    /**
     * Receives from `b`, then polls `a` for what was sent there before, n times: the rounds it found
     * nothing. A first value on `a` is received first: an endpoint fetches ahead once it receives.
     */
    pollAfter: async (a: ReceiveChannel<number>, b: ReceiveChannel<number>, n: number) => {
      await a.recv();
      return missedAfter(a, b, n);
    },
    /** Sends 0 … n-1 on `results`, then closes `done`. */
    resultsThenDone: async (results: SendChannel<number>, done: SendChannel<never>, n: number) => {
      for (let i = 0; i < n; i++) {
        await results.send(i);
      }
      done.close();
    },
    /** Collects this thread's garbage, and lets the finalizers that follow run. */
    gcHere: async () => {
      const gc = collector();
      for (let i = 0; i < 2; i++) {
        gc();
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
    },
    /** Keeps the endpoint `ch` under `key`, unused. */
    holdEndpoint: (key: string, ch: ReceiveChannel<number> & SendChannel<number>) => {
      held.set(key, ch);
    },
    /** What the endpoint kept under `key` shows now: a receive that does not wait, and a close. */
    probeHeld: (key: string) => {
      const ch = held.get(key)!;
      held.delete(key);
      const r = ch.tryRecv();
      let close = 'closed it';
      try {
        ch.close();
      } catch (e) {
        close = (e as Error).name;
      }
      return { recv: r === undefined ? 'nothing ready' : r.ok ? r.value : 'closed', close };
    },
    /** A channel made here and kept under `key`, empty. */
    keepEmpty: (key: string) => {
      const ch = new Channel<number>(4);
      kept.set(key, ch);
      return ch;
    },
    /** Closes the channel kept under `key`, and forgets it. */
    closeKept: (key: string) => {
      kept.get(key)!.close();
      kept.delete(key);
    },
    /** A channel made here and kept under `key`, full: 0 … capacity-1. */
    keepFull: (key: string, capacity: number) => {
      const ch = new Channel<number>(capacity);
      for (let i = 0; i < capacity; i++) ch.trySend(i);
      kept.set(key, ch);
      return ch;
    },
    /** Whether the channel kept under `key` is a plain one again (no endpoint left), and what it holds. */
    keptState: (key: string) => {
      const ch = kept.get(key)!;
      return { plain: ch.crossing === null, length: ch.length };
    },
    /** Takes what the channel kept under `key` holds now, and forgets it. */
    takeKept: (key: string) => {
      const ch = kept.get(key)!;
      kept.delete(key);
      const got: number[] = [];
      for (let r = ch.tryRecv(); r?.ok; r = ch.tryRecv()) got.push(r.value!);
      return got;
    },
    /**
     * Asks `n` questions on `reqs`, each with a reply channel made here (buffered or not, in turn),
     * and returns the answers.
     */
    ask: async (reqs: SendChannel<{ n: number; reply: Channel<number> }>, n: number) => {
      const answers: number[] = [];
      for (let i = 0; i < n; i++) {
        const reply = new Channel<number>(i % 2);
        await reqs.send({ n: i, reply });
        answers.push((await reply.recv()).value!);
      }
      reqs.close();
      return answers;
    },
    /** Sends `i` on the i-th channel received from `chans` (a channel of channels); returns how many. */
    fill: async (chans: ReceiveChannel<SendChannel<number>>) => {
      let i = 0;
      for await (const c of chans) await c.send(i++);
      return i;
    },
    /** Sums every value of `jobs` into `out`, both given inside one argument. */
    sumInto: async ({ jobs, out }: { jobs: ReceiveChannel<number>; out: SendChannel<number> }) => {
      let sum = 0;
      for await (const v of jobs) sum += v;
      await out.send(sum);
      out.close();
    },
    /** A channel made here, returned inside an object. */
    nested: (capacity: number) => ({ inner: new Channel<number>(capacity) }),
    /** Sends a channel made here, inside an object, on `out`. */
    sendNested: async (out: SendChannel<{ inner: Channel<number> }>) => {
      await out.send({ inner: new Channel<number>() });
    },
    /** Sends `{ back: ch }` on `out`: `ch` is an endpoint here, which crosses on. */
    resend: async (ch: ReceiveChannel<number>, out: SendChannel<unknown>) => {
      await out.send({ back: ch });
    },
    /** A channel made here, kept under `key` for `sendVia`; returned (it crosses as an endpoint). */
    inbox: (key: string) => {
      const ch = new Channel<number>(1);
      kept.set(key, ch);
      return ch;
    },
    /**
     * Receives a channel (inside `{ back }`) on the inbox kept under `key`, sends 0 … n-1 on it,
     * and returns: the caller must see every value once the task has settled.
     */
    sendVia: async (key: string, n: number) => {
      const inbox = kept.get(key)! as unknown as Channel<{ back: SendChannel<number> }>;
      kept.delete(key);
      const { back } = (await inbox.recv()).value!;
      for (let i = 0; i < n; i++) if (!back.trySend(i)) await back.send(i);
    },
    /**
     * Receives a channel (inside `{ back }`) on the inbox kept under `key`, takes `k` values from
     * it, and lets it go open; returns the values.
     */
    takeVia: async (key: string, k: number) => {
      const inbox = kept.get(key)! as unknown as Channel<{ back: ReceiveChannel<number> }>;
      kept.delete(key);
      const { back } = (await inbox.recv()).value!;
      const got: number[] = [];
      for (let i = 0; i < k; i++) got.push((await back.recv()).value!);
      return got;
    },
    /** Returns its argument (an endpoint here goes on as a result). */
    itself: (value: unknown) => value,
    /** Receives `{ back }` from `via`, then everything from `back`; returns the values in order. */
    collectVia: async (via: ReceiveChannel<{ back: ReceiveChannel<unknown> }>) => {
      const { back } = (await via.recv()).value!;
      const got: unknown[] = [];
      for await (const v of back) got.push(v);
      return got;
    },
    /** Receives `k` values from `ch` (Promise face), then returns them with `ch` itself. */
    takeSome: async (ch: ReceiveChannel<number>, k: number) => {
      const got: number[] = [];
      for (let i = 0; i < k; i++) got.push((await ch.recv()).value!);
      return { got, ch };
    },
    /**
     * Receives one value from `ch`, then (once `next` is closed) receives from it until it is
     * closed; returns the values received.
     */
    recvLater: async (ch: ReceiveChannel<number>, next: ReceiveChannel<never>) => {
      const got = [(await ch.recv()).value!];
      await next.recv();
      for await (const v of ch) got.push(v);
      return got;
    },
    /** What the receiver of the last `sink` took. */
    sunk: () => sunk,
    /** Sends 1, then a value that cannot be cloned. */
    sendUncloneable: async (out: SendChannel<unknown>) => {
      await out.send(1);
      await out.send(() => 2);
    },
    /** Tries to send `v` `tries` times, a turn apart, then sends it if none did: the tries that did. */
    pollThenSend: async (out: SendChannel<number>, tries: number, v: number) => {
      let sent = 0;
      for (let i = 0; i < tries && sent === 0; i++) {
        if (out.trySend(v)) sent++;
        else await turn();
      }
      if (sent === 0) await out.send(v);
      return sent;
    },
    /** A receive that gives up after `ms`; its endpoint stays in use `hold` ms more: what it got. */
    recvGivingUp: async (ch: ReceiveChannel<number>, ms: number, hold: number) => {
      const [ctx, cancel] = withCancel(background());
      const timer = setTimeout(cancel, ms);
      const out = await ch.recv(ctx).catch((e: unknown) => failure(e));
      clearTimeout(timer);
      await new Promise((resolve) => setTimeout(resolve, hold));
      return { out, length: ch.length };
    },
    /** A select with a send case of `v` and a case that fires after `ms`: whether it sent. */
    sendOrTimer: async (ch: SendChannel<number>, v: number, ms: number) =>
      (await select({ s: send(ch, v), t: recv(after(ms)) })).case === 's',
    /** A select with a receive case and a case that fires after `ms`: the value, or null. */
    recvOrTimer: async (ch: ReceiveChannel<number>, ms: number) => {
      const r = await select({ r: recv(ch), t: recv(after(ms)) });
      return r.case === 'r' ? r.value : null;
    },
    /**
     * `n` selects, each with a send case of `tag * 1e6 + i` and a receive case on the unbuffered
     * `ch`, and `also` more of them at once beside each (0: one at a time), until a round finds
     * none of them done for `quiet` ms: what they sent and what they received.
     */
    exchange: async (ch: Channel<number>, tag: number, n: number, also: number, quiet: number) => {
      const sent: number[] = [];
      const got: number[] = [];
      let i = 0;
      const one = async (): Promise<boolean> => {
        const v = tag * 1e6 + i++;
        const r = await select({ s: send(ch, v), r: recv(ch), t: recv(after(quiet)) });
        if (r.case === 's') sent.push(v);
        else if (r.case === 'r') got.push(r.value as number);
        return r.case !== 't';
      };
      for (let k = 0; k < n; k++) {
        const done = await Promise.all(Array.from({ length: 1 + also }, one));
        if (!done.some(Boolean)) break;
      }
      return { sent, got };
    },
    /** A select with one send case of `v`; once it waits, the thread is kept busy `ms`. */
    selectSendBusy: async (ch: SendChannel<number>, v: number, ms: number) => {
      const picked = select({ s: send(ch, v) });
      await turn();
      for (const end = performance.now() + ms; performance.now() < end; );
      return (await picked).case;
    },
    /** Receives one value (its endpoint takes what it may ahead), then keeps the thread busy `ms`. */
    takeOneThenBusy: async (ch: ReceiveChannel<number>, ms: number) => {
      const r = await ch.recv();
      for (const end = performance.now() + ms; performance.now() < end; );
      return r.value;
    },
    /**
     * Sends 1 on `a`; once `go` says so, sends a value that cannot be cloned under a credit (asked
     * for again until there is one) and closes `a`, in one turn.
     */
    closeAfterUncloneable: async (a: SendChannel<unknown>, go: ReceiveChannel<number>) => {
      await a.send(1);
      await go.recv();
      let sent = a.trySend(() => 0);
      for (let i = 0; i < 100 && !sent; i++) {
        await turn();
        sent = a.trySend(() => 0);
      }
      a.close();
      return sent;
    },
    /** Closes `ch` here (with a QuotaError when asked), then tries a send on it. */
    closeWith: (ch: SendChannel<unknown>, kind: 'QuotaError' | null) => {
      ch.close(kind === null ? undefined : new QuotaError(5));
      try {
        ch.trySend(1);
        return 'sent on closed';
      } catch (e) {
        return e instanceof ClosedChannelError ? 'ClosedChannelError' : String(e);
      }
    },
    /** A channel made here and kept under `key` for a later task of this thread (`mixedSelects`). */
    keep: (key: string, capacity: number) => {
      const ch = new Channel<number>(capacity);
      kept.set(key, ch);
      return ch;
    },
    /** A channel made here that this thread never feeds: its home dies with the thread. */
    stuck: (capacity: number) => new Channel<number>(capacity),
    /** Returns at once; a goroutine here sends 0 … n-1 on `out`, then closes it. */
    feed: (out: SendChannel<number>, n: number) => {
      go(async () => {
        for (let i = 0; i < n; i++) await out.send(i);
        out.close();
      });
    },
    /** A channel made here, fed 0 … n-1 (n may be Infinity) by a goroutine here, then closed. */
    source: (capacity: number, n: number) => {
      const ch = new Channel<number>(capacity);
      go(async () => {
        for (let i = 0; i < n; i++) await ch.send(i);
        ch.close();
      });
      return ch;
    },
    /**
     * `rounds` selects over a local channel of this thread and the endpoints `a` (receive) and `b`
     * (send): values received from `a` are returned; values offered to `b` are numbered from `from`.
     * Returns what each case did, so the caller can check that every select committed one case.
     */
    selects: async (a: ReceiveChannel<number>, b: SendChannel<number>, rounds: number, from: number) => {
      const local = new Channel<number>(4);
      const got: number[] = [];
      let sent = 0;
      let locals = 0;
      for (let i = 0; i < rounds; i++) {
        if (i % 3 === 0) local.trySend(i);
        const r = await select({ a: recv(a), b: send(b, from + sent), l: recv(local) });
        if (r.case === 'a') {
          if (!r.ok) break;
          got.push(r.value);
        } else if (r.case === 'b') sent++;
        else locals++;
      }
      return { got, sent, locals };
    },
    /**
     * `rounds` selects over four channels with mixed homes: the endpoints `a` (receive) and `b`
     * (send) of channels homed in the caller's thread, and the channels kept here under `keepC`
     * (receive) and `keepD` (send), homed in this thread. Values offered to `b` are numbered from
     * `fromB`, to `d` from `fromD`. Returns what each case did.
     */
    mixedSelects: async (
      a: ReceiveChannel<number>,
      b: SendChannel<number>,
      keepC: string,
      keepD: string,
      rounds: number,
      fromB: number,
      fromD: number,
    ) => {
      const c = kept.get(keepC)!;
      const d = kept.get(keepD)!;
      kept.delete(keepC);
      kept.delete(keepD);
      const gotA: number[] = [];
      const gotC: number[] = [];
      let sentB = 0;
      let sentD = 0;
      for (let i = 0; i < rounds; i++) {
        const r = await select({
          a: recv(a),
          b: send(b, fromB + sentB),
          c: recv(c),
          d: send(d, fromD + sentD),
        });
        if (r.case === 'a') gotA.push(r.value!);
        else if (r.case === 'b') sentB++;
        else if (r.case === 'c') gotC.push(r.value!);
        else sentD++;
      }
      return { gotA, gotC, sentB, sentD };
    },
  };
}
