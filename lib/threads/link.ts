// The link between a channel's home thread (home.ts) and one endpoint of it in another thread
// (remote.ts): a MessagePort of its own, on which each side posts what it has to say once per
// turn, as one array of messages (or as soon as it waits for the other side: a buffered channel's
// sender out of room or credits, a receiver with nothing to take). A message is a tuple whose
// first element is its kind.
//
//   endpoint → home  [VALS, [v…]]            values sent under credits, in order
//                    [TAKE, took, want, b]   `took` prefetched values were taken there; it wants
//                                            `want` more (may be negative: a receiver gave up);
//                                            b receivers wait there (at least 1 if one found
//                                            nothing; sent again only when it changes); it goes
//                                            early at a share of the window taken (`host.early`;
//                                            not while shared)
//                    [WANT, n, log]          capacity > 0: it sends and wants credits (standing);
//                                            the first brings its log where memory is shared;
//                                            capacity 0: n more (or fewer) senders wait there
//                                            (0: a receiver came, which its senders may meet)
//                    [RET, n, alone]         n unused credits come back; alone = 1 (capacity 0):
//                                            a credit of its own demand that none of its senders
//                                            could use (each is a case of the select of every
//                                            receiver there), which they still want from elsewhere
//                    [BACK, n]               its n prefetched values are given back, untaken
//                    [CLOSE, e]              close, after its values (`e`: the encoded error)
//                    [OFFER, id, v]          capacity 0: a send, parked at the home with its value
//                                            until a receiver takes it
//                    [WITHDRAW, id]          that send is cancelled, unless it happened already
//                    [JOIN, port, key]       the endpoint crossed on to another thread: a new link
//                                            for it, on `port` (transferred), under `key`
//                    [HI, thread]            the first message of an endpoint that came through a
//                                            third thread: the id of its own thread, or '' when
//                                            it came home (the channel itself stands in its place)
//                    [LEAVE]                 the program let the endpoint go: nothing more is taken
//                                            or sent there (its takes were reported before), so
//                                            everything lent to it is the home's again, and the
//                                            link ends; the channel stays open
//                    [HELD, n]               capacity 0: the answer to a HOLD: n = 1, a receiver
//                                            there is held; n = 0, none waits any more
//   home → endpoint  [PUSH, [v…], a]         values for its demand; a = 1 (capacity 0): a value
//                                            sent ahead of a receiver there, which waits for one
//                                            until the end of that thread's turn, then goes back;
//                                            a = 2 (capacity 0): a value relayed from another
//                                            endpoint's send, for a receiver held there (HOLD)
//                    [CREDIT, n, got, own]   n more credits; `got`: values received from it so far;
//                                            own = 1 (capacity 0): the credit is its own demand
//                    [SHUT]                  the channel is closed: sends fail, credits come back
//                    [END, e]                closed and drained: receives end (after prefetched)
//                    [NEED]                  someone else waits for values: give back idle ones
//                    [SPARE]                 someone else waits for room: give back idle credits
//                    [DONE, id]              a receiver took the value of offer `id`: the send
//                                            completes there
//                    [WITHDRAWN, id]         offer `id` was withdrawn untaken; an offer gets
//                                            exactly one of DONE and WITHDRAWN, or else the SHUT
//                                            that follows it (refused: the channel is closed)
//                    [SHARE, s]              s = 1: other endpoints receive too: ask values only
//                                            for receivers waiting there, prefetch none; s = 0:
//                                            it is the only one again
//                    [BACKED]                capacity > 0: its BACK was heard; values that reach
//                                            it before this were pushed before (it gives them back
//                                            too, so that none is taken before the ones given
//                                            back), and it asks for no value meanwhile
//                    [HOLD]                  capacity 0: another endpoint's send is to meet a
//                                            receiver there: hold one (hold.ts) and answer HELD;
//                                            only then does that endpoint get its credit
//                    [UNHOLD]                capacity 0: that credit came back unused: let the
//                                            first receiver held go (it runs again, or parks)
//
// Ordering against the pool's own port (wire.ts): each side counts the batches it posted on a
// link (`sent`) and received (`seen`). A batch of the pool's port carries a fence, [key, sent, …]
// for each link that posted since the previous batch, and the receiving thread handles it (and
// everything after it on that port) only once it has seen that many batches on each link still
// open: what a thread did on its channels before a task's end, a start or a cancel is seen first,
// on every host (Go: happens-before), without reading ports synchronously. A link's key is the
// same on both sides and unique across threads (`mint`), so an endpoint can cross on: the thread
// that holds it opens the new link and sends its port home (JOIN), and the new endpoint's fences
// name the links its JOINs went on first (`origin`, until it hears from the home), so that the
// home waits for the JOIN before it looks at the new link, on every host. A link is listed with the
// thread at its other end (`registries`, by thread id) where a pool's port joins the two threads;
// between threads no pool joins (two threads of a pool, or of pools nested in threads) it is a
// stray: the pool that sees a thread die tells its other threads and the thread that serves it
// (GONE, wire.ts), each of which passes it on, once; Node also closes the stray's port.
//
// Ordering between links: a batch posted on a link listed with a thread ends with its number among
// every batch this thread posted to that one on its links (`Registry`); one that arrives ahead of
// an earlier one has the earlier ones read first where ports can be read synchronously, and waits
// for them elsewhere, for a while (`arrive`).
//
// Where memory is shared, a PUSH or VALS of numbers goes as [kind, n] (or [kind, n, ring] when a
// new ring comes with it): its n numbers are in the link's ring (`toRing`), read back in place.
// Elsewhere, or when the ring has no room, one of 16 numbers or more goes as [kind, Float64Array],
// its buffer moved with the message (`toBuffer`), and arrives as an array.
// A PUSH or VALS whose values hold objects goes as [kind, [v…], a, 1] (`encode`): only those are
// searched for channels on arrival (`decode`).
// A buffered channel's sending endpoint writes its numbers to its ring (its log) as each send
// completes, and counts the other sends there: should its thread die before its turn's batch
// left, the home reads back what completed (`unposted`).
//
// Credits are room of the buffer held for the endpoint; with capacity 0 a credit is a receiver of
// the home taken aside and held for the endpoint's next send (a select's send case, which must
// commit there, in one step), or a receiver of another endpoint that no sender of the home meets,
// held there first (HOLD, HELD) so that the send meets a receive that happens (CH2), or the
// endpoint's own demand, until that send arrives (VALS) or the credit comes back (RET, and the
// receiver held elsewhere is let go: UNHOLD); other sends of capacity 0 are offers,
// parked at the home as senders. With capacity 0 a PUSH carries the values of senders the home
// holds until the endpoint says it took them (TAKE) or gives them back (BACK). Credits and
// prefetched values stay counted in the channel (`held`) until used or taken, so the capacity
// bounds every value between the two threads, and receivers see a close only after them.
import { reportPanic } from '../internal/report.js';
import { hop } from '../internal/resume.js';
import { show } from '../internal/validate.js';
import { encodeError } from './codec.js';
import { WorkerExitError } from './errors.js';

