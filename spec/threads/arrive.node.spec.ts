// Order between links, on links played by hand (link.ts `arrive`): batches numbered by the thread
// that posted them, spread over several ports, arrive port by port in any order the host picks;
// each is handled only after every batch numbered before it: read from its port first where ports
// can be read synchronously (Node), else waited for (browsers), for a while.
import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  arrive,
  drain,
  host,
  LEAVE,
  type Msg,
  type Peer,
  post,
  Registry,
  TAKE,
  VALS,
} from '../../lib/threads/link.js';
import { fakePeer, heard, linked } from './linked.js';

/**
 * A side of a link whose port holds `queue` (batches ending with their number), listed in `r`;
 * `nested` runs as it handles a batch (the code a batch wakes may read a port: a gate's sync).
 */
function side(key: string, r: Registry, queue: Msg[][], handled: number[], nested = () => {}): Peer {
  const p = fakePeer(key, {
    registry: r,
    read: () => (host.now === undefined ? undefined : queue.shift()),
    handle: (batch) => {
      handled.push(batch[0]![1] as number);
      nested();
    },
  });
  r.set(key, p);
  return p;
}

/** A batch of one message that carries `n`, numbered `n`. */
const batch = (n: number): Msg[] => [[0, n]] as unknown as Msg[];
const numbered = (b: Msg[]): Msg[] => [...b, n(b)] as Msg[];
const n = (b: Msg[]): number => b[0]![1] as number;

/**
 * Batches 1 … n on up to 5 links, delivered port by port in an order the host picks, while handling
 * a batch now and then drains a port: each is handled once, in the order posted.
 */
function deliveredInOrder(): void {
  fc.assert(
    fc.property(
      fc.integer({ min: 1, max: 5 }),
      fc.array(fc.nat(), { minLength: 1, maxLength: 40 }),
      fc.array(fc.nat(), { maxLength: 80 }),
      fc.array(fc.integer({ min: -1, max: 4 }), { maxLength: 40 }),
      (links, owners, picks, syncs) => {
        const r = new Registry();
        const handled: number[] = [];
        const queues: Msg[][][] = Array.from({ length: links }, () => []);
        for (const [i, o] of owners.entries()) queues[o % links]!.push(numbered(batch(i + 1)));
        // Now and then, handling a batch drains a link's port (-1: none).
        let s = 0;
        const nested = () => {
          const k = syncs[s++ % Math.max(1, syncs.length)] ?? -1;
          if (k >= 0 && k < links) drain(sides[k]!);
        };
        const sides: Peer[] = queues.map((q, i) => side(`k${i}`, r, q, handled, nested));
        // The host picks a port with something left and delivers its next batch as an event.
        let pick = 0;
        for (;;) {
          const open = queues.map((q, i) => [q, i] as const).filter(([q]) => q.length > 0);
          if (open.length === 0) break;
          const [q, i] = open[(picks[pick++] ?? 0) % open.length]!;
          arrive(sides[i]!, q.shift());
        }
        // What is still read ahead is handled by the ports' next events or syncs.
        for (const s of sides) arrive(s);
        expect(handled).toEqual(owners.map((_, i) => i + 1));
      },
    ),
    { numRuns: 3000 },
  );
}

/** Two links listed with one thread, as a browser has them (ports not read), on fake timers. */
function unreadable(): { handled: number[]; a: Peer; b: Peer } {
  host.now = undefined;
  vi.useFakeTimers();
  const r = new Registry();
  const handled: number[] = [];
  return { handled, a: side('a', r, [], handled), b: side('b', r, [], handled) };
}

const now = host.now;
afterEach(() => {
  host.now = now;
  vi.useRealTimers();
});

