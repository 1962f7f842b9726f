import { type Case, formatRate, label, ROUNDS, type Row, type Workload } from './harness.js';
import type { MemoryRow } from './memory.bench.js';

export interface Measured {
  readonly workload: Workload;
  readonly rows: readonly Row[];
}

export interface Environment {
  readonly date: string;
  readonly node: string;
  readonly cpu: string;
  readonly cores: number;
  readonly platform: string;
  readonly versions: readonly (readonly [string, string])[];
  readonly seconds: number;
  /** Load average (1 min) when the run started and ended. */
  readonly load: readonly [number, number];
  /** Sampling budget per case, in ms. */
  readonly timing: number;
}

const hzOf = (row: Row | undefined): number | undefined =>
  row?.outcome.status === 'ok' ? row.outcome.hz : undefined;

/** The fastest peer's rate in a workload. */
function bestPeer(rows: readonly Row[]): number | undefined {
  const rates = rows.filter((r) => r.case.kind === 'peer').map(hzOf);
  const ok = rates.filter((hz): hz is number => hz !== undefined);
  return ok.length > 0 ? Math.max(...ok) : undefined;
}

/** The floor a case is compared with: the one it names, else the workload's first floor. */
function floorOf(c: Case, rows: readonly Row[]): number | undefined {
  const floors = rows.filter((r) => r.case.kind === 'floor');
  const named = c.floor === undefined ? undefined : floors.find((r) => r.case.variant === c.floor);
  return hzOf(named ?? floors[0]);
}

const ratio = (a: number | undefined, b: number | undefined): string =>
  a === undefined || b === undefined ? '—' : `${(a / b).toFixed(2)}×`;

const name = (c: Case): string => (c.kind === 'gorx' ? `**${label(c)}**` : label(c));

function workloadTable(m: Measured): string[] {
  const best = bestPeer(m.rows);
  const lines = [
    `| library | ${m.workload.unit}/s (median) | ± (MAD) | vs fastest peer | vs floor |`,
    '| --- | ---: | ---: | ---: | ---: |',
  ];
  for (const row of m.rows) {
    const o = row.outcome;
    if (o.status !== 'ok') {
      lines.push(`| ${name(row.case)} | ${o.status}: ${o.message.replaceAll('|', '\\|')} | | | |`);
      continue;
    }
    const vsFloor = row.case.kind === 'floor' ? '' : ratio(o.hz, floorOf(row.case, m.rows));
    lines.push(
      `| ${name(row.case)} | ${formatRate(o.hz)} | ${o.spread.toFixed(1)}% | ${ratio(o.hz, best)} | ${vsFloor} |`,
    );
  }
  return lines;
}

function summary(measured: readonly Measured[]): string[] {
  const lines = [
    '| workload | gorx variant | gorx | fastest peer | gorx ÷ fastest peer | gorx ÷ floor |',
    '| --- | --- | ---: | --- | ---: | ---: |',
  ];
  for (const m of measured) {
    const peers = m.rows.filter((r) => r.case.kind === 'peer' && hzOf(r) !== undefined);
    const top = peers.sort((a, b) => hzOf(b)! - hzOf(a)!)[0];
    const peer = top ? `${label(top.case)} ${formatRate(hzOf(top)!)}` : '—';
    for (const row of m.rows.filter((r) => r.case.kind === 'gorx')) {
      const hz = hzOf(row);
      lines.push(
        `| ${m.workload.title} | ${row.case.variant ?? ''} | ${hz === undefined ? row.outcome.status : formatRate(hz)} | ${peer} | ${ratio(hz, hzOf(top))} | ${ratio(hz, floorOf(row.case, m.rows))} |`,
      );
    }
  }
  return lines;
}

const bytes = (v: number | string | undefined): string =>
  typeof v === 'number' ? `${Math.round(v).toLocaleString('en-US')}` : (v ?? '—');

