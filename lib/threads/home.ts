// The home side of a channel that crossed to other threads. The channel itself is unchanged (its
// buffer and wait queues are the engine's); the home adds one link per endpoint and holds room of
// the buffer for them (`ch.held`): credits granted to an endpoint's senders, and values pushed to
// an endpoint's receivers until they are taken there.
//
// Invariants (capacity c > 0):
// - ch.length + ch.held ≤ c, where held = Σ links (credit + out.length + a parked proxy): every
//   value between the threads is counted once;
// - a link's proxy (a receiver parked in the channel for the endpoint's demand) holds one slot
//   while parked, so a sender handing a value to it never exceeds the capacity;
// - receivers see the close only once nothing is held (the engine), so values sent under credit
//   before the close, and values given back, are received first.
// With c = 0 nothing is buffered and every operation meets a partner (CH2). A remote send is an
// offer: it parks here as a sender with its value (`Offer`), which any receiver or select of the
// channel takes like a local sender's, and the endpoint hears `done` only then; a withdrawal is
// answered `withdrawn` only while it is still parked (or, held for another endpoint, once that one
// gives it back). A select's send case there uses a credit instead: a receiver of the channel set
// aside (`reserved`) for the endpoint's next send, or another endpoint's receiver the value is
// relayed to, held there first (HOLD, HELD: the endpoint holds it with hold.ts) and let go if the
// credit comes back unused (UNHOLD), or its own demand (a receiver there), which the endpoint
// gives back when every receiver there is a case of the same select as its senders (a select
// never meets itself, SE9). One relay is arranged at a time per endpoint (`reserve`), so that two
// endpoints never hold each other's receivers for sends that then both give their credits back.
// An endpoint's demand takes parked senders: each is held (`held`) while its value is there, and
// completes when the endpoint says it was taken; a plain sender may also go ahead of the demand
// (`#pump0`). Whatever is set aside is held (hold.ts): it cannot commit in another way until the
// endpoint answers. A value whose receiver left without an answer (an unsubscription) comes back
// to the head of the channel (which gets a buffer for such values only), so it is received before
// a close. The endpoint's own demand is not held (its receiver may be a case of the select whose
// send uses the credit): a value relayed to it whose receiver gave up before it came goes to that
// buffer too, for the next receiver, and never to an endpoint that no longer asks (each value
// pushed meets one demand, and one given back returns it).
import type { Channel } from '../channel/Channel.js';
import { ClosedChannelError } from '../errors.js';
import { BLOCKED } from '../internal/blocking.js';
import { commitSafely, failSafely } from '../internal/trampoline.js';
import { Waiter, WaitQueue } from '../internal/WaitQueue.js';
import { decodeError, encodeError } from './codec.js';
import type { WorkerExitError } from './errors.js';
import { hold, letGo, plain } from './hold.js';
import {
  BACK,
  BACKED,
  type ChannelToken,
  CLOSE,
  CREDIT,
  DONE,
  decode,
  drain,
  END,
  forget,
  HELD,
  HI,
  HOLD,
  homeLinks,
  ID,
  JOIN,
  keep,
  LEAVE,
  later,
  listen,
  type Msg,
  mint,
  NEED,
  OFFER,
  type Peer,
  PUSH,
  post,
  RET,
  type Registry,
  type Ring,
  reader,
  readNow,
  registries,
  SHARE,
  SHUT,
  type Side,
  SPARE,
  soon,
  stray,
  TAKE,
  UNHOLD,
  unposted,
  VALS,
  WANT,
  WITHDRAW,
  WITHDRAWN,
  watch,
} from './link.js';
import { Batches } from './remote.js';

/**
 * What a PUSH's values are (its third element, link.ts), capacity 0: for the endpoint's demand,
 * sent ahead of it, or relayed from another endpoint's send to a receiver held there.
 */
const FOR_DEMAND = 0;
const AHEAD = 1;
const RELAYED = 2;

/** No value: room comes back alone (`release`). */
const NO_VALUES: readonly never[] = [];

/**
 * Room held for another thread comes back: `n` held slots are freed and `values` (sent from there
 * under a credit, or given back untaken) go to waiting receivers, then to the buffer, at its head
 * when `head` is set. They enter even after a close: they were sent before it. Parked senders take
 * the room left; receivers see a close once nothing is held. Each waiter is committed as it is
 * reached, as a local send commits the receiver it hands its value to.
 */
function release<T>(ch: Channel<T>, n: number, values: readonly T[] = NO_VALUES, head = false): void {
  ch.held -= n;
  const [buf, recvq, sendq] = ch.queues();
  const rest: T[] = [];
  if (head && values.length > 0) while (buf.length > 0) rest.push(buf.shift());
  for (const v of values) buf.push(v);
  for (const v of rest) buf.push(v);
  // One waiter at a time, committed at once, as a local send does: a select with two cases on
  // this channel is finished by the first, which withdraws the other before it is reached (SE1).
  // Receivers here wait while values lent to an endpoint may come back before these (CH6).
  // Parked senders' values go to the buffer as room frees, and on to receivers that still wait.
  const home = ch.crossing as Home | null;
  for (let moved = true; moved; ) {
    moved = false;
    for (let r = recvq.head; r !== null && buf.length > 0 && !home?.behind(r); r = recvq.head) {
      recvq.unlink(r);
      r.value = buf.shift();
      r.ok = true;
      commitSafely(r);
    }
    for (let s = sendq.head; s !== null && buf.length + ch.held < ch.capacity; s = sendq.head) {
      sendq.unlink(s);
      buf.push(s.value as T);
      s.value = undefined;
      commitSafely(s);
      moved = recvq.head !== null;
    }
  }
  if (ch.closed && ch.held === 0 && buf.length === 0) ch.end();
  ch.crossing?.wake();
}

/** A receiver parked in the home channel on behalf of an endpoint's demand. */
class Agent extends Waiter {
  constructor(readonly link: HomeLink) {
    super();
  }
  commit(): void {
    this.link.taken(this.ok, this.value, undefined);
  }
  fail(error: unknown): void {
    this.link.taken(false, undefined, error);
  }
}