describe('arrive: batches of several links, in the order they were posted', () => {
  it('MM1 a batch that overtook earlier ones on other ports is handled after them; those read past it wait their turn', () => {
    const r = new Registry();
    const handled: number[] = [];
    const queues = [
      [1, 4],
      [2, 5],
      [3, 6],
    ].map((ns) => ns.map((k) => numbered(batch(k))));
    const [a, b, c] = queues.map((q, i) => side(`k${i}`, r, q, handled)) as [Peer, Peer, Peer];
    // The host delivers c's first batch first.
    arrive(c, queues[2]!.shift());
    expect(handled).toEqual([1, 2, 3, 4, 5]);
    arrive(c, queues[2]!.shift());
    expect(handled).toEqual([1, 2, 3, 4, 5, 6]);
    expect([a.ahead, b.ahead, c.ahead]).toEqual([undefined, undefined, undefined]);
  });

  it('MM1 in whatever order the host delivers the ports, and whatever the handling reads meanwhile, every batch is handled once, in the order posted', () => {
    deliveredInOrder();
  });

  it('MM1 where ports cannot be read (browsers), a batch waits for the earlier ones to arrive: the same order', () => {
    host.now = undefined;
    deliveredInOrder();
  });

  it('MM1 where ports cannot be read, a batch whose predecessor never comes is handled after 50 ms and the messages that came meanwhile, and the latecomer too', () => {
    const { handled, a, b } = unreadable();
    arrive(b, numbered(batch(2)));
    vi.advanceTimersByTime(50);
    expect(handled).toEqual([]);
    // Then the messages that came meanwhile are handled first (a late timer runs before them).
    vi.runOnlyPendingTimers();
    expect(handled).toEqual([2]);
    arrive(a, numbered(batch(1)));
    arrive(a, numbered(batch(3)));
    expect(handled).toEqual([2, 1, 3]);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('MM1 where ports cannot be read, the wait starts over whenever an earlier batch comes', () => {
    const { handled, a, b } = unreadable();
    arrive(b, numbered(batch(3)));
    vi.advanceTimersByTime(40);
    arrive(a, numbered(batch(1)));
    expect(handled).toEqual([1]);
    vi.advanceTimersByTime(20);
    vi.runOnlyPendingTimers();
    // 20 ms since batch 1 came: batch 3 still waits for batch 2.
    expect(handled).toEqual([1]);
    vi.advanceTimersByTime(30);
    vi.runOnlyPendingTimers();
    expect(handled).toEqual([1, 3]);
  });

  it("MM1 a batch is numbered on a listed link, but not an endpoint's LEAVE (its home may have let the link go: a number lost there would hold later batches back)", async () => {
    const { port1, port2 } = new MessageChannel();
    const r = new Registry();
    const link = fakePeer('k', { registry: r });
    const got: unknown[][] = [];
    port2.onmessage = (e: MessageEvent<unknown[]>) => got.push(e.data);
    post(link, port1, [[VALS, [1]]]);
    post(link, port1, [[TAKE, 1, 0, 0], [LEAVE]]);
    while (got.length < 2) await new Promise((resolve) => setTimeout(resolve, 1));
    port1.close();
    expect(got).toEqual([
      [[VALS, [1]], 1],
      [[TAKE, 1, 0, 0], [LEAVE]],
    ]);
    expect(r.out).toBe(1);
  });

  it('MM1 an endpoint whose channel is closed and drained says its last word without a number (its home lets the link go, and a number lost there would hold later batches back)', async () => {
    const { ch, ep } = linked(4);
    const r = new Registry();
    ep.link.registry = r;
    r.set(ep.link.key, ep.link);
    // A receiver waits there (the home hears so), then the channel is closed: the receive ends,
    // and the endpoint, whose link is over, says that none waits any more.
    const got = ep.recv();
    await heard();
    const { out, sent } = { out: r.out, sent: ep.link.sent };
    ch.close();
    expect(await got).toEqual({ value: undefined, ok: false });
    expect(ep.link.gone).toBe(true);
    await heard();
    expect(ep.link.sent).toBe(sent + 1);
    expect(r.out).toBe(out);
  });

  it('MM1 a batch without a number whose last message is a single number is not taken for a numbered one', () => {
    const { handled, a, b } = unreadable();
    arrive(b, numbered(batch(3)));
    // [kind, n] then a message of one number, as a SHUT: no number of its own.
    arrive(a, [[0, 9], [2]] as unknown as Msg[]);
    expect(handled).toEqual([9]);
    arrive(a, numbered(batch(1)));
    arrive(a, numbered(batch(2)));
    expect(handled).toEqual([9, 1, 2, 3]);
  });

  it('MM1 a batch without a number (posted before its link was listed) is handled as it comes', () => {
    const r = new Registry();
    const handled: number[] = [];
    const p = side('k', r, [], handled);
    arrive(p, batch(7));
    expect(handled).toEqual([7]);
    expect(r.in).toBe(0);
  });
});
