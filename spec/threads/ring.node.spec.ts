// Batches of numbers on a link ride a ring in shared memory (link.ts) where memory can be shared
// with the other thread: Node, and pages served cross-origin isolated (the Chromium of the
// browser specs is not, so there every batch is copied, as the channel suites show). Both sides of
// a link live in this thread here, each on its own port, so every batch can be looked at.
import { afterEach, describe, expect, it } from 'vitest';
import { decode, host, log, logged, type Msg, PUSH, post, reader, unposted } from '../../lib/threads/link.js';
// The wire: what crosses, and how.
import '../../lib/threads/wire.js';
import { flush } from '../helpers/async.js';
import { range } from './channel-helpers.js';
import { fakePeer } from './linked.js';

const ports: MessagePort[] = [];
afterEach(() => {
  host.ring = true;
  for (const p of ports.splice(0)) p.close();
});

/** A link played by hand: what one side posts, the other reads (decoded) batch by batch. */
function link() {
  const { port1, port2 } = new MessageChannel();
  ports.push(port1, port2);
  const writer = fakePeer('w');
  const far = fakePeer('r');
  const wire: Msg[][] = [];
  const got: Msg[][] = [];
  port2.onmessage = (e: MessageEvent<Msg[]>) => {
    wire.push(e.data.map((m) => m.filter((x) => !(x instanceof SharedArrayBuffer)) as Msg));
    decode(far, e.data);
    got.push(e.data);
  };
  // The batches as handed to the port (before the host clones them).
  const handed: Msg[][] = [];
  const postMessage = port1.postMessage.bind(port1);
  port1.postMessage = ((m: Msg[], t: Transferable[]) => {
    handed.push(m);
    postMessage(m, t);
  }) as typeof port1.postMessage;
  return { post: (...batch: Msg[]) => post(writer, port1, batch), writer, far, wire, got, handed };
}

describe('numbers on a link ride a shared ring', () => {
  it('P6 a batch of numbers goes as its count, the ring with the first, and arrives whole: in order, -0 and NaN too, across wrap-arounds', async () => {
    const l = link();
    const sent: number[][] = [];
    for (let round = 0; round < 12; round++) {
      const vs = [...range(40, round * 40), -0, Number.NaN, 0.5, -1e300];
      sent.push(vs);
      expect(l.post([PUSH, vs])).toBeUndefined();
      await flush(1);
    }
    await flush();
    // On the wire: the count alone (64 slots the first ring, so it wraps every few batches).
    expect(l.wire.map((b) => b[0])).toEqual(sent.map((vs) => [PUSH, vs.length]));
    expect(l.got.map((b) => b[0]![1])).toEqual(sent);
    expect(Object.is(l.got[0]![0]![1][40], -0)).toBe(true);
  });

  it('P6 a batch that would overwrite what the other side has not read is copied; later ones ride the ring again', async () => {
    const l = link();
    // Nothing read yet: the ring (64 slots for a first batch of 20) fills, then batches are copied.
    for (let i = 0; i < 5; i++) l.post([PUSH, range(20, i * 20)]);
    await flush();
    expect(l.wire.map((b) => typeof b[0]![1])).toEqual(['number', 'number', 'number', 'object', 'object']);
    l.post([PUSH, range(20, 100)]);
    await flush();
    expect(l.wire[5]).toEqual([[PUSH, 20]]);
    expect(l.got.flatMap((b) => b[0]![1])).toEqual(range(120));
  });

  it('P6 a larger batch brings a larger ring', async () => {
    const l = link();
    l.post([PUSH, range(20)]);
    l.post([PUSH, range(1000, 20)]);
    l.post([PUSH, range(30, 1020)]);
    await flush();
    expect(l.wire.map((b) => b[0])).toEqual([
      [PUSH, 20],
      [PUSH, 1000],
      [PUSH, 30],
    ]);
    expect(l.got.flatMap((b) => b[0]![1])).toEqual(range(1050));
  });

  it('P6 short batches and batches with anything but numbers are copied; with the ring switched off, numbers go in a moved buffer and arrive as an array, -0 and NaN too', async () => {
    const l = link();
    l.post([PUSH, range(15)]);
    l.post([PUSH, [...range(20), 'x']]);
    l.post([PUSH, [...range(20), 1n]]);
    host.ring = false;
    const numbers = [...range(18), -0, Number.NaN];
    l.post([PUSH, numbers]);
    await flush();
    expect(l.wire.map((b) => Array.isArray(b[0]![1]))).toEqual([true, true, true, false]);
    expect(l.wire[3]![0]![1]).toBeInstanceOf(Float64Array);
    expect(l.got[1]![0]![1]).toEqual([...range(20), 'x']);
    const got = l.got[3]![0]![1] as number[];
    expect(Array.isArray(got)).toBe(true);
    expect(got).toEqual(numbers);
    expect(Object.is(got[18], -0)).toBe(true);
    // The kept batch stays as it was; the buffer was the message's own.
    expect(numbers).toHaveLength(20);
  });

  it('P6 once a ring is there, a batch whose last value is not a number is copied, and the ring is left as it was', async () => {
    const l = link();
    l.post([PUSH, range(20)]);
    l.post([PUSH, [...range(20, 20), 'x']]);
    l.post([PUSH, range(20, 40)]);
    await flush();
    expect(l.wire.map((b) => typeof b[0]![1])).toEqual(['number', 'object', 'number']);
    expect(l.got.flatMap((b) => b[0]![1])).toEqual([...range(40), 'x', ...range(20, 40)]);
  });

  it('P6 a batch made at its length rides the ring; without room there, its numbers go in a moved buffer, whatever its length, and with anything else in it it is copied; the batch kept is left as it was', async () => {
    const l = link();
    const made = (from: number, last?: unknown) => {
      // Made at its length, as the home makes a long batch once numbers rode the ring.
      const vs: unknown[] = [];
      vs.length = 20;
      for (let i = 0; i < 20; i++) vs[i] = from + i;
      if (last !== undefined) vs[19] = last;
      return vs;
    };
    // Nothing read yet: the ring (64 slots for a first batch of 20) holds three; then no room.
    const batches = [made(0), made(20), made(40), made(60), made(80, 'x')];
    for (const vs of batches) l.post([PUSH, vs]);
    await flush();
    expect(l.wire.map((b) => typeof b[0]![1])).toEqual(['number', 'number', 'number', 'object', 'object']);
    expect(l.handed[3]![0]![1]).toBeInstanceOf(Float64Array);
    expect(l.got.flatMap((b) => b[0]![1])).toEqual([...range(99), 'x']);
    expect(batches[3]).toEqual(range(20, 60));
    // Longer than any ring.
    host.ring = false;
    l.post([PUSH, range(70_000)]);
    await flush();
    expect(l.wire[5]![0]![1]).toBeInstanceOf(Float64Array);
    expect(l.got[5]![0]![1]).toEqual(range(70_000));
  });

  it('P6 a batch that cannot be cloned takes back what it wrote to the ring: what follows still arrives whole', async () => {
    const l = link();
    // Posted message by message instead (link.ts): each value alone, copied; the function is dropped.
    // Before the link has a ring, and once it has one.
    expect(l.post([PUSH, range(20)], [PUSH, [() => 1]])?.values).toHaveLength(1);
    l.post([PUSH, range(20, 20)]);
    expect(l.post([PUSH, range(20, 40)], [PUSH, [() => 1]])?.values).toHaveLength(1);
    l.post([PUSH, range(20, 60)]);
    await flush();
    expect(l.got.flatMap((b) => b.flatMap((m) => m[1] as number[]))).toEqual(range(80));
    expect(l.wire.filter((b) => typeof b[0]![1] === 'number')).toEqual([[[PUSH, 20]], [[PUSH, 20]]]);
  });
});

