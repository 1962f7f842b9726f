// Go: fan-out with `go func(u string) { results <- fetch(u) }(url)` per URL, fan-in with
// `for range urls { collected = append(collected, <-results) }`. gorx: the same, then `fanIn`.
import { fileURLToPath } from 'node:url';
import { Channel, fanIn, go, produce, sleep } from 'gorx';

interface Result {
  url: string;
  bytes: number;
}

const latency: Record<string, number> = { '/a': 30, '/b': 10, '/c': 50, '/d': 20 };

async function fetch(url: string): Promise<Result> {
  await sleep(latency[url] ?? 0);
  return { url, bytes: 512 * url.charCodeAt(1) - 49_000 };
}

async function fanOutFanIn(urls: string[]): Promise<Result[]> {
  const results = new Channel<Result>(urls.length); // room for every result: no sender ever blocks
  // Fan-out: a goroutine per URL.
  for (const url of urls) go(async () => results.send(await fetch(url)));
  // Fan-in: collect one result per URL, in the order they finish.
  const collected: Result[] = [];
  for (const _ of urls) {
    const { value } = await results.recv();
    if (value) collected.push(value);
  }
  return collected;
}

export async function main(): Promise<void> {
  const urls = Object.keys(latency);
  const collected = await fanOutFanIn(urls);
  console.log('arrival order:', collected.map((r) => r.url).join(' '));

  // fanIn merges several channels into one, closed when all of them are: Go's merge(cs ...<-chan T).
  const sources = urls.map((url) =>
    produce<Result>(async (out) => {
      await out.send(await fetch(url));
    }),
  );
  const merged: string[] = [];
  for await (const r of fanIn(...sources)) merged.push(`${r.url}=${r.bytes}`);
  console.log('fanIn:', merged.join(' '));
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await main();
