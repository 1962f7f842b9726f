// The `done` of a cancellable context: a receive-only port that closes once. It has the receive
// faces of every gorx channel (recv, recv$, tryRecv, ranging, `for await`, select cases) and
// nothing else: no send, no close. Only the context that owns it closes it, through `closeDone`.
//
// Invariants: waiters are parked only while it is open; closing commits every one of them
// (`ok: false`), after the flag is set, so a waiter's code sees it closed.
import { BLOCKED, CLOSED } from '../internal/blocking.js';
import { wakeAll } from '../internal/trampoline.js';
import { type Waiter, WaitQueue } from '../internal/WaitQueue.js';
import { ReceivePort } from './ReceivePort.js';

/** Closes `port` (once; later calls do nothing, as does null). @internal */
export let closeDone: (port: DonePort | null) => void;

/** @internal */
export class DonePort extends ReceivePort<never> {
  readonly capacity = 0;
  readonly length = 0;
  #closed = false;
  readonly #recvq = new WaitQueue();

  static {
    closeDone = (port) => {
      if (port !== null) port.#close();
    };
  }

  /** @internal The parked receivers, in the shape of `Channel.waiting`. */
  get waiting(): { senders: number; receivers: number } {
    return { senders: 0, receivers: this.#recvq.size };
  }

  readyRecv(): boolean {
    return this.#closed;
  }
  takeNow(): BLOCKED | CLOSED {
    return this.#closed ? CLOSED : BLOCKED;
  }
  parkRecv(w: Waiter): void {
    this.#recvq.push(w, this);
  }
  withdraw(w: Waiter): void {
    w.queue?.unlink(w);
  }

  #close(): void {
    if (this.#closed) return;
    this.#closed = true;
    wakeAll(this.#recvq);
  }
}