/** Capacity 0: an endpoint's send, parked in the channel as a sender with its value. */
class Offer extends Waiter {
  readonly #link: HomeLink;
  readonly id: number;
  /** Its endpoint asked to withdraw it while it was held: answered when it is let go. */
  withdrawing = false;
  constructor(link: HomeLink, id: number, value: unknown) {
    super();
    this.#link = link;
    this.id = id;
    this.value = value;
  }
  commit(): void {
    this.#link.answer(this, DONE);
  }
  /** The channel was closed: the SHUT that follows refuses it there. */
  fail(): void {
    this.#link.answer(this, -1);
  }
  /** Its endpoint's withdrawal takes effect. */
  withdrawn(): void {
    this.#link.answer(this, WITHDRAWN);
  }
}

/**
 * Capacity 0: an endpoint's demand set aside for a send's credit: another endpoint's, whose
 * receiver is held there (`held`) until the value comes or the credit comes back, or the sending
 * endpoint's own. The value goes on to it, or to the next receiver if that demand was taken back
 * before the value came (an unsubscription there, or an own receiver that gave up).
 */
class Relay extends Waiter {
  constructor(
    readonly to: HomeLink,
    readonly held: boolean,
  ) {
    super();
  }
  commit(): void {
    this.to.relayed(this.value, this.held);
  }
  /** Never called: a reserved waiter is committed or let go. */
  fail(): void {}
}

/** What the crossed prototype uses of a channel. */
type Port<T> = Pick<
  Channel<T>,
  | 'capacity'
  | 'held'
  | 'closed'
  | 'queues'
  | 'readyRecv'
  | 'takeNow'
  | 'readySend'
  | 'offerNow'
  | 'parkRecv'
  | 'parkSend'
  | 'withdraw'
> & { crossing: Home };

/** The runs of values taken (`HomeLink.unmark`): none, and never added to. */
const NO_RUNS: [number, unknown[]][] = [];

/** The crossed prototype made over each channel prototype. */
const crossedOf = new WeakMap<object, object>();

/**
 * What a channel becomes while it has endpoints in other threads: its prototype is swapped for
 * one over it (and back when the last endpoint leaves), so that channels that never cross pay
 * nothing for this, and code that does not use threads carries none of it:
 * - a receive here waits while values of the buffer's head are away, pushed to an endpoint that
 *   may give them back untaken (`behind`): it must not take the later ones first (CH6);
 * - a sender or receiver that parks here flushes the home's messages in a microtask (`soon`);
 * - while one waits here, the links keep this thread alive (`keep`).
 */
function crossed<T>(base: Port<T>): object {
  let p = crossedOf.get(base);
  if (p !== undefined) return p;
  const own: ThisType<Port<T>> & Omit<Port<T>, 'crossing' | 'capacity' | 'held' | 'closed' | 'queues'> = {
    readyRecv() {
      return !this.crossing.behind(null) && base.readyRecv.call(this);
    },
    takeNow() {
      if (this.crossing.behind(null)) return BLOCKED;
      const v = base.takeNow.call(this);
      this.crossing.live();
      // Closed and drained here: the endpoints hear it, and their links end.
      if (this.closed && this.crossing.queues[0].length === 0) this.crossing.wake();
      return v;
    },
    // As offerNow decides: a select picks among the ready cases, and commits the one it picks.
    readySend() {
      if (this.crossing.direct()) return base.readySend.call(this);
      return this.closed || this.crossing.queues[0].length + this.held < this.capacity;
    },
    offerNow(value) {
      if (this.crossing.direct()) {
        const done = base.offerNow.call(this, value);
        this.crossing.live();
        return done;
      }
      if (this.closed) throw new ClosedChannelError();
      if (this.crossing.queues[0].length + this.held >= this.capacity) return false;
      release(this as unknown as Channel<T>, 0, [value]);
      return true;
    },
    parkRecv(w) {
      base.parkRecv.call(this, w);
      this.crossing.wake(true);
    },
    parkSend(w) {
      base.parkSend.call(this, w);
      this.crossing.wake(true);
    },
    withdraw(w) {
      base.withdraw.call(this, w);
      this.crossing.live();
    },
  };
  p = Object.setPrototypeOf(own, base) as object;
  crossedOf.set(base, p);
  return p;
}

/** The channels whose endpoints are in other threads, by number (an endpoint that comes home finds its channel). */
const homes = new Map<number, Home>();
let numbers = 0;

class Home implements Side {
  queued = false;
  readonly links: HomeLink[] = [];
  readonly id = ++numbers;
  shut = false;
  /** Proxies parked in the channel. */
  proxies = 0;
  #busy = false;
  #again = false;
  /** A receive here found the values it waits for away (`behind`). */
  #asked = false;
  /** More than one endpoint receives: they prefetch nothing (SHARE). */
  shared = false;
  /** Values pushed to endpoints so far: the order of pushes, for values that come back. */
  pushes = 0;
  /**
   * Values given back untaken, each run with its place in the order of pushes. They go back to
   * the head of the channel in that order once no value is lent any more, so that values given
   * back by two endpoints, or twice by one, stay in order; until then they are held, and every
   * receiver waits for them.
   */
  #returns: [at: number, values: unknown[]][] = [];
  /** An operation here waits for an endpoint: the links keep this thread alive (`keep`). */
  kept = false;

  /** The channel's buffer and wait queues, read once (not a new tuple for each operation). */
  readonly queues: ReturnType<Channel<unknown>['queues']>;

  constructor(readonly ch: Channel<unknown>) {
    this.queues = ch.queues();
  }

  /** Receivers parked here, not counting the endpoints' proxies. */
  get receivers(): number {
    return this.queues[1].size - this.proxies;
  }

