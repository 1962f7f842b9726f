// Go: `for i := 0; i < numWorkers; i++ { go func() { for job := range jobsCh { resultsCh <- process(job) } }() }`
// then close(jobsCh), wg.Wait(), close(resultsCh). gorx: the same with channels, or the `workerPool` operator.
import { fileURLToPath } from 'node:url';
import { Channel, type Context, go, sleep, WaitGroup, workerPool } from 'gorx';
import { from, lastValueFrom, toArray } from 'rxjs';

async function processJob(job: number, ctx?: Context): Promise<string> {
  await sleep((job % 3) * 5, ctx); // jobs take different times, so they finish out of order
  return `${job}²=${job * job}`;
}

async function runWorkerPool(jobs: number[], numWorkers: number): Promise<string[]> {
  const jobsCh = new Channel<number>(jobs.length);
  const resultsCh = new Channel<string>(jobs.length);

  // Start workers: each ranges over jobsCh until it is closed and drained.
  const wg = new WaitGroup();
  for (let i = 0; i < numWorkers; i++) {
    wg.go(async () => {
      for await (const job of jobsCh) await resultsCh.send(await processJob(job));
    });
  }

  // Send jobs, then close jobsCh: workers leave their range loop once it is drained.
  for (const job of jobs) await jobsCh.send(job);
  jobsCh.close();

  // Wait for all workers to finish, then close resultsCh.
  go(async () => {
    await wg.wait();
    resultsCh.close();
  });

  // Collect results.
  const results: string[] = [];
  for await (const result of resultsCh) results.push(result);
  return results;
}

export async function main(): Promise<void> {
  const jobs = [1, 2, 3, 4, 5, 6, 7, 8, 9];
  const results = await runWorkerPool(jobs, 3);
  // Go gives no order across workers; sort for a stable printout.
  console.log(
    `${results.length} results:`,
    results.sort((a, b) => parseInt(a, 10) - parseInt(b, 10)).join(' '),
  );

  // The operator: at most 3 jobs at a time, each with its own context, results in job order.
  const ordered = await lastValueFrom(
    from(jobs).pipe(
      workerPool(3, (job, ctx) => processJob(job, ctx), { ordered: true }),
      toArray(),
    ),
  );
  console.log('workerPool(3, ordered):', ordered.join(' '));
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await main();
