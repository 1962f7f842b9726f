// The credit window of a cross-thread channel, message by message: one side is the real home or
// endpoint, the other is played here on the far port of its link, so every message it posts is
// seen as it was posted (one batch per postMessage). No worker: both ports live in this thread.
import { afterEach, describe, expect, it } from 'vitest';
import { Channel } from '../../lib/channel/Channel.js';
import { cross } from '../../lib/threads/home.js';
import { BACK, BACKED, host, type Msg, NEED, PUSH, SHARE, TAKE } from '../../lib/threads/link.js';
import { RemoteChannel } from '../../lib/threads/remote.js';
// The wire, as a pool or a served thread has it: values are encoded as they cross.
import '../../lib/threads/wire.js';
import { flush } from '../helpers/async.js';

/** The far side of a link: what it receives, batch by batch, and a way to answer. */
function farSide(port: MessagePort) {
  const batches: Msg[][] = [];
  port.onmessage = (e: MessageEvent<Msg[]>) => batches.push(e.data);
  return { batches, post: (...batch: Msg[]) => port.postMessage(batch) };
}

/** What a receiving endpoint's first report adds where memory is shared: the count of its takes. */
const takes = host.shared ? [expect.any(Int32Array)] : [];

const ports: MessagePort[] = [];
afterEach(() => {
  for (const p of ports.splice(0)) p.close();
});