export const PUSH = 0;
export const CREDIT = 1;
export const SHUT = 2;
export const END = 3;
export const NEED = 4;
export const SPARE = 5;
export const DONE = 6;
export const WITHDRAWN = 7;
export const SHARE = 8;
export const BACKED = 9;
export const HOLD = 10;
export const UNHOLD = 11;

export const VALS = 0;
export const TAKE = 1;
export const WANT = 2;
export const RET = 3;
export const BACK = 4;
export const CLOSE = 5;
export const OFFER = 6;
export const WITHDRAW = 7;
export const JOIN = 8;
export const HI = 9;
export const LEAVE = 10;
export const HELD = 11;

export type Msg = [kind: number, ...rest: any[]];

/**
 * What a channel crosses as: its capacity, the far port of its link (transferred), its key, the id
 * of its home's thread and its number there, and whether it came through a third thread (then it
 * says HI first).
 */
export interface ChannelToken {
  readonly gorx: 'chan';
  readonly c: number;
  readonly p: MessagePort;
  readonly k: string;
  readonly h: string;
  readonly i: number;
  readonly a?: 1;
  /**
   * Through a third thread: where its link was made, a fence's entries (link.ts) for the links the
   * JOINs went on, from the first endpoint on, so that the home reads a JOIN before a fence that
   * names its link.
   */
  readonly o?: Fence;
}

export function isToken(value: unknown): value is ChannelToken {
  return (value as Partial<ChannelToken>).gorx === 'chan';
}

/** The batch counts of one side of a link. */
export interface Counts {
  /** Batches posted. */
  sent: number;
  /** Batches received. */
  seen: number;
}

/**
 * The links to one thread, by key, and the order of the batches on them: every batch one side
 * posts on any of them is numbered (`out`), and the other side knows the last number it handled
 * (`in`). See `arrive`.
 */
export class Registry extends Map<string, Peer> {
  /** Batches this thread posted on these links. */
  out = 0;
  /** The highest number among the batches from that thread handled here. */
  in = 0;
  /**
   * The numbers of the batches whose earlier ones are being read (`before`), innermost last, each
   * lower than the one before it: a batch numbered past the innermost waits.
   */
  readonly busy: number[] = [];
  /** The links whose `ahead` holds batches (they stay here once they leave the registry). */
  readonly waiting = new Set<Peer>();
  /** Where ports cannot be read: the timer after which the batches a held one waits for count as lost. */
  timer: ReturnType<typeof setTimeout> | undefined = undefined;
  /** While the timer runs: when `in` last moved on (ms). */
  moved = 0;
}

/** One side of a link, as the thread pool sees it. */
export interface Peer extends Counts {
  /** The links to the same thread, this one among them (`enroll`), if a pool's port joins the two. */
  registry?: Registry;
  /** The link's key, the same on both sides. */
  readonly key: string;
  /** The id of the thread at the other end, where it matters: an endpoint's home, a stray link's thread. */
  far?: string;
  /** `sent` when the last fence went. */
  fenced: number;
  /** The ring this side writes numbers to, and the one it reads them from (`encode`). */
  w?: Ring;
  r?: Ring;
  /** Entries that go before its own in a fence until the home is known to have its link (a token's `o`). */
  readonly origin?: Fence;
  /** The link is over: nothing it still carries has to be waited for. */
  readonly gone: boolean;
  /** The other thread is gone: returns the number of values whose fate is unknown. */
  lost(error: unknown): number;
  /** Reads what the other side already posted (Node); false once the link is over. */
  sync(): boolean;
  /** The next batch waiting on its port, where it may be read synchronously now (Node). */
  read(): Msg[] | undefined;
  /** Handles a batch from the other side. */
  handle(batch: Msg[]): void;
  /** Batches read from its port, or come, ahead of their turn (`arrive`): they come before the port's next. */
  ahead?: Msg[][] | undefined;
  /** Listens for the close of its port: the other thread died (or ended the link). */
  watch(): void;
}

