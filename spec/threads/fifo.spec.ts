// A buffered channel stays first-in first-out for every receiver when some of its values were
// pushed to an endpoint in another thread (prefetched for its receivers) and come back untaken:
// a receiver here waits for them rather than take the later values behind them (CH6). Both sides
// of each link live in this thread, each on its own port.
import { describe, expect, it } from 'vitest';
import { range } from './channel-helpers.js';
import { heard, linked } from './linked.js';

describe('values an endpoint leaves untaken come back before later ones', () => {
  it('CH6 an endpoint takes one value of its window and leaves: a receiver here gets the rest in order, then what follows', async () => {
    const { ch, ep } = linked(4);
    const sending = (async () => {
      for (let i = 0; i < 20; i++) await ch.send(i);
    })();
    expect((await ep.recv()).value).toBe(0);
    const here: number[] = [];
    for (let i = 1; i < 20; i++) here.push((await ch.recv()).value!);
    expect(here).toEqual(range(19, 1));
    await sending;
  });

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

  it('CH6 a receiver here that always waits does not starve an endpoint that waits too: both get values, each in order, every value once', async () => {
    const { ch, ep } = linked(4);
    const here: number[] = [];
    const there: number[] = [];
    ch.subscribe((v) => here.push(v));
    ep.subscribe((v) => there.push(v));
    await heard();
    // A slow sender: both receivers wait between its values.
    for (let i = 0; i < 100; i++) {
      await ch.send(i);
      if (i % 10 === 9) await heard();
    }
    while (here.length + there.length < 100) await heard();
    const inOrder = (xs: number[]) => xs.every((x, i) => i === 0 || xs[i - 1]! < x);
    expect(inOrder(here) && inOrder(there)).toBe(true);
    expect([...here, ...there].sort((a, b) => a - b)).toEqual(range(100));
    expect(Math.min(here.length, there.length)).toBeGreaterThan(0);
  });
});