describe('the credit window across threads', () => {
  it('P1 a receiving endpoint reports each share of its window taken at once (a half; a quarter on Node: `host.early`)', async () => {
    const { port1, port2 } = new MessageChannel();
    ports.push(port1, port2);
    const home = farSide(port1);
    const ep = new RemoteChannel<number>({ gorx: 'chan', c: 8, p: port2, k: 'k', h: 'h', i: 0 });
    const got: number[] = [];
    const sub = ep.subscribe((v) => got.push(v));
    await flush();
    // The ranging receiver found nothing: it asks for the whole window, and says it waits (where
    // memory is shared, the count of its takes comes with this first report).
    expect(home.batches).toEqual([[[TAKE, 0, 8, 1, ...takes]]]);
    home.post([PUSH, [0, 1, 2, 3, 4, 5, 6, 7]]);
    await flush();
    // Each share leaves as its own batch while the values are taken, in the same turn; the
    // receiver still waits, which the home knows already: nothing more is said.
    expect(got).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    const share = 8 >> host.early;
    const reports = Array(8 / share).fill([[TAKE, share, share, 1]]);
    expect(home.batches.slice(1)).toEqual(reports);
    sub.unsubscribe();
    await flush();
    // No receiver waits any more: the home hears it, so that it may ask for values back.
    expect(home.batches.slice(1 + reports.length)).toEqual([[[TAKE, 0, 0, 0]]]);
  });

  it('P1 a ranging receiver costs one report per share of its window, however many windows go by', async () => {
    const { port1, port2 } = new MessageChannel();
    ports.push(port1, port2);
    const home = farSide(port1);
    const ep = new RemoteChannel<number>({ gorx: 'chan', c: 4, p: port2, k: 'k', h: 'h', i: 0 });
    let n = 0;
    const sub = ep.subscribe(() => n++);
    await flush();
    for (let w = 0; w < 5; w++) {
      home.post([PUSH, [0, 1]]);
      await flush();
    }
    expect(n).toBe(10);
    const share = 4 >> host.early;
    const reports = Array(10 / share).fill([[TAKE, share, share, 1]]);
    expect(home.batches).toEqual([[[TAKE, 0, 4, 1, ...takes]], ...reports]);
    sub.unsubscribe();
  });

  it('CH4 the home tells endpoints that they share a channel (the word is not taken for a port that moves)', async () => {
    const ch = new Channel<number>(4);
    const far = [0, 1].map(() => {
      const { token } = cross(ch as Channel<unknown>, []);
      ports.push(token.p);
      return farSide(token.p);
    });
    for (const f of far) f.post([TAKE, 0, 4, 1]);
    await flush();
    for (const f of far) expect(f.batches.flat()).toContainEqual([SHARE, 1]);
  });

  it('CH4 values that reach an endpoint after it gave values back, before the home heard of it, go back too; it asks again once the home has them (BACKED)', async () => {
    const { port1, port2 } = new MessageChannel();
    ports.push(port1, port2);
    const home = farSide(port1);
    const ep = new RemoteChannel<number>({ gorx: 'chan', c: 4, p: port2, k: 'k', h: 'h', i: 0 });
    expect((await Promise.all([ep.recv(), home.post([PUSH, [0, 1]])]))[0].value).toBe(0);
    await flush();
    // Nobody waits there: asked for 1 back, it gives it back.
    home.post([NEED]);
    await flush();
    expect(home.batches.at(-1)).toContainEqual([BACK, 1]);
    // A receiver comes; 2, pushed before the home heard of the BACK, arrives: it goes back too,
    // and no value is asked until the home says it heard both.
    const second = ep.recv();
    home.post([PUSH, [2]]);
    await flush();
    expect(home.batches.at(-1)).toContainEqual([BACK, 1]);
    const asked = () => home.batches.flat().filter((m) => m[0] === TAKE && (m[2] as number) > 0).length;
    const before = asked();
    home.post([BACKED]);
    await flush();
    expect(asked()).toBe(before);
    home.post([BACKED]);
    await flush();
    expect(asked()).toBe(before + 1);
    home.post([PUSH, [1, 2]]);
    expect((await second).value).toBe(1);
    expect((await ep.recv()).value).toBe(2);
  });

  it('CH4 shared, an endpoint reports takes at the end of the turn, with the receivers that wait then', async () => {
    const { port1, port2 } = new MessageChannel();
    ports.push(port1, port2);
    const home = farSide(port1);
    const ep = new RemoteChannel<number>({ gorx: 'chan', c: 2, p: port2, k: 'k', h: 'h', i: 0 });
    home.post([SHARE, 1]);
    await flush();
    const r = ep.recv();
    await flush();
    expect(home.batches).toEqual([[[TAKE, 0, 1, 1, ...takes]]]);
    home.post([PUSH, [5]]);
    expect((await r).value).toBe(5);
    await flush();
    // Not early with the last count told (1): the receiver that took 5 does not wait any more.
    expect(home.batches.slice(1)).toEqual([[[TAKE, 1, 0, 0]]]);
  });

  it('CH6 values an endpoint gives back are back at the home before the slot of its proxy frees: a receiver here that waited gets them before a later value', async () => {
    const ch = new Channel<number>(8);
    const { token } = cross(ch as Channel<unknown>, []);
    ports.push(token.p);
    const ep = farSide(token.p);
    ch.trySend(0);
    ch.trySend(1);
    ep.post([TAKE, 0, 8, 1]);
    await flush();
    // 0 and 1 are pushed; a proxy waits in the channel for the rest of the window.
    expect(ep.batches).toEqual([[[PUSH, [0, 1]]]]);
    const here = ch.recv();
    // 2 goes to the proxy (pushed), and its successor parks behind the receiver here.
    expect(ch.trySend(2)).toBe(true);
    await flush();
    // 3 waits in the buffer, behind the values away.
    expect(ch.trySend(3)).toBe(true);
    await flush();
    // The endpoint took 0 and gives back 1 and 2.
    ep.post([TAKE, 1, 0, 0], [BACK, 2]);
    await flush();
    expect(await here).toEqual({ value: 1, ok: true });
    expect([(await ch.recv()).value, (await ch.recv()).value]).toEqual([2, 3]);
  });

  it('P1 I1 the home pushes its buffer in one message, every value still counted in the channel until taken', async () => {
    const ch = new Channel<number>(8);
    for (let i = 0; i < 8; i++) ch.trySend(i);
    const moves: Transferable[] = [];
    const { token } = cross(ch as Channel<unknown>, moves);
    ports.push(token.p);
    const ep = farSide(token.p);
    ep.post([TAKE, 0, 8, 1]);
    await flush();
    expect(ep.batches).toEqual([[[PUSH, [0, 1, 2, 3, 4, 5, 6, 7]]]]);
    expect([ch.length, ch.held, ch.trySend(8)]).toEqual([0, 8, false]);
    // Half of them taken there: their room comes back, and the sender fills it.
    ep.post([TAKE, 4, 0, 1]);
    await flush();
    expect([ch.held, ch.trySend(8)]).toEqual([4, true]);
  });
});

