// A receive channel that never becomes ready: the `done` of contexts that can never be
// cancelled. Parking on it retains nothing, so abandoned waits on it cost no memory, and leaves
// the waiter as it was (no queue, no port): pending, never committed (the async iterator's
// `return` settles such a `next` as done).
import { BLOCKED } from '../internal/blocking.js';
import type { Waiter } from '../internal/WaitQueue.js';
import { ReceivePort } from './ReceivePort.js';

/** @internal */
export class NeverPort extends ReceivePort<never> {
  readonly capacity = 0;
  readonly length = 0;
  readyRecv(): boolean {
    return false;
  }
  takeNow(): BLOCKED {
    return BLOCKED;
  }
  parkRecv(_w: Waiter): void {}
  withdraw(_w: Waiter): void {}
}
