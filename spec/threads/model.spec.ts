// A channel with endpoints as if in other threads, against what Go promises of any channel: random
// programs (fast-check) of senders and receivers placed at the channel's home or at one of its
// endpoints, each through a random face, some giving up at random moments, then a close from a
// random side, with or without an error. Whatever the interleaving, every completed send is
// received exactly once and no cancelled one is, the values held anywhere never exceed the
// capacity, every receiver sees the close (and its error) after the values, nothing hangs, and
// each receiver gets one sender's values in the order they were sent (CH1, CH4, CH5, CH6, CH11,
// SE1). Both sides of each link live in this thread, each on its own port, so every batch between
// them takes a real turn.
import fc from 'fast-check';
import type { Subscription } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { Channel } from '../../lib/channel/Channel.js';
import { background, CanceledError, type Context, recv, select, send, withCancel } from '../../lib/index.js';
import type { RemoteChannel } from '../../lib/threads/remote.js';
import { rng } from '../helpers/async.js';
import { heldIn, inOrder } from './channel-helpers.js';
import { endpoint } from './linked.js';

type Side = Channel<number> | RemoteChannel<number>;
type SendFace = 'promise' | 'try' | 'send$' | 'select';
type RecvFace = 'promise' | 'recv$' | 'subscribe' | 'select' | 'try' | 'for await';

interface Program {
  capacity: number;
  endpoints: number;
  senders: { at: number; face: SendFace; count: number; gives: boolean }[];
  receivers: { at: number; face: RecvFace; gives: boolean }[];
  /** Where the close comes from: 0 the home, i the i-th endpoint. */
  closer: number;
  /** The close carries an error, which receivers get after the values. */
  error: boolean;
  seed: number;
}

const place = fc.integer({ min: 0, max: 2 });
const program: fc.Arbitrary<Program> = fc.record({
  capacity: fc.constantFrom(0, 1, 2, 4, 8),
  endpoints: fc.integer({ min: 1, max: 2 }),
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
  error: fc.boolean(),
  seed: fc.integer(),
});

/** One of a real turn, a microtask, or nothing, as `draw` says. */
async function pause(draw: (n: number) => number): Promise<void> {
  const how = draw(4);
  if (how === 0) await new Promise((resolve) => setTimeout(resolve, 0));
  else if (how === 1) await Promise.resolve();
}

/** A context that `draw` cancels at once, after a microtask, after a turn, or never. */
function giveUp(draw: (n: number) => number): [ReturnType<typeof withCancel>[0], () => void] {
  const [ctx, cancel] = withCancel(background());
  const when = draw(4);
  if (when === 0) cancel();
  else if (when === 1) queueMicrotask(cancel);
  else if (when === 2) setTimeout(cancel, 0);
  return [ctx, cancel];
}

/** The message of the error a close carries (it crosses threads as a copy). */
const END = 'the end of the program';
const isEnd = (e: unknown) => e instanceof Error && e.message === END;

const canceled = (e: unknown) => {
  if (e instanceof CanceledError) return false;
  throw e;
};

/**
 * Sends `values` through `face`; resolves with those whose send completed, and those whose fate
 * the sender cannot know: an unbuffered `send$` unsubscribed while its value was on its way to a
 * receiver in another thread may have been taken there (an unsubscription cannot wait for the
 * answer).
 */
async function sender(
  ch: Side,
  face: SendFace,
  values: number[],
  gives: boolean,
  draw: (n: number) => number,
  check: () => void,
  pending: { sends: number; gaveUp: number },
): Promise<{ sent: number[]; maybe: number[] }> {
  const sent: number[] = [];
  const maybe: number[] = [];
  for (const v of values) {
    await pause(draw);
    const [ctx, cancel] = gives ? giveUp(draw) : [undefined, () => {}];
    pending.sends++;
    let ok: boolean;
    if (face === 'promise') ok = await ch.send(v, ctx).then(() => true, canceled);
    else if (face === 'try') ok = ch.trySend(v) || (await ch.send(v, ctx).then(() => true, canceled));
    else if (face === 'select') {
      const cases = { s: send(ch, v), stop: ctx === undefined ? null : recv(ctx.done) };
      ok = (await select(cases)).case === 's';
    } else {
      ok = await new Promise<boolean>((resolve) => {
        let done = false;
        const sub: Subscription = ch.send$(v).subscribe({
          complete: () => {
            done = true;
            resolve(true);
          },
        });
        if (ctx !== undefined)
          void ctx.done.recv().then(() => {
            if (done) return;
            sub.unsubscribe();
            resolve(false);
          });
      });
    }
    cancel();
    if (ok) sent.push(v);
    else {
      pending.gaveUp++;
      if (face === 'send$' && ch.capacity === 0) maybe.push(v);
    }
    check();
    pending.sends--;
  }
  return { sent, maybe };
}