/** This thread's id: random (two draws, about 100 bits), so that no two threads share one. */
export const ID = Math.random().toString(36).slice(2) + Math.random().toString(36).slice(2);

let minted = 0;

/** A new key: unique across threads. */
export const mint = (): string => `${ID}.${(++minted).toString(36)}`;

/** The links to each thread a pool's port joins to this one, by that thread's id. */
export const registries = new Map<string, Registry>();

/**
 * Adds `peers` to the links to the thread they lead to: an endpoint's home thread (its `far`), else
 * the thread of `registry`, whose id is `far`.
 */
export function enroll(registry: Registry | undefined, peers: readonly Peer[], far?: string): void {
  for (const p of peers) {
    const to = p.far ?? far;
    const r = p.far === undefined ? registry : registries.get(p.far);
    if (r !== undefined) {
      r.set(p.key, p);
      p.registry = r;
    } else if (to !== undefined) stray(p, to);
    else p.watch();
  }
}

/**
 * The links to threads no pool's port joins to this one, by that thread's id: they hear of its
 * death as the news of it spreads (`died`), and from their port's close where the host tells.
 */
const strays = new Map<string, Set<Peer>>();
/** The threads known to have died. */
const dead = new Set<string>();

/** Whether thread `id` is known to have died. */
export const isDead = (id: string): boolean => dead.has(id);

/** Keeps `p`, a link to thread `far` that no pool's port joins to this one, until that thread dies. */
export function stray(p: Peer, far: string): void {
  p.far = far;
  p.watch();
  if (dead.has(far)) {
    p.lost(new WorkerExitError());
    return;
  }
  let set = strays.get(far);
  if (set === undefined) strays.set(far, (set = new Set()));
  else for (const q of set) if (q.gone) set.delete(q);
  set.add(p);
}

/**
 * Where the news of a death goes from this thread: to the threads of its pools but `from`
 * (threadPool.ts), and to the thread that serves it tasks (serve.ts), unless it came from there.
 */
export const news: {
  down?: (id: string, code: number | undefined, from: unknown) => void;
  up?: (id: string, code: number | undefined) => void;
} = {};

/** `from` for news that came from the thread that serves this one. */
export const ABOVE = 'up';

/**
 * Thread `id` died (`error`, a WorkerExitError), as seen here or told by `from`: the links to it
 * that no pool joins settle with it, and every other thread near this one is told, once, so that
 * the news reaches every thread of the program however its pools nest.
 */
export function died(id: string, error: WorkerExitError, from?: unknown): void {
  if (dead.has(id)) return;
  dead.add(id);
  const set = strays.get(id);
  strays.delete(id);
  if (set !== undefined) for (const p of set) p.lost(error);
  news.down?.(id, error.code, from);
  if (from !== ABOVE) news.up?.(id, error.code);
}

/**
 * How a value crosses (wire.ts): `out` returns what to post in its place (a channel in it becomes
 * a link, `peers` gets its side) and adds the buffers to move to `list`; `in` turns what arrived
 * back (in place where it can). Left unset by a thread that never loads the thread layer's wire.
 */
export const crossing: {
  out?: (value: unknown, list: Transferable[], peers: Peer[]) => unknown;
  in?: (value: unknown, peers: Peer[]) => unknown;
} = {};

/** A fence: key, then batch count, for each link. */
export type Fence = (string | number)[];

/**
 * The fence of a batch of the pool's port, for the links `peers` of its thread. A link that is gone
 * leaves once a fence covers its last batch (`forget`).
 */
export function fence(peers: Registry): Fence | undefined {
  let f: Fence | undefined;
  for (const [k, p] of peers) {
    if (p.sent > p.fenced) {
      f ??= [];
      if (p.origin !== undefined) f.push(...p.origin);
      f.push(k, (p.fenced = p.sent));
    }
    if (p.gone) peers.delete(k);
  }
  lingering.delete(peers);
  return f;
}

/** Links gone before a fence covered their last batch, by registry, oldest first. */
const lingering = new WeakMap<Registry, string[]>();
/** At most this many wait for a fence per registry; older ones, long delivered, leave. */
const LINGER = 64;

/**
 * Takes the gone link `p` off its registry: now, or once a fence covers its last batch (a close it
 * said as it ended then comes before the pool's next batch), so that a thread that gets no batch
 * for long keeps at most LINGER of them.
 */
export function forget(p: Peer): void {
  const registry = p.registry;
  if (registry === undefined) return;
  if (p.sent <= p.fenced) {
    registry.delete(p.key);
    return;
  }
  let keys = lingering.get(registry);
  if (keys === undefined) lingering.set(registry, (keys = []));
  if (keys.push(p.key) > LINGER) registry.delete(keys.shift()!);
}

const gates = new Set<Gate>();

/**
 * A gate for the batches of a pool's port from the thread of the links `peers`: `gate(f, run)` runs
 * `run` once every batch before it ran and fence `f` is passed; `gate()` looks again.
 */
export type Gate = (f?: Fence, run?: () => void) => void;

/**
 * The home sides of this thread's links, by key, while they last: a fence may name one that is not
 * listed with the fence's thread (not yet, or a link an endpoint crossed on from, in its origin).
 */
export const homeLinks = new Map<string, Peer>();

