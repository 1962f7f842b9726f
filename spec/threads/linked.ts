// Both sides of a link in this thread, each on its own port: a channel here and an endpoint of it,
// as if in another thread, so that every batch between them can be watched.
import { Channel } from '../../lib/channel/Channel.js';
import { cross } from '../../lib/threads/home.js';
import type { Peer } from '../../lib/threads/link.js';
import { RemoteChannel } from '../../lib/threads/remote.js';
// The wire: what crosses, and how.
import '../../lib/threads/wire.js';

/** A channel of capacity `c` here and an endpoint of it. */
export function linked(c: number): { ch: Channel<number>; ep: RemoteChannel<number> } {
  const ch = new Channel<number>(c);
  return { ch, ep: endpoint(ch) };
}

/** Another endpoint of `ch`, on a link of its own. */
export function endpoint(ch: Channel<number>): RemoteChannel<number> {
  return new RemoteChannel<number>(cross(ch as Channel<unknown>, []).token);
}

/** Until the other side has heard (real turns: the ports deliver between them). */
export const heard = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 20));

/** A side of a link played by hand: a link that posts and hears nothing, but for `parts`. */
export function fakePeer(key: string, parts?: Partial<Peer>): Peer {
  return {
    key,
    sent: 0,
    seen: 0,
    fenced: 0,
    gone: false,
    lost: () => 0,
    sync: () => true,
    read: () => undefined,
    handle: () => {},
    watch: () => {},
    ...parts,
  };
}
