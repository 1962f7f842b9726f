// The programs of the channel property tests and what is checked of each run (the main thread's
// side: model.spec.ts, and the channel suite's version in threads). A program's senders and
// receivers each sit at a place: 0 is the channel's own thread, any other an endpoint of it.
import fc from 'fast-check';
import { expect } from 'vitest';
import { inOrder } from './channel-helpers.js';
import { pause, type RecvFace, type SendFace, type Value } from './model-actors.js';

export interface Program {
  capacity: number;
  /** Endpoints the places share (the single-thread test); a thread's test gives each its own. */
  endpoints: number;
  /** The single-thread test: endpoint i crossed on once more (a new link of its own, JOIN). */
  recross: boolean[];
  senders: { at: number; face: SendFace; count: number; gives: boolean }[];
  receivers: { at: number; face: RecvFace; gives: boolean }[];
  /** Where the close comes from. */
  closer: number;
  /**
   * When: after this many pauses (a turn, a microtask or none each), while the senders send, so
   * that sends race with it; null: once every send has settled.
   */
  closeAfter: number | null;
  /** The close carries an error, which receivers get after the values. */
  error: boolean;
  /** Every third value of each sender goes as an object (see `Value`). */
  boxed: boolean;
  seed: number;
}

const place = fc.integer({ min: 0, max: 2 });
const closeAfter = fc.oneof(fc.constant(null), fc.integer({ min: 0, max: 40 }));

/** Programs of up to 3 senders (up to 12 values each) and 3 receivers. */
export const program: fc.Arbitrary<Program> = fc.record({
  capacity: fc.constantFrom(0, 1, 2, 4, 8),
  endpoints: fc.integer({ min: 1, max: 2 }),
  recross: fc.array(fc.boolean(), { minLength: 2, maxLength: 2 }),
  senders: fc.array(
    fc.record({
      at: place,
      face: fc.constantFrom<SendFace>('promise', 'try', 'send$', 'select'),
      count: fc.integer({ min: 0, max: 12 }),
      gives: fc.boolean(),
    }),
    { minLength: 1, maxLength: 3 },
  ),
  receivers: fc.array(
    fc.record({
      at: place,
      face: fc.constantFrom<RecvFace>('promise', 'recv$', 'subscribe', 'select', 'try', 'for await'),
      gives: fc.boolean(),
    }),
    { minLength: 1, maxLength: 3 },
  ),
  closer: place,
  closeAfter,
  error: fc.boolean(),
  boxed: fc.boolean(),
  seed: fc.integer(),
});

/**
 * Unbuffered, a poll takes a value only from a sender that is where it polls (a select send case
 * on another thread waits for a receiver set aside for it; a send of the home is sent ahead only to
 * an endpoint that waits): polling alone may never receive, so it is left to buffers.
 */
export const faceOf = (p: Program, f: RecvFace): RecvFace =>
  p.capacity === 0 && f === 'try' ? 'promise' : f;

/** The values of sender `i` (i × 1000 + k: the sender can be read back from a value). */
export const valuesOf = (p: Program, i: number): Value[] =>
  Array.from({ length: p.senders[i]!.count }, (_, k) =>
    p.boxed && k % 3 === 1 ? { n: i * 1000 + k } : i * 1000 + k,
  );

/** Two channels, each with an endpoint (or a task in a thread); selects over both, on either side. */
export interface Pair {
  capacities: [number, number];
  /** Senders: a select over sending to both channels, at the homes (0) or the endpoints (1). */
  senders: { at: number; count: number; gives: boolean }[];
  /** Receivers: a select over receiving from both, at the homes or the endpoints. */
  receivers: { at: number; gives: boolean }[];
  /** When the homes close both channels (see `Program`). */
  closeAfter: number | null;
  seed: number;
}

export const pair: fc.Arbitrary<Pair> = fc.record({
  capacities: fc.tuple(fc.constantFrom(0, 1, 4), fc.constantFrom(0, 1, 4)),
  senders: fc.array(
    fc.record({
      at: fc.integer({ min: 0, max: 1 }),
      count: fc.integer({ min: 0, max: 10 }),
      gives: fc.boolean(),
    }),
    { minLength: 1, maxLength: 2 },
  ),
  receivers: fc.array(fc.record({ at: fc.integer({ min: 0, max: 1 }), gives: fc.boolean() }), {
    minLength: 1,
    maxLength: 2,
  }),
  closeAfter,
  seed: fc.integer(),
});

/**
 * The close of a program (`close`): at once after `after` pauses, racing with the sends, or, when
 * `after` is null, when the function returned is called (once the sends settled). That function
 * resolves once the close is done either way.
 */
export function closing(
  after: number | null,
  draw: (n: number) => number,
  close: () => unknown,
): () => Promise<unknown> {
  if (after === null) return async () => close();
  const early = (async () => {
    for (let k = 0; k < after; k++) await pause(draw);
    await close();
  })();
  return () => early;
}

/** What became of each of `ps` so far (for the report of a program that hangs). */
export function outcomes(ps: Promise<unknown>[]): () => string[] {
  const seen = ps.map(() => 'pending');
  for (const [i, q] of ps.entries()) {
    q.then(
      (v) => {
        seen[i] = `done ${JSON.stringify(v)}`;
      },
      (e: unknown) => {
        seen[i] = `failed ${String(e)}`;
      },
    );
  }
  return () => seen;
}

/** `work`, or a failure (with `state()`) if it has not settled after `ms`: the program hangs. */
export async function orHang<T>(work: Promise<T>, state: () => unknown = () => ({}), ms = 5000): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const hung = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`the program hangs: ${JSON.stringify(state())}`)), ms);
  });
  return Promise.race([work, hung]).finally(() => clearTimeout(timer));
}

/** Each list (what one receiver got) holds each sender's values (sender: value ÷ 1000) in order. */
export function eachInOrder(lists: number[][], senders: number): void {
  for (const [r, values] of lists.entries())
    for (let s = 0; s < senders; s++) {
      const theirs = values.filter((v) => Math.floor(v / 1000) === s);
      expect(inOrder(theirs), `list ${r} has sender ${s}'s values ${theirs}`).toBe(true);
    }
}

/**
 * Checks a run of `p`: every completed send received exactly once (an unsubscribed unbuffered
 * `send$` may or may not have been), and, unless a receiver on an endpoint gave up (or polled)
 * while another place received (the documented case), each receiver got each sender's values in
 * order. `placeOf` names the place (the endpoint) of receiver `i`.
 */
export function judge(
  p: Program,
  sent: { sent: number[]; maybe: number[] }[],
  got: number[][],
  placeOf: (i: number) => number,
): void {
  const maybe = new Set(sent.flatMap((s) => s.maybe));
  const received = got.flat().sort((a, b) => a - b);
  const completed = sent.flatMap((s) => s.sent).sort((a, b) => a - b);
  const lost = completed.filter((v) => !received.includes(v));
  const extra = received.filter((v) => !maybe.has(v) && !completed.includes(v));
  expect({ lost, extra }).toEqual({ lost: [], extra: [] });
  expect(new Set(received).size).toBe(received.length);
  const places = new Set(p.receivers.map((_, i) => placeOf(i)));
  const racy =
    places.size > 1 && p.receivers.some((r, i) => (r.gives || r.face === 'try') && placeOf(i) !== 0);
  if (!racy) eachInOrder(got, p.senders.length);
}
