// The "Threads" section of BENCHMARKS.md: the thread workloads (threads.bench.ts) as ratios of the
// same run — speedups over the main thread, gorx against piscina and the floor pool — and the
// THREADS.md goals P7 and P8 checked against them.
import { formatRate, label, type Row } from './harness.js';
import type { Measured } from './report.js';
import { type LatencyRow, THREADS } from './threads.bench.js';

const hzOf = (row: Row | undefined): number | undefined =>
  row?.outcome.status === 'ok' ? row.outcome.hz : undefined;

const ratio = (a: number | undefined, b: number | undefined): number | undefined =>
  a === undefined || b === undefined ? undefined : a / b;

const times = (r: number | undefined): string => (r === undefined ? '—' : `${r.toFixed(2)}×`);

const verdict = (r: number | undefined, goal: number): string =>
  r === undefined ? '—' : r >= goal ? 'met' : '**not met**';

/** The row of `m` whose library or variant is `name`. */
const find = (m: Measured | undefined, name: string): Row | undefined =>
  m?.rows.find((r) => r.case.variant === name || r.case.lib === name);

const gorxRow = (m: Measured | undefined): Row | undefined => m?.rows.find((r) => r.case.kind === 'gorx');

/** A column of ratios: to one row, or to the row a function picks for each row (its own floor). */
type Base = Row | undefined | ((row: Row) => Row | undefined);

function rateTable(m: Measured, columns: readonly (readonly [string, Base])[]): string[] {
  const cells = (values: readonly string[]): string => values.map((v) => ` ${v} |`).join('');
  const lines = [
    `| library | ${m.workload.unit}/s (median) | ± (MAD) |${cells(columns.map(([name]) => name))}`,
    `| --- | ---: | ---: |${cells(columns.map(() => '---:'))}`,
  ];
  for (const row of m.rows) {
    const o = row.outcome;
    const shown = row.case.kind === 'gorx' ? `**${label(row.case)}**` : label(row.case);
    if (o.status !== 'ok') {
      const message = o.message.replaceAll('|', '\\|');
      lines.push(`| ${shown} | ${o.status}: ${message} | |${cells(columns.map(() => ''))}`);
      continue;
    }
    const ratios = columns.map(([, b]) => {
      const base = typeof b === 'function' ? b(row) : b;
      return base === row ? '' : times(ratio(o.hz, hzOf(base)));
    });
    lines.push(`| ${shown} | ${formatRate(o.hz)} | ${o.spread.toFixed(1)}% |${cells(ratios)}`);
  }
  return lines;
}

/**
 * Renders the section from the thread workloads that ran (any subset of them); `loads` is the
 * 1-minute load average when each began.
 */
