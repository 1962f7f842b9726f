// The channel of a timer or ticker, with Go 1.23 semantics: synchronous (capacity 0, length 0),
// a value exists only while the timer is due and unreceived (TM2), so Stop and Reset never leave
// a stale value behind (TM3, TM4). The clock alarm is armed only while a receiver is parked and
// disarmed when the last one leaves, so an abandoned `after(1h)` holds no timer (TM11). The value
// is the time the timer was due (`when`), however late it is received or the alarm runs (TM1).
//
// Invariants: `#active` ⇔ a value is still to be delivered at `when`; `#armed` ≠ null ⇒ active and a
// receiver is parked.
import { ReceivePort } from '../channel/ReceivePort.js';
import { BLOCKED } from '../internal/blocking.js';
import { commitSafely } from '../internal/trampoline.js';
import { type Waiter, WaitQueue } from '../internal/WaitQueue.js';
import { type Alarm, alarm, now } from './clock.js';

/** @internal */
export class TimerPort extends ReceivePort<number> {
  readonly capacity = 0;
  readonly length = 0;
  /** When the value is due. */
  when = 0;
  /** A ticker's move to its next tick once a tick is taken (Ticker.ts); null for a timer. */
  advance: ((port: TimerPort) => void) | null = null;
  #active = false;
  readonly #recvq = new WaitQueue();
  #armed: Alarm | null = null;

  readyRecv(): boolean {
    return this.#active && now() >= this.when;
  }

  takeNow(): number | BLOCKED {
    return this.readyRecv() ? this.#fire(this.when) : BLOCKED;
  }

  parkRecv(w: Waiter): void {
    this.#recvq.push(w, this);
    this.#arm();
  }

  withdraw(w: Waiter): void {
    w.queue?.unlink(w);
    if (this.#recvq.size === 0) this.#disarm();
  }

  /** Arms at `at` (now + d); returns whether the timer was active. */
  set(at: number): boolean {
    const was = this.stop();
    this.#active = true;
    this.when = at;
    this.#arm();
    return was;
  }

  stop(): boolean {
    const was = this.#active;
    this.#active = false;
    this.#disarm();
    return was;
  }

  /** Consumes the due value: a timer goes inactive, a ticker moves to its next tick (`advance`). */
  #fire(value: number): number {
    this.#disarm();
    this.#active = false;
    this.advance?.(this);
    return value;
  }

  #arm(): void {
    if (this.#armed === null && this.#active && this.#recvq.size > 0) {
      this.#armed = alarm(this.#ring, this.when);
    }
  }

  #disarm(): void {
    this.#armed?.cancel();
    this.#armed = null;
  }

  readonly #ring = (): void => {
    this.#armed = null;
    const w = this.#recvq.head;
    if (w === null || !this.readyRecv()) return this.#arm();
    this.#recvq.unlink(w);
    w.value = this.#fire(this.when);
    w.ok = true;
    commitSafely(w);
  };
}