/**
 * Receives through `face` until the channel is closed (or its close's error comes); resolves with
 * every value received.
 */
async function receiver(
  ch: Side,
  face: RecvFace,
  gives: boolean,
  draw: (n: number) => number,
  check: () => void,
  pending: { gaveUp: number },
): Promise<number[]> {
  const got: number[] = [];
  const take = (v: number) => {
    got.push(v);
    check();
  };
  if (face === 'subscribe') {
    // Ranging; one that gives up unsubscribes now and then and subscribes again.
    for (;;) {
      const ended = await new Promise<boolean>((resolve, reject) => {
        let sub: Subscription | undefined;
        let n = gives ? 1 + draw(4) : -1;
        sub = ch.subscribe({
          next: (v) => {
            take(v);
            if (--n === 0) {
              sub?.unsubscribe();
              pending.gaveUp++;
              resolve(false);
            }
          },
          error: (e: unknown) => (isEnd(e) ? resolve(true) : reject(e)),
          complete: () => resolve(true),
        });
        if (n === 0) sub.unsubscribe();
      });
      if (ended) return got;
      await pause(draw);
    }
  }
  if (face === 'for await') {
    // One that gives up leaves the loop now and then, and ranges again.
    for (;;) {
      let left = gives ? 1 + draw(4) : -1;
      let broke = false;
      try {
        for await (const v of ch) {
          take(v);
          if (--left === 0) {
            broke = true;
            pending.gaveUp++;
            break;
          }
        }
      } catch (e) {
        if (isEnd(e)) return got;
        throw e;
      }
      if (!broke) return got;
      await pause(draw);
    }
  }
  for (;;) {
    await pause(draw);
    const [ctx, cancel] = gives ? giveUp(draw) : [undefined, () => {}];
    let r: { value?: number; ok: boolean } | null;
    try {
      r = await receive(ch, face, ctx);
    } catch (e) {
      if (isEnd(e)) return got;
      throw e;
    } finally {
      cancel();
    }
    if (r === null) {
      pending.gaveUp++;
      continue;
    }
    if (!r.ok) return got;
    take(r.value!);
  }
}

/** One receive through `face` (not a ranging one); null when it gave up. */
async function receive(
  ch: Side,
  face: RecvFace,
  ctx: Context | undefined,
): Promise<{ value?: number; ok: boolean } | null> {
  if (face === 'promise')
    return ch.recv(ctx).catch((e: unknown) => {
      canceled(e);
      return null;
    });
  if (face === 'try') {
    const r = ch.tryRecv();
    if (r === undefined) await new Promise((resolve) => setTimeout(resolve, 0));
    return r ?? null;
  }
  if (face === 'select') {
    const s = await select({ r: recv(ch), stop: ctx === undefined ? null : recv(ctx.done) });
    return s.case === 'r' ? { value: s.value as number | undefined, ok: s.ok } : null;
  }
  return new Promise((resolve, reject) => {
    let settled = false;
    const sub = ch.recv$().subscribe({
      next: (value) => {
        settled = true;
        resolve({ value, ok: true });
      },
      error: reject,
      complete: () => {
        if (!settled) resolve({ ok: false });
      },
    });
    if (ctx !== undefined)
      void ctx.done.recv().then(() => {
        if (settled || sub.closed) return;
        sub.unsubscribe();
        resolve(null);
      });
  });
}