describe('demand of an endpoint of an unbuffered channel', () => {
  /** An unbuffered channel here and its endpoint, played here, where a receiver waits. */
  async function asked() {
    const ch = new Channel<number>(0);
    const { token } = cross(ch as Channel<unknown>, []);
    ports.push(token.p);
    const ep = farSide(token.p);
    ep.post([TAKE, 0, 1, 1]);
    await flush();
    return { ch, ep };
  }

  it('CH2 CH6 demand an endpoint takes back after the home met it, then asks again, is met once: the home pushes no value for a receiver that is not there', async () => {
    const { ch, ep } = await asked();
    // A sender here meets the endpoint's receiver: 3 is pushed.
    const sent = [ch.send(3)];
    await flush();
    expect(ep.batches.flat()).toEqual([[PUSH, [3]]]);
    // The receiver there leaves before 3 arrives, and another comes, whose demand 3 meets there.
    ep.post([TAKE, 0, -1, 0]);
    ep.post([TAKE, 0, 1, 1]);
    ep.post([TAKE, 1, 0, 0]);
    await flush();
    await expect(sent[0]).resolves.toBeUndefined();
    // Nobody waits there now: a send here is not pushed for its demand. It may go ahead (PUSH
    // with 1), to wait there until the end of that thread's turn: then it comes back untaken.
    sent.push(ch.send(4));
    await flush();
    const pushes = ep.batches.flat().filter((m) => m[0] === PUSH);
    expect(pushes.filter((m) => m.length === 2)).toEqual([[PUSH, [3]]]);
    if (pushes.length > 1) ep.post([BACK, 1]);
    const here = ch.recv();
    await flush();
    expect(await here).toEqual({ value: 4, ok: true });
    await sent[1];
  });

  it('CH2 a value given back met no demand: a receive there that asks after it gets the next send', async () => {
    const { ch, ep } = await asked();
    const sent = ch.send(3);
    await flush();
    // Its receiver left before 3 came; 3 comes back, and its sender waits here again.
    ep.post([TAKE, 0, -1, 0], [BACK, 1]);
    await flush();
    ep.post([TAKE, 0, 1, 1]);
    await flush();
    expect(ep.batches.flat()).toEqual([
      [PUSH, [3]],
      [PUSH, [3]],
    ]);
    ep.post([TAKE, 1, 0, 0]);
    await sent;
  });

  it('CH2 a value sent ahead that meets a receive there which asked meanwhile: the endpoint tells the home that demand was met (the push did not count it)', async () => {
    const { port1, port2 } = new MessageChannel();
    ports.push(port1, port2);
    const home = farSide(port1);
    const ep = new RemoteChannel<number>({ gorx: 'chan', c: 0, p: port2, k: 'k', h: 'h', i: 0 });
    const got = ep.recv();
    await flush();
    expect(home.batches).toEqual([[[TAKE, 0, 1, 1]]]);
    home.post([PUSH, [7], 1]);
    expect(await got).toEqual({ value: 7, ok: true });
    await flush();
    // Taken, and the demand it asked for is met: nothing more to push for it.
    expect(home.batches.slice(1).flat()).toEqual([[TAKE, 1, -1, 0]]);
  });

  it('CH2 CH6 the value of a send$ unsubscribed while it was on its way to a receiver there that left comes back untaken: that send did not happen, and the value is received nowhere (not after values sent later)', async () => {
    const { ch, ep } = await asked();
    const sub = ch.send$(3).subscribe();
    await flush();
    expect(ep.batches.flat()).toEqual([[PUSH, [3]]]);
    sub.unsubscribe();
    // The receiver there left; 3 comes back.
    ep.post([TAKE, 0, -1, 0], [BACK, 1]);
    await flush();
    expect(ch.tryRecv()).toBeUndefined();
    expect(ch.held).toBe(0);
    const later = ch.send(4);
    expect(await ch.recv()).toEqual({ value: 4, ok: true });
    await later;
  });
});
