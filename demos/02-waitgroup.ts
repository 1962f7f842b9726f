// Go: `var wg sync.WaitGroup; wg.Add(1); go func(id int) { defer wg.Done(); … }(i); wg.Wait()`
// gorx: `new WaitGroup()`, `wg.add(1)`, `wg.done()` in a `finally`, `await wg.wait()`; or `wg.go(fn)`.
import { fileURLToPath } from 'node:url';
import { go, sleep, WaitGroup } from 'gorx';

export async function main(): Promise<void> {
  const wg = new WaitGroup();
  for (let i = 0; i < 5; i++) {
    wg.add(1);
    // Each task gets its own `id`: `let` in a for loop is per iteration, like Go 1.22+.
    go(async () => {
      try {
        await sleep(5 * (5 - i)); // finish in reverse order of start
        console.log(`Worker ${i} done`);
      } finally {
        wg.done(); // defer wg.Done()
      }
    });
  }
  await wg.wait(); // blocks until all workers called done()
  console.log('All workers finished');

  // Go 1.25: wg.Go(f) does the Add(1) and the deferred Done() for you.
  const wg2 = new WaitGroup();
  const squares: number[] = [];
  for (let i = 1; i <= 4; i++) wg2.go(() => void squares.push(i * i));
  await wg2.wait();
  console.log('squares:', squares.join(' '));
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await main();
