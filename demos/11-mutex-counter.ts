// Go: `type SafeCounter struct { mu sync.Mutex; count map[string]int }` with
// `c.mu.Lock(); defer c.mu.Unlock()`. gorx: `using _ = await this.mu.lock()` is the deferred unlock.
import { fileURLToPath } from 'node:url';
import { go, Mutex, sleep } from 'gorx';

class SafeCounter {
  private readonly mu = new Mutex();
  private readonly count = new Map<string, number>();

  async increment(key: string): Promise<void> {
    using _ = await this.mu.lock(); // released when the block exits, as `defer c.mu.Unlock()`
    const n = this.count.get(key) ?? 0;
    await sleep(0); // an await inside the critical section: other tasks run here
    this.count.set(key, n + 1);
  }

  async get(key: string): Promise<number> {
    return this.mu.withLock(() => this.count.get(key) ?? 0);
  }
}

/** The same counter without the lock: read, await, write loses updates. */
class UnsafeCounter {
  private readonly count = new Map<string, number>();

  async increment(key: string): Promise<void> {
    const n = this.count.get(key) ?? 0;
    await sleep(0);
    this.count.set(key, n + 1);
  }

  get(key: string): number {
    return this.count.get(key) ?? 0;
  }
}

export async function main(): Promise<void> {
  const safe = new SafeCounter();
  const unsafe = new UnsafeCounter();
  const tasks = [];
  for (let i = 0; i < 100; i++) {
    tasks.push(go(() => safe.increment('hits')));
    tasks.push(go(() => unsafe.increment('hits')));
  }
  await Promise.all(tasks);
  console.log('SafeCounter after 100 increments:', await safe.get('hits'));
  console.log('UnsafeCounter after 100 increments:', unsafe.get('hits'));

  // tryLock is Go's TryLock: it never waits.
  const mu = new Mutex();
  const unlock = await mu.lock();
  console.log('tryLock while held:', mu.tryLock());
  unlock();
  console.log('tryLock after unlock:', mu.tryLock());
  mu.unlock();
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await main();