export function gate(peers: Registry): Gate {
  const q: [f: Fence | undefined, run: () => void][] = [];
  const open = (f: Fence | undefined): boolean => {
    for (let i = 0; f !== undefined && i < f.length; i += 2) {
      const k = f[i] as string;
      const p = peers.get(k) ?? homeLinks.get(k);
      const n = f[i + 1] as number;
      if (p !== undefined && p.seen < n && p.sync() && p.seen < n) return false;
    }
    return true;
  };
  const g: Gate = (f, run) => {
    if (run !== undefined && q.push([f, run]) > 1) return;
    while (q.length > 0 && open(q[0]![0])) q.shift()![1]();
    if (q.length > 0) gates.add(g);
    else gates.delete(g);
  };
  return g;
}

/** A side of a link: its messages of this turn, posted by `flush`. */
export interface Side {
  queued: boolean;
  /** It waits for the end of the turn even when others are posted sooner (`soon`). */
  readonly turn?: boolean;
  flush(): void;
}

let sides: Side[] = [];
let ticking = false;

/** Posts what `s` queued; a throw is reported, and the other sides still post. */
function flushSide(s: Side): void {
  s.queued = false;
  try {
    s.flush();
  } catch (error) {
    reportPanic(error);
  }
}

function run(): void {
  turned = performance.now();
  // A side queued meanwhile joins this list (it is still `sides`).
  const list = sides;
  for (let i = 0; i < list.length; i++) flushSide(list[i]!);
  sides = [];
  ticking = false;
  spin();
}

/** Posts what every side has queued, now (before a task's result, which must not overtake it). */
export function flushNow(): void {
  if (sides.length > 0) run();
}

type ReceiveNow = (port: MessagePort) => { message: unknown } | undefined;
const g = globalThis as {
  process?: { getBuiltinModule?: (id: string) => unknown };
  crossOriginIsolated?: boolean;
};

/**
 * A Node built-in module (`node:os`, `node:worker_threads`), found at run time so that nothing in
 * gorx imports `node:` and a browser bundle stays clean; undefined elsewhere.
 */
export const builtin = <M>(id: string): Partial<M> | undefined =>
  g.process?.getBuiltinModule?.(id) as Partial<M> | undefined;

/** Node's `worker_threads`, where the host has it. */
export const threads = builtin<{
  receiveMessageOnPort: ReceiveNow;
  isMainThread: boolean;
  parentPort: unknown;
}>('node:worker_threads');

/** What the host offers, found at load time (tests switch them off to run as another host would). */
export const host = {
  /** Reads a port's waiting messages synchronously (Node's receiveMessageOnPort). */
  now: threads?.receiveMessageOnPort,
  /**
   * At most how many µs this thread reads its links' ports for an answer, once it posted what it
   * had, while an operation here waits for another thread (Node; 0: never). Set by `serve`'s
   * `spin`, in worker threads only.
   */
  spin: 0,
  /** This is a Node worker thread (it may spin). */
  worker: threads?.isMainThread === false,
  /** Memory can be shared with other threads: Node, and cross-origin-isolated pages. */
  shared: typeof SharedArrayBuffer === 'function' && g.crossOriginIsolated !== false,
  /** Batches of numbers ride a shared ring where memory is shared (tests compare without). */
  ring: true,
  /**
   * A receiving endpoint reports its takes early once 1/2^early of its window was taken, so that
   * the home refills while it takes the rest. Node's threads run best with quarters (more, smaller
   * windows in flight: twice the rate of halves at capacity 256, three times at 16, 1.3× at 4096);
   * a browser's posts cost more, and halves run best there, as they do on a thread that spins
   * (`spin`), which hears the home at once (at capacity 16, 2.3M values/s against 1.2M for quarters
   * with spin 50).
   */
  early: threads === undefined ? 1 : 2,
};

/** Handles the batches already waiting on the port of `p`, where the host can read them synchronously (Node). */
export function drain(p: Peer): void {
  arrive(p);
  for (let b = p.read(); b !== undefined; b = p.read()) arrive(p, b);
}

/** The next batch waiting on `port`, if the host can read it synchronously (Node). */
export function readNow(port: MessagePort): Msg[] | undefined {
  return host.now?.(port)?.message as Msg[] | undefined;
}

/**
 * Handles `batch`, which came on the link `p`, after the batches waiting ahead of it there.
 *
 * Order between links: each link has its own port, and a host may deliver a batch posted on one
 * port before a batch posted earlier on another: a value sent on `a` and then one on `b` would
 * reach this thread in the other order, and a `tryRecv` on `a` after a receive on `b` would find
 * nothing (Go: the first send happens before the second). So a side numbers every batch it posts
 * on the links listed with a thread (`Registry.out`, last in the batch), and a batch that arrives
 * past the next number expected from that thread was overtaken: the ports of the other links to
 * that thread are read for the batches posted before it, which are handled first (one posted
 * after it, read on the way, waits in its link's `ahead`, as does one that comes while an earlier
 * one is being read). Where ports cannot be read synchronously (browsers), it waits in its link's
 * `ahead` until the earlier ones have come, or `HOLD_MS` ms have passed.
 */
export function arrive(p: Peer, batch?: Msg[]): void {
  if (p.ahead === undefined) {
    if (batch === undefined) return;
    if (ready(p, batch)) return take(p, batch);
    return hold(p, batch);
  }
  const waiting = p.ahead;
  if (batch !== undefined) waiting.push(batch);
  while (waiting.length > 0 && ready(p, waiting[0]!)) {
    const b = waiting.shift()!;
    if (waiting.length === 0 && p.ahead === waiting) unhold(p);
    take(p, b);
  }
}

