// Batches of numbers on a link ride a ring in shared memory (link.ts) where memory can be shared
// with the other thread: Node, and pages served cross-origin isolated (the Chromium of the
// browser specs is not, so there every batch is copied, as the channel suites show). Both sides of
// a link live in this thread here, each on its own port, so every batch can be looked at.
import { afterEach, describe, expect, it } from 'vitest';
import { decode, host, type Msg, type Peer, PUSH, post } from '../../lib/threads/link.js';
// The wire: what crosses, and how.
import '../../lib/threads/wire.js';
import { flush } from '../helpers/async.js';
import { range } from './channel-helpers.js';

const ports: MessagePort[] = [];
afterEach(() => {
  host.ring = true;
  for (const p of ports.splice(0)) p.close();
});

/** One side of a link, as far as posting and reading batches go. */
function side(key: string): Peer {
  return { key, sent: 0, seen: 0, fenced: 0, gone: false, lost: () => 0, sync: () => true, watch: () => {} };
}

/** A link played by hand: what one side posts, the other reads (decoded) batch by batch. */
function link() {
  const { port1, port2 } = new MessageChannel();
  ports.push(port1, port2);
  const writer = side('w');
  const reader = side('r');
  const wire: Msg[][] = [];
  const got: Msg[][] = [];
  port2.onmessage = (e: MessageEvent<Msg[]>) => {
    wire.push(e.data.map((m) => m.filter((x) => !(x instanceof SharedArrayBuffer)) as Msg));
    decode(reader, e.data);
    got.push(e.data);
  };
  return { post: (...batch: Msg[]) => post(writer, port1, batch), wire, got };
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

  it('P6 short batches, batches with anything but numbers, and every batch with the ring switched off are copied', async () => {
    const l = link();
    l.post([PUSH, range(15)]);
    l.post([PUSH, [...range(20), 'x']]);
    l.post([PUSH, [...range(20), 1n]]);
    host.ring = false;
    l.post([PUSH, range(20)]);
    await flush();
    expect(l.wire.map((b) => Array.isArray(b[0]![1]))).toEqual([true, true, true, true]);
    expect(l.got[1]![0]![1]).toEqual([...range(20), 'x']);
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
