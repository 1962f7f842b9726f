// Go: `ch := make(chan string, 3)`, and a buffered channel as a semaphore:
// `sem := make(chan struct{}, 10); sem <- struct{}{}; go func() { defer func() { <-sem }(); fetchURL(u) }()`
import { fileURLToPath } from 'node:url';
import { Channel, go, Semaphore, sleep, WaitGroup } from 'gorx';

let inFlight = 0;
let maxInFlight = 0;

async function fetchURL(url: string): Promise<void> {
  maxInFlight = Math.max(maxInFlight, ++inFlight);
  await sleep(10); // pretend to fetch `url`
  inFlight--;
  void url;
}

async function processURLs(urls: string[], limit: number): Promise<void> {
  const sem = new Channel<void>(limit); // max `limit` concurrent requests
  const wg = new WaitGroup();
  for (const url of urls) {
    wg.add(1);
    await sem.send(); // acquire a slot: blocks while `limit` are already running
    go(async () => {
      try {
        await fetchURL(url);
      } finally {
        await sem.recv(); // release the slot (defers run last-in first-out, as in Go)
        wg.done();
      }
    });
  }
  await wg.wait();
}

export async function main(): Promise<void> {
  maxInFlight = 0;
  const ch = new Channel<string>(3); // buffer size of 3
  for (const s of ['a', 'b', 'c']) await ch.send(s); // no receiver needed: the buffer has room
  console.log(`buffered: len=${ch.length} cap=${ch.capacity}`);
  console.log('a 4th send would block; trySend says:', ch.trySend('d'));
  console.log('receive:', (await ch.recv()).value, '; now trySend says:', ch.trySend('d'));

  const urls = Array.from({ length: 8 }, (_, i) => `https://example.com/${i}`);
  await processURLs(urls, 3);
  console.log(`processURLs: ${urls.length} urls, at most ${maxInFlight} at a time`);

  // The same limit with golang.org/x/sync/semaphore: `sem.Acquire(ctx, 1); defer sem.Release(1)`.
  maxInFlight = 0;
  const sem = new Semaphore(3);
  await Promise.all(urls.map((url) => sem.withPermits(1, () => fetchURL(url))));
  console.log(`Semaphore(3): ${urls.length} urls, at most ${maxInFlight} at a time`);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await main();
