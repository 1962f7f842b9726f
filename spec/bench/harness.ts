import { Bench } from 'tinybench';

/** gorx itself, a peer library, or a hand-written floor. */
export type Kind = 'gorx' | 'peer' | 'floor';

export interface Case {
  readonly kind: Kind;
  /** Library name, as shown in the table. */
  readonly lib: string;
  /** How the library is used, when it is used in more than one way. */
  readonly variant?: string;
  /** Operations done by one call of `run`. */
  readonly ops: number;
  /** One batch of `ops` operations; runs on fresh state each time. */
  readonly run?: () => unknown;
  /** Set when the case cannot run (e.g. an export is missing): shown as "n/a". */
  readonly missing?: string;
  /** The floor (by variant) to compare with; defaults to the workload's first floor. */
  readonly floor?: string;
}

export interface Workload {
  readonly id: string;
  readonly title: string;
  /** Unit of one operation, e.g. "round trips". */
  readonly unit: string;
  readonly description: string;
  readonly cases: readonly Case[];
  /** Minimum samples per case (default 5). */
  readonly minSamples?: number;
}

export type Outcome =
  | {
      readonly status: 'ok';
      readonly hz: number;
      /** Median absolute deviation of the samples, in % of their median. */
      readonly spread: number;
      readonly samples: number;
    }
  | { readonly status: 'error' | 'n/a'; readonly message: string };

export interface Row {
  readonly case: Case;
  readonly outcome: Outcome;
}

/** Rounds of sampling per workload. */
export const ROUNDS = 10;

export interface Timing {
  /** Sampling budget per case, in ms, over all rounds. */
  readonly time: number;
  /** A single batch slower than this is reported as an error. */
  readonly timeout: number;
}

export const label = (c: Case): string => (c.variant ? `${c.lib} (${c.variant})` : c.lib);

export const gc = (): void => {
  (globalThis as { gc?: () => void }).gc?.();
};

const message = (error: unknown): string =>
  (error instanceof Error ? `${error.name}: ${error.message}` : String(error)).split('\n')[0]!.slice(0, 120);

let stray: unknown;
let guarded = false;

/**
 * Errors that escape a case (an exception thrown in a subscriber callback is rethrown by RxJS on
 * a timer; a forgotten rejection) are kept and charged to the case that is running, instead of
 * ending the process.
 */
function guard(): void {
  if (guarded) return;
  guarded = true;
  const keep = (error: unknown): void => {
    stray ??= error;
  };
  process.on('uncaughtException', keep);
  process.on('unhandledRejection', keep);
}

/** Throws the error that escaped since the last call, if any. */
function rethrowStray(): void {
  if (stray === undefined) return;
  const error = stray;
  stray = undefined;
  throw error;
}

/** `promise`, or a rejection when it takes longer than `ms`. */
async function within<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Runs `fn` once, failing after `ms`. */
async function probe(fn: () => unknown, ms: number): Promise<void> {
  await within(Promise.resolve().then(fn), ms);
  await new Promise((resolve) => setTimeout(resolve, 1));
  rethrowStray();
}

/** Samples (ms per batch) of one case for one round; warms up first when asked. */
async function sample(
  c: Case,
  run: () => unknown,
  timing: Timing,
  minSamples: number,
  warmup: boolean,
): Promise<number[]> {
  const time = timing.time / ROUNDS;
  // A forced collection throws away optimised code, so only the round that warms up starts with
  // one: collecting before every round would measure how fast each library re-optimises.
  if (warmup) gc();
  const bench = new Bench({
    time,
    warmup,
    warmupTime: warmup ? WARMUP_MS : 0,
    warmupIterations: 1,
    iterations: minSamples,
    retainSamples: true,
    throws: true,
  });
  bench.add(label(c), async () => {
    await run();
  });
  const [task] = await within(bench.run(), timing.timeout + time + WARMUP_MS);
  rethrowStray();
  const result = task!.result;
  if (result.state !== 'completed') {
    throw result.state === 'errored' ? result.error : new Error(result.state);
  }
  return [...(result.latency.samples ?? [])];
}

const WARMUP_MS = 150;

function median(sorted: readonly number[]): number {
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/**
 * Measures every case of a workload in this process. Each case is first run once (a probe that
 * catches errors and hangs), then sampled in `ROUNDS` rounds, the order of the cases rotating
 * from round to round, so that a burst of load elsewhere on the machine spreads over all of
 * them. A rate is the median of all samples of a case.
 */
export async function measureWorkload(
  w: Workload,
  timing: Timing,
  log: (line: string) => void,
): Promise<Row[]> {
  guard();
  const samples = new Map<Case, number[]>();
  const outcomes = new Map<Case, Outcome>();
  for (const c of w.cases) {
    if (c.missing !== undefined || c.run === undefined) {
      outcomes.set(c, { status: 'n/a', message: c.missing ?? 'not available' });
      continue;
    }
    try {
      await probe(c.run, timing.timeout);
      samples.set(c, []);
    } catch (error) {
      outcomes.set(c, { status: 'error', message: message(error) });
    }
  }
  const runnable = [...samples.keys()];
  const perRound = Math.ceil((w.minSamples ?? 5) / ROUNDS);
  for (let round = 0; round < ROUNDS; round++) {
    const shift = Math.floor((round * runnable.length) / ROUNDS);
    const order = [...runnable.slice(shift), ...runnable.slice(0, shift)];
    for (const c of order) {
      if (outcomes.has(c)) continue;
      try {
        samples.get(c)!.push(...(await sample(c, c.run!, timing, perRound, round === 0)));
      } catch (error) {
        outcomes.set(c, { status: 'error', message: message(error) });
      }
    }
  }
  const rows: Row[] = [];
  for (const c of w.cases) {
    let outcome = outcomes.get(c);
    if (outcome === undefined) {
      const sorted = samples.get(c)!.sort((a, b) => a - b);
      const mid = median(sorted);
      const mad = median(sorted.map((x) => Math.abs(x - mid)).sort((a, b) => a - b));
      outcome = { status: 'ok', hz: (c.ops * 1000) / mid, spread: (100 * mad) / mid, samples: sorted.length };
    }
    rows.push({ case: c, outcome });
    const shown =
      outcome.status === 'ok'
        ? `${formatRate(outcome.hz)} ${w.unit}/s ±${outcome.spread.toFixed(1)}% (${outcome.samples} samples)`
        : `${outcome.status}: ${outcome.message}`;
    log(`  ${label(c).padEnd(40)} ${shown}`);
  }
  return rows;
}

/** 1234567 → "1.23M". */
export function formatRate(hz: number): string {
  if (hz >= 1e6) return `${(hz / 1e6).toFixed(2)}M`;
  if (hz >= 1e3) return `${(hz / 1e3).toFixed(1)}k`;
  return hz.toFixed(0);
}

/** Sequence 0 … n-1. */
export const range = (n: number): number[] => Array.from({ length: n }, (_, i) => i);

/** A task that does nothing, asynchronously. */
export const trivialTask = (i: number): Promise<number> => Promise.resolve(i);
