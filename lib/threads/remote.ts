// An endpoint: a channel whose home is another thread, with the same faces as a `Channel` (every
// face is built on the core functions below, as for a channel). It decides only on what it owns:
// a send completes at once when it holds a credit (room of the home's buffer held for it, or with
// capacity 0 a receiver set aside for it); a receive takes a prefetched value. Anything else parks
// here and asks the home over the link (link.ts), so a parked operation is committed, cancelled or
// withdrawn by a select here, in one synchronous step, like any other: select stays atomic.
// The one exception is the `send` and `send$` of an unbuffered endpoint, which no select drives:
// they offer their value to the home, where it parks as a sender, and complete when the home says
// a receiver took it (`done`); a cancelled offer is withdrawn there, and completes with the home's
// answer: `withdrawn` (the caller gets its context's error) or `done` (it had happened first).
// The program holds a face (`RemoteChannel`) of the endpoint (`Endpoint`), which its port holds:
// when the face is collected, the endpoint leaves the channel once nothing is parked on it, so
// that a channel nobody holds here any more is not kept by its link (Go collects it, closed or not).
//
// Invariants:
// - sends leave in the order they complete (one FIFO batch), so one sender's values stay in order;
//   a close travels after them;
// - parked senders are served in FIFO order before any new send uses a credit;
// - `asked` values were asked of the home and not received; with capacity c > 0 the endpoint keeps
//   prefetched + asked at c while it receives (each value taken is asked again);
// - takes are reported once per turn, or at once when a share of the window was taken (a half, or
//   a quarter on Node where the thread does not spin: `host.early`), so the home refills while the
//   rest is taken here; whether receivers here find nothing is said again
//   only when it changes (`told`);
// - once the home said the channel is closed and drained (`ended`), receives end after the
//   prefetched values, with the close error if there was one;
// - an offer is settled once: by DONE, WITHDRAWN, or the SHUT that follows it when the home
//   refused it (closed), or by the home's death.
// - unbuffered, a receiver the home asked to hold (HOLD) for another endpoint's send case is held
//   (hold.ts) until a value relayed to it comes (PUSH, a = 2) or the home lets it go (UNHOLD): its
//   demand stands meanwhile, and no other value goes to it;
// - an endpoint that crosses on to another thread opens a new link to the home: its port is
//   posted home (JOIN) before the token leaves here; once this link is over, it answers for the
//   home itself (closed and drained). This endpoint closes its port when the link is over and all
//   was said (the home leaves its side open till then, so a JOIN still arrives);
// - an endpoint that left (LEAVE) takes and sends nothing more: what the home lent it, on its way
//   or here, is the home's again, and the home ends the link as it reads LEAVE.

import { Observable } from 'rxjs';
import { ReceivePort } from '../channel/ReceivePort.js';
import type { Cancel, SendChannel } from '../channel/types.js';
import { ClosedChannelError } from '../errors.js';
import {
  BLOCKED,
  CLOSED,
  type RecvCore,
  SubscriberWaiter,
  sendPromise,
  sendSubscribe,
  type Token,
} from '../internal/blocking.js';
import { PROTOCOL, SEND_PORT } from '../internal/brand.js';
import { toToken } from '../internal/cancel.js';
import { rejected, settle } from '../internal/resume.js';
import { commitSafely, failSafely } from '../internal/trampoline.js';
import { Waiter, WaitQueue, withdraw } from '../internal/WaitQueue.js';
import { decodeError, encodeError } from './codec.js';
import { WorkerExitError } from './errors.js';
import { hold, letGo } from './hold.js';
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
  type Fence,
  forget,
  HELD,
  HI,
  HOLD,
  host,
  ID,
  JOIN,
  keep,
  LEAVE,
  later,
  listen,
  log,
  logged,
  type Msg,
  mint,
  NEED,
  OFFER,
  PUSH,
  post,
  RET,
  type Registry,
  type Ring,
  readNow,
  SHARE,
  SHUT,
  type Side,
  SPARE,
  type Spinner,
  soon,
  spinning,
  TAKE,
  UNHOLD,
  VALS,
  WANT,
  WITHDRAW,
  WITHDRAWN,
  watch,
} from './link.js';

const NONE: unique symbol = Symbol('NONE');

/** The select a parked operation is a case of (its `CaseWaiter`'s group), if it is one. */
const selectOf = (w: Waiter): unknown => (w as { group?: unknown }).group;

/**
 * An unbuffered send offered to the home, until it is settled. Parked on its context's `done`
 * while it waits: a cancellation asks the home to withdraw it.
 */
