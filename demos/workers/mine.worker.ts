// The worker file of demos/16-thread-pool.ts: `mine` finds the first nonce whose hash with a block
// starts with `bits` zero bits — pure CPU work. Every 64k attempts it gives the thread's event loop a
// turn, so a cancellation gets read, and returns ctx.err once its context is done (Go's
// `if ctx.Err() != nil { return ctx.Err() }` in a loop): the pool never has to terminate the thread.
import { type Context, serve } from 'gorx/worker';

export interface Block {
  readonly id: number;
  readonly bits: number;
}

export interface Mined {
  readonly id: number;
  readonly nonce: number;
  readonly hash: string;
}

/** A 32-bit hash of (block, nonce): murmur3's finaliser over the two words. */
function hash(block: number, nonce: number): number {
  let h = Math.imul(block ^ 0x9e3779b9, 0x85ebca6b) ^ nonce;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

const turn = () => new Promise<void>((resolve) => setImmediate(resolve));

async function mine(block: Block, ctx: Context): Promise<Mined> {
  for (let nonce = 0; ; nonce++) {
    if ((nonce & 0xffff) === 0xffff) {
      await turn();
      if (ctx.err) throw ctx.err;
    }
    const h = hash(block.id, nonce);
    if (h >>> (32 - block.bits) === 0) return { id: block.id, nonce, hash: h.toString(16).padStart(8, '0') };
  }
}

serve({ mine });