  /**
   * Whether receiver `w` here (any receive here when null) must wait: values of the buffer's head
   * were pushed to an endpoint and may come back untaken (a window it prefetched), so what the
   * buffer holds now is not next. The endpoints are asked for them (NEED). An endpoint's proxy
   * takes values after its own, and waits only for values idle at another endpoint (`idle`).
   */
  behind(w: Waiter | null): boolean {
    if (w instanceof Agent) return this.idle(w.link);
    if (!this.#lent()) return false;
    // A receive here that finds nothing (it may not park: tryRecv, a select's default) asks too.
    if (w === null) {
      this.#asked = true;
      this.wake(true);
    }
    return true;
  }

  /**
   * Whether a send here goes as on a plain channel: no receiver waits here, or one waits for no
   * value that is away. Else a receiver here waits for values that are away, or for values of the
   * buffer that were away, and a send goes behind them (the receivers take the buffer's head once
   * they may).
   */
  direct(): boolean {
    const [buf, recvq] = this.queues;
    return recvq.head === null || (buf.length === 0 && !this.behind(recvq.head));
  }

  /**
   * Whether values for endpoint `l` must wait: another endpoint holds more values of the buffer's
   * head than receivers wait for there (a window prefetched before the endpoints shared the
   * channel, or values whose receiver gave up). They may come back untaken, and must reach `l`'s
   * receivers before later ones (CH4); the endpoint that holds them is asked for them (NEED) as
   * `l` waits. Values pushed for receivers that wait are theirs: `l` does not wait for those, so
   * endpoints that receive together do not take turns.
   */
  idle(l: HomeLink): boolean {
    if (this.#returns.length > 0) return true;
    for (const m of this.links) if (m !== l && m.out.length > m.waiting) return true;
    return false;
  }

  /** Values of the buffer were pushed to endpoints and not reported taken (capacity > 0). */
  #lent(): boolean {
    return this.ch.capacity > 0 && (this.#returns.length > 0 || this.#away());
  }

  /** Values pushed to endpoints are not reported taken (or given back) yet. */
  #away(): boolean {
    for (const l of this.links) if (l.out.length > 0) return true;
    return false;
  }

  /**
   * Values pushed to an endpoint come back untaken (runs from `HomeLink.unmark`): held until
   * `restore`, which the caller runs once the room they leave is freed.
   */
  returned(runs: [number, unknown[]][]): void {
    this.#returns.push(...runs);
  }

  /** Once no value is lent, the values given back go back to the head of the channel, in order. */
  restore(): void {
    const r = this.#returns;
    if (r.length === 0 || this.#away()) return;
    this.#returns = [];
    const values = r.sort((a, b) => a[0] - b[0]).flatMap((run) => run[1]);
    release(this.ch, values.length, values, true);
  }

  /** After an operation here that may have ended the last wait for an endpoint. */
  live(): void {
    if (this.kept) this.#keep();
  }

  /**
   * Keeps this thread alive while an operation here waits for an endpoint (Node): a receiver or
   * sender parked here (not an endpoint's proxy or offer), or set aside for an endpoint.
   */
  #keep(): void {
    let yes = this.receivers > 0;
    let offers = 0;
    for (const l of this.links) {
      yes ||= l.holds();
      offers += l.offers;
    }
    yes ||= this.queues[2].size > offers;
    if (yes === this.kept) return;
    this.kept = yes;
    for (const l of this.links) l.keep(yes);
  }

  /**
   * `blocked`: a sender or receiver here parked (it waits for another thread): what the home has to
   * say leaves in a microtask, with whatever else this turn queued so far, rather than at its end.
   */
  wake(blocked = false): void {
    if (this.#busy) this.#again = true;
    else if (blocked) soon(this);
    else later(this);
  }

  flush(): void {
    this.#busy = true;
    let rounds = 0;
    try {
      do {
        this.#again = false;
        this.#check();
      } while (this.#again && ++rounds < 8);
    } finally {
      this.#busy = false;
    }
    this.#keep();
    if (this.#again) later(this);
  }

  #check(): void {
    const { ch } = this;
    // A link may leave while it is served: walk a copy.
    const links = this.links.slice();
    const c = ch.capacity;
    if (ch.closed && !this.shut) {
      this.shut = true;
      for (const l of links) {
        l.shut();
        if (c > 0) l.unpark();
      }
    }
    for (const l of links) l.pump();
    if (c === 0) {
      for (const l of links) l.reserve();
      return;
    }
    this.restore();
    // Shared while more than one endpoint receives; alone again once only one asked for values
    // lately (a thread that received once, long ago, does not keep the others from prefetching).
    let receiving = 0;
    for (const l of links) if (l.receiving(this.pushes, c)) receiving++;
    const shared = receiving > 1;
    if (shared !== this.shared) {
      this.shared = shared;
      for (const l of links) l.send([SHARE, shared ? 1 : 0]);
    }
    let free = ch.closed ? 0 : c - ch.length - ch.held;
    const senders = links.filter((l) => l.sender);
    // A proxy holds its slot without a value: an endpoint's sender left without credit gets it,
    // else a receiver there would wait for that sender for ever (capacity 1).
    if (free <= 0 && this.proxies > 0 && !ch.closed && senders.some((l) => l.credit === 0)) {
      for (const l of links) l.unpark();
      free = c - ch.length - ch.held;
    }
    for (const l of senders) {
      if (free <= 0) break;
      const g = Math.ceil(free / senders.length);
      l.grant(g);
      free -= g;
    }
    const thirsty =
      (ch.length === 0 || this.#lent()) &&
      (this.receivers > 0 || this.#asked || links.some((l) => l.waiting > 0 && l.out.length === 0));
    this.#asked = false;
    const cramped = free <= 0 && (this.queues[2].size > 0 || senders.some((l) => l.credit === 0));
    for (const l of links) {
      if (thirsty && !l.needed && l.out.length > 0) {
        l.needed = true;
        l.send([NEED]);
      }
      if (cramped && !l.spared && l.credit > 0) {
        l.spared = true;
        l.send([SPARE]);
      }
    }
  }
}

/** The home's end of one endpoint's link. */
class HomeLink implements Side, Peer {
  queued = false;
  #q: Msg[] = [];
  /** Credits granted and not used (values in flight count until they arrive). */
  credit = 0;
  /** Values pushed to the endpoint and not reported taken, in order (the arrays posted). */
  out = new Batches<unknown>();
  /** Capacity > 0: the place of the values in `out` in the order of pushes, as runs [first, count, …]. */
  #runs: number[] = [];
  /** Values the endpoint asked for and was not sent yet. */
  #demand = 0;
  /** Capacity 0: sends waiting there for a receiver. */
  #want = 0;
  /** Capacity > 0: the endpoint sends (wants credits until it gives them back). */
  sender = false;
  /** Capacity > 0: `Home.pushes` when the endpoint last asked for values (-1: never). */
  #asked = -1;
  /** Receivers waiting at the endpoint, at least 1 if one found nothing there (its last report). */
  waiting = 0;
  needed = false;
  spared = false;
  #ended = false;
  gone = false;
  /** Values received from the endpoint. */
  #got = 0;
  sent = 0;
  seen = 0;
  fenced = 0;
  registry?: Registry;
  far?: string;
  /** The rings of the link (link.ts): this side's pushes, and the endpoint's log of its sends. */
  w?: Ring;
  r?: Ring;
  #proxy: Agent | null = null;
  /** Capacity 0: receivers set aside for the endpoint's sends, one per credit. */
  readonly #reserved = new WaitQueue();
  /** Capacity 0: the endpoint's offers parked in the channel (or held for another endpoint), by id. */
  readonly #offers = new Map<number, Offer>();
  /** Capacity 0: the senders whose value was pushed to the endpoint, held until it answers. */
  readonly #held = new WaitQueue();
  /** Capacity 0: for each value in `out`, its held sender (null for a value without one). */
  readonly #holders: (Waiter | null)[] = [];
  /**
   * Capacity 0: credits of other endpoints' sends set aside for this endpoint's demand, and HOLDs
   * asked of it for them.
   */
  #relays = 0;
  /** Capacity 0: the endpoints whose sends wait for this one's answer to a HOLD, in order. */
  #asks: HomeLink[] = [];
  /** Capacity 0: a HOLD was asked of another endpoint for a send of this one (one at a time). */
  #arranging = false;
  /**
   * Capacity 0: the endpoint's senders meet none of its receivers (each is a case of the same
   * select as they are: SE9): its own demand is not set aside for its sends until it says that a
   * sender or receiver came (WANT).
   */
  #alone = false;
  /** The channel is closed: SHUT goes once no offer of the endpoint is held elsewhere. */
  #shutting = false;
  /** Capacity 0: the endpoint took the last value pushed to it (sending ahead may pay off). */
  #recent = false;
  /** Capacity 0: the first value of `out` was sent ahead (only the first can be: see `#pump0`). */
  #ahead = false;
  /** The endpoint's side closed the port: nothing more can be read from it. */
  #cut = false;
  /** Values the endpoint reported taken, and (where memory is shared) how many it took. */
  #reported = 0;
  #takes: Int32Array | undefined = undefined;

  readonly #home: Home;
  readonly #port: MessagePort;
  readonly key: string;

  constructor(home: Home, port: MessagePort, key: string) {
    this.#home = home;
    this.#port = port;
    this.key = key;
    listen(this, port);
  }

  /**
   * Capacity > 0: the endpoint receives: receivers wait there, values are on their way to it, or
   * it asked for values within the last `2 × capacity` pushes (at least 256).
   */
  receiving(pushes: number, c: number): boolean {
    return (
      this.waiting > 0 ||
      this.out.length > 0 ||
      (this.#asked >= 0 && pushes - this.#asked <= Math.max(256, 2 * c))
    );
  }

  /** Capacity 0: senders or receivers here are set aside for the endpoint. */
  holds(): boolean {
    return this.#held.size > 0 || this.#reserved.size > 0;
  }

  /** The endpoint's offers here. */
  get offers(): number {
    return this.#offers.size;
  }

  keep(yes: boolean): void {
    keep(this.#port, yes);
  }

  watch(): void {
    watch(this.#port, () => {
      this.#cut = true;
      this.lost();
    });
  }

  sync(): boolean {
    drain(this);
    return !this.gone;
  }

  read(): Msg[] | undefined {
    return this.gone || this.#cut ? undefined : readNow(this.#port);
  }

  get #ch(): Channel<unknown> {
    return this.#home.ch;
  }

  send(m: Msg): void {
    this.#q.push(m);
    later(this);
  }

  flush(): void {
    if (this.gone || this.#q.length === 0) return;
    const q = this.#q;
    this.#q = [];
    const refused = post(this, this.#port, q);
    if (refused !== undefined) this.#refused(refused.values, refused.error);
  }

  /**
   * Values that cannot be cloned are dropped (they never left). A held sender's send fails with the
   * host's error (a DataCloneError), as a send from an endpoint does; for a value no sender waits
   * for, the channel is closed with that error, so that neither side waits for it.
   */
  #refused(values: unknown[], error: unknown): void {
    const before = this.out.length;
    const zero = this.#ch.capacity === 0;
    const holders = zero ? this.#holders.splice(0) : [];
    const kept: unknown[] = [];
    let orphan = false;
    for (const [k, v] of this.out.take().entries()) {
      const i = values.indexOf(v);
      const s = holders[k] ?? null;
      if (i < 0) {
        kept.push(v);
        if (zero) this.#holders.push(s);
        continue;
      }
      values.splice(i, 1);
      // Only the first value out may have been sent ahead, which counted no demand.
      const ahead = k === 0 && this.#ahead;
      if (ahead) this.#ahead = false;
      if (!this.#unhold(s)) orphan = true;
      else {
        // The receiver there still waits: its demand stands.
        if (!ahead) this.#demand++;
        failSafely(s, error);
        // Another endpoint's offer is refused by the close that follows (its SHUT).
        if (s instanceof Offer) orphan = true;
      }
    }
    if (kept.length > 0) this.out.add(kept);
    const ch = this.#ch;
    // What stays keeps the place of the first value pushed.
    if (!zero) this.#runs = kept.length > 0 ? [this.#runs[0]!, kept.length] : [];
    if (orphan && !ch.closed) ch.close(error);
    release(ch, before - this.out.length);
  }

  /** Capacity 0: takes `s` out of the held senders if it is still there (it may have left). */
  #unhold(s: Waiter | null): s is Waiter {
    if (s === null || s.queue !== this.#held) return false;
    this.#held.unlink(s);
    return true;
  }

  /** Handles a batch from the endpoint. */
  handle(batch: Msg[]): void {
    this.seen++;
    // After the link is over, an endpoint that crossed on still gets its link (the channel is
    // closed and drained: it hears so).
    if (this.gone) {
      for (const m of batch) if (m[0] === JOIN) this.#join(m);
      return;
    }
    decode(this, batch);
    const ch = this.#ch;
    const c = ch.capacity;
    for (const m of batch) {
      switch (m[0]) {
        case VALS: {
          const vs = m[1] as unknown[];
          this.credit -= vs.length;
          this.#got += vs.length;
          if (c > 0) release(ch, vs.length, vs);
          else for (const v of vs) this.#deliver(v);
          break;
        }
        case TAKE: {
          const took = m[1] as number;
          this.out.skip(took);
          this.unmark(took);
          this.#reported += took;
          if (m[4] !== undefined) this.#takes = m[4] as Int32Array;
          if (c === 0 && took > 0) {
            this.#ahead = false;
            this.#answered(took);
            this.#recent = true;
          }
          // Unbuffered, demand taken back after a value on its way met it (its receiver left)
          // goes below zero until that value is taken there or comes back: another receive
          // there, which the value meets, must not count as demand still to meet.
          this.#demand += m[2] as number;
          if (c > 0 && this.#demand < 0) this.#demand = 0;
          this.waiting = m[3] as number;
          if (this.#demand > 0 || this.waiting > 0) this.#asked = this.#home.pushes;
          this.needed = false;
          if (this.#demand <= 0) this.unpark();
          if (took > 0) release(ch, took);
          break;
        }
        case WANT:
          // The endpoint's log of its sends comes with its first WANT (link.ts).
          if (m[2] !== undefined) reader(this, m[2] as SharedArrayBuffer);
          if (c > 0) this.sender = true;
          else {
            this.#want = Math.max(0, this.#want + (m[1] as number));
            this.#alone = false;
          }
          break;
        case HELD:
          this.#holdAnswered(m[1] === 1);
          break;
        case RET:
          this.sender = false;
          this.spared = false;
          this.#unreserve(m[1] as number);
          // Its own demand met none of its sends: they still want a credit, from elsewhere.
          if (m[2]) {
            this.#want += m[1] as number;
            this.#alone = true;
          }
          break;
        case BACK: {
          // The first `n` values pushed (and not taken) were prefetched there; later ones are on their way.
          const back = this.out.take(m[1] as number);
          const runs = this.unmark(back.length, back);
          // Unbuffered, the values given back met no demand: what their pushes counted comes
          // back (one sent ahead counted none). With a buffer, the endpoint asks anew (BACKED).
          if (c === 0) {
            this.#demand += back.length - (this.#ahead && back.length > 0 ? 1 : 0);
            if (back.length > 0) this.#ahead = false;
          } else this.#demand = 0;
          this.needed = false;
          this.#recent = false;
          // They are back before its proxy leaves: the slot it frees must not let a receiver here
          // take a later value first (CH6).
          if (c > 0) this.#home.returned(runs);
          // Its proxy waits for no receiver now: it must not take what comes back, or what follows.
          this.unpark();
          if (c > 0) {
            this.#home.restore();
            this.send([BACKED]);
          } else this.#back(back);
          break;
        }
        case OFFER:
          this.#offer(m[1] as number, m[2]);
          break;
        case WITHDRAW: {
          const o = this.#offers.get(m[1] as number);
          // Not here any more: it was taken (DONE went first) or refused by a close (SHUT goes).
          // Held for another endpoint: that endpoint's answer decides.
          if (o === undefined) break;
          if (o.queue === this.#home.queues[2]) {
            ch.withdraw(o);
            o.withdrawn();
          } else o.withdrawing = true;
          break;
        }
        case CLOSE:
          this.sender = false;
          this.#unreserve(this.credit);
          if (!ch.closed) ch.close(m[1] === undefined ? undefined : decodeError(m[1]));
          break;
        case JOIN:
          this.#join(m);
          break;
        case LEAVE:
          // Everything lent to it comes back, as when its thread ends, but exactly: it reported
          // its takes before, and neither takes nor sends after.
          this.#drop();
          this.#port.close();
          this.#home.wake();
          return;
        case HI: {
          // Came home: the link is not used.
          if (m[1] === '') {
            this.#leave();
            this.#port.close();
            return;
          }
          // A pool's port joins this thread to the endpoint's: the link is listed with that thread.
          const r = registries.get(m[1] as string);
          if (r === undefined) stray(this, m[1] as string);
          else if (!this.gone) {
            r.set(this.key, this);
            this.registry = r;
          }
          break;
        }
      }
    }
    this.#finish();
    this.#home.wake();
  }

  /** Sends the channel's values to the endpoint while it wants them. */
  pump(): void {
    const ch = this.#ch;
    const c = ch.capacity;
    // Closed and drained, nothing lent or credited anywhere (no value out, no credit whose value
    // may come): the endpoint hears so, whether receivers wait there, found nothing (`tryRecv`, a
    // select with a default) or never came, and the link ends.
    if (ch.closed && ch.held === 0 && ch.length === 0 && !this.#ended) return this.#close();
    if (c === 0) return this.#pump0();
    while (this.#demand > 0 && !this.#ended && this.#proxy === null) {
      // Shared with other receiving endpoints: values only for receivers waiting there.
      const room = this.#home.shared ? this.waiting - this.out.length : this.#demand;
      if (room <= 0) return;
      if (ch.length > 0) {
        // Receivers here wait for values lent to endpoints (`behind`): none is lent while they do.
        // Nor while another endpoint holds values it may give back (`idle`).
        if (this.#home.receivers > 0 || this.#home.idle(this)) return;
        // Buffered values go as they are, their slots held: no parked sender moves in.
        const buf = this.#home.queues[0];
        const n = Math.min(this.#demand, buf.length, room);
        ch.held += n;
        this.#demand -= n;
        this.#mark(n);
        const open = this.#last(FOR_DEMAND);
        if (open === undefined && n >= 256 && this.w !== undefined) {
          // Numbers rode the ring before: a long batch is made at its length and filled by index,
          // four times as fast as pushing each. V8 clones such an array value by value, three times
          // slower than one made by pushing, but it is not cloned: it rides the ring, or else its
          // numbers go in a moved buffer (link.ts). Filled here only, apart from the pushes below:
          // V8 would make holey every array stored into at one place once one of them is.
          const vs = new Array<unknown>(n);
          for (let i = 0; i < n; i++) vs[i] = buf.shift();
          this.#start(vs);
        } else {
          const vs = open ?? this.#start([]);
          this.out.length += n;
          for (let i = 0; i < n; i++) vs.push(buf.shift());
        }
        continue;
      }
      // A value can only come through a proxy, which needs a free slot (closed, none comes).
      if (ch.closed || ch.held >= c) return;
      // Parked without waking the home: it needs no news of its own receiver.
      const p = (this.#proxy = new Agent(this));
      this.#home.proxies++;
      ch.held++;
      this.#home.queues[1].push(p, ch);
      return;
    }
  }

  /**
   * Capacity 0: the values given back earlier, then parked senders, each held until the endpoint
   * says whether it took the value (the demand that relayed sends will meet is left to them). A
   * value without a sender goes only once the endpoint answered for every value it has: one that
   * comes back then is back before it, so that one sender's values stay in order (CH6).
   */
  #pump0(): void {
    const [buf, , sendq] = this.#home.queues;
    while (this.#demand > this.#relays && !this.#ended) {
      if (buf.length > 0) {
        if (this.out.length > 0) return;
        this.#holders.push(null);
        this.#push(buf.shift());
        continue;
      }
      const s = sendq.head;
      if (s === null) return;
      this.#hold(s, false);
    }
    // Sent ahead: a plain sender (nothing else can end it) goes to an endpoint that took the last
    // value pushed to it, before its next receive is announced, when no other endpoint waits for
    // one. It waits there for a receiver until the end of that thread's turn, as if still on its
    // way (remote.ts): a ping-pong costs one round trip instead of two.
    const s = sendq.head;
    if (s === null || !this.#recent || this.out.length > 0 || buf.length > 0 || this.#ended) return;
    // Not to an endpoint asked to hold a receiver: the value would meet the demand held there.
    if (this.#relays > 0) return;
    if (s instanceof Offer || !plain(s) || this.#home.links.some((l) => l.wants())) return;
    this.#hold(s, true);
  }

  /** Capacity 0: takes parked sender `s` out of the channel, holds it and pushes its value. */
  #hold(s: Waiter, ahead: boolean): void {
    s.queue!.unlink(s);
    hold(s);
    this.#held.push(s, this);
    this.#holders.push(s);
    this.#push(s.value, ahead ? AHEAD : FOR_DEMAND);
  }

  /** The channel is closed and drained: the endpoint's receives end (with its error, if any). */
  #close(): void {
    try {
      this.#ch.takeNow();
    } catch (error) {
      return this.#end(error);
    }
    this.#end(undefined);
  }

  #push(v: unknown, kind = FOR_DEMAND): void {
    // With a buffer, the value's slot was held before it was taken.
    if (this.#ch.capacity === 0) this.#ch.held++;
    else this.#mark(1);
    // A value sent ahead meets no demand the home heard of: the endpoint says if it met one.
    if (kind === AHEAD) this.#ahead = true;
    else if (this.#demand > 0) this.#demand--;
    this.#pushing(kind).push(v);
    this.out.length++;
  }

  /** Capacity 0: the endpoint took the first `n` values pushed: their senders complete. */
  #answered(n: number): void {
    for (const s of this.#holders.splice(0, n)) {
      if (!this.#unhold(s)) continue;
      s.value = undefined;
      commitSafely(s);
    }
  }

  /** `n` values pushed: their place in the order of pushes. */
  #mark(n: number): void {
    const r = this.#runs;
    const h = this.#home;
    const k = r.length;
    if (k > 0 && r[k - 2]! + r[k - 1]! === h.pushes) r[k - 1]! += n;
    else r.push(h.pushes, n);
    h.pushes += n;
  }

  /**
   * The first `n` values of `out` left it: taken, or `values` came back, whose runs it returns
   * (none for values taken: nothing is made for them).
   */
  unmark(n: number, values?: unknown[]): [number, unknown[]][] {
    const r = this.#runs;
    const runs: [number, unknown[]][] = values === undefined ? NO_RUNS : [];
    for (let i = 0; n > 0 && r.length > 0; ) {
      const k = Math.min(n, r[1]!);
      if (values !== undefined) runs.push([r[0]!, values.slice(i, i + k)]);
      i += k;
      n -= k;
      if (k === r[1]) r.splice(0, 2);
      else {
        r[0]! += k;
        r[1]! -= k;
      }
    }
    return runs;
  }

  /**
   * Capacity 0: values pushed to the endpoint and not taken come back: their held senders are
   * let go (an offer whose endpoint asked meanwhile is withdrawn), and values without one (given
   * back before, or relayed) go back to the head of the channel. The value of a sender that left
   * meanwhile (an unsubscription, which cannot wait for the answer) was not taken: that send did
   * not happen, and its value goes nowhere. Back at the head, it could come after values sent
   * later, which may have gone out since (CH6).
   */
  #back(values: unknown[]): void {
    const ch = this.#ch;
    const senders = this.#holders.splice(0, values.length);
    const rest = values.filter((_, i) => (senders[i] ?? null) === null);
    release(ch, values.length, rest, true);
    for (const s of senders) {
      if (!this.#unhold(s)) continue;
      if (s instanceof Offer && s.withdrawing) s.withdrawn();
      else letGo(s, ch, true);
    }
  }

  /**
   * The values of the turn's last message, a PUSH (made if needed), the last array of `out` (its
   * earlier arrays left first, so none is taken out of it before it is posted): a value pushed to
   * it is counted in `out.length` by the caller.
   */
  #pushing(kind = FOR_DEMAND): unknown[] {
    return this.#last(kind) ?? this.#start([], kind);
  }

  /** The values of the turn's last message if it is a PUSH of values of that `kind`. */
  #last(kind: number): unknown[] | undefined {
    const last = this.#q[this.#q.length - 1];
    return last !== undefined && last[0] === PUSH && (last.length > 2 ? last[2] : FOR_DEMAND) === kind
      ? (last[1] as unknown[])
      : undefined;
  }

  /** Starts a PUSH of `vs`, which `out` counts (one for demand is a pair: its numbers may ride the ring). */
  #start(vs: unknown[], kind = FOR_DEMAND): unknown[] {
    this.send(kind === FOR_DEMAND ? [PUSH, vs] : [PUSH, vs, kind]);
    this.out.add(vs);
    return vs;
  }

  #end(error: unknown): void {
    this.#ended = true;
    this.send([END, error === undefined ? undefined : encodeError(error)]);
    this.#finish();
  }

  /** The proxy was committed: a value (it holds its slot already), the close, or its error. */
  taken(ok: boolean, value: unknown, error: unknown): void {
    this.#proxy = null;
    this.#home.proxies--;
    if (ok) this.#push(value);
    else this.#end(error);
    this.#home.wake();
  }

  /** Takes the proxy out of the channel (a close, or the endpoint is gone). */
  unpark(): void {
    const p = this.#proxy;
    if (p === null) return;
    this.#proxy = null;
    this.#home.proxies--;
    this.#ch.withdraw(p);
    if (this.#ch.capacity > 0) release(this.#ch, 1);
  }

  grant(n: number): void {
    // Credits it gets after it was asked for idle ones: it may be asked again (it kept them, a
    // sender there waiting, or had none).
    this.spared = false;
    this.credit += n;
    this.#ch.held += n;
    this.send([CREDIT, n, this.#got]);
  }

  /**
   * Capacity 0: sets receivers aside (held) for the endpoint's waiting sends, or else demand of an
   * endpoint (another one's first) that no sender here meets.
   */
  reserve(): void {
    while (this.#want > 0 && !this.#ch.closed && !this.#arranging) {
      const r = this.#home.queues[1].shift();
      if (r !== null) {
        hold(r);
        this.#setAside(r, 0);
        continue;
      }
      // Values of the buffer (given back, or relayed behind values out) meet demand first.
      if (this.#home.queues[0].length > 0) return;
      // Another endpoint's demand first: its receiver is held there before the credit goes
      // (HOLD), so that the send commits only with a receive that happens (CH2). One relay at a
      // time per endpoint: none is arranged for one asked to hold, and none asked to hold while
      // its own send is arranged or has a credit, else two endpoints, each with a select of a send
      // and a receive, could hold each other's receivers and give both credits back, for ever.
      if (this.#asks.length > 0) return;
      const to = this.#home.links.find(
        (l) => l !== this && l.open() && l.#asks.length === 0 && !l.#arranging && l.credit === 0,
      );
      if (to !== undefined) {
        to.#relays++;
        to.#asks.push(this);
        to.send([HOLD]);
        this.#arranging = true;
        return;
      }
      // Else its own: a receiver there meets a send case there through the home, unless it is a
      // case of the same select (the endpoint tells: CREDIT).
      if (!this.open() || this.#alone) return;
      this.#relays++;
      this.#setAside(new Relay(this, false), 1);
    }
  }

  /** Capacity 0: `r`, set aside for the endpoint's next send, is its credit (`own`: see `reserve`). */
  #setAside(r: Waiter, own: number): void {
    this.#reserved.push(r, this);
    this.#want--;
    // A credit is held in the channel until its value arrives or it comes back: its send may
    // have happened there, so the channel is not drained before (receivers see the close after).
    this.credit++;
    this.#ch.held++;
    this.send([CREDIT, 1, this.#got, own]);
  }

  /**
   * Capacity 0: the endpoint answered the first HOLD asked of it (`held`: a receiver is held
   * there). The send it was for gets its credit if it still waits; else the receiver is let go.
   */
  #holdAnswered(held: boolean): void {
    const from = this.#asks.shift();
    if (from === undefined) return;
    from.#arranging = false;
    if (held && from.#want > 0 && !from.gone && !this.#ch.closed) {
      return from.#setAside(new Relay(this, true), 0);
    }
    this.#relays--;
    if (held) this.send([UNHOLD]);
  }

  /** A waiter set aside left without an answer (an unsubscription). */
  withdraw(w: Waiter): void {
    w.queue?.unlink(w);
  }

  /**
   * Capacity 0: demand a relayed send may meet: none out there (a value out, sent ahead, may meet
   * it, and the send would commit for a receiver that gets another value).
   */
  open(): boolean {
    return this.wants() && this.out.length === 0;
  }

  /** Capacity 0: demand that neither parked senders nor relayed sends meet yet. */
  wants(): boolean {
    return this.#demand > this.#relays && !this.#ended && !this.gone;
  }

  /**
   * Capacity 0: a value sent under a credit set aside for this endpoint's demand. Its send
   * completed there as it used the credit. If the endpoint took that demand back meanwhile (its
   * receiver gave up), the value goes to the channel for the next receiver, here or at an
   * endpoint: pushed to this one, it would come back with a demand it never asked for, and go out
   * again, for ever.
   */
  relayed(v: unknown, held: boolean): void {
    this.#relays--;
    // Its own demand: behind the values given back, and any the endpoint may still give back (see
    // #pump0). A receiver held there waits for this value: the endpoint gives back what is before it.
    if (
      this.gone ||
      this.#demand <= this.#relays ||
      (!held && (this.out.length > 0 || this.#ch.length > 0))
    ) {
      return release(this.#ch, 0, [v]);
    }
    this.#holders.push(null);
    this.#push(v, held ? RELAYED : FOR_DEMAND);
  }

  /** The channel is closed: SHUT, after the answers for offers held for other endpoints. */
  shut(): void {
    this.#shutting = true;
    if (this.#offers.size === 0) {
      this.#shutting = false;
      this.send([SHUT]);
    }
  }

  /** `n` credits come back unused. */
  #unreserve(n: number): void {
    this.credit -= n;
    const ch = this.#ch;
    if (ch.capacity > 0) {
      if (n > 0) release(ch, n);
      return;
    }
    ch.held -= n;
    for (let i = 0; i < n; i++) {
      const r = this.#reserved.shift();
      if (r instanceof Relay) {
        r.to.#relays--;
        if (r.held && !r.to.gone) r.to.send([UNHOLD]);
      } else if (r !== null) letGo(r, ch, false);
    }
    // Closed, the receivers here see it once nothing is held.
    release(ch, 0);
  }

  /**
   * Capacity 0: an offer goes to a waiting receiver, or parks as a sender. After a close it is
   * dropped: the SHUT sent to the endpoint refuses it there.
   */
  #offer(id: number, v: unknown): void {
    const ch = this.#ch;
    if (ch.closed) return;
    if (ch.offerNow(v)) return this.send([DONE, id]);
    const o = new Offer(this, id, v);
    this.#offers.set(id, o);
    ch.parkSend(o);
  }

  /** An offer left the channel: taken (DONE), withdrawn (WITHDRAWN), or refused by a close (-1). */
  answer(o: Offer, kind: number): void {
    this.#offers.delete(o.id);
    if (kind >= 0) this.send([kind, o.id]);
    if (this.#shutting) this.shut();
    this.#finish();
  }

  /** Capacity 0: a value sent under a credit goes to the receiver set aside for it. */
  #deliver(v: unknown): void {
    const r = this.#reserved.shift();
    if (r === null) return release(this.#ch, 1, [v]);
    r.value = v;
    r.ok = true;
    commitSafely(r);
    release(this.#ch, 1);
  }

  #finish(): void {
    if (
      this.#home.shut &&
      this.#ended &&
      this.credit === 0 &&
      this.out.length === 0 &&
      this.#offers.size === 0
    ) {
      this.#leave();
    }
  }

  /** The endpoint crossed on to another thread: a link for it, on the port it sent. */
  #join(m: Msg): void {
    open(this.#ch, m[1] as MessagePort, m[2] as string);
  }

  /**
   * The link is over. Its port stays open for the endpoint to close (once it heard), so that a
   * JOIN it posted meanwhile still arrives.
   */
  #leave(): void {
    if (this.gone) return;
    this.unpark();
    this.flush();
    this.gone = true;
    // The sends that waited for its answer to a HOLD are arranged again.
    for (const l of this.#asks) l.#arranging = false;
    this.#asks = [];
    keep(this.#port, false);
    homeLinks.delete(this.key);
    // Nothing it carried is waited for any more (`fence`) once its last batch was fenced: the
    // links to that thread forget it then, not at the pool's next batch, which a long task may
    // put off for ever.
    forget(this);
    const links = this.#home.links;
    links.splice(links.indexOf(this), 1);
    if (links.length === 0) {
      // A channel with no endpoint left is a plain one again (it may cross again later).
      this.#ch.crossing = null;
      Object.setPrototypeOf(this.#ch, Object.getPrototypeOf(Object.getPrototypeOf(this.#ch)));
      homes.delete(this.#home.id);
    }
  }

  /**
   * The endpoint's thread is gone: its credits and untaken values come back (values given back at
   * the head, in order). Returns how many values may be lost (sent under a credit that never
   * arrived) or duplicated (taken there, not reported).
   */
  lost(error?: unknown): number {
    // What it posted before it died is read first, where the host can (Node): nothing of it is lost.
    if (!this.sync()) return 0;
    return this.#drop(error);
  }

  /** Takes back everything lent to the endpoint and ends the link (see `lost`). */
  #drop(error?: unknown): number {
    const ch = this.#ch;
    const back = this.out.take();
    let credit = this.credit;
    this.credit = 0;
    // Its offers still parked are withdrawn: those sends did not happen.
    for (const o of this.#offers.values()) ch.withdraw(o);
    this.#offers.clear();
    this.#leave();
    if (ch.capacity > 0) {
      // What it counted in shared memory is exact once the host reported the thread's exit (Node;
      // a Web Worker runs on a while after terminate(), unseen).
      const exited = (error as WorkerExitError | undefined)?.code !== undefined;
      // Values it took but did not report.
      const taken =
        this.#takes === undefined ? 0 : Math.max(0, Atomics.load(this.#takes, 0) - this.#reported);
      // Its sends that completed and were not posted: the numbers are read back from its log and
      // arrive as if posted; the others are lost.
      let lost = credit;
      if (exited && this.r?.log) {
        const { values, sent } = unposted(this.r);
        const n = Math.min(values.length, credit);
        this.#got += n;
        release(ch, n, values.slice(0, n));
        credit -= n;
        lost = Math.min(credit, Math.max(0, (sent - this.#got) | 0));
      }
      // What it took is dropped; the rest comes back, in the order of pushes.
      this.unmark(taken);
      const runs = this.unmark(back.length - taken, back.slice(taken));
      // Back before the room frees, so that no receiver here takes a later value first.
      this.#home.returned(runs);
      release(ch, credit + Math.min(taken, back.length));
      this.#home.restore();
      return lost + (exited ? 0 : back.length);
    }
    this.credit = credit;
    this.#unreserve(credit);
    this.#back(back);
    return credit + back.length;
  }
}

/** Opens the home's side of a new link of `ch` on `port`. */
function open(ch: Channel<unknown>, port: MessagePort, key: string): HomeLink {
  let home = ch.crossing as Home | null;
  if (home === null) {
    home = new Home(ch);
    ch.crossing = home;
    Object.setPrototypeOf(ch, crossed(Object.getPrototypeOf(ch)));
    home.shut = ch.closed;
    homes.set(home.id, home);
  }
  const link = new HomeLink(home, port, key);
  home.links.push(link);
  homeLinks.set(key, link);
  if (home.shut) link.send([SHUT]);
  if (home.shared) link.send([SHARE, 1]);
  if (home.kept) link.keep(true);
  return link;
}

/**
 * Opens a link to a new endpoint of `ch` and returns what crosses in its place; the far port is
 * added to `moves`.
 */
export function cross(ch: Channel<unknown>, moves: Transferable[]): { token: ChannelToken; peer: Peer } {
  const mc = new MessageChannel();
  const link = open(ch, mc.port1, mint());
  moves.push(mc.port2);
  const token = {
    gorx: 'chan',
    c: ch.capacity,
    p: mc.port2,
    k: link.key,
    h: ID,
    i: (ch.crossing as Home).id,
  } as const;
  return { token, peer: link };
}

/**
 * The channel itself, for an endpoint of it that came home through another thread (its new link
 * is dropped); undefined when `token` is not one.
 */
export function cameHome(token: ChannelToken): Channel<unknown> | undefined {
  const home = token.h === ID ? homes.get(token.i) : undefined;
  if (home === undefined) return undefined;
  token.p.postMessage([[HI, '']]);
  return home.ch;
}