class Offer extends Waiter {
  /** The withdrawal was asked. */
  withdrawing = false;
  constructor(
    readonly ch: Endpoint<unknown>,
    readonly id: number,
    /** Settles the send: NONE when it happened, else its error. */
    readonly end: (error: unknown) => void,
    readonly token: Token | null,
  ) {
    super();
  }
  commit(): void {
    this.ch.retract(this);
  }
  fail(): void {
    this.ch.retract(this);
  }
}

/**
 * @internal Values in the arrays a link carries, first in first out. Each array is kept as it was
 * posted or received, not copied value by value; values pushed to the last array later are
 * counted by adding to `length`.
 */
export class Batches<T> {
  readonly #arrays: T[][] = [];
  /** The first value is `#arrays[0][#i]`. */
  #i = 0;
  length = 0;

  add(values: T[]): void {
    this.#arrays.push(values);
    this.length += values.length;
  }

  /** Removes the first value; its slot is cleared, so that it is not retained. */
  shift(): T {
    const a = this.#arrays[0]!;
    const i = this.#i;
    const v = a[i]!;
    a[i] = undefined as T;
    this.#i = i + 1;
    if (i + 1 === a.length) {
      this.#arrays.shift();
      this.#i = 0;
    }
    this.length--;
    return v;
  }

  /** Drops the first `n` values. */
  skip(n: number): void {
    this.length -= n;
    let i = this.#i + n;
    const arrays = this.#arrays;
    while (arrays.length > 0 && i >= arrays[0]!.length) {
      i -= arrays[0]!.length;
      arrays.shift();
    }
    this.#i = i;
  }

  /** Removes the first `n` values (all by default) and returns them, oldest first. */
  take(n = this.length): T[] {
    const vs: T[] = [];
    while (vs.length < n && this.length > 0) vs.push(this.shift());
    return vs;
  }
}

/**
 * @internal The state and protocol of an endpoint: what its link's port (and this thread's
 * registry) holds, while the `RemoteChannel` the program holds is a face of it. When the program
 * lets that face go with nothing parked here, the endpoint leaves (see `orphan`).
 */
export class Endpoint<T> implements Side {
  readonly capacity: number;
  queued = false;
  /** @internal Unbuffered: a value sent ahead waits here for a receiver until the end of the turn. */
  readonly turn: boolean;
  /** Capacity > 0: sends go under credits of room, receives prefetch a window. */
  readonly #buffered: boolean;
  readonly #port: MessagePort;
  #q: Msg[] = [];
  readonly #pre = new Batches<T>();
  readonly #recvq = new WaitQueue();
  readonly #sendq = new WaitQueue();
  /**
   * Capacity 0: receivers held for sends of other endpoints (HOLD), in the order held: each takes
   * the next value relayed to it, or is let go when its credit comes back unused (UNHOLD). Their
   * demand stands meanwhile.
   */
  readonly #held = new WaitQueue();
  #credit = 0;
  /**
   * Capacity 0: a credit of this endpoint's own demand went back, since every sender here was a
   * case of the same select as every receiver here (SE9): the home sets none aside again until a
   * sender or receiver comes here (WANT).
   */
  #alone = false;
  /** Capacity > 0: the home knows this endpoint sends. */
  #asking = false;
  #asked = 0;
  #took = 0;
  /** Values taken here in all, in memory shared with the home (buffered channels, where it can be shared). */
  #takes: Int32Array | undefined = undefined;
  #want = 0;
  /**
   * Capacity > 0: BACKs not yet heard by the home (BACKED). Values that arrive meanwhile were
   * pushed before the home took the given-back ones in: they go back too, and none is asked.
   */
  #backing = 0;
  /** A ranging receiver is being handed values (an early report counts it as waiting). */
  #ranging = false;
  /** A receiver found nothing here since the last report. */
  #starving = false;
  /** What the home was last told of receivers here: how many wait (at least 1 if one found nothing). */
  #told = 0;
  /**
   * Endpoints in other threads receive too: values are asked only for receivers waiting here, so
   * that none idles here while a receiver there could take it, or comes back after later ones.
   */
  #shared = false;
  #sent = 0;
  #acked = 0;
  #shut = false;
  #ended = false;
  #error: unknown = NONE;
  #death: unknown = undefined;
  /** Its face was collected (`orphan`), and it left the channel (`#leave`). */
  #orphan = false;
  #left = false;
  /** The port is closed (the link is over and everything was said). */
  #closed = false;
  /** The other side closed the port: nothing more can be read from it. */
  #cut = false;
  /** Capacity 0: the sends offered to the home and not settled, by id. */
  readonly #offers = new Map<number, Offer>();
  /** An operation here waits for the home: the port keeps this thread alive (`keep`). */
  #kept = false;
  #spinner: Spinner | undefined = undefined;
  #ids = 0;
  /** @internal Batch counts of the link (link.ts). */
  sent = 0;
  /** @internal */
  seen = 0;
  /** @internal */
  fenced = 0;
  /** @internal */
  registry?: Registry;
  /** @internal */
  readonly key: string;
  /** @internal The id of the home's thread. */
  far: string;
  /** @internal The rings of the link (link.ts): this side's log of its sends, and the home's pushes. */
  w?: Ring;
  /** @internal */
  r?: Ring;
  /** @internal Until the home is heard: the fence entries of the links the JOINs went on (link.ts). */
  origin?: Fence;
  /** The channel's number in its home's thread. */
  readonly #home: number;

