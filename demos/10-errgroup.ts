// Go: `g, ctx := errgroup.WithContext(ctx); g.Go(func() error { … }); err := g.Wait()`: the first
// error cancels ctx and is what Wait returns. gorx: `const [g, ctx] = errGroup(parent)`, `await g.wait()`.
import { fileURLToPath } from 'node:url';
import { background, type Context, errGroup, sleep } from 'gorx';

interface Response {
  url: string;
  status: number;
}

async function fetch(ctx: Context, url: string): Promise<Response> {
  try {
    await sleep(url.length * 5, ctx); // the request, abandoned when ctx is done
  } catch (err) {
    console.log(`  ${url}: gave up (${(err as Error).message})`);
    throw err;
  }
  if (url.includes('broken')) throw new Error(`GET ${url}: 500 Internal Server Error`);
  return { url, status: 200 };
}

async function fetchAll(parent: Context, urls: string[]): Promise<Response[]> {
  const [g, ctx] = errGroup(parent);
  const responses: Response[] = new Array(urls.length);
  urls.forEach((url, i) => {
    void g.go(async () => {
      responses[i] = await fetch(ctx, url); // a throw cancels ctx, stopping the other requests
    });
  });
  await g.wait(); // rejects with the first error
  return responses;
}

export async function main(): Promise<void> {
  const ok = await fetchAll(background(), ['/a', '/bb', '/ccc']);
  console.log('all fetched:', ok.map((r) => `${r.url} ${r.status}`).join(', '));

  try {
    await fetchAll(background(), ['/a', '/broken', '/slow-but-fine', '/another-slow-one']);
  } catch (err) {
    console.log('fetchAll failed:', (err as Error).message);
  }

  // SetLimit: at most 2 goroutines at once; g.go waits for a free slot.
  const [g] = errGroup();
  g.setLimit(2);
  let running = 0;
  let most = 0;
  for (let i = 0; i < 6; i++) {
    await g.go(async () => {
      most = Math.max(most, ++running);
      await sleep(5);
      running--;
    });
  }
  await g.wait();
  console.log(`setLimit(2): 6 tasks, at most ${most} running at once`);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await main();
