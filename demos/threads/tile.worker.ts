// The page's worker file: one handler, `tile`, that renders a tile of the Mandelbrot set. The page
// starts it with `new Worker(new URL('./tile.worker.js', import.meta.url), { type: 'module' })`.
//
// A tile is rendered band by band; between bands the handler gives the thread's event loop a turn,
// so the pool's cancellation message gets read, and stops with `ctx.err` once the view it belongs
// to is gone. Nothing terminates the thread: cancellation is cooperative, as in Go.
import { type Context, serve, transfer } from 'gorx/worker';
import { palette, type Tile, type View } from './fractal.js';

/** Rows rendered between two looks at the context. */
const BAND = 8;

/** One macrotask turn: a message to ourselves (timers are clamped when nested, messages are not). */
function turn(): Promise<void> {
  return new Promise((resolve) => {
    const { port1, port2 } = new MessageChannel();
    port1.onmessage = () => {
      port1.close();
      resolve();
    };
    port2.postMessage(null);
  });
}

/** Escape time of the point (x, y), 0 inside the set. */
function escapeTime(x0: number, y0: number, limit: number): number {
  let x = 0;
  let y = 0;
  for (let i = 1; i <= limit; i++) {
    const xx = x * x;
    const yy = y * y;
    if (xx + yy > 4) return i;
    y = 2 * x * y + y0;
    x = xx - yy + x0;
  }
  return 0;
}

async function tile(view: View, t: Tile, ctx: Context): Promise<Uint8ClampedArray<ArrayBuffer>> {
  const pixels = new Uint8ClampedArray(t.width * t.height * 4);
  for (let row = 0; row < t.height; row++) {
    if (row % BAND === 0) {
      await turn();
      if (ctx.err) throw ctx.err; // the view was replaced: stop here, as a goroutine returns ctx.Err()
    }
    const y0 = view.y + (t.y + row - view.height / 2) * view.scale;
    for (let col = 0; col < t.width; col++) {
      const x0 = view.x + (t.x + col - view.width / 2) * view.scale;
      const [r, g, b] = palette(escapeTime(x0, y0, view.limit));
      const i = (row * t.width + col) * 4;
      pixels[i] = r;
      pixels[i + 1] = g;
      pixels[i + 2] = b;
      pixels[i + 3] = 255;
    }
  }
  return transfer(pixels, [pixels.buffer]);
}

serve({ tile });
