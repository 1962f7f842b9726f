// A buffered channel stays first-in first-out for every receiver when some of its values were
// pushed to an endpoint in another thread (prefetched for its receivers) and come back untaken:
// a receiver here, or at another endpoint, waits for them rather than take the later values
// behind them (CH4, CH6). Both sides of each link live in this thread, each on its own port.
import { describe, expect, it } from 'vitest';
import { inOrder, range } from './channel-helpers.js';
import { endpoint, heard, linked } from './linked.js';

describe('values an endpoint leaves untaken come back before later ones', () => {
  for (const next of ['a receiver here', 'another endpoint'] as const) {
    it(`CH4 CH6 an endpoint takes one value of its window and stops: ${next} gets the rest in order, then what follows`, async () => {
      const { ch, ep } = linked(4);
      const receiver = next === 'a receiver here' ? ch : endpoint(ch);
      const sending = (async () => {
        for (let i = 0; i < 20; i++) await ch.send(i);
      })();
      expect((await ep.recv()).value).toBe(0);
      const got: number[] = [];
      for (let i = 1; i < 20; i++) got.push((await receiver.recv()).value!);
      expect(got).toEqual(range(19, 1));
      await sending;
    });
  }

  it('CH6 values given back while a receiver here waits reach it first, in order (the endpoint wants no more)', async () => {
    const { ch, ep } = linked(8);
    for (let i = 0; i < 8; i++) ch.trySend(i);
    expect((await ep.recv()).value).toBe(0);
    await heard();
    const here: number[] = [];
    for (let i = 1; i < 8; i++) here.push((await ch.recv()).value!);
    expect(here).toEqual(range(7, 1));
    expect(ep.length).toBe(0);
  });

  it('CH6 tryRecv here finds nothing while the head of the buffer is away, asks for it, and then gets every value in order', async () => {
    const { ch, ep } = linked(8);
    for (let i = 0; i < 4; i++) ch.trySend(i);
    expect((await ep.recv()).value).toBe(0);
    for (let i = 4; i < 6; i++) expect(ch.trySend(i)).toBe(true);
    // The endpoint holds 1..3 (its window), or they are on their way back: 4 is not next.
    expect(ch.tryRecv()).toBeUndefined();
    const here: number[] = [];
    while (here.length < 5) {
      const r = ch.tryRecv();
      if (r === undefined) await heard();
      else here.push(r.value!);
    }
    expect(here).toEqual(range(5, 1));
  });

  for (const other of ['a receiver here', 'another endpoint'] as const) {
    it(`CH4 CH6 ${other} that always waits does not starve an endpoint that waits too: both get values, each in order, every value once`, async () => {
      const { ch, ep } = linked(4);
      const one: number[] = [];
      const two: number[] = [];
      (other === 'a receiver here' ? ch : endpoint(ch)).subscribe((v) => one.push(v));
      ep.subscribe((v) => two.push(v));
      await heard();
      // A slow sender: both receivers wait between its values.
      for (let i = 0; i < 100; i++) {
        await ch.send(i);
        if (i % 10 === 9) await heard();
      }
      while (one.length + two.length < 100) await heard();
      expect(inOrder(one) && inOrder(two)).toBe(true);
      expect([...one, ...two].sort((a, b) => a - b)).toEqual(range(100));
      expect(Math.min(one.length, two.length)).toBeGreaterThan(0);
    });
  }
});

/** A channel of capacity `c` whose endpoint took 0 and holds 1, untaken (its window again). */
async function oneAway(c: number) {
  const { ch, ep } = linked(c);
  ch.trySend(0);
  expect((await ep.recv()).value).toBe(0);
  await heard();
  expect(ch.trySend(1)).toBe(true);
  await heard();
  expect(ep.length).toBe(1);
  return { ch, ep };
}