function memoryTable(rows: readonly MemoryRow[], capacities: readonly number[]): string[] {
  const lowestPeer = Math.min(
    ...rows
      .filter((r) => r.case.kind === 'peer' && typeof r.blocked === 'number')
      .map((r) => r.blocked as number),
  );
  const floors = rows.filter((r) => r.case.kind === 'floor');
  const floorOfRow = (r: MemoryRow): number | undefined => {
    const named = floors.find((f) => f.case.variant === r.case.floor) ?? floors[0];
    return typeof named?.blocked === 'number' ? named.blocked : undefined;
  };
  const lines = [
    `| library | bytes / blocked receiver | vs leanest peer | vs floor | ${capacities.map((c) => `bytes / idle channel (cap ${c})`).join(' | ')} |`,
    `| --- | ---: | ---: | ---: | ${capacities.map(() => '---:').join(' | ')} |`,
  ];
  for (const r of rows) {
    const b = typeof r.blocked === 'number' ? r.blocked : undefined;
    const c = r.case;
    const shown = c.kind === 'gorx' ? `**${label({ ...c, ops: 0 })}**` : label({ ...c, ops: 0 });
    const vsFloor = c.kind === 'floor' ? '' : ratio(b, floorOfRow(r));
    lines.push(
      `| ${shown} | ${bytes(r.blocked)} | ${ratio(b, Number.isFinite(lowestPeer) ? lowestPeer : undefined)} | ${vsFloor} | ${r.idle.map(bytes).join(' | ')} |`,
    );
  }
  return lines;
}

/** Why a gorx case misses a goal, from CPU profiles, by `workload id: case label`. */
export type Reasons = Readonly<Record<string, string>>;

/** The floor ratio a gorx case must reach: 1/1.5 for Promise paths, 1/2 for synchronous ones. */
const floorGoal = (c: Case): number => (c.floor === 'sync handoff' ? 1 / 2 : 1 / 1.5);

const verdict = (value: number | undefined, goal: number): string =>
  value === undefined ? '—' : `${value.toFixed(2)}× ${value >= goal ? 'met' : '**not met**'}`;

/** The goals, checked against this run, with the reasons for each one missed. */
function goals(
  measured: readonly Measured[],
  memory: { rows: readonly MemoryRow[] } | string,
  reasons: Reasons,
): string[] {
  const lines = [
    'At least as fast as the fastest peer (≥ 1×); Promise paths within 1.5× of the promise floor',
    '(≥ 0.67×) and synchronous paths within 2× of the synchronous floor (≥ 0.5×); under 1 KB per',
    'blocked receiver.',
    '',
    '| workload | gorx variant | vs fastest peer | vs floor |',
    '| --- | --- | --- | --- |',
  ];
  const missed: string[] = [];
  for (const m of measured) {
    const best = bestPeer(m.rows);
    for (const row of m.rows.filter((r) => r.case.kind === 'gorx')) {
      const hz = hzOf(row);
      const vsPeer = hz === undefined || best === undefined ? undefined : hz / best;
      const floor = floorOf(row.case, m.rows);
      const vsFloor = hz === undefined || floor === undefined ? undefined : hz / floor;
      const goal = floorGoal(row.case);
      lines.push(
        `| ${m.workload.title} | ${row.case.variant ?? ''} | ${verdict(vsPeer, 1)} | ${verdict(vsFloor, goal)} |`,
      );
      const reason = reasons[`${m.workload.id}: ${label(row.case)}`];
      const short = (vsPeer !== undefined && vsPeer < 1) || (vsFloor !== undefined && vsFloor < goal);
      if (short && reason !== undefined)
        missed.push(`* **${m.workload.title}, ${row.case.variant}**: ${reason}`);
    }
  }
  if (typeof memory !== 'string') {
    const receiver = memory.rows.find((r) => r.case.kind === 'gorx');
    if (typeof receiver?.blocked === 'number') {
      const met = receiver.blocked < 1024 ? 'met' : '**not met**';
      lines.push(
        '',
        `Memory: ${bytes(receiver.blocked)} B per blocked ${label({ ...receiver.case, ops: 0 })}, ${met}.`,
      );
    }
  }
  if (missed.length > 0)
    lines.push('', 'Where a goal is missed, and why (from CPU profiles of the bundle):', '', ...missed);
  return lines;
}