/**
 * Whether `b` may be handled now: no batch numbered before it is being read (`before`), and,
 * where ports cannot be read, none numbered before it is still on its way.
 */
function ready(p: Peer, b: Msg[]): boolean {
  const r = p.registry;
  if (r === undefined) return true;
  const n = stamp(b);
  const busy = r.busy;
  if (busy.length > 0 && n > busy[busy.length - 1]!) return false;
  return host.now !== undefined || !(n > r.in + 1);
}

/**
 * How long a batch waits for the ones numbered before it, where ports cannot be read (ms): one
 * that never comes (posted on a link this side ended meanwhile, or lost with its thread) counts
 * as lost then, and what waited for it is handled.
 */
const HOLD_MS = 50;

/** `b`, of the link `p` whose `ahead` is empty, waits there. */
function hold(p: Peer, b: Msg[]): void {
  const r = p.registry!;
  p.ahead = [b];
  r.waiting.add(p);
  if (host.now === undefined) arm(r);
}

/**
 * Where ports cannot be read: `lapse` once the batches waiting in `r` have waited long enough, and
 * the messages that came meanwhile have been handled (a host runs a late timer before the
 * messages that wait, as Node does after its thread was descheduled).
 */
function arm(r: Registry, ms = HOLD_MS): void {
  if (r.timer !== undefined) return;
  if (ms === HOLD_MS) r.moved = performance.now();
  r.timer = setTimeout(() => hop(() => lapse(r)), ms);
  (r.timer as { unref?(): void }).unref?.();
}

/** Nothing waits in the `ahead` of `p` any more. */
function unhold(p: Peer): void {
  p.ahead = undefined;
  p.registry!.waiting.delete(p);
}

/**
 * The batches a held one of `r` waited for did not come for `HOLD_MS` ms, while nothing moved on: the
 * lowest held goes next.
 */
function lapse(r: Registry): void {
  r.timer = undefined;
  if (r.waiting.size === 0) return;
  const quiet = performance.now() - r.moved;
  if (quiet < HOLD_MS) return arm(r, HOLD_MS - quiet);
  const low = first(lowest(r)!);
  if (low - 1 > r.in) r.in = low - 1;
  after(r);
  for (const g of gates) g();
  if (r.waiting.size > 0) arm(r);
}

/** Handles `b`, once the batches numbered before it that wait on the other ports are. */
function take(p: Peer, b: Msg[]): void {
  const n = b[b.length - 1] as unknown;
  let r = p.registry;
  if (typeof n === 'number') {
    b.pop();
    if (r !== undefined) {
      if (n > r.in + 1) before(r, p, n);
      if (n > r.in) {
        r.in = n;
        if (r.timer !== undefined) r.moved = performance.now();
      }
    }
  }
  p.handle(b);
  // A home's link is listed once it hears which thread the endpoint is in (HI): its number counts.
  if (r === undefined && (r = p.registry) !== undefined && typeof n === 'number' && n > r.in) r.in = n;
  if (r !== undefined && r.waiting.size > 0 && r.busy.length === 0) after(r);
}

/**
 * Handles the batches from the thread of `r` numbered below `n` that wait on its other links'
 * ports, in their order; one numbered past `n`, read on the way, waits in its link's `ahead`.
 * Rounds go on while one handled something (what it ran may have read a port meanwhile).
 */
function before(r: Registry, p: Peer, n: number): void {
  if (host.now === undefined) return;
  r.busy.push(n);
  try {
    for (let handled = true; handled; ) {
      handled = false;
      for (const q of r.values()) {
        if (q === p) continue;
        for (;;) {
          const b = q.ahead?.[0] ?? q.read();
          if (b === undefined || stamp(b) > n) {
            if (b !== undefined && q.ahead === undefined) hold(q, b);
            break;
          }
          if (q.ahead !== undefined) {
            q.ahead.shift();
            if (q.ahead.length === 0) unhold(q);
          }
          take(q, b);
          handled = true;
        }
      }
    }
  } finally {
    r.busy.pop();
  }
}

/** Handles the batches waiting in the links of `r`, lowest number first, while they may be. */
function after(r: Registry): void {
  for (let next = lowest(r); next !== undefined && ready(next, next.ahead![0]!); next = lowest(r)) {
    arrive(next);
  }
}

/** The link of `r` whose first waiting batch has the lowest number (one without a number first). */
function lowest(r: Registry): Peer | undefined {
  let next: Peer | undefined;
  for (const q of r.waiting) if (next === undefined || !(first(q) >= first(next))) next = q;
  return next;
}

/** The number of the first batch waiting in the link `p`. */
const first = (p: Peer): number => stamp(p.ahead![0]!);

/** The number a batch ends with; NaN for a batch that has none, so that every comparison is false. */
const stamp = (b: Msg[]): number => {
  const n = b[b.length - 1] as unknown;
  return typeof n === 'number' ? n : Number.NaN;
};

/** A side whose operations may wait for the other thread: it reads its port while they do (`spin`). */
export interface Spinner {
  readonly port: MessagePort;
  /** The side of the link that port is of. */
  readonly link: Peer;
  /** An operation here waits for the other side. */
  waits(): boolean;
}

/** The sides that posted while an operation there waits. */
let spinners: Spinner[] = [];
/** When the last turn ended (`run`): spins in microtasks since then delay the thread's other events. */
let turned = 0;

