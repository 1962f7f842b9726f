// Helpers for specs that drive Promise faces and real time: settling, observing settlement
// without awaiting, a seeded RNG, and capturing what reaches the host's error events. They run in
// Node and in the browser alike: what differs is looked up at run time.

/**
 * One macrotask turn of the kind gorx takes for its continuation hops: `setImmediate` where the host
 * has it (Node), else a MessageChannel message (browsers), so hops queued before it get their turn.
 */
const turn: () => Promise<void> =
  typeof globalThis.setImmediate === 'function'
    ? () => new Promise<void>((resolve) => globalThis.setImmediate(resolve))
    : () =>
        new Promise<void>((resolve) => {
          const { port1, port2 } = new MessageChannel();
          port1.onmessage = () => {
            port1.close();
            resolve();
          };
          port2.postMessage(0);
        });

/** Lets every queued microtask and continuation hop run (a few macrotask turns). */
export async function flush(turns = 3): Promise<void> {
  for (let i = 0; i < turns; i++) await turn();
}

export type State<T> =
  | { readonly status: 'pending' }
  | { readonly status: 'fulfilled'; readonly value: T }
  | { readonly status: 'rejected'; readonly reason: unknown };

/** Tracks a Promise's settlement without awaiting it; read `.current` after `flush()`. */
export function track<T>(p: PromiseLike<T>): { readonly current: State<T> } {
  const box: { current: State<T> } = { current: { status: 'pending' } };
  p.then(
    (value) => {
      box.current = { status: 'fulfilled', value };
    },
    (reason: unknown) => {
      box.current = { status: 'rejected', reason };
    },
  );
  return box;
}

/** A small seeded RNG (mulberry32): `rng(seed)(n)` is an integer in [0, n), so a failing run reproduces. */
export function rng(seed: number): (n: number) => number {
  let a = seed >>> 0;
  return (n) => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return Math.floor((((t ^ (t >>> 14)) >>> 0) / 4294967296) * n);
  };
}

/** Node's `process`, when the specs run in Node. */
function nodeProcess(): NodeJS.EventEmitter | undefined {
  const host = (globalThis as { process?: { versions?: { node?: string } } }).process;
  return host?.versions?.node === undefined ? undefined : (host as unknown as NodeJS.EventEmitter);
}

/**
 * Replaces the host's listeners for `event` while a test needs to see what reaches it: Node's
 * `process` events, or in a browser the window's 'unhandledrejection' and 'error' events. In a
 * browser the test runner's own listener, registered first, still runs; it only logs what it sees
 * once a page has listeners of its own, and that log line is left out while the capture lasts.
 */
export function capture(event: 'unhandledRejection' | 'uncaughtException') {
  const seen: unknown[] = [];
  const host = nodeProcess();
  if (host === undefined) {
    const rejection = event === 'unhandledRejection';
    const type = rejection ? 'unhandledrejection' : 'error';
    const listener = (e: Event) => {
      seen.push(e instanceof PromiseRejectionEvent ? e.reason : (e as ErrorEvent).error);
      e.preventDefault(); // no "Uncaught" line in the browser console
    };
    const log = console.error;
    const quiet = (...args: unknown[]) => {
      const [x] = args;
      const report = rejection
        ? x instanceof PromiseRejectionEvent
        : x instanceof ErrorEvent || (x instanceof Error && x.message.startsWith('Uncaught '));
      if (args.length !== 1 || !report) log.apply(console, args);
    };
    window.addEventListener(type, listener);
    console.error = quiet;
    return {
      seen,
      restore() {
        window.removeEventListener(type, listener);
        if (console.error === quiet) console.error = log;
      },
    };
  }
  const saved = host.listeners(event) as ((...args: unknown[]) => void)[];
  const listener = (e: unknown) => seen.push(e);
  host.removeAllListeners(event);
  host.on(event, listener);
  return {
    seen,
    restore() {
      host.off(event, listener);
      for (const l of saved) host.on(event, l);
    },
  };
}

/**
 * A full garbage collection on demand: Node's, switched on without starting node with
 * --expose-gc, or the browser's `gc` when the browser was started with `--js-flags=--expose-gc`.
 * Throws where neither is available.
 */
export function collector(): () => void {
  const exposed = (globalThis as { gc?: () => void }).gc;
  if (typeof exposed === 'function') return exposed;
  const host = (globalThis as { process?: { getBuiltinModule?: (id: string) => any } }).process;
  const v8 = host?.getBuiltinModule?.('node:v8') as typeof import('node:v8') | undefined;
  const vm = host?.getBuiltinModule?.('node:vm') as typeof import('node:vm') | undefined;
  if (v8 === undefined || vm === undefined) throw new Error('no garbage collection on demand on this host');
  v8.setFlagsFromString('--expose-gc');
  return vm.runInNewContext('gc') as () => void;
}

/**
 * Bytes of JavaScript heap in use: Node's `process.memoryUsage().heapUsed`, or Chromium's
 * `performance.memory.usedJSHeapSize` (exact when the browser was started with
 * `--enable-precise-memory-info`). Throws where neither is available.
 */
export function heapUsed(): number {
  const host = (globalThis as { process?: { memoryUsage?: () => { heapUsed: number } } }).process;
  if (typeof host?.memoryUsage === 'function') return host.memoryUsage().heapUsed;
  const memory = (performance as { memory?: { usedJSHeapSize: number } }).memory;
  if (memory === undefined) throw new Error('no heap size on this host');
  return memory.usedJSHeapSize;
}
