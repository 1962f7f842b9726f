// When a side of a link posts: its messages of a turn go together at the end of the turn, but a
// side that waits for the other thread (a receiver with nothing to take, a sender out of room)
// posts as soon as the microtasks already queued ran: nothing more would join its batch, and the
// other thread is idle until it hears. Both sides of each link live in this thread, each on its
// own port, so every batch can be watched as it leaves.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Msg, NEED, PUSH, TAKE } from '../../lib/threads/link.js';
import { heard, linked } from './linked.js';

const posted: Msg[][] = [];
const postMessage = MessagePort.prototype.postMessage;
beforeEach(() => {
  MessagePort.prototype.postMessage = function (this: MessagePort, message: unknown, transfer?: unknown) {
    // A link's batch (the test runner talks on ports of its own in a browser).
    if (Array.isArray(message) && message.every((m) => Array.isArray(m) && typeof m[0] === 'number'))
      posted.push(message as Msg[]);
    Reflect.apply(postMessage, this, [message, transfer]);
  } as typeof postMessage;
});
afterEach(() => {
  MessagePort.prototype.postMessage = postMessage;
  posted.length = 0;
});

/** A few microtasks: less than a turn of the event loop. */
async function microtasks(): Promise<void> {
  for (let i = 0; i < 4; i++) await null;
}

const kinds = () => posted.flatMap((batch) => batch.map((m) => m[0]));

describe('a side that waits for the other thread posts at once', () => {
  it('P3 a receiving endpoint with nothing to take asks the home for a window within the microtasks of its turn', async () => {
    const { ch, ep } = linked(8);
    const got = ep.recv();
    await microtasks();
    // (where memory is shared, the first report also brings the count of takes)
    expect(posted.map((batch) => batch.map((m) => m.slice(0, 4)))).toEqual([[[TAKE, 0, 8, 1]]]);
    ch.send(1);
    expect((await got).value).toBe(1);
  });

  it('P3 a sender out of room at the home pushes to the waiting endpoint within the microtasks of its turn', async () => {
    const { ch, ep } = linked(8);
    const got: number[] = [];
    ep.subscribe((v) => got.push(v));
    await heard();
    posted.length = 0;
    let i = 0;
    while (ch.trySend(i)) i++;
    const sent = ch.send(i);
    await microtasks();
    expect(kinds()).toContain(PUSH);
    await sent;
    await heard();
    expect(got).toEqual([...Array(i + 1).keys()]);
  });

  it('P3 a receiver at the home asks an endpoint to give back the values it holds untaken, within the microtasks of its turn', async () => {
    const { ch, ep } = linked(8);
    for (let i = 0; i < 8; i++) ch.trySend(i);
    // The endpoint takes one and holds the rest of its window, with no receiver there.
    expect((await ep.recv()).value).toBe(0);
    await heard();
    posted.length = 0;
    const got = ch.recv();
    await microtasks();
    expect(kinds()).toContain(NEED);
    expect((await got).value).toBe(1);
  });
});
