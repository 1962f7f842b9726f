// An endpoint the program lets go (its `RemoteChannel` is collected) leaves its channel, which
// stays open: Go collects a channel nobody holds, closed or not, so a reply channel that crossed
// and was never closed must not keep its link, its port pair, or the room lent to it. Both sides
// live in this thread (as in window.spec.ts): one is real, the other real too or played on the far
// port, so that every message is seen.
import { afterEach, describe, expect, it } from 'vitest';
import { Channel } from '../../lib/channel/Channel.js';
import { cross } from '../../lib/threads/home.js';
import { CREDIT, host, LEAVE, type Msg, PUSH, TAKE, VALS, WANT } from '../../lib/threads/link.js';
import { RemoteChannel } from '../../lib/threads/remote.js';
import { eventually } from './channel-helpers.js';
import { endpoint } from './linked.js';
// The wire, as a pool or a served thread has it: values are encoded as they cross.
import '../../lib/threads/wire.js';
import { collector, flush } from '../helpers/async.js';

const gc = collector();

/** Whether `done()` holds within 2 s, garbage collected in between (finalizers run in tasks of their own). */
const collecting = (done: () => boolean) =>
  eventually(
    done,
    async () => {
      gc();
      await new Promise((resolve) => setTimeout(resolve, 5));
    },
    2000,
  );

/** The far side of a link: what it receives, batch by batch, and a way to answer. */
function farSide(port: MessagePort) {
  const batches: Msg[][] = [];
  port.onmessage = (e: MessageEvent<Msg[]>) => batches.push(e.data);
  return { batches, post: (...batch: Msg[]) => port.postMessage(batch) };
}

const ports: MessagePort[] = [];
afterEach(() => {
  for (const p of ports.splice(0)) p.close();
});

/** What a receiving endpoint's first report adds where memory is shared: the count of its takes. */
const takes = host.shared ? [expect.any(Int32Array)] : [];

const plain = (ch: Channel<number>) => (ch as Channel<unknown>).crossing === null;

describe('an endpoint the program lets go leaves its channel', () => {
  it('G7 a receive parked on it keeps it; once that took its value, its take is reported, then LEAVE, and nothing is said after (what reaches it then is the home’s)', async () => {
    const { port1, port2 } = new MessageChannel();
    ports.push(port1, port2);
    const home = farSide(port1);
    let collected = false;
    const faces = new FinalizationRegistry<number>(() => {
      collected = true;
    });
    // Only the receive holds the face, in a frame of its own.
    const got = (() => {
      const ep = new RemoteChannel<number>({ gorx: 'chan', c: 8, p: port2, k: 'k', h: 'h', i: 0 });
      faces.register(ep, 0);
      return ep.recv();
    })();
    expect(await collecting(() => collected)).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(home.batches).toEqual([[[TAKE, 0, 8, 1, ...takes]]]);
    home.post([PUSH, [0, 1]]);
    expect(await got).toEqual({ value: 0, ok: true });
    await flush();
    // 1 is left there untaken: the home takes it back with the rest.
    expect(home.batches.slice(1)).toEqual([[[TAKE, 1, 1, 0], [LEAVE]]]);
    home.post([PUSH, [2]], [CREDIT, 2, 0]);
    await flush();
    await flush();
    expect(home.batches).toHaveLength(2);
  });

  for (const capacity of [1, 4]) {
    it(`G7 capacity ${capacity}: its channel is a plain one again, with the values it prefetched back at the head, in order, and the room of its credits`, async () => {
      const ch = new Channel<number>(capacity);
      for (let i = 0; i < capacity; i++) ch.trySend(i);
      const room = new Channel<number>(capacity);
      await (async () => {
        // One value received there; the rest of the window was pushed after it.
        expect((await endpoint(ch).recv()).value).toBe(0);
        // One value sent there under credits for the whole buffer.
        await endpoint(room).send(9);
      })();
      await flush();
      expect(plain(ch) || plain(room)).toBe(false);
      expect(await collecting(() => plain(ch) && plain(room))).toBe(true);
      const rest: number[] = [];
      for (let r = ch.tryRecv(); r?.ok; r = ch.tryRecv()) rest.push(r.value!);
      expect(rest).toEqual([...Array(capacity).keys()].slice(1));
      expect(room.length).toBe(1);
      for (let i = 1; i < capacity; i++) expect(room.trySend(i)).toBe(true);
      expect(room.trySend(-1)).toBe(false);
      expect((await room.recv()).value).toBe(9);
    });
  }

  it('G7 values on their way to it when it leaves come back too, before later ones', async () => {
    for (let round = 0; round < 20; round++) {
      const ch = new Channel<number>(4);
      for (let i = 0; i < 4; i++) ch.trySend(i);
      // It asks for a window and is let go in the same turn: the home pushes while it leaves.
      (() => endpoint(ch).tryRecv())();
      if (round % 2 === 1) await flush();
      expect(await collecting(() => plain(ch))).toBe(true);
      expect(ch.trySend(4)).toBe(false);
      const got: number[] = [];
      for (let r = ch.tryRecv(); r?.ok; r = ch.tryRecv()) got.push(r.value!);
      expect(got).toEqual([0, 1, 2, 3]);
    }
  });

  for (const capacity of [0, 2]) {
    it(`G7 capacity ${capacity}: an operation parked on it keeps it; the receive completes, and it leaves after`, async () => {
      const ch = new Channel<number>(capacity);
      const got = (() => endpoint(ch).recv())();
      gc();
      await flush();
      await flush();
      expect(plain(ch)).toBe(false);
      await ch.send(5);
      expect(await got).toEqual({ value: 5, ok: true });
      expect(await collecting(() => plain(ch))).toBe(true);
      // Open and usable here.
      expect(ch.closed).toBe(false);
      const later = ch.recv();
      await ch.send(6);
      expect((await later).value).toBe(6);
    });
  }

  it('G7 the home takes back exactly what it lent: values pushed after the last report come back before the rest of the buffer, and unused credits free their room', async () => {
    const ch = new Channel<number>(4);
    for (let i = 0; i < 4; i++) ch.trySend(i);
    const { token } = cross(ch as Channel<unknown>, []);
    ports.push(token.p);
    const ep = farSide(token.p);
    ep.post([TAKE, 0, 4, 1]);
    await flush();
    expect(ep.batches.flat()).toContainEqual([PUSH, [0, 1, 2, 3]]);
    // 0 was taken there; 1, 2 and 3 are left there untaken.
    ep.post([TAKE, 1, 0, 0], [LEAVE]);
    await flush();
    expect(plain(ch)).toBe(true);
    expect(ch.trySend(4)).toBe(true);
    expect(ch.trySend(5)).toBe(false);
    const got: number[] = [];
    for (let r = ch.tryRecv(); r?.ok; r = ch.tryRecv()) got.push(r.value!);
    expect(got).toEqual([1, 2, 3, 4]);

    const room = new Channel<number>(4);
    const sender = farSide(cross(room as Channel<unknown>, []).token.p);
    sender.post([WANT, 1]);
    await flush();
    expect(sender.batches.flat()).toContainEqual([CREDIT, 4, 0]);
    sender.post([VALS, [7]], [LEAVE]);
    await flush();
    expect(plain(room)).toBe(true);
    expect(room.length).toBe(1);
    for (let i = 0; i < 3; i++) expect(room.trySend(i)).toBe(true);
    expect(room.trySend(-1)).toBe(false);
  });
});