/** `s` posted what it had and an operation there waits: it reads its port once all have posted. */
export function spinning(s: Spinner): void {
  if (host.spin > 0 && host.now !== undefined && !spinners.includes(s)) spinners.push(s);
}

/**
 * Node, in a worker thread, at the end of a turn once every side posted: reads the ports of the
 * sides whose operations wait, until one hears something or `host.spin` µs passed, rather than
 * park and wait for the event loop to wake the thread. What it heard is handled as a message event
 * would be; the code that resumes runs next, and the next turn may spin again.
 */
function spin(): void {
  const now = host.now;
  const list = spinners;
  spinners = [];
  if (list.length === 0 || now === undefined) return;
  const end = performance.now() + host.spin / 1000;
  for (let waiting = true; waiting && performance.now() < end; ) {
    waiting = false;
    for (const s of list) {
      if (!s.waits()) continue;
      const m = now(s.port);
      if (m === undefined) {
        waiting = true;
        continue;
      }
      arrive(s.link, m.message as Msg[]);
      for (const g of gates) g();
      return;
    }
  }
}

/** Flushes `side` at the end of this turn (once, however often it is asked). */
export function later(side: Side): void {
  if (side.queued) return;
  side.queued = true;
  sides.push(side);
  if (!ticking) {
    ticking = true;
    hop(run);
  }
}

let early = false;

/**
 * Flushes `side` in a microtask rather than at the end of the turn: it waits for the other
 * thread, so nothing more would join its batch (a sender out of room or credits, a receiver with
 * nothing to take). The sides queued meanwhile go with it, but for those that wait for the end
 * of the turn (`turn`).
 */
export function soon(side: Side): void {
  later(side);
  if (!early) {
    early = true;
    queueMicrotask(flushSoon);
  }
}

function flushSoon(): void {
  early = false;
  for (let pass = 0; pass < 4; pass++) {
    const list = sides;
    sides = [];
    let flushed = false;
    for (const s of list) {
      if (s.turn) sides.push(s);
      else {
        flushed = true;
        flushSide(s);
      }
    }
    if (!flushed) break;
  }
  // A side that waits reads its port now, unless the thread has not seen its other events for a
  // millisecond (a stream that keeps it busy must not starve them): then at the end of the turn.
  if (performance.now() < turned + 1) spin();
  if ((sides.length > 0 || spinners.length > 0) && !ticking) {
    ticking = true;
    hop(run);
  }
}

const isObject = (v: unknown): v is object => typeof v === 'object' && v !== null;

/** Whether `m` carries an object (see `encode`): a value that is one, or a JOIN's port. */
function carriesObject(m: Msg): boolean {
  // Kinds are numbered per direction: only a JOIN (endpoint → home) carries a port at 1.
  if (m[0] !== PUSH) return m[0] === OFFER ? isObject(m[2]) : m[0] === JOIN && isObject(m[1]);
  if (typeof m[1] === 'number') return false;
  for (const v of m[1] as unknown[]) if (isObject(v)) return true;
  return false;
}

/**
 * One way of a link, in memory shared with the other side: a batch of numbers (PUSH, VALS) is
 * written there and posted as its count, not copied into the message. The writer makes it with
 * the first batch that goes through it and posts it along (a larger one replaces it the same
 * way); positions follow from the order of the batches. The reader says how far it read, so a
 * batch that would overwrite what is unread is copied, as any other.
 *
 * A buffered channel's sending endpoint makes its ring before it sends (`log`, with its first
 * WANT) and writes each number as its send completes (`logged`), so that what it sent and did not
 * post yet can be read back should its thread die: the header also holds how far it wrote and
 * how many of its sends completed.
 */
export interface Ring {
  /**
   * [how far the reader read; a log: how far the writer wrote, and how many of its sends that
   * completed are not in the ring]
   */
  readonly head: Int32Array;
  readonly slots: Float64Array;
  /** How far this side wrote (the writer) or read (the reader). */
  at: number;
  /** A log's writer: slots it knows to be free (it looks again when none are left). */
  room: number;
  /** A sender's log: written as sends complete, never by `toRing`. */
  log?: boolean;
}

/** Batches shorter than this are copied; the largest ring, in numbers. */
const RING_MIN = 16;
const RING_MAX = 1 << 16;

const ring = (buffer: SharedArrayBuffer): Ring => ({
  head: new Int32Array(buffer, 0, 3),
  slots: new Float64Array(buffer, 16),
  at: 0,
  room: 0,
});

/**
 * Where memory is shared, makes the log of `link`, a buffered channel's sending endpoint: a ring
 * of at least `capacity` numbers (credits bound what is unread, so it never fills), or none when
 * the capacity is too large or rings are switched off. Returns its memory, for the home.
 */
export function log(link: Peer, capacity: number): SharedArrayBuffer | undefined {
  if (!host.shared) return undefined;
  let size = 0;
  if (host.ring && capacity <= RING_MAX) for (size = RING_MIN; size < capacity; ) size *= 2;
  const b = new SharedArrayBuffer(16 + 8 * size);
  link.w = ring(b);
  link.w.log = true;
  return b;
}

/** Writes `v` to log `r` as its send completes; false: it is not a number, and is copied. */
export function logged(r: Ring, v: unknown): boolean {
  // Credits bound what is unread, so a number always finds room (unless the ring has no slots).
  if (
    typeof v === 'number' &&
    (r.room > 0 || (r.room = r.slots.length - ((r.at - Atomics.load(r.head, 0)) | 0)) > 0)
  ) {
    const at = r.at;
    r.slots[at & (r.slots.length - 1)] = v;
    r.head[1] = r.at = (at + 1) | 0;
    r.room--;
    return true;
  }
  r.head[2]!++;
  return false;
}