describe('a receiver here that waited for values away', () => {
  it('CH6 gets the value a parked sender moved into the buffer when the endpoint took the value away (the buffer is not left full beside it), and later sends come after it', async () => {
    const { ch, ep } = await oneAway(1);
    // A receiver here waits behind it; a sender parks (the buffer's one slot is away).
    const here = ch.recv();
    const sending = ch.send(2);
    // The endpoint takes 1 after all: the slot frees, 2 moves into the buffer, and the receiver
    // here gets it, before 3.
    expect((await ep.recv()).value).toBe(1);
    await sending;
    const next = ch.send(3);
    expect(await here).toEqual({ value: 2, ok: true });
    expect((await ch.recv()).value).toBe(3);
    await next;
  });

  it('CH6 a send here while values of the buffer wait for a receiver here that waited goes behind them', async () => {
    const { ch, ep } = await oneAway(2);
    const here = ch.recv();
    // 2 waits in the buffer behind 1, which is away.
    expect(ch.trySend(2)).toBe(true);
    expect((await ep.recv()).value).toBe(1);
    await heard();
    // Whatever the receiver here was handed, a value sent now does not overtake 2.
    ch.trySend(3);
    expect((await here).value).toBe(2);
    expect((await ch.recv()).value).toBe(3);
  });
});

describe('values on their way to an endpoint that gave values back', () => {
  it('CH4 go back too, so that its receiver gets the given-back values first', async () => {
    const { ch, ep } = linked(4);
    ch.trySend(0);
    ch.trySend(1);
    expect((await ep.recv()).value).toBe(0);
    await heard();
    // 1 waits at the endpoint; a receive here that finds nothing asks for it back (NEED).
    expect(ep.length).toBe(1);
    expect(ch.tryRecv()).toBeUndefined();
    await Promise.resolve();
    await Promise.resolve();
    // Sent once NEED left and before the endpoint's answer arrives: pushed to the endpoint, for the
    // rest of its window, behind the 1 it gives back.
    ch.trySend(2);
    await heard();
    const got = [(await ep.recv()).value, (await ep.recv()).value];
    expect(got).toEqual([1, 2]);
  });
});

describe('between two endpoints of one channel', () => {
  it('CH4 CH6 values two endpoints were sent for receivers that gave up come back in the order they were sent, whichever comes back first', async () => {
    const { ch, ep } = linked(8);
    const other = endpoint(ch);
    // Both endpoints receive: they share the channel.
    const first = [ep.recv(), other.recv()];
    await heard();
    ch.trySend(-2);
    ch.trySend(-1);
    await Promise.all(first);
    await heard();
    for (let i = 0; i < 6; i++) ch.trySend(i);
    // Two receivers on each endpoint: the home sends 0, 1 to one endpoint and 2, 3 to the other,
    // and the receivers give up before the values arrive.
    const taken: number[] = [];
    const subs = [ep, ep, other, other].map((e) => e.recv$().subscribe((v) => taken.push(v)));
    await Promise.resolve();
    for (const s of subs) s.unsubscribe();
    await heard();
    const here: number[] = [];
    while (here.length + taken.length < 6) here.push((await ch.recv()).value!);
    expect(inOrder(here)).toBe(true);
    expect([...here, ...taken].sort((a, b) => a - b)).toEqual(range(6));
    expect(ep.length + other.length).toBe(0);
  });
});

describe('an endpoint that received once, long ago', () => {
  it('CH4 does not keep another endpoint from fetching ahead once it stopped asking; both get values in order when it asks again', async () => {
    const { ch, ep } = linked(16);
    const other = endpoint(ch);
    const sending = (async () => {
      for (let i = 0; i < 1000; i++) await ch.send(i);
    })();
    const first = (await other.recv()).value!;
    const got: number[] = [];
    for (let i = 0; i < 900; i++) got.push((await ep.recv()).value!);
    // Alone again: the endpoint fetches a window ahead of its receiver.
    await heard();
    expect(ep.length).toBeGreaterThan(1);
    // The other asks again: it gets the values after those, each side in order.
    const later: number[] = [];
    const more = (async () => {
      for (let i = 0; i < 20; i++) later.push((await other.recv()).value!);
    })();
    while (got.length + later.length < 999) {
      const r = ep.tryRecv();
      if (r !== undefined) got.push(r.value!);
      else if (later.length < 20) await heard();
      else got.push((await ep.recv()).value!);
    }
    await more;
    await sending;
    expect(inOrder(got) && inOrder(later)).toBe(true);
    expect([first, ...got, ...later].sort((a, b) => a - b)).toEqual(range(1000));
  });
});