export function renderThreads(
  measured: readonly Measured[],
  loads: readonly number[],
  cancel?: readonly LatencyRow[],
): string {
  const byId = (id: string) => measured.find((m) => m.workload.id === id);
  const cpu = measured.filter((m) => m.workload.id.startsWith('threads-fib'));
  const tiny = byId('threads-noop');
  const goals: string[] = [
    '| goal | metric (this run) | ratio | target | |',
    '| --- | --- | ---: | --- | --- |',
  ];
  let cpuKept = true;
  for (const m of cpu) {
    const gorx = hzOf(gorxRow(m));
    const main = hzOf(find(m, 'main thread'));
    const checks = [
      ['gorx ÷ main thread (speedup)', ratio(gorx, main), 1.8, '≥ 1.8×'],
      ['gorx ÷ piscina (speedups compared)', ratio(gorx, hzOf(find(m, 'piscina'))), 1, '≥ 1.0×'],
      ['gorx ÷ floor pool', ratio(gorx, hzOf(find(m, 'floor pool'))), 0.95, '≥ 0.95×'],
    ] as const;
    for (const [metric, r, goal, target] of checks) {
      if (!(r !== undefined && r >= goal)) cpuKept = false;
      goals.push(
        `| P7 | ${m.workload.title.replace('Threads: ', '')}: ${metric} | ${times(r)} | ${target} | ${verdict(r, goal)} |`,
      );
    }
  }
  if (tiny !== undefined) {
    const gorx = hzOf(gorxRow(tiny));
    const r = ratio(gorx, hzOf(find(tiny, 'piscina')));
    goals.push(`| P8 | no-op tasks: gorx ÷ piscina | ${times(r)} | ≥ 5× | ${verdict(r, 5)} |`);
    const abs = gorx === undefined ? undefined : gorx / 200_000;
    goals.push(
      `| P8 | no-op tasks: gorx's rate (${gorx === undefined ? '—' : `${formatRate(gorx)}/s`}) ÷ 200k/s, this machine only | ${times(abs)} | ≥ 1× | ${verdict(abs, 1)} |`,
    );
    if (cpu.length > 0) {
      goals.push(
        `| P8 | … while keeping P7 (every P7 row above met) | | | ${cpuKept ? 'met' : '**not met**'} |`,
      );
    }
  }

  const buffered = byId('threads-buffered');
  const small = byId('threads-small');
  const unbuffered = byId('threads-unbuffered');
  const chromium = byId('threads-chromium');
  const channelGoal = (
    id: string,
    m: Measured | undefined,
    name: string,
    base: string,
    goal: number,
  ): void => {
    if (m === undefined) return;
    const r = ratio(hzOf(find(m, name)), hzOf(find(m, base)));
    const where = m === chromium ? 'Chromium: ' : '';
    const target = goal.toFixed(Number.isInteger(goal * 10) ? 1 : 2);
    goals.push(`| ${id} | ${where}${name} ÷ ${base} | ${times(r)} | ≥ ${target}× | ${verdict(r, goal)} |`);
  };
  channelGoal('P1', buffered, 'Channel(256), ranging', 'bare credit protocol, c = 256', 0.9);
  channelGoal('P1', buffered, 'Channel(4096), ranging', 'bare credit protocol, c = 4096', 0.9);
  channelGoal('P1', buffered, 'Channel(4096), ranging', '256 values per message', 1);
  // The plain page, and the one served with COOP/COEP in a Chromium that isolates it.
  for (const page of ['', 'isolated page: ']) {
    channelGoal('P1', chromium, `${page}Channel(256), ranging`, `${page}256 values per message`, 0.35);
    channelGoal('P1', chromium, `${page}Channel(4096), ranging`, `${page}256 values per message`, 1);
  }
  channelGoal('P2', buffered, 'Channel(256), Promise faces', 'bare credit protocol, c = 256', 0.7);
  channelGoal('P2', buffered, 'Channel(4096), Promise faces', 'bare credit protocol, c = 4096', 0.5);
  channelGoal('P6', buffered, 'Channel(1024), ranging', 'SharedArrayBuffer ring, 1024 slots', 0.3);
  channelGoal('P6', buffered, 'Channel(1024), ranging', 'Channel(1024), ranging, without the ring', 2);
  channelGoal('P3', small, 'Channel(1), ranging', 'bare credit protocol, c = 1', 0.9);
  channelGoal('P3', small, 'Channel(16), ranging', 'bare credit protocol, c = 16', 0.9);
  channelGoal(
    'P3',
    small,
    'Channel(16), ranging',
    'Channel(16), ranging, the thread sleeps at once (spin: 0)',
    2,
  );
  channelGoal('P4', unbuffered, 'Channel(0) ping-pong', 'raw MessagePort round trip', 0.9);
  channelGoal(
    'P4',
    unbuffered,
    'Channel(0) ping-pong, the thread sleeps at once (spin: 0)',
    'raw MessagePort round trip',
    0.9,
  );
  for (const row of cancel ?? []) {
    if (row.kind !== 'gorx') continue;
    const floor = cancel!.find((r) => r.variant === row.floor);
    const r = floor === undefined ? undefined : row.p99 / floor.p99;
    // Lower is better here: the goal is met at 2× the floor's p99 or under.
    const met = r === undefined ? '—' : r <= 2 ? 'met' : '**not met**';
    goals.push(`| C1 | cancellation p99, ${row.variant} ÷ ${row.floor} | ${times(r)} | ≤ 2.0× | ${met} |`);
    goals.push(
      `| C1 | threads terminated, ${row.variant} (${row.samples} cancellations) | ${row.terminated ?? '—'} | 0 | ${row.terminated === 0 ? 'met' : '**not met**'} |`,
    );
  }

  const out = [
    '## Threads',
    '',
    `Every pool has ${THREADS} threads and runs the same \`fib\` and no-op functions; its worker file`,
    'is bundled by esbuild (gorx’s takes `gorx/worker` from `lib/`). Each workload runs in a process',
    'of its own, its cases interleaved round by round, so the ratios compare pools that saw the same',
    'machine; the pools start once per process, before the warm-up. The floor pool is hand-written',
    'on raw `worker_threads` (least-loaded, 2 tasks in flight per thread for fib and 64 for no-ops,',
    'batched once per turn both ways: `spec/bench/threads-floors.ts`); for fib it also runs with 1 task',
    'in flight per thread, all `workerPool(2)` allows on 2 threads. gorx is measured as the goal',
    "states it, `workerPool(2, pool.fn('fib'))` (one task per thread at a time, as `workerPool`",
    'bounds it), and with every task handed to `pool.go` at once, as the peers get them. CPU speedups',
    'mean something only on a quiet machine (a 1-minute load average under 1); the load average when',
    `each workload began: ${measured.map((m, i) => `${m.workload.id.replace('threads-', '')} ${loads[i]?.toFixed(1) ?? '?'}`).join(', ')}`,
    '(`WAIT_QUIET=<minutes> npm run bench` waits for a quiet machine first).',
    '',
    'Reference figures (THREADS.md, another quiet 2-core machine): speedup over the main thread for',
    '400 × fib(25) / 100 × fib(28): piscina 1.65× / 1.85×, workerpool 1.76× / 1.95×, hand-written pool',
    '1.78× / 1.88×, Go (GOMAXPROCS 2 vs 1) 1.82× / 2.02×; no-op tasks: piscina 41k/s, workerpool',
    '32k/s, a hand-written pool with 64 in flight 711k/s; raw round trip 19–59k/s; one way 2.5M / 9.0M',
    '/ 16–24M values/s at 1 / 16 / 256 per message.',
    ...(goals.length > 2 ? ['', '### Goals (THREADS.md P1, P2, P3, P4, P6, P7, P8, C1)', '', ...goals] : []),
  ];
  const table = (m: Measured | undefined, columns: readonly (readonly [string, Base])[]): void => {
    if (m === undefined) return;
    const title = m.workload.title.replace('Threads: ', '');
    out.push('', `### ${title}`, '', m.workload.description, '', ...rateTable(m, columns));
  };
  for (const m of cpu) {
    table(m, [
      ['speedup over the main thread', find(m, 'main thread')],
      ['vs piscina', find(m, 'piscina')],
      ['vs floor pool', find(m, 'floor pool')],
    ]);
  }
  table(tiny, [
    ['vs piscina', find(tiny, 'piscina')],
    ['vs floor pool', find(tiny, 'floor pool')],
  ]);
  table(byId('threads-roundtrip'), []);
  table(byId('threads-oneway'), []);
  const ownFloor =
    (m: Measured) =>
    (row: Row): Row | undefined =>
      row.case.floor === undefined ? undefined : find(m, row.case.floor);
  if (buffered !== undefined) {
    table(buffered, [
      ['vs bare credit protocol (same c)', ownFloor(buffered)],
      ['vs 256 values per message', find(buffered, '256 values per message')],
    ]);
  }
  if (small !== undefined) table(small, [['vs bare credit protocol (same c)', ownFloor(small)]]);
  if (chromium !== undefined) table(chromium, [['vs 256 values per message', ownFloor(chromium)]]);
  if (unbuffered !== undefined) table(unbuffered, [['vs raw round trip', ownFloor(unbuffered)]]);
  const fan = byId('threads-fanout');
  if (fan !== undefined)
    table(fan, [['vs one thread receiving', find(fan, 'Channel(256), one thread receives')]]);
  if (cancel !== undefined) {
    const µs = (ms: number): string => `${Math.round(ms * 1000).toLocaleString('en-US')} µs`;
    out.push(
      '',
      '### Cancellation latency, main → one thread',
      '',
      'From `cancel()` to the settlement of a task that honours it, next to the floors of the same run',
      '(a message round trip to an idle thread; a shared word set under a thread spinning on it, which',
      `answers when it sees it); ${cancel[0]?.samples ?? 0} cancellations each, interleaved, after a warm-up.`,
      '',
      '| way | p50 | p99 | p99 vs floor |',
      '| --- | ---: | ---: | ---: |',
    );
    for (const row of cancel) {
      const floor = cancel.find((r) => r.variant === row.floor);
      const shown = row.kind === 'gorx' ? `**gorx (${row.variant})**` : `floor (${row.variant})`;
      out.push(
        `| ${shown} | ${µs(row.p50)} | ${µs(row.p99)} | ${floor === undefined ? '' : times(row.p99 / floor.p99)} |`,
      );
    }
  }
  return `${out.join('\n')}\n`;
}