describe("a buffered channel's sending endpoint logs its sends in shared memory", () => {
  /** A link whose writer has a log of `capacity`, which the other side has (as from a WANT). */
  function logging(capacity: number) {
    const l = link();
    const b = log(l.writer, capacity);
    expect(b).toBeInstanceOf(SharedArrayBuffer);
    reader(l.far, b!);
    return l;
  }

  it('R1 each number is written as its send completes and goes as a count, whatever the batch size; other values are copied between, in order', async () => {
    const l = logging(64);
    const w = l.writer.w!;
    const batch: Msg[] = [];
    for (const v of [1, 2, 'x', -0, { n: 3 }, Number.NaN, 4]) {
      if (logged(w, v)) {
        const last = batch.at(-1);
        if (last !== undefined && typeof last[1] === 'number') last[1]++;
        else batch.push([PUSH, 1]);
      } else batch.push([PUSH, [v]]);
    }
    expect(batch).toEqual([
      [PUSH, 2],
      [PUSH, ['x']],
      [PUSH, 1],
      [PUSH, [{ n: 3 }]],
      [PUSH, 2],
    ]);
    expect(l.post(...batch)).toBeUndefined();
    await flush();
    expect(l.got[0]!.flatMap((m) => m[1] as unknown[])).toEqual([1, 2, 'x', -0, { n: 3 }, Number.NaN, 4]);
    expect(Object.is(l.got[0]![2]![1][0], -0)).toBe(true);
    // A log is written as sends complete, never by a batch that is posted (its numbers go in a
    // moved buffer).
    l.post([PUSH, range(20)]);
    await flush();
    expect(l.wire[1]![0]![1]).toBeInstanceOf(Float64Array);
    expect(l.got[1]).toEqual([[PUSH, range(20)]]);
  });

  it('R1 what was written and not posted is read back from the log, with the count of sends that completed', async () => {
    const l = logging(16);
    const w = l.writer.w!;
    // 40 numbers through a 16-slot ring, posted 8 at a time: the reader keeps up, so it never fills.
    let sent = 0;
    for (let i = 0; i < 5; i++) {
      for (let j = 0; j < 8; j++) expect(logged(w, sent++)).toBe(true);
      l.post([PUSH, 8]);
      await flush();
    }
    expect(l.got.flatMap((b) => b[0]![1] as number[])).toEqual(range(40));
    // Then 5 numbers and a string complete and the sender dies before it posts them.
    for (const v of [40, 41, 'x', 42, 43, 44]) logged(w, v);
    expect(unposted(l.far.r!)).toEqual({ values: [40, 41, 42, 43, 44], sent: 46 });
  });

  it('R1 a channel too large for a ring, or with rings switched off, logs only how many sends completed', async () => {
    for (const capacity of [1 << 17, 64]) {
      host.ring = capacity === 64 ? false : host.ring;
      const l = logging(capacity);
      const w = l.writer.w!;
      expect(w.slots.length).toBe(0);
      expect(logged(w, 1)).toBe(false);
      expect(logged(w, 2)).toBe(false);
      expect(unposted(l.far.r!)).toEqual({ values: [], sent: 2 });
    }
  });
});