/** What became of each of `ps` so far (for the report of a program that hangs). */
function outcomes(ps: Promise<unknown>[]): () => string[] {
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

/** `work`, or a failure (with `state()`) if it has not settled after 5 s: the program hangs. */
async function orHang<T>(work: Promise<T>, state: () => unknown = () => ({})): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const hung = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`the program hangs: ${JSON.stringify(state())}`)), 5000);
  });
  return Promise.race([work, hung]).finally(() => clearTimeout(timer));
}

/** Each list (what one receiver got) holds each sender's values (sender: value ÷ 1000) in order. */
function eachInOrder(lists: number[][], senders: number): void {
  for (const [r, values] of lists.entries())
    for (let s = 0; s < senders; s++) {
      const theirs = values.filter((v) => Math.floor(v / 1000) === s);
      expect(inOrder(theirs), `list ${r} has sender ${s}'s values ${theirs}`).toBe(true);
    }
}

/** Runs `p` and checks what it did. */
async function run(p: Program): Promise<void> {
  const draw = rng(p.seed);
  const ch = new Channel<number>(p.capacity);
  const ends = Array.from({ length: p.endpoints }, () => endpoint(ch));
  const at = (i: number): Side => (i === 0 ? ch : ends[(i - 1) % ends.length]!);
  // Values held anywhere beyond the capacity. Unbuffered, a value on its way to a receiver is its
  // waiting sender's (a rendezvous), or one a select case sent to a receiver set aside for it:
  // at most one per send in progress and one per receiver; such a value whose receiver gave up
  // goes to the next receiver (documented), and a receiver set aside for a send that gave up is
  // held until the other thread says so: one more per give-up.
  let over = 0;
  const pending = { sends: 0, gaveUp: 0 };
  let receivers = p.receivers.length;
  const check = () => {
    const room = p.capacity > 0 ? p.capacity : pending.sends + receivers + pending.gaveUp;
    over = Math.max(over, heldIn(ch as Channel<unknown>) - room);
  };
  // Unbuffered, a poll takes a value only from a sender that is where it polls (a select send case
  // on another thread waits for a receiver set aside for it; a send of the home is sent ahead only
  // to an endpoint that waits): polling alone may never receive, so it is left to buffers.
  const face = (f: RecvFace): RecvFace => (p.capacity === 0 && f === 'try' ? 'promise' : f);
  const receiving = p.receivers.map((r) =>
    receiver(at(r.at), face(r.face), r.gives, draw, check, pending).finally(() => {
      receivers--;
    }),
  );
  const sending = p.senders.map((s, i) =>
    sender(
      at(s.at),
      s.face,
      Array.from({ length: s.count }, (_, k) => i * 1000 + k),
      s.gives,
      draw,
      check,
      pending,
    ),
  );
  const senders = outcomes(sending);
  const taking = outcomes(receiving);
  const all = (async () => {
    const sent = await Promise.all(sending);
    at(p.closer).close(p.error ? new Error(END) : undefined);
    return { sent, got: await Promise.all(receiving) };
  })();
  const { sent, got } = await orHang(all, () => ({
    senders: senders(),
    receivers: taking(),
    held: ch.held,
    buffered: ch.length,
  }));
  // Exactly once: what was received is what was sent, no more (a cancelled send's value) or less.
  const maybe = new Set(sent.flatMap((s) => s.maybe));
  const received = got.flat().sort((a, b) => a - b);
  const completed = sent.flatMap((s) => s.sent).sort((a, b) => a - b);
  const lost = completed.filter((v) => !received.includes(v));
  const extra = received.filter((v) => !maybe.has(v) && !completed.includes(v));
  expect({ lost, extra }, `${ch.length} left in the buffer`).toEqual({ lost: [], extra: [] });
  expect(new Set(received).size).toBe(received.length);
  expect(over).toBeLessThanOrEqual(0);
  expect(heldIn(ch as Channel<unknown>)).toBe(0);
  // Order per sender at each receiver. A receiver at an endpoint that gives up while its value is
  // on its way (a poll that found nothing is one) lets another place take later values first: the
  // one case left out (documented).
  const places = new Set(p.receivers.map((r) => (r.at === 0 ? 0 : 1 + ((r.at - 1) % p.endpoints))));
  const racy = places.size > 1 && p.receivers.some((r) => (r.gives || r.face === 'try') && r.at !== 0);
  if (!racy) eachInOrder(got, p.senders.length);
}