/** The reader's side of a sender's log (from its WANT). */
export function reader(link: Peer, buffer: SharedArrayBuffer): void {
  link.r = ring(buffer);
  link.r.log = true;
}

/**
 * The sender of log `r` died: the numbers it wrote and did not post, and how many of its sends
 * completed in all (modulo 2^32). Exact once its thread is known to have stopped.
 */
export function unposted(r: Ring): { values: number[]; sent: number } {
  const { head, slots } = r;
  const end = Atomics.load(head, 1);
  const values: number[] = [];
  for (let i = r.at; i !== end; i = (i + 1) | 0) values.push(slots[i & (slots.length - 1)]!);
  r.at = end;
  return { values, sent: (end + Atomics.load(head, 2)) | 0 };
}

/** The message standing for numbers `vs` written to `link`'s ring, or undefined: they are copied. */
function toRing(link: Peer, vs: unknown[]): Msg | undefined {
  const n = vs.length;
  if (n < RING_MIN || n > RING_MAX || !host.shared || !host.ring) return undefined;
  let r = link.w;
  if (r?.log) return undefined;
  let made: SharedArrayBuffer | undefined;
  if (r === undefined || n > r.slots.length) {
    // A ring is made only for numbers (on the ring already there, they are checked as written).
    for (const v of vs) if (typeof v !== 'number') return undefined;
    let size = 4 * RING_MIN;
    while (size < 2 * n) size *= 2;
    r = ring((made = new SharedArrayBuffer(16 + 8 * size)));
  } else if (n > r.slots.length - ((r.at - Atomics.load(r.head, 0)) | 0)) return undefined;
  const { slots, at } = r;
  const mask = slots.length - 1;
  // The ring's head moves only once every value was a number.
  for (let i = 0; i < n; i++) {
    const v = vs[i];
    if (typeof v !== 'number') return undefined;
    slots[(at + i) & mask] = v;
  }
  link.w = r;
  r.at = (at + n) | 0;
  return made === undefined ? [PUSH, n] : [PUSH, n, made];
}

/**
 * Where no ring takes them (memory is not shared, or the ring has no room), a batch of numbers
 * goes in a Float64Array whose buffer is moved (added to `list`): three to four times the rate of
 * an array cloned value by value. Undefined: not a batch of numbers (or too short to gain).
 */
function toBuffer(vs: unknown[], list: Transferable[]): Msg | undefined {
  const n = vs.length;
  // A batch of other values is told by its first one, before anything is made for it.
  if (n < RING_MIN || typeof vs[0] !== 'number') return undefined;
  const f = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const v = vs[i];
    if (typeof v !== 'number') return undefined;
    f[i] = v;
  }
  list.push(f.buffer);
  return [PUSH, f];
}

/** Reads the numbers a ring message `m` stands for into it, in place. */
function fromRing(link: Peer, m: Msg): void {
  if (m.length > 2) link.r = ring(m.pop() as SharedArrayBuffer);
  const r = link.r!;
  const { slots, at } = r;
  const mask = slots.length - 1;
  const n = m[1] as number;
  // Made at its length (twice as fast as pushing each).
  const vs = new Array<number>(n);
  for (let i = 0; i < n; i++) vs[i] = slots[(at + i) & mask]!;
  Atomics.store(r.head, 0, (r.at = (at + n) | 0));
  m[1] = vs;
}

/**
 * What `batch` posts: numbers ride the link's ring where memory is shared; other values (those of
 * a PUSH or VALS message, an OFFER's) go through `crossing.out` — channels in them become links
 * (their sides go to `peers`), their marked buffers join `list` — in a copy, so that the values the
 * link keeps (to give back, to drop when refused) stay as they were sent; a JOIN's port (an
 * endpoint that crossed on) joins `list` too. PUSH and VALS are both kind 0; an OFFER carries its
 * value third (DONE, the same kind the other way, has none).
 */
function encode(link: Peer, batch: Msg[], list: Transferable[], peers: Peer[]): Msg[] {
  const out = crossing.out;
  let copy: Msg[] | undefined;
  for (let i = 0; i < batch.length; i++) {
    const m = batch[i]!;
    // Values pushed or sent, not counted in a ring yet, nor sent ahead (`a`): they may be numbers.
    const plain = m[0] === PUSH && m.length === 2 && typeof m[1] !== 'number';
    let e = plain ? toRing(link, m[1] as unknown[]) : undefined;
    if (e === undefined && out !== undefined && carriesObject(m)) {
      const enc = (v: unknown) => (isObject(v) ? out(v, list, peers) : v);
      // Marked (4th) as holding objects: only such a batch has anything for `decode` to turn back.
      if (m[0] === PUSH) e = [PUSH, (m[1] as unknown[]).map(enc), m[2] ?? 0, 1];
      else if (m[0] === OFFER) e = [OFFER, m[1], enc(m[2])];
      else list.push(m[1] as MessagePort);
    } else if (e === undefined && plain) e = toBuffer(m[1] as unknown[], list);
    if (e !== undefined) (copy ??= batch.slice())[i] = e;
  }
  return copy ?? batch;
}

/**
 * What arrived in `batch`, in place: numbers are read from the link's ring; its values go through
 * `crossing.in` (a channel arrives as an endpoint, enrolled with the link's thread).
 */