  /** @internal `token` came through a third thread when `a` is set: the home hears this thread's id first. */
  constructor(token: ChannelToken) {
    this.capacity = token.c;
    this.turn = token.c === 0;
    this.#buffered = token.c > 0;
    this.#port = token.p;
    this.key = token.k;
    this.far = token.h;
    this.#home = token.i;
    this.origin = token.o;
    listen(this, token.p);
    if (token.a === 1) this.#send([HI, ID]);
  }

  /** @internal */
  watch(): void {
    watch(this.#port, () => {
      this.#cut = true;
      if (!this.gone) this.lost(new WorkerExitError());
    });
  }

  /**
   * @internal Crosses on to another thread: a new link to the home, whose port goes home (JOIN)
   * while its other end crosses in this endpoint's place (added to `moves`). An endpoint whose
   * link is over answers for the home: the channel is closed and drained (or its thread died).
   */
  again(moves: Transferable[]): ChannelToken {
    const { port1, port2 } = new MessageChannel();
    const key = mint();
    // The port leaves for home before the token leaves this thread.
    let o: Fence | undefined;
    if (!this.gone) {
      this.#send([JOIN, port1, key]);
      this.flush(true);
      // A fence that names the new link first waits for the batch that carried its JOIN.
      o = [...(this.origin ?? []), this.key, this.sent];
    } else {
      const e = this.#death ?? this.#error;
      port1.postMessage([[SHUT], [END, e === NONE ? undefined : encodeError(e)]]);
    }
    moves.push(port2);
    return { gorx: 'chan', c: this.capacity, p: port2, k: key, h: this.far, i: this.#home, a: 1, o };
  }

  /** Values prefetched here (not the home's buffer). */
  get length(): number {
    return this.#pre.length;
  }

  /** @internal */
  get closed(): boolean {
    return this.#shut;
  }

  /** Sends `value`; see the class notes for when a send completes. Go: `ch <- v`. */
  send(value: T, cancel?: Cancel): Promise<void> {
    const token = toToken(cancel);
    if (this.#buffered) return sendPromise(this, value, token);
    if (token !== null && token.err !== undefined) return rejected(token.err);
    if (this.#shut) return rejected(this.#closedError());
    return new Promise((resolve, reject) =>
      this.#offer(value, token, (error) =>
        error === NONE ? settle(resolve, undefined) : settle(reject, error),
      ),
    );
  }

  /** Sends on subscription; emits once sent, then completes. Go: `ch <- v`. */
  send$(value: T): Observable<void> {
    if (this.#buffered) return new Observable<void>((subscriber) => sendSubscribe(this, value, subscriber));
    return new Observable<void>((subscriber) => {
      if (this.#shut) return subscriber.error(this.#closedError());
      const o = this.#offer(value, null, (error) => {
        if (error !== NONE) return subscriber.error(error);
        subscriber.next();
        subscriber.complete();
      });
      return () => this.retract(o);
    });
  }

  /** Capacity 0: offers `value` to the home; `end` settles the send. */
  #offer(value: T, token: Token | null, end: (error: unknown) => void): Offer {
    const o = new Offer(this as Endpoint<unknown>, ++this.#ids, end, token);
    this.#offers.set(o.id, o);
    this.#send([OFFER, o.id, value]);
    if (token !== null) (token.done as RecvCore<never>).parkRecv(o);
    return o;
  }

  /** @internal An offer is cancelled (its context, or its subscriber left): the home is asked to withdraw it. */
  retract(o: Offer): void {
    if (o.withdrawing || this.#offers.get(o.id) !== o) return;
    o.withdrawing = true;
    this.#send([WITHDRAW, o.id]);
  }

  /** Keeps this thread alive while an operation here waits for the home (Node). */
  #keep(): void {
    const yes = !this.#closed && this.#parked();
    if (yes !== this.#kept) keep(this.#port, (this.#kept = yes));
  }

  #parked(): boolean {
    return (
      this.#recvq.head !== null ||
      this.#held.head !== null ||
      this.#sendq.head !== null ||
      this.#offers.size > 0
    );
  }

  /**
   * @internal The program let go of this endpoint's face (its `RemoteChannel` was collected): the
   * endpoint leaves the channel at the end of a turn in which nothing is parked here (an operation
   * parked here keeps it).
   */
  orphan(): void {
    this.#orphan = true;
    later(this);
  }

  /**
   * Leaves the channel, which stays open: after the report of what was taken here, LEAVE tells the
   * home that nothing more is taken or sent here, so that everything lent to this endpoint (credits,
   * values prefetched or on their way) is the home's again, exactly, and the link ends.
   */
  #leave(): void {
    if (this.#left || this.gone || this.#parked()) return;
    this.#starving = false;
    this.#report();
    this.#send([LEAVE]);
    this.#left = true;
    this.#pre.skip(this.#pre.length);
    this.#credit = 0;
    this.#asked = this.#want = 0;
  }

  /** Settles offer `id` (if it is still unsettled): NONE when it happened, else with `error`. */
  #settle(id: number, error: unknown): void {
    const o = this.#offers.get(id);
    if (o === undefined) return;
    this.#offers.delete(id);
    withdraw(o);
    o.end(error);
  }

  /**
   * Closes the channel, after the values sent here: Go's `close(ch)`. Senders parked here fail.
   * @throws ClosedChannelError if this endpoint knows the channel is closed.
   */
  close(error?: unknown): void {
    if (this.#shut) throw new ClosedChannelError('close of closed channel');
    if (error === null) error = undefined;
    this.#send([CLOSE, error === undefined ? undefined : encodeError(error)]);
    this.#shut = true;
    this.#asking = false;
    this.#credit = 0;
    this.#failSenders(new ClosedChannelError());
  }

  /** @internal The link is over: the home thread died, or said closed and drained after its last credits. */
  get gone(): boolean {
    return this.#death !== undefined || this.#left || (this.#ended && this.#shut);
  }

  /** @internal */
  sync(): boolean {
    drain(this);
    return this.#death === undefined && !this.#closed && !this.#left;
  }

  /** @internal */
  read(): Msg[] | undefined {
    return this.#death === undefined && !this.#closed && !this.#cut ? readNow(this.#port) : undefined;
  }

  #send(m: Msg): void {
    this.#q.push(m);
    later(this);
  }

  /** @internal Posts the turn's messages (`early`: before its end, see `#report`). */
  flush(early = false): void {
    this.#flush(early);
    // Something here waits for the home: its answer is read as it comes, for a while (Node workers).
    if (this.#waits()) {
      spinning(
        (this.#spinner ??= {
          port: this.#port,
          link: this,
          waits: () => this.#waits(),
        }),
      );
    }
  }

  /** A receiver waits here with nothing to take, a sender without a credit, or an offer for its answer. */
  #waits(): boolean {
    if (this.#death !== undefined || this.#closed) return false;
    return (
      (this.#recvq.head !== null && this.#pre.length === 0) ||
      this.#held.head !== null ||
      (this.#sendq.head !== null && this.#credit === 0) ||
      this.#offers.size > 0
    );
  }

  #flush(early: boolean): void {
    if (this.#orphan && !early) this.#leave();
    this.#keep();
    // A value sent ahead that no receiver took in its turn goes back (see PUSH).
    if (!early && !this.#buffered && this.#pre.length > 0 && this.#recvq.head === null) this.#giveBack();
    this.#report(early);
    if (this.#q.length === 0) return this.#over();
    const q = this.#q;
    this.#q = [];
    const refused = post(this, this.#port, q);
    if (refused === undefined) return this.#over();
    // An offer that cannot be cloned never left: its send fails with the host's error.
    for (const id of refused.offers) this.#settle(id, refused.error);
    // Values that cannot be cloned never left: their credits go back (unless this side's close
    // went with them: the home takes back every credit of the link as it hears that), and the
    // channel is closed with the host's error (a DataCloneError), as a sender here would see it.
    const n = refused.values.length;
    this.#sent -= n;
    if (this.w?.log) this.w.head[2]! -= n;
    if (n > 0 && !q.some((m) => m[0] === CLOSE)) this.#send([RET, n]);
    if (!this.#shut) this.close(refused.error);
  }

  /** Closes the link once it is over and everything was said (the home keeps its side open till then). */
  #over(): void {
    if (!this.#closed && this.gone && this.#pre.length === 0 && this.#q.length === 0) {
      this.#closed = true;
      this.#port.close();
      forget(this);
    }
  }

  /**
   * Queues what receivers did since the last report, and how many wait here (at least 1 when one
   * found nothing since then): a report goes only when there is something new to say. An early one
   * counts a ranging receiver that is taking values as waiting, and a receiver that took its value
   * as gone: the home must not push values for it that would idle here while other endpoints take
   * later ones (CH4).
   */
  #report(early = false): void {
    const waiting = Math.max(
      this.#recvq.size + this.#held.size + (this.#ranging ? 1 : 0),
      this.#starving ? 1 : 0,
    );
    if (!early) this.#starving = false;
    // Values asked while given-back ones are on their way home are asked once the home has them.
    const want = this.#backing > 0 && this.#want > 0 ? 0 : this.#want;
    if (this.#took === 0 && want === 0 && waiting === this.#told) return;
    const m: Msg = [TAKE, this.#took, want, waiting];
    // With a buffer and shared memory, the first report (before any value was pushed here) brings
    // the count of takes, so that the home knows them exactly should this thread die.
    if (this.#takes === undefined && this.#buffered && host.shared) {
      this.#takes = new Int32Array(new SharedArrayBuffer(4));
      this.#takes[0] = this.#took;
      m.push(this.#takes);
    }
    this.#q.push(m);
    this.#took = 0;
    this.#want -= want;
    this.#told = waiting;
  }

  /**
   * A value was taken here; with a buffer it is asked again, to keep the window full. Once a share
   * of the window was taken (`host.early`), the home hears of it at once rather than at the end of
   * the turn, so that it refills while the rest is taken here (a window that waits for the turn to
   * end runs half empty).
   */
  #taken(): void {
    const took = ++this.#took;
    // One writer: a plain store, which the home reads once this thread is gone.
    if (this.#takes !== undefined) this.#takes[0]!++;
    if (this.#buffered && !this.#ended && !this.#shared) {
      this.#asked++;
      this.#want++;
    }
    // Only a report of takes leaves early: anything else queued keeps its place in the turn's batch.
    // Not once shared, where values are asked only for receivers that wait: nothing to refill.
    if (
      !this.#shared &&
      took >= (this.capacity >> (host.spin > 0 ? 1 : host.early) || 1) &&
      this.#q.length === 0
    )
      this.flush(true);
    else later(this);
  }

  /**
   * Nothing here for a receiver: asks for a window of values (with a buffer), or once shared, one
   * value for each receiver waiting here (one for a receive that does not wait).
   */
  #starve(): void {
    this.#starving = true;
    const c = this.capacity;
    const n = this.#shared ? Math.max(1, this.#recvq.size) : c;
    if (c > 0 && this.#asked < n && !this.#ended) {
      this.#want += n - this.#asked;
      this.#asked = n;
    }
    later(this);
  }

  /** Shared: values asked beyond the receivers waiting here are not wanted. */
  #unask(): void {
    const n = this.#asked - this.#recvq.size;
    if (!this.#shared || n <= 0) return;
    this.#asked -= n;
    this.#want -= n;
    later(this);
  }

  /** @internal */
  readyRecv(): boolean {
    return this.#pre.length > 0 || this.#ended;
  }

  /** @internal */
  takeNow(): T | BLOCKED | CLOSED {
    if (this.#pre.length > 0) {
      this.#taken();
      return this.#pre.shift();
    }
    if (this.#ended) {
      if (this.#error !== NONE) throw this.#error;
      return CLOSED;
    }
    this.#starve();
    return BLOCKED;
  }

  /** @internal */
  parkRecv(w: Waiter): void {
    this.#recvq.push(w, this);
    if (!this.#buffered) {
      this.#asked++;
      this.#want++;
      // A receiver the senders here may meet: the home may set this demand aside for them again.
      if (this.#alone) {
        this.#alone = false;
        this.#send([WANT, 0]);
      }
    }
    this.#starve();
    if (this.#buffered) soon(this);
  }

  /** @internal */
  readySend(): boolean {
    return this.#shut || (this.#credit > 0 && this.#sendq.head === null);
  }

  /** @internal */
  offerNow(value: T): boolean {
    if (this.#shut) throw this.#closedError();
    if (this.#credit > 0 && this.#sendq.head === null) {
      this.#credit--;
      this.#val(value);
      return true;
    }
    if (this.#buffered) this.#ask();
    return false;
  }

  /** @internal */
  parkSend(w: Waiter): void {
    this.#sendq.push(w, this);
    if (this.#buffered) {
      this.#ask();
      soon(this);
    } else {
      this.#alone = false;
      this.#send([WANT, 1]);
    }
  }

  /** @internal */
  withdraw(w: Waiter): void {
    const q = w.queue;
    if (q === null) return;
    q.unlink(w);
    this.#keep();
    if (this.#orphan) later(this);
    if (this.#shut && q === this.#sendq) return;
    // A held receiver leaves only by an unsubscription, which cannot wait: its demand goes.
    if (q === this.#recvq || q === this.#held) {
      if (this.#buffered) this.#unask();
      else {
        this.#asked--;
        this.#want--;
      }
      // No receiver waits here any more: the home may ask for the prefetched values back.
      if (this.#recvq.head === null) {
        this.#starving = false;
        later(this);
      }
    } else if (!this.#buffered) this.#send([WANT, -1]);
  }

  #ask(): void {
    if (this.#asking) return;
    this.#asking = true;
    // The first WANT brings the log of what is sent here, before any send can complete.
    const b = this.w === undefined ? log(this, this.capacity) : undefined;
    this.#send(b === undefined ? [WANT, 1] : [WANT, 1, b]);
  }

  #val(v: T): void {
    const q = this.#q;
    const last = q[q.length - 1];
    const w = this.w;
    this.#sent++;
    // A number logged as its send completes goes as a count, read from the ring.
    if (w?.log && logged(w, v)) {
      if (last !== undefined && last[0] === VALS && typeof last[1] === 'number') last[1]++;
      else this.#send([VALS, 1]);
      return;
    }
    if (last !== undefined && last[0] === VALS && typeof last[1] !== 'number') (last[1] as T[]).push(v);
    else this.#send([VALS, [v]]);
  }

  #closedError(): ClosedChannelError {
    const e = new ClosedChannelError();
    if (this.#death !== undefined) (e as { cause?: unknown }).cause = this.#death;
    return e;
  }

  #failSenders(error: unknown): void {
    for (let w = this.#sendq.shift(); w !== null; w = this.#sendq.shift()) failSafely(w, error);
  }

  /** Wakes every receiver with the end of the channel (its error, if any). */
  #endReceivers(): void {
    // Held ones first: they waited longest.
    for (
      let w = this.#held.shift() ?? this.#recvq.shift();
      w !== null;
      w = this.#held.shift() ?? this.#recvq.shift()
    ) {
      if (this.#error !== NONE) failSafely(w, this.#error);
      else {
        w.ok = false;
        w.value = undefined;
        commitSafely(w);
      }
    }
  }

  /** @internal Handles a batch from the home. */
  handle(batch: Msg[]): void {
    this.seen++;
    // The home has this link.
    this.origin = undefined;
    // After LEAVE, what the home lent is its own again.
    if (this.#death !== undefined || this.#left) return;
    decode(this, batch);
    for (const m of batch) {
      switch (m[0]) {
        case PUSH: {
          const vs = m[1] as T[];
          // Values in flight when this endpoint gave its demand back still arrive. Values sent
          // ahead (unbuffered) that meet demand asked meanwhile were not pushed for it: the home
          // hears that it was met.
          const met = Math.min(this.#asked, vs.length);
          this.#asked -= met;
          if (m[2] === 1) this.#want -= met;
          const pre = this.#pre;
          if (vs.length > 0) pre.add(vs);
          // Pushed before the home heard of values given back: they follow those home (CH4).
          if (this.#backing > 0) {
            this.#giveBack();
            break;
          }
          // Relayed from another endpoint's send, which completed there: to the receivers held for
          // it first (nothing is sent ahead to an endpoint that holds, so none is before it here).
          if (m[2] === 2) this.#hand(this.#held);
          this.#hand(this.#recvq);
          // Unbuffered: a value pushed for a receiver that gave up goes straight back. One the home
          // sent ahead of a receiver (m[2]) waits for one until the end of this turn, as if still
          // on its way: the receive that follows a send completing in this turn takes it.
          if (!this.#buffered && pre.length > 0) {
            if (m[2] === 1) later(this);
            else this.#giveBack();
          }
          break;
        }
        case CREDIT:
          // After a close here the home took its credits back itself; after SHUT none come.
          if (this.#shut) break;
          this.#acked = m[2] as number;
          if (m[3]) {
            this.#own();
            break;
          }
          this.#credit += m[1] as number;
          for (let w = this.#sendq.head; w !== null && this.#credit > 0; w = this.#sendq.head) {
            this.#credit--;
            this.#spend(w);
          }
          if (!this.#buffered && this.#credit > 0) this.#giveCredits();
          break;
        case SHUT:
          if (!this.#shut) {
            this.#shut = true;
            this.#failSenders(new ClosedChannelError());
          }
          // Offers the home did not answer before the close are refused: those sends did not happen.
          for (const o of this.#offers.values()) {
            this.#settle(o.id, o.withdrawing && o.token !== null ? o.token.err : new ClosedChannelError());
          }
          this.#giveCredits();
          break;
        case DONE:
          this.#settle(m[1] as number, NONE);
          break;
        case WITHDRAWN: {
          const o = this.#offers.get(m[1] as number);
          if (o !== undefined) this.#settle(o.id, o.token?.err);
          break;
        }
        case END:
          this.#ended = true;
          this.#asked = 0;
          if (m[1] !== undefined) this.#error = decodeError(m[1]);
          if (this.#pre.length === 0) this.#endReceivers();
          break;
        case NEED:
          if (this.#recvq.head === null && this.#pre.length > 0) this.#giveBack();
          break;
        case BACKED:
          // Receivers that wait here ask again.
          if (--this.#backing === 0 && this.#recvq.head !== null) this.#starve();
          break;
        case SPARE:
          if (this.#sendq.head === null) this.#giveCredits();
          break;
        case HOLD: {
          // Held, it can end only by taking the value relayed to it (or an unsubscription): its
          // select's other cases and its cancellation are withdrawn until it is let go.
          const w = this.#recvq.shift();
          if (w !== null) {
            hold(w);
            this.#held.push(w, this);
          }
          this.#send([HELD, w === null ? 0 : 1]);
          break;
        }
        case UNHOLD: {
          const w = this.#held.shift();
          if (w === null) break;
          // It runs again as if just called, and parks anew if it has to (asking again).
          this.#asked--;
          this.#want--;
          letGo(w, this, false);
          break;
        }
        case SHARE:
          this.#shared = m[1] === 1;
          this.#unask();
          break;
      }
    }
    // The link is over: its port closes at the end of the turn, once everything was said. Let go,
    // the endpoint may leave once what it heard settled what was parked here.
    if (this.gone || this.#orphan) later(this);
    this.#keep();
  }

  /** Hands the prefetched values to the receivers of `q`, in order, while both last. */
  #hand(q: WaitQueue): void {
    const pre = this.#pre;
    for (let w = q.head; w !== null && pre.length > 0; w = q.head) {
      q.unlink(w);
      // A ranging receiver goes on taking values (and waits here again after them).
      this.#ranging = w instanceof SubscriberWaiter && w.ranging !== null;
      this.#taken();
      w.value = pre.shift();
      w.ok = true;
      commitSafely(w);
      this.#ranging = false;
    }
  }

  /** Gives the prefetched values back to the home, with the demand (after the report of takes). */
  #giveBack(): void {
    this.#report();
    const n = this.#pre.length;
    this.#pre.skip(n);
    this.#asked = 0;
    if (this.#buffered) {
      this.#backing++;
      this.#want = 0;
    }
    this.#send([BACK, n]);
  }

  /**
   * Capacity 0: a credit set aside for this endpoint's own demand: the value goes to the home and
   * back to a receiver here. The first sender here with a receiver here that is not a case of its
   * own select uses it (a select never meets itself: SE9); with none, it goes back.
   */
  #own(): void {
    for (let w = this.#sendq.head; w !== null; w = w.next) {
      const group = selectOf(w);
      for (let r = this.#recvq.head; r !== null; r = r.next) {
        if (group !== undefined && selectOf(r) === group) continue;
        this.#spend(w);
        return;
      }
    }
    this.#alone = this.#sendq.head !== null;
    this.#send([RET, 1, +this.#alone]);
  }

  /** The parked sender `w` has a credit: its value goes, and its send completes. */
  #spend(w: Waiter): void {
    this.#sendq.unlink(w);
    this.#val(w.value as T);
    w.value = undefined;
    commitSafely(w);
  }

  #giveCredits(): void {
    this.#asking = false;
    if (this.#credit === 0) return;
    this.#send([RET, this.#credit]);
    this.#credit = 0;
  }

  /**
   * @internal The home's thread is gone (or the link broke with `error`): parked operations fail
   * with `error`, receives end with it after the prefetched values, sends fail. Returns the number
   * of values sent here that the home may not have received.
   */
  lost(error: unknown): number {
    // What the home posted before it died is read first, where the host can (Node).
    if (!this.sync()) return 0;
    // After the home said "closed and drained", every value sent here had arrived.
    // An offer not answered may have been taken there.
    const uncertain = (this.#ended ? 0 : this.#sent - this.#acked) + this.#offers.size;
    this.#death = error;
    this.#shut = true;
    this.#credit = 0;
    this.#q = [];
    if (!this.#ended) {
      this.#ended = true;
      this.#error = error;
    }
    this.#failSenders(error);
    for (const o of this.#offers.values()) this.#settle(o.id, error);
    if (this.#pre.length === 0) this.#endReceivers();
    this.#port.close();
    return uncertain;
  }
}

/** Endpoints whose face the program let go leave their channel (see `Endpoint.orphan`). */
const faces =
  typeof FinalizationRegistry === 'function'
    ? new FinalizationRegistry<Endpoint<unknown>>((e) => e.orphan())
    : undefined;

/**
 * A channel whose home is another thread: what a `Channel` passed to `pool.go` (or returned by a
 * handler) becomes on the other side. It has every face of a channel, and `select` over it stays
 * atomic: it commits only on what the endpoint owns.
 *
 * - `trySend` succeeds only with a credit in hand (room of the home's buffer the home set aside for
 *   this endpoint), so it may say `false` while the home has room; a failed `trySend` asks for
 *   credits, so a later one may succeed. Unbuffered, a credit is a receiver the home set aside for
 *   a send that waits here (a `select` send case), and none is kept for later: `trySend` alone
 *   says `false` even while a receiver waits at the home; wait instead (`send`, or a `select`
 *   with a timeout case).
 * - `tryRecv` takes only a value already prefetched here, so it may say "nothing ready" while the
 *   home has values; a failed `tryRecv` asks for values (buffered channels). Unbuffered, it takes
 *   only a value the home sent ahead here: a loop that only polls may never receive (it sees the
 *   close); wait instead.
 * - `length` is the number of values prefetched here, not the home's; `capacity` is the channel's.
 * - A send completes when its value holds room in the home's buffer (buffered), or once a receiver
 *   took it (unbuffered: the value waits at the home as a sender; a cancelled send completes with
 *   the home's answer, the context's error if it was withdrawn untaken, else normally, while a
 *   `send$` unsubscribed meanwhile may still be taken, an unsubscription cannot wait; a value that
 *   cannot be cloned fails its send with the host's `DataCloneError`; a `select` send case commits
 *   on a receiver the home set aside for it, or on the demand of an endpoint, this one included);
 *   a `close` here reaches the home after the values sent here before it.
 * - Unbuffered, a receive here takes a value whose sender at the home completes only once it was
 *   taken here (a plain send may come ahead of the receive that follows the last one taken here;
 *   untaken by the end of this thread's turn, it goes back to wait at the home).
 * - When the home's thread dies, operations parked here fail with its `WorkerExitError`; receives
 *   end with that error after the prefetched values; sends fail with `ClosedChannelError`.
 *
 * @example
 * ```ts
 * // a worker file: `jobs` and `out` are channels of the main thread
 * import { type ReceiveChannel, type SendChannel, serve } from 'gorx/worker';
 *
 * serve({
 *   double: async (jobs: ReceiveChannel<number>, out: SendChannel<number>) => {
 *     for await (const n of jobs) await out.send(2 * n);
 *     out.close();
 *   },
 * });
 * ```
 */
export class RemoteChannel<T> extends ReceivePort<T> implements SendChannel<T> {
  readonly capacity: number;
  /** @internal Its endpoint: what its link holds (the program holds this face of it). */
  readonly link: Endpoint<T>;

  /** @internal `token` came through a third thread when `a` is set: the home hears this thread's id first. */
  constructor(token: ChannelToken) {
    super();
    const e = (this.link = new Endpoint<T>(token));
    this.capacity = e.capacity;
    faces?.register(this, e as Endpoint<unknown>);
  }

  /** Values prefetched here (not the home's buffer). */
  get length(): number {
    return this.link.length;
  }

  /** @internal */
  get closed(): boolean {
    return this.link.closed;
  }

  /** @internal The cross-copy brand (internal/brand.ts). */
  get [SEND_PORT](): number {
    return PROTOCOL;
  }

  /** Sends `value`; see the class notes for when a send completes. Go: `ch <- v`. */
  send(value: T, cancel?: Cancel): Promise<void> {
    return this.link.send(value, cancel);
  }

  /** Sends on subscription; emits once sent, then completes. Go: `ch <- v`. */
  send$(value: T): Observable<void> {
    return this.link.send$(value);
  }

  /** Sends only with a credit in hand (see the class notes). @throws ClosedChannelError if closed. */
  trySend(value: T): boolean {
    return this.link.offerNow(value);
  }

  /**
   * Closes the channel, after the values sent here: Go's `close(ch)`. Senders parked here fail.
   * @throws ClosedChannelError if this endpoint knows the channel is closed.
   */
  close(error?: unknown): void {
    this.link.close(error);
  }

  /** @internal Crosses on to another thread (see `Endpoint.again`). */
  again(moves: Transferable[]): ChannelToken {
    return this.link.again(moves);
  }

  /** @internal */
  readyRecv(): boolean {
    return this.link.readyRecv();
  }

  /** @internal */
  takeNow(): T | BLOCKED | CLOSED {
    return this.link.takeNow();
  }

  /** @internal */
  parkRecv(w: Waiter): void {
    this.link.parkRecv(w);
  }

  /** @internal */
  readySend(): boolean {
    return this.link.readySend();
  }

  /** @internal */
  offerNow(value: T): boolean {
    return this.link.offerNow(value);
  }

  /** @internal */
  parkSend(w: Waiter): void {
    this.link.parkSend(w);
  }

  /** @internal */
  withdraw(w: Waiter): void {
    this.link.withdraw(w);
  }
}
