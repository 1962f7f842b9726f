// Where numbers cross: through a ring in shared memory where the threads share memory (Node; a
// page served cross-origin isolated), else copied into the messages; every value arrives once, in
// order, either way. Both sides of each link live in this thread, each on its own port.
import { describe, expect, it } from 'vitest';
import { host, type Msg, PUSH } from '../../lib/threads/link.js';
import { range } from './channel-helpers.js';
import { linked } from './linked.js';

describe('numbers across threads', () => {
  it('P6 a channel pushes numbers to an endpoint and an endpoint sends them home through rings exactly where memory is shared: every value once, in order', async () => {
    const spied: Msg[][] = [];
    const postMessage = MessagePort.prototype.postMessage;
    MessagePort.prototype.postMessage = function (this: MessagePort, message: unknown, transfer?: unknown) {
      spied.push(message as Msg[]);
      Reflect.apply(postMessage, this, [message, transfer]);
    } as typeof postMessage;
    try {
      const { ch, ep } = linked(64);
      const got: number[] = [];
      const done = new Promise<void>((resolve) =>
        ep.subscribe({ next: (v) => got.push(v), complete: resolve }),
      );
      for (let i = 0; i < 2000; i++) if (!ch.trySend(i)) await ch.send(i);
      ch.close();
      await done;
      expect(got).toEqual(range(2000));
      const { ch: back, ep: there } = linked(64);
      const received: number[] = [];
      const all = (async () => {
        for await (const v of back) received.push(v);
      })();
      for (let i = 0; i < 2000; i++) if (!there.trySend(i)) await there.send(i);
      there.close();
      await all;
      expect(received).toEqual(range(2000));
    } finally {
      MessagePort.prototype.postMessage = postMessage;
    }
    const counts = spied.flat().filter((m) => Array.isArray(m) && m[0] === PUSH && typeof m[1] === 'number');
    expect(counts.length > 4).toBe(host.shared);
  });
});