export function decode(link: Peer, batch: Msg[]): void {
  const into = crossing.in;
  let peers: Peer[] | undefined;
  for (const m of batch) {
    if (m[0] === PUSH) {
      // Numbers only (read from the ring), or no object among them (not marked): nothing in them
      // to turn back.
      if (typeof m[1] === 'number') {
        fromRing(link, m);
        continue;
      }
      if (m[1] instanceof Float64Array) {
        // Numbers in a moved buffer (`toBuffer`): an array made at its length, as from the ring.
        const f = m[1];
        const vs = new Array<number>(f.length);
        for (let j = 0; j < f.length; j++) vs[j] = f[j]!;
        m[1] = vs;
        continue;
      }
      if (m[3] !== 1 || into === undefined) continue;
      peers ??= [];
      const vs = m[1] as unknown[];
      for (let j = 0; j < vs.length; j++) {
        const v = vs[j];
        if (isObject(v)) vs[j] = into(v, peers);
      }
    } else if (m[0] === OFFER && into !== undefined) m[2] = into(m[2], (peers ??= []));
  }
  if (peers !== undefined && peers.length > 0) enroll(link.registry, peers, link.far);
}

/**
 * Posts `batch` on `port`, its values encoded (channels become links, marked buffers move).
 * @throws the host's error when it cannot be cloned.
 */
function postOne(link: Peer, port: MessagePort, batch: Msg[]): void {
  const list: Transferable[] = [];
  const peers: Peer[] = [];
  // What the batch wrote to the ring is taken back if it does not leave.
  const { w } = link;
  const at = w?.at;
  const e = encode(link, batch, list, peers);
  // Numbered last, where the link is listed with its thread (`arrive`); taken off again once
  // cloned, since `e` may be the side's own batch. Not a LEAVE's (always last in its batch), nor
  // anything said on a link that is over (an endpoint's last report, after its channel was closed
  // and drained): the other side has let go of the link, or is about to, and a browser may then
  // never deliver the batch, whose number would hold every later one back. What they say orders
  // nothing: the program let that endpoint go, or the channel has nothing more to give.
  const r = link.gone || batch[batch.length - 1]?.[0] === LEAVE ? undefined : link.registry;
  if (r !== undefined) (e as unknown[]).push(r.out + 1);
  try {
    port.postMessage(e, list);
    if (r !== undefined) r.out++;
  } catch (error) {
    link.w = w;
    if (w !== undefined) w.at = at!;
    // The links opened for channels in it never reached the other side.
    for (const p of peers) p.lost(null);
    throw error;
  } finally {
    if (r !== undefined) e.pop();
  }
  link.sent++;
  if (peers.length > 0) enroll(link.registry, peers, link.far);
}

/**
 * Posts `batch` on `port`. A batch the host cannot clone is posted message by message, the values
 * of a PUSH or VALS message one by one: returns the values that could not be cloned (dropped), the
 * ids of the offers that could not be, and the host's error, or undefined when all went.
 */
export function post(
  link: Peer,
  port: MessagePort,
  batch: Msg[],
): { values: unknown[]; offers: number[]; error: unknown } | undefined {
  try {
    postOne(link, port, batch);
    return undefined;
  } catch (error) {
    const values: unknown[] = [];
    const offers: number[] = [];
    for (const m of batch) {
      // PUSH and VALS are both kind 0; OFFER carries a value; every other message is plain numbers
      // or an encoded error.
      // (a sender's logged numbers, already in the ring, go as they are)
      const parts: Msg[] =
        m[0] === PUSH && typeof m[1] !== 'number'
          ? (m[1] as unknown[]).map((v) => [PUSH, [v], m[2] ?? 0])
          : [m];
      // This side's close after values that could not leave carries the host's error, as the close
      // made for them would (a close of its own went after them in the same turn).
      if (m[0] === CLOSE && m[1] === undefined && values.length > 0) m[1] = encodeError(error);
      for (const part of parts) {
        try {
          postOne(link, port, [part]);
        } catch {
          if (m[0] === PUSH) values.push((part[1] as unknown[])[0]);
          else if (m[0] === OFFER) offers.push(m[1] as number);
        }
      }
    }
    return { values, offers, error };
  }
}

/**
 * Calls `closed` when `port` closes, where the host tells (Node; Chromium does not when a thread is
 * terminated): the thread at its other end died, or ended the link. Everything posted before
 * arrived first; the port must not be read synchronously any more (Node crashes).
 */
export function watch(port: MessagePort, closed: () => void): void {
  port.addEventListener('close', closed);
}

/**
 * Node: whether `port` keeps this thread's process alive. A link's port does not, unless an
 * operation here waits for the other side: the threads of an idle pool do not either, so a program
 * ends once nothing waits, and runs on while something here waits for another thread.
 */
export function keep(port: MessagePort, yes: boolean): void {
  const p = port as { ref?(): void; unref?(): void };
  if (yes) p.ref?.();
  else p.unref?.();
}

/** Listens to `port`, the port of link `p`, without keeping the thread alive for it; a batch may open the gates. */
export function listen(p: Peer, port: MessagePort): void {
  if (typeof port !== 'object' || port === null || typeof port.postMessage !== 'function') {
    throw new TypeError(`a channel crossed without its port, got ${show(port)}`);
  }
  port.onmessage = (event) => {
    arrive(p, event.data as Msg[]);
    for (const g of gates) g();
  };
  keep(port, false);
}