describe('a channel with endpoints against Go’s rules', () => {
  it('CH1 CH4 CH5 CH6 CH11 SE1 random senders and receivers at the home and at endpoints, some giving up: every completed send received once, within capacity, in order, closed (with its error) after the values, nothing hangs', async () => {
    await fc.assert(fc.asyncProperty(program, run), { numRuns: 200, timeout: 10_000 });
  }, 120_000);
});

/** Two channels, each with an endpoint; selects over both, on either side. */
interface Pair {
  capacities: [number, number];
  /** Senders: a select over sending to both channels, at the homes (0) or the endpoints (1). */
  senders: { at: number; count: number; gives: boolean }[];
  /** Receivers: a select over receiving from both, at the homes or the endpoints. */
  receivers: { at: number; gives: boolean }[];
  seed: number;
}

const pair: fc.Arbitrary<Pair> = fc.record({
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
  seed: fc.integer(),
});

/** Runs `p`: each value goes to exactly one of the two channels and is received once. */
async function runPair(p: Pair): Promise<void> {
  const draw = rng(p.seed);
  const chs = p.capacities.map((c) => new Channel<number>(c));
  const ends = chs.map((ch) => endpoint(ch));
  const side = (at: number): [Side, Side] => (at === 0 ? [chs[0]!, chs[1]!] : [ends[0]!, ends[1]!]);
  const sending = p.senders.map(async (s, i) => {
    const [a, b] = side(s.at);
    const sent: number[] = [];
    for (let k = 0; k < s.count; k++) {
      const v = i * 1000 + k;
      await pause(draw);
      const [ctx, cancel] = s.gives ? giveUp(draw) : [undefined, () => {}];
      const r = await select({
        a: send(a, v),
        b: send(b, v),
        stop: ctx === undefined ? null : recv(ctx.done),
      });
      cancel();
      if (r.case !== 'stop') sent.push(v);
    }
    return sent;
  });
  const receiving = p.receivers.map(async (r) => {
    const [a, b] = side(r.at);
    const got: [number[], number[]] = [[], []];
    let open: [Side | null, Side | null] = [a, b];
    while (open[0] !== null || open[1] !== null) {
      await pause(draw);
      const [ctx, cancel] = r.gives ? giveUp(draw) : [undefined, () => {}];
      const s = await select({
        a: open[0] === null ? null : recv(open[0]),
        b: open[1] === null ? null : recv(open[1]),
        stop: ctx === undefined ? null : recv(ctx.done),
      });
      cancel();
      if (s.case === 'stop') continue;
      const i = s.case === 'a' ? 0 : 1;
      if (s.ok) got[i].push(s.value as number);
      else open = i === 0 ? [null, open[1]] : [open[0], null];
    }
    return got;
  });
  const all = (async () => {
    const sent = (await Promise.all(sending)).flat();
    for (const ch of chs) ch.close();
    return { sent, got: await Promise.all(receiving) };
  })();
  const { sent, got } = await orHang(all);
  const received = got.flatMap(([a, b]) => [...a, ...b]).sort((x, y) => x - y);
  expect(received).toEqual(sent.sort((x, y) => x - y));
  // One sender's values, on one channel, reach each receiver in order, but for the documented case
  // (see the single-channel property): a receiver at an endpoint gives up on one channel whenever
  // its select takes from the other, while another place receives.
  const racy = p.receivers.length > 1 && p.receivers.some((r) => r.at === 1);
  for (const ch of chs) expect(heldIn(ch as Channel<unknown>)).toBe(0);
  if (!racy) eachInOrder(got.flat(), p.senders.length);
}

describe('select over two channels with endpoints', () => {
  it('SE1 SE3 CH4 selects sending to either of two channels and receiving from both, at the homes and at the endpoints, some giving up: each value goes to one channel and is received once, in order', async () => {
    await fc.assert(fc.asyncProperty(pair, runPair), { numRuns: 150, timeout: 10_000 });
  }, 120_000);
});