export interface Reference {
  readonly workload: string;
  readonly figures: string;
}

export function renderReport(
  env: Environment,
  measured: readonly Measured[],
  memory: { rows: readonly MemoryRow[]; capacities: readonly number[]; count: number } | string,
  references: readonly Reference[],
  reasons: Reasons,
  /** The "Bundle size" section that `npm run size` wrote, kept as it is. */
  size?: string,
  /** The "Threads" section (threads-report.ts), when thread workloads ran. */
  threads?: string,
): string {
  const timing = env.timing;
  const out: string[] = [
    '# Benchmarks',
    '',
    `Generated by \`npm run bench\` (\`spec/bench/run.ts\`) on ${env.date}, in ${env.seconds.toFixed(0)} s.`,
    '',
    `* Node ${env.node} on ${env.platform}, ${env.cpu} × ${env.cores}`,
    `* ${env.versions.map(([n, v]) => `${n} ${v}`).join(', ')}`,
    `* load average (1 min): ${env.load[0].toFixed(1)} at the start, ${env.load[1].toFixed(1)} at the end`,
    '',
    'Each workload runs in a fresh process, every library of a workload in the same one. A sample',
    'is one batch of operations on fresh channels, timed by tinybench. Each case is run once as a',
    `probe, warmed up, then sampled in ${ROUNDS} rounds of about ${Math.round(timing / ROUNDS)} ms each (at least one sample`,
    'per round); the order of the cases rotates from round to round, so that load elsewhere on the',
    'machine spreads over all of them. A rate is the median batch time turned into operations per',
    'second; ± is the median absolute deviation of the samples, relative to the median. The heap is',
    'collected once before each case warms up, not between rounds: a forced collection throws away',
    'optimised code, and collecting every round would measure how fast each library re-optimises.',
    '**vs fastest peer** divides by the fastest other library of the workload (above 1× is faster);',
    '**vs floor** divides by the hand-written floor of `spec/bench/floors.ts` (a promise channel on a',
    'ring buffer, or the synchronous callback handoff for the synchronous gorx paths): the least that',
    'shape of code can cost in this runtime. gorx runs as published: `lib/` bundled by tsup (running',
    'it through tsx instead compiles it with esbuild’s `keepNames`, which slows closure-heavy paths).',
    'Only ratios carry over between machines.',
    '',
    '## Reference figures',
    '',
    'Measured earlier on another 2-core machine, for context (only ratios carry over):',
    '',
    '| workload | figures |',
    '| --- | --- |',
    ...references.map((r) => `| ${r.workload} | ${r.figures} |`),
    '',
    '## Summary',
    '',
    ...summary(measured),
    '',
    '## Goals',
    '',
    ...goals(measured, memory, reasons),
  ];
  measured.forEach((m, i) => {
    out.push('', `## ${i + 1}. ${m.workload.title}`, '', m.workload.description, '', ...workloadTable(m));
  });
  out.push('', `## ${measured.length + 1}. Memory`, '');
  if (typeof memory === 'string') {
    out.push(memory);
  } else {
    out.push(
      `Heap bytes (\`process.memoryUsage().heapUsed\` after \`gc()\`), median of 3 runs.`,
      `A blocked receiver is one of ${memory.count.toLocaleString('en-US')} receivers parked 1,000 to an empty`,
      'unbuffered channel, in the shape the library offers (an async task awaiting a receive, a',
      'subscription, a process, a fiber); it includes 1/1,000 of its channel. An idle channel is one',
      'of as many fresh channels.',
      'Effect has no unbuffered queue, so its blocked receivers wait on `Queue.bounded(1)`.',
      '',
      ...memoryTable(memory.rows, memory.capacities),
    );
  }
  if (threads !== undefined) out.push('', threads.trimEnd());
  if (size !== undefined) out.push('', size.trimEnd());
  out.push('');
  return out.join('\n');
}
