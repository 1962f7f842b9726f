// One thread as the pool sees it, whatever made it: a Node `worker_threads` Worker (an
// EventEmitter: 'message', 'error', 'messageerror', 'exit') or a Web Worker (an EventTarget:
// 'message', 'error', 'messageerror', and no exit event). Told apart at run time, so the main side
// imports nothing from `node:`.
//
// Every endpoint ends with exactly one `exit` call: Node's 'exit' event; for a Web Worker, the pool's
// own terminate(), or an uncaught 'error' (a Web Worker survives its uncaught errors, but a thread
// whose code failed outside any task is treated as Go treats a panic: it ends, and it is reported).
import { show } from '../internal/validate.js';

export interface EndpointEvents {
  message(data: unknown): void;
  /** The thread failed outside any task (its uncaught error), or a message could not be read. */
  error(error: unknown): void;
  /** The thread is gone; `code` is its exit code where the host reports one. */
  exit(code: number | undefined): void;
}

export interface Endpoint {
  post(message: unknown, transfer: Transferable[]): void;
  terminate(): void;
  /** Whether the thread keeps the host process alive (Node); a no-op elsewhere. */
  ref(on: boolean): void;
}

interface NodeWorkerLike {
  postMessage(message: unknown, transfer?: readonly Transferable[]): void;
  on(event: string, listener: (...args: any[]) => void): unknown;
  terminate(): unknown;
  ref?(): void;
  unref?(): void;
}

interface WebWorkerLike {
  postMessage(message: unknown, transfer: Transferable[]): void;
  addEventListener(type: string, listener: (event: any) => void): void;
  terminate(): void;
}

/**
 * Listens to the thread `worker` and returns how to talk to it.
 * @throws TypeError when `worker` is neither a Node Worker nor a Web Worker.
 */
export function connect(worker: unknown, on: EndpointEvents): Endpoint {
  const w = worker as Partial<NodeWorkerLike & WebWorkerLike> | null;
  if (
    typeof w === 'object' &&
    w !== null &&
    typeof w.postMessage === 'function' &&
    typeof w.terminate === 'function'
  ) {
    if (typeof w.on === 'function') return nodeEndpoint(w as NodeWorkerLike, on);
    if (typeof w.addEventListener === 'function') return webEndpoint(w as WebWorkerLike, on);
  }
  throw new TypeError(`threadPool: spawn must return a Worker, got ${show(worker)}`);
}

function nodeEndpoint(w: NodeWorkerLike, on: EndpointEvents): Endpoint {
  w.on('message', on.message);
  w.on('error', on.error);
  w.on('exit', on.exit);
  const terminate = () => {
    const p = w.terminate() as PromiseLike<unknown> | undefined;
    // Node reports the end through 'exit'; the Promise's own outcome adds nothing.
    p?.then(undefined, () => {});
  };
  // A message that cannot be read is a lost result: the thread is ended rather than left to hang.
  w.on('messageerror', (error: unknown) => {
    on.error(error);
    terminate();
  });
  return {
    post: (message, transfer) => w.postMessage(message, transfer),
    terminate,
    ref: (yes) => (yes ? w.ref?.() : w.unref?.()),
  };
}

function webEndpoint(w: WebWorkerLike, on: EndpointEvents): Endpoint {
  let gone = false;
  const terminate = w.terminate.bind(w);
  const end = () => {
    if (gone) return;
    gone = true;
    terminate();
    queueMicrotask(() => on.exit(undefined));
  };
  // A Web Worker fires no event when it is terminated: a terminate() that the application calls
  // itself goes through `end`, so the pool learns of it as of any other death.
  w.terminate = end;
  w.addEventListener('message', (event: MessageEvent) => on.message(event.data));
  w.addEventListener('messageerror', () => {
    on.error(new DOMException('a message from the worker could not be deserialized', 'DataCloneError'));
    end();
  });
  w.addEventListener('error', (event: ErrorEvent) => {
    event.preventDefault?.();
    on.error(event.error ?? new Error(event.message || 'uncaught error in worker'));
    end();
  });
  return {
    post: (message, transfer) => w.postMessage(message, transfer),
    terminate: end,
    ref: () => {},
  };
}
