import { Channel as AsyncChannel } from 'async-channel';
import { Effect, Queue } from 'effect';
import { Chan } from 'ts-chan';
import { FloorChannel, SyncHandoff } from './floors.js';
import { Channel, go } from './gorx.js';
import type { Kind } from './harness.js';
import { csp } from './peers.js';

const COUNT = 100_000;
/** Receivers per channel (js-csp allows at most 1,024 pending takes on one channel). */
const PER_CHANNEL = 1_000;
const REPEATS = 3;
const CAPACITIES = [0, 128] as const;

export interface MemoryCase {
  readonly kind: Kind;
  readonly lib: string;
  readonly variant?: string;
  /** Parks `count` receivers on empty channels; returns what keeps them alive. */
  readonly blocked?: (count: number) => unknown;
  /** The floor (by variant) to compare with; defaults to the first floor. */
  readonly floor?: string;
  /** Lets the receivers parked by `blocked` finish, given what it returned. */
  readonly dispose?: (held: unknown) => void;
  /** One idle channel of the given capacity; undefined when the library has no such shape. */
  readonly idle?: (capacity: number) => unknown;
}

export interface MemoryRow {
  readonly case: MemoryCase;
  /** Heap bytes per blocked receiver. */
  readonly blocked: number | string | undefined;
  /** Heap bytes per idle channel, by capacity. */
  readonly idle: readonly (number | string | undefined)[];
}

/** Parks `count` receivers, `PER_CHANNEL` on each fresh channel; returns the channels. */
function spread<C>(count: number, make: () => C, park: (ch: C) => void): C[] {
  const chans: C[] = [];
  for (let i = 0; i < count; i += PER_CHANNEL) {
    const ch = make();
    chans.push(ch);
    for (let k = 0; k < PER_CHANNEL && i + k < count; k++) park(ch);
  }
  return chans;
}

/** A task that awaits one receive on `ch`. */
function task<C>(ch: C, receive: (ch: C) => PromiseLike<unknown>): void {
  void (async () => {
    await receive(ch);
  })();
}

const gorxRecv = (ch: Channel<number>) => ch.recv();
const closeAll = (held: unknown): void => {
  for (const ch of held as Channel<number>[]) ch.close();
};
const asyncChannelGet = (ch: AsyncChannel<number>) => ch.get();
const tsChanRecv = (ch: Chan<number>) => ch.recv();
const floorRecv = (ch: FloorChannel<number>) => ch.recv();

export const memoryCases: readonly MemoryCase[] = [
  {
    kind: 'gorx',
    lib: 'gorx',
    variant: 'async task + recv()',
    dispose: closeAll,
    blocked: (count) =>
      spread(
        count,
        () => new Channel<number>(0),
        (ch) => task(ch, gorxRecv),
      ),
    idle: (capacity) => new Channel<number>(capacity),
  },
  {
    kind: 'gorx',
    lib: 'gorx',
    variant: 'recv$() subscription',
    floor: 'sync handoff',
    dispose: closeAll,
    blocked: (count) =>
      spread(
        count,
        () => new Channel<number>(0),
        (ch) => ch.recv$().subscribe((v) => void v),
      ),
  },
  {
    kind: 'gorx',
    lib: 'gorx',
    variant: 'go() + recv()',
    dispose: closeAll,
    blocked: (count) =>
      spread(
        count,
        () => new Channel<number>(0),
        (ch) =>
          go(async () => {
            await gorxRecv(ch);
          }),
      ),
  },
  {
    kind: 'peer',
    lib: 'async-channel',
    blocked: (count) =>
      spread(
        count,
        () => new AsyncChannel<number>(0),
        (ch) => task(ch, asyncChannelGet),
      ),
    idle: (capacity) => new AsyncChannel<number>(capacity),
  },
  {
    kind: 'peer',
    lib: 'ts-chan',
    blocked: (count) =>
      spread(
        count,
        () => new Chan<number>(0),
        (ch) => task(ch, tsChanRecv),
      ),
    idle: (capacity) => new Chan<number>(capacity),
  },
  {
    kind: 'peer',
    lib: 'js-csp',
    variant: 'go process + take',
    blocked: (count) =>
      spread(
        count,
        () => csp.chan<number>(),
        (ch) =>
          csp.go(function* () {
            yield csp.take(ch);
          }),
      ),
    idle: (capacity) => csp.chan<number>(capacity),
  },
  {
    kind: 'peer',
    lib: 'effect',
    variant: 'fiber + Queue.take',
    blocked: (count) => {
      const fibers: unknown[] = [];
      const queues = spread(
        count,
        () => Effect.runSync(Queue.bounded<number>(1)),
        (q) => fibers.push(Effect.runFork(Queue.take(q))),
      );
      return [queues, fibers];
    },
    idle: (capacity) => (capacity === 0 ? undefined : Effect.runSync(Queue.bounded<number>(capacity))),
  },
  {
    kind: 'floor',
    lib: 'floor',
    variant: 'promise ring',
    blocked: (count) =>
      spread(
        count,
        () => new FloorChannel<number>(0),
        (ch) => task(ch, floorRecv),
      ),
    idle: (capacity) => new FloorChannel<number>(capacity),
  },
  {
    kind: 'floor',
    lib: 'floor',
    variant: 'sync handoff',
    blocked: (count) =>
      spread(
        count,
        () => new SyncHandoff<number>(),
        (ch) => ch.recv((v) => void v),
      ),
    idle: (capacity) => (capacity === 0 ? new SyncHandoff<number>() : undefined),
  },
];

