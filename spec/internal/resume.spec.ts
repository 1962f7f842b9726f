// The continuation hop of the Promise faces (lib/internal/resume.ts) on the host it runs on: Node
// hops with setImmediate, a browser, which has no setImmediate, with a MessageChannel message. The
// browser path runs only when this file runs in the chromium project.
import { background, Channel, withCancel } from 'gorx';
import { afterEach, describe, expect, it, type MockInstance, vi } from 'vitest';
import { activity } from '../../lib/internal/debug.js';
import { pingPong } from '../helpers/pingpong.js';

const browser = typeof window !== 'undefined';

/** A macrotask turn by the timers, which gorx's hop never uses. */
function timerTurn(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}

let hops: MockInstance | undefined;

afterEach(() => {
  hops?.mockRestore();
  hops = undefined;
});

describe('G4 continuation hops', () => {
  it('G4 Node hops with setImmediate; a browser has none, so gorx hops with a MessageChannel message', () => {
    if (browser) {
      expect(typeof (globalThis as { setImmediate?: unknown }).setImmediate).toBe('undefined');
      expect(typeof MessageChannel).toBe('function');
    } else {
      expect(typeof setImmediate).toBe('function');
    }
  });

  it('G4 a Promise ping-pong that waits on nothing else lets setTimeout fire, and keeps going through the hops', async () => {
    hops = browser
      ? vi.spyOn(MessagePort.prototype, 'postMessage')
      : vi.spyOn(globalThis as { setImmediate: (fn: () => void) => unknown }, 'setImmediate');
    const [ctx, stop] = withCancel(background());
    const game = pingPong(ctx);
    const slices = activity.slices;

    await timerTurn(); // never resolves if the ping-pong starves the timers
    const atTimer = game.rounds();
    await timerTurn();
    await timerTurn();
    stop();

    expect(atTimer).toBeGreaterThan(0);
    expect(game.rounds()).toBeGreaterThan(atTimer); // work deferred to a hop did run: the hop fires
    expect(activity.slices).toBeGreaterThan(slices);
    expect(hops).toHaveBeenCalled();
    if (browser) expect(hops).toHaveBeenCalledWith(0);
  });

  it('G4 a turn that settles a few Promises opens no slice: only work that goes on pays for a hop', async () => {
    const ch = new Channel<number>(1);
    const settle = async (times: number) => {
      for (let i = 0; i < times; i++) {
        ch.trySend(i);
        await ch.recv();
      }
    };
    // Enough to open a slice, whose hop then ends it (two timer turns: the hop may come after the
    // first): what follows starts as a turn after a slice does.
    await settle(129);
    await timerTurn();
    await timerTurn();
    const slices = activity.slices;

    await settle(3);
    await timerTurn();
    await timerTurn();

    expect(activity.slices).toBe(slices);
  });
});
