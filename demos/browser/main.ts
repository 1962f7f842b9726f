// A search box over three backend shards. Keystrokes are debounced (RxJS); each query fans out to the
// shards through `workerPool` (at most 2 at a time, each with its own Context), and every shard gets a
// deadline with Go's `select { case r := <-answer: … case <-time.After(d): … }`. A new query cancels the
// previous one (switchMap unsubscribes, which cancels the workers' contexts).
import { after, Channel, type Context, go, recv, select, sleep, workerPool } from 'gorx';
import { debounceTime, distinctUntilChanged, from, fromEvent, map, switchMap, toArray } from 'rxjs';

interface Shard {
  name: string;
  latency: number; // ms
  words: string[];
}

interface ShardResult {
  shard: string;
  hits: string[];
  timedOut: boolean;
}

const SHARD_DEADLINE = 100; // ms

const shards: Shard[] = [
  {
    name: 'shard-a',
    latency: 20,
    words: ['channel', 'buffered channel', 'select', 'goroutine', 'go statement'],
  },
  { name: 'shard-b', latency: 40, words: ['context', 'cancel', 'errgroup', 'mutex', 'nil channel'] },
  { name: 'shard-c', latency: 400, words: ['chan<- (send-only)', 'ticker', 'timer', 'waitgroup'] },
];

async function queryShard(shard: Shard, q: string, ctx: Context): Promise<string[]> {
  await sleep(shard.latency, ctx); // the request; abandoned if the query is superseded
  return shard.words.filter((w) => w.includes(q));
}

async function searchShard(shard: Shard, q: string, ctx: Context): Promise<ShardResult> {
  const answer = new Channel<string[]>(1); // buffer of 1: a late answer never blocks its sender
  go(async () => answer.send(await queryShard(shard, q, ctx)), { ctx, name: shard.name });
  const r = await select({ answer: recv(answer), timeout: recv(after(SHARD_DEADLINE)) }, ctx);
  return {
    shard: shard.name,
    hits: r.case === 'answer' ? (r.value ?? []) : [],
    timedOut: r.case === 'timeout',
  };
}

function render(q: string, results: ShardResult[]): void {
  const list = document.getElementById('results')!;
  const status = document.getElementById('status')!;
  list.replaceChildren(
    ...results.flatMap((r) =>
      r.hits.map((hit) => {
        const li = document.createElement('li');
        li.textContent = `${hit} (${r.shard})`;
        return li;
      }),
    ),
  );
  const slow = results.filter((r) => r.timedOut).map((r) => r.shard);
  const hits = results.reduce((n, r) => n + r.hits.length, 0);
  status.textContent = `"${q}": ${hits} hits${slow.length > 0 ? `; timed out: ${slow.join(', ')}` : ''}`;
  status.dataset.state = 'done';
}

const input = document.getElementById('q') as HTMLInputElement;
fromEvent(input, 'input')
  .pipe(
    map(() => input.value.trim().toLowerCase()),
    debounceTime(50),
    distinctUntilChanged(),
    switchMap((q) =>
      from(shards).pipe(
        workerPool(2, (shard, ctx) => searchShard(shard, q, ctx), { ordered: true }),
        toArray(),
        map((results) => ({ q, results })),
      ),
    ),
  )
  .subscribe(({ q, results }) => render(q, results));

// Self-test (used by check.ts): type "chan" one key at a time, faster than the debounce.
if (location.hash === '#selftest') {
  let typed = '';
  for (const [i, key] of [...'chan'].entries()) {
    setTimeout(() => {
      typed += key;
      input.value = typed;
      input.dispatchEvent(new Event('input'));
    }, i * 10);
  }
}
