// Go: `type SafeCache struct { mu sync.RWMutex; data map[string]string }`: many readers hold `RLock`
// together, a writer's `Lock` is exclusive. gorx: `rLock()`/`withRLock` and `lock()`/`withLock`.
import { fileURLToPath } from 'node:url';
import { go, RWMutex, sleep } from 'gorx';

let readers = 0;
let mostReaders = 0;
let writerOverlapped = false;

class SafeCache {
  private readonly mu = new RWMutex();
  private readonly data = new Map<string, string>();

  async get(key: string): Promise<string | undefined> {
    using _ = await this.mu.rLock(); // multiple tasks can read simultaneously
    mostReaders = Math.max(mostReaders, ++readers);
    await sleep(10); // a slow read
    readers--;
    return this.data.get(key);
  }

  async set(key: string, value: string): Promise<void> {
    await this.mu.withLock(async () => {
      // only one task can write, and no reader is inside
      if (readers > 0) writerOverlapped = true;
      await sleep(5);
      this.data.set(key, value);
    });
  }
}

export async function main(): Promise<void> {
  [readers, mostReaders, writerOverlapped] = [0, 0, false];
  const cache = new SafeCache();
  await cache.set('lang', 'Go');

  const firstReads = [1, 2, 3].map(() => go(() => cache.get('lang')));
  await sleep(1); // the readers are inside; the writer now waits for them
  const write = go(() => cache.set('lang', 'TypeScript'));
  await sleep(1);
  const lateRead = go(() => cache.get('lang')); // queued behind the waiting writer, as in Go

  console.log('first readers saw:', (await Promise.all(firstReads)).join(', '));
  await write;
  console.log('late reader saw:', await lateRead);
  console.log(`readers at once: ${mostReaders}; writer overlapped a reader: ${writerOverlapped}`);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await main();
