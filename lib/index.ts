// gorx: Go's concurrency model for RxJS 7.

// Channels
export { Channel } from './channel/Channel.js';
export type { Cancel, ReceiveChannel, RecvResult, SendChannel } from './channel/types.js';
// Context
export { afterFunc } from './context/afterFunc.js';
export type { Context, ContextError, ContextKey } from './context/Context.js';
export { background, cause, contextKey } from './context/Context.js';
export type { DestroyRefLike } from './context/interop.js';
export { fromDestroyRef, fromSignal } from './context/interop.js';
export { withCancel, withCancelCause } from './context/withCancel.js';
export { withDeadline, withTimeout } from './context/withDeadline.js';
export { withoutCancel } from './context/withoutCancel.js';
export { withValue } from './context/withValue.js';
// Errors
export {
  BufferOverflowError,
  CanceledError,
  ClosedChannelError,
  DeadlineExceededError,
  NegativeCounterError,
  UnlockError,
} from './errors.js';
// Select
export type { Case, Cases, RecvCase, Selected, SendCase } from './select/cases.js';
export { recv, send } from './select/cases.js';
export { select, select$, trySelect } from './select/select.js';
// Goroutines
export type { Task } from './task/go.js';
export { go } from './task/go.js';
export type { PendingTasksLike } from './task/track.js';
export { trackTasks } from './task/track.js';
export { sleep } from './time/sleep.js';
// Sync
export { ErrGroup, errGroup } from './sync/ErrGroup.js';
export type { Unlock } from './sync/Mutex.js';
export { Mutex } from './sync/Mutex.js';
export { Once, onceFunc, onceValue } from './sync/Once.js';
export { RWMutex } from './sync/RWMutex.js';
export { Semaphore } from './sync/Semaphore.js';
export { WaitGroup } from './sync/WaitGroup.js';

// Operators
export { cancelWith } from './operators/cancelWith.js';
export { fanIn } from './operators/fanIn.js';
export type { ProduceOptions } from './operators/produce.js';
export { produce } from './operators/produce.js';
export type { SendToOptions } from './operators/sendTo.js';
export { sendTo } from './operators/sendTo.js';
export type { Overflow, ToChannelOptions } from './operators/toChannel.js';
export { toChannel } from './operators/toChannel.js';
export type { Work, WorkerPoolOptions } from './operators/workerPool.js';
export { workerPool } from './operators/workerPool.js';

// Time
export { newTicker, Ticker, tick } from './time/Ticker.js';
export { after, newTimer, Timer } from './time/Timer.js';

// Threads
export { registerError } from './threads/codec.js';
export { WorkerExitError } from './threads/errors.js';
export type { ThreadPool, ThreadPoolOptions } from './threads/threadPool.js';
export { threadPool } from './threads/threadPool.js';
export { transfer } from './threads/wire.js';