const settle = async (): Promise<void> => {
  for (let i = 0; i < 3; i++) await new Promise((resolve) => setImmediate(resolve));
  await new Promise((resolve) => setTimeout(resolve, 10));
};

function heapAfterGc(gc: () => void): number {
  gc();
  gc();
  return process.memoryUsage().heapUsed;
}

/**
 * Median heap growth per unit over `REPEATS` runs of `make(COUNT, held)`, where `make` stores
 * what keeps its units alive in `held` (allocated before the baseline); undefined if it made nothing.
 */
async function perUnit(
  gc: () => void,
  make: (count: number, held: unknown[]) => boolean,
  dispose?: (held: unknown[]) => void,
): Promise<number | undefined> {
  const samples: number[] = [];
  for (let r = 0; r < REPEATS; r++) {
    await settle();
    const held: unknown[] = new Array(COUNT).fill(null);
    const before = heapAfterGc(gc);
    if (!make(COUNT, held)) return undefined;
    await settle();
    const after = heapAfterGc(gc);
    samples.push((after - before) / COUNT);
    dispose?.(held);
    held.fill(null);
  }
  samples.sort((a, b) => a - b);
  return samples[samples.length >> 1];
}

const failure = (error: unknown): string =>
  `error: ${(error instanceof Error ? error.message : String(error)).split('\n')[0]}`;

async function attempt(run: () => Promise<number | undefined>): Promise<number | string | undefined> {
  try {
    return await run();
  } catch (error) {
    return failure(error);
  }
}

export const memoryCapacities: readonly number[] = CAPACITIES;
export const memoryCount = COUNT;

/** Measures every memory case; needs `--expose-gc`. */
export async function measureMemory(log: (line: string) => void): Promise<MemoryRow[] | undefined> {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc === undefined) return undefined;
  const rows: MemoryRow[] = [];
  for (const c of memoryCases) {
    const park = c.blocked;
    const blocked =
      park &&
      (await attempt(() =>
        perUnit(
          gc,
          (count, held) => {
            held[0] = park(count);
            return true;
          },
          (held) => c.dispose?.(held[0]),
        ),
      ));
    const idle: (number | string | undefined)[] = [];
    for (const capacity of CAPACITIES) {
      const make = c.idle;
      idle.push(
        make &&
          (await attempt(() =>
            perUnit(gc, (count, held) => {
              for (let i = 0; i < count; i++) {
                const ch = make(capacity);
                if (ch === undefined) return false;
                held[i] = ch;
              }
              return true;
            }),
          )),
      );
    }
    rows.push({ case: c, blocked, idle });
    const show = (v: number | string | undefined): string =>
      typeof v === 'number' ? `${v.toFixed(0)} B` : (v ?? '—');
    log(
      `  ${(c.variant ? `${c.lib} (${c.variant})` : c.lib).padEnd(40)} blocked ${show(blocked)}, idle ${idle.map(show).join(' / ')}`,
    );
  }
  return rows;
}
