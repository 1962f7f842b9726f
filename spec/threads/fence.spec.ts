// Fences (link.ts) for endpoints that crossed on, link by link: the home, the endpoint that hands
// the channel on and the endpoint it hands it to all live in this thread, each on its own port, so
// the JOIN that carries the new link home is still on its way when the fence is looked at, as it
// may be in a browser (ports are read only by their events, never synchronously).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Channel } from '../../lib/channel/Channel.js';
import { cross } from '../../lib/threads/home.js';
import { fence, gate, host, Registry } from '../../lib/threads/link.js';
import { RemoteChannel } from '../../lib/threads/remote.js';
// The wire: a channel's port crosses as a port (transferred).
import '../../lib/threads/wire.js';
import { flush } from '../helpers/async.js';

const now = host.now;
beforeEach(() => {
  host.now = undefined;
});
afterEach(() => {
  host.now = now;
});

/** A channel homed here, an endpoint of it (as another thread's), and that endpoint handed on (a third's). */
function handedOn<T>(capacity: number) {
  const ch = new Channel<T>(capacity);
  const moves: Transferable[] = [];
  const first = new RemoteChannel<T>(cross(ch as Channel<unknown>, moves).token);
  const second = new RemoteChannel<T>(first.again(moves));
  return { ch, first, second };
}

describe('fences of endpoints that crossed on', () => {
  it('MM1 a fence naming a link whose JOIN has not arrived waits for it, then for what the link carried', async () => {
    const { ch, second } = handedOn<number>(0);
    const sent = second.send(7);
    second.link.flush();
    // The task's end, fenced behind the send, comes from a thread whose links are not listed here.
    const f = fence(new Registry([[second.link.key, second.link]]));
    let seen: { ok: boolean; value?: number } | undefined;
    gate(new Registry())(f, () => {
      seen = ch.tryRecv();
    });
    expect(seen).toBeUndefined();
    await flush();
    // Happens-before: the send is at the home when the task's end is handled.
    expect(seen).toEqual({ ok: true, value: 7 });
    await sent;
  });

  it('MM1 the origin goes back to the first endpoint when the channel is handed on twice', async () => {
    const { ch, second } = handedOn<number>(0);
    const moves: Transferable[] = [];
    const third = new RemoteChannel<number>(second.again(moves));
    void third.send(8);
    third.link.flush();
    const f = fence(new Registry([[third.link.key, third.link]]))!;
    // The links of both JOINs, oldest first, then the third endpoint's own.
    expect(f.filter((_, i) => i % 2 === 0)).toHaveLength(3);
    expect(f.at(-2)).toBe(third.link.key);
    let seen: { ok: boolean; value?: number } | undefined;
    gate(new Registry())(f, () => {
      seen = ch.tryRecv();
    });
    expect(seen).toBeUndefined();
    // Each hop's port arrives in the JOIN of the one before it.
    await flush(10);
    expect(seen).toEqual({ ok: true, value: 8 });
  });

  it('MM1 once the home was heard, a fence names the link alone', async () => {
    const { ch, second } = handedOn<number>(4);
    expect(second.trySend(1)).toBe(false); // asks for credits
    await flush();
    expect(second.trySend(1)).toBe(true);
    second.link.flush();
    const f = fence(new Registry([[second.link.key, second.link]]));
    expect(f).toEqual([second.link.key, second.link.sent]);
    await flush();
    expect(ch.tryRecv()).toEqual({ ok: true, value: 1 });
  });
});
