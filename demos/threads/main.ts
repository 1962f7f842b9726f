// The Mandelbrot set, rendered tile by tile on a thread pool of Web Workers. Each view is one
// `workerPool` over its tiles with `pool.fn('tile')`-style work (`pool.go` per tile), under a Context
// of its own; clicking zooms in, and the new view cancels the old one through that Context: the old
// view's tiles that are still queued never start, and the ones running in a thread see `ctx.err` at
// their next band and stop. No thread is terminated: cancellation is cooperative, as in Go.
//
// `#selftest` renders the whole set, then a zoom that a second zoom replaces after a few tiles, then
// that second zoom in full, and reports the counts in `#status` (demos/threads/check.ts reads them).
import { background, type Context, threadPool, WorkerExitError, withCancel, workerPool } from 'gorx';
import { from, lastValueFrom, tap } from 'rxjs';
import { home, type Tile, tilesOf, type View, zoom } from './fractal.js';

/** What became of the tiles of one view. */
export interface ViewStats {
  tiles: number;
  /** Drawn on the canvas. */
  rendered: number;
  /** Not drawn: the view was replaced first. */
  cancelled: number;
  /** Of those, the ones that had started on a thread and ended with the view's context error. */
  stopped: number;
  /** Of those, the ones a thread finished before it saw the cancellation (their pixels are dropped). */
  late: number;
  /** Tiles lost to a thread that died or was terminated. */
  lost: number;
}

/** What the self-test reports. */
export interface Report {
  views: ViewStats[];
  threads: number;
  terminated: number;
  /** Whether the page is cross-origin isolated (served with COOP and COEP). */
  isolated: boolean;
}

const canvas = document.getElementById('view') as HTMLCanvasElement;
const status = document.getElementById('status')!;
const paint = canvas.getContext('2d')!;

let terminated = 0;
const pool = threadPool(() => {
  const worker = new Worker(new URL('./tile.worker.js', import.meta.url), { type: 'module' });
  // Counted for the report: the pool terminates a thread only when a task ignores its cancellation.
  const terminate = worker.terminate.bind(worker);
  worker.terminate = () => {
    terminated++;
    terminate();
  };
  return worker;
});

/** Renders every tile of `view` on the pool until it is done or `ctx` is cancelled. */
async function render(view: View, ctx: Context, onTile?: (stats: ViewStats) => void): Promise<ViewStats> {
  const tiles = tilesOf(view);
  const stats: ViewStats = { tiles: tiles.length, rendered: 0, cancelled: 0, stopped: 0, late: 0, lost: 0 };
  const started: PromiseLike<unknown>[] = [];
  const work = (tile: Tile, tctx: Context) => {
    const task = pool.go<Uint8ClampedArray<ArrayBuffer>>('tile', [view, tile], tctx);
    started.push(
      task.then(
        () => {
          if (ctx.err !== undefined) stats.late++;
        },
        (err: unknown) => {
          if (err instanceof WorkerExitError) stats.lost++;
          else if (err === tctx.err) stats.stopped++;
        },
      ),
    );
    return task.then((pixels) => ({ tile, pixels }));
  };
  status.textContent = `rendering ${tiles.length} tiles on ${pool.size} threads…`;
  try {
    await lastValueFrom(
      from(tiles).pipe(
        workerPool(pool.size * 2, work, { ctx }),
        tap(({ tile, pixels }) => {
          paint.putImageData(new ImageData(pixels, tile.width), tile.x, tile.y);
          stats.rendered++;
          onTile?.(stats);
        }),
      ),
      { defaultValue: undefined },
    );
  } catch (err) {
    if (err !== ctx.err) throw err;
  }
  // Every task of the view has settled: the ones the cancellation caught have stopped.
  await Promise.all(started);
  stats.cancelled = stats.tiles - stats.rendered;
  return stats;
}

let cancelCurrent: (() => void) | undefined;
let current = home(canvas.width, canvas.height);

/** Shows `view`, cancelling the view being rendered, if any. */
function show(view: View, onTile?: (stats: ViewStats) => void): Promise<ViewStats> {
  cancelCurrent?.();
  const [ctx, cancel] = withCancel(background());
  cancelCurrent = cancel;
  current = view;
  return render(view, ctx, onTile).then((stats) => {
    if (ctx.err === undefined) status.textContent = `${stats.rendered} tiles · click to zoom in`;
    cancel();
    return stats;
  });
}

async function selftest(): Promise<void> {
  const whole = current;
  const views = [await show(whole)];
  const first = zoom(whole, canvas.width * 0.3, canvas.height * 0.5, 4);
  const second = zoom(first, canvas.width * 0.5, canvas.height * 0.4, 4);
  let replaced: Promise<ViewStats> | undefined;
  views.push(
    await show(first, (stats) => {
      if (stats.rendered === 8) replaced = show(second); // a new view before the first is done
    }),
  );
  views.push(await replaced!);
  const report: Report = { views, threads: pool.size, terminated, isolated: crossOriginIsolated };
  status.dataset.report = JSON.stringify(report);
  status.dataset.state = 'done';
  status.textContent = views
    .map(
      (v, i) =>
        `view ${i + 1}: ${v.rendered} rendered, ${v.cancelled} cancelled (${v.stopped} stopped in a thread)`,
    )
    .join('; ');
}

canvas.addEventListener('click', (event) => {
  const box = canvas.getBoundingClientRect();
  const px = ((event.clientX - box.left) * canvas.width) / box.width;
  const py = ((event.clientY - box.top) * canvas.height) / box.height;
  void show(zoom(current, px, py, 2));
});
document.getElementById('reset')!.addEventListener('click', () => {
  void show(home(canvas.width, canvas.height));
});

if (location.hash === '#selftest') void selftest();
else void show(current);
