import { Component, signal } from '@angular/core';
import {
  background,
  CanceledError,
  Channel,
  threadPool,
  WorkerExitError,
  withCancel,
  withTimeout,
  workerPool,
} from 'gorx';
import { from, lastValueFrom, toArray } from 'rxjs';

/** What the page shows once every check has run (read by the test through `data-report`). */
interface Report {
  fibs: number[];
  squares: number;
  spin: string;
  threads: number;
  /** The page is cross-origin isolated (served with COOP and COEP): memory is shared with the workers. */
  isolated: boolean;
}

/**
 * A thread pool on the worker `ng generate web-worker` made: workerPool over `pool.fn`, channels
 * crossing to a thread and back, and a CPU-bound task stopped through its Context.
 */
@Component({
  selector: 'app-root',
  template: `<p id="status" [attr.data-state]="state()" [attr.data-report]="report()">{{ state() }}</p>`,
})
export class App {
  protected readonly state = signal('running');
  protected readonly report = signal('');

  constructor() {
    this.run().then(
      (report) => {
        this.report.set(JSON.stringify(report));
        this.state.set('done');
      },
      (error: unknown) => {
        this.report.set(JSON.stringify({ error: String(error) }));
        this.state.set('done');
      },
    );
  }

  private async run(): Promise<Report> {
    const pool = threadPool(() => new Worker(new URL('./app.worker', import.meta.url)), { size: 2 });
    try {
      const fibs = await lastValueFrom(
        from([20, 21, 22, 23]).pipe(
          workerPool(2, pool.fn<number, number>('fib'), { ordered: true }),
          toArray(),
        ),
      );

      const jobs = new Channel<number>(256);
      const out = new Channel<number>(256);
      const [ctx, cancel] = withTimeout(background(), 10_000);
      const task = pool.go<void>('square', [jobs, out], ctx);
      let squares = 0;
      const reading = (async () => {
        for await (const v of out) squares += v;
      })();
      for (let n = 1; n <= 1000; n++) await jobs.send(n, ctx);
      jobs.close();
      await Promise.all([task, reading]);
      cancel();

      const [spinCtx, stop] = withCancel(background());
      const spinning = pool.go<void>('spin', [], spinCtx);
      setTimeout(stop, 50);
      const spin = await spinning.then(
        () => 'returned',
        (error: unknown) =>
          error instanceof CanceledError
            ? 'canceled'
            : error instanceof WorkerExitError
              ? 'terminated'
              : String(error),
      );
      return { fibs, squares, spin, threads: pool.size, isolated: crossOriginIsolated };
    } finally {
      await pool.close();
    }
  }
}
