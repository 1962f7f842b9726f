// Wait reasons for the deadlock and leak reports. While a harness listens (`activity.observer`), every
// park records the waiter (and, with stacks on, an Error made at the park, whose stack is only
// formatted if a report needs it); every unpark forgets it and bumps `events`, which the harness
// also reads as a sign of activity. Nothing here runs unless a harness installed the tracker.
//
// A report names each blocked operation with Go's wait reasons (`chan receive`, `chan send`,
// `select`, `sleep`, `sync.Mutex.Lock`, …), the primitive it waits on (class, a per-report number,
// capacity) and, when stacks are on, the first frame outside gorx where it was parked.
import { CallbackWaiter, PromiseWaiter, SubscriberWaiter, voidShape } from '../internal/blocking.js';
import { isRecvPort, isSendPort } from '../internal/brand.js';
import { live, type ParkObserver } from '../internal/debug.js';
import type { Waiter } from '../internal/WaitQueue.js';
import { RECV } from '../select/kinds.js';
import { READER } from '../sync/RWMutex.js';
import type { LiveTask } from './errors.js';
import { userFrame } from './frames.js';

// The primitives are told apart by their members, not by `instanceof`: importing the classes would
// put Channel, DonePort, TimerPort and RWMutex, and all they import, in every program that uses
// gorx/testing. Each test below holds for the class and its subclasses only.

/** A Channel: a send port with parked-operation counts (a channel of another thread has none). */
function isChannel(port: object): port is { readonly waiting: { senders: number } } {
  return isSendPort(port) && 'waiting' in port;
}

/** A context's `done` (DonePort): a receive port with parked-operation counts that is no channel. */
function isDone(port: object): boolean {
  return isRecvPort(port) && !isSendPort(port) && 'waiting' in port;
}

/** The channel of a timer or ticker (TimerPort). */
function isTimer(port: object): boolean {
  return isRecvPort(port) && 'advance' in port && 'when' in port;
}

/** Go's wait reasons for the sync primitives, by the class that owns the queue. */
const SYNC_REASONS: Record<string, string> = {
  Mutex: 'sync.Mutex.Lock',
  RWMutex: 'sync.RWMutex.Lock',
  WaitGroup: 'sync.WaitGroup.Wait',
  Semaphore: 'semacquire',
  Cond: 'sync.Cond.Wait',
  Once: 'sync.Once.Do',
  ErrGroup: 'errgroup.Group.Go',
};

/** Records parked waiters while installed as `activity.observer`. */
export class WaitTracker implements ParkObserver {
  readonly waits = new Map<Waiter, Error | undefined>();
  /** Parks plus unparks seen: any change means something happened. */
  events = 0;
  /** Told of work on other threads (ParkObserver); set by the bubble that installs this tracker. */
  external: ((work: PromiseLike<unknown>) => void) | undefined = undefined;
  constructor(readonly stacks: boolean) {}

  park(w: object): void {
    this.events++;
    this.waits.set(w as Waiter, this.stacks ? new Error() : undefined);
  }

  unpark(w: object): void {
    this.events++;
    this.waits.delete(w as Waiter);
  }

  /** The blocked operations: parked waiters apart from the engine's bookkeeping ones. */
  blocked(): Waiter[] {
    const out: Waiter[] = [];
    for (const w of this.waits.keys()) if (isOperation(w)) out.push(w);
    return out;
  }

  /** One line per blocked operation; a select is one line listing its cases. */
  describe(): string[] {
    const labels = new Map<object, string>();
    const label = (port: object): string => {
      let l = labels.get(port);
      if (l === undefined) {
        const cap = (port as { capacity?: unknown }).capacity;
        const size = typeof cap === 'number' && !isTimer(port) ? `(${cap})` : '';
        const done = isDone(port);
        const kind = done ? 'Context.done' : port.constructor.name;
        l = `${kind}#${labels.size + 1}${size && !done ? size : ''}`;
        labels.set(port, l);
      }
      return l;
    };
    const lines: string[] = [];
    const selects = new Map<object, { cases: [number, string][]; at: string | undefined; guard: string }>();
    for (const [w, made] of this.waits) {
      if (w.queue === null || w.port === null) continue;
      const at = userFrame(made?.stack);
      if (isCase(w)) {
        let s = selects.get(w.group);
        if (s === undefined) selects.set(w.group, (s = { cases: [], at, guard: '' }));
        if (w.key === null) {
          // The cancellation half of a select: its token's `done`, shown beside the cases.
          s.guard = `, guarded by ${label(w.port)}`;
          continue;
        }
        // Cases park in a random order; list them in the order the select names them.
        const index = (w.group as { waiters?: unknown[] }).waiters?.indexOf(w) ?? s.cases.length;
        s.cases.push([index, `${w.key}: ${w.op === RECV ? 'receive from' : 'send to'} ${label(w.port)}`]);
        continue;
      }
      const reason = reasonOf(w);
      if (reason === undefined) continue;
      lines.push(`${reason} on ${label(w.port)}${at === undefined ? '' : `, parked at ${at}`}`);
    }
    for (const s of selects.values()) {
      const cases = s.cases.sort((a, b) => a[0] - b[0]).map((c) => c[1]);
      lines.push(
        `select { ${cases.join('; ')} }${s.guard}${s.at === undefined ? '' : `, parked at ${s.at}`}`,
      );
    }
    return lines;
  }
}

interface CaseLike extends Waiter {
  readonly group: object;
  readonly key: string | null;
  readonly op: number;
}

function isCase(w: Waiter): w is CaseLike {
  return 'group' in w && 'key' in w && 'op' in w;
}

/**
 * Whether `w` is an operation a task or a Promise waits on: not context propagation, a bridge, or
 * the cancellation half of a wait (which ends with its operation).
 */
function isOperation(w: Waiter): boolean {
  if (w.queue === null || w.port === null) return false;
  return isCase(w) ? w.key !== null : reasonOf(w) !== undefined;
}

/** Go's wait reason for a parked waiter; undefined for the engine's own bookkeeping waiters. */
function reasonOf(w: Waiter): string | undefined {
  if (w instanceof CallbackWaiter) return undefined; // context propagation, bridges
  if ('target' in w && 'token' in w) return undefined; // the cancellation half of a wait
  const port = w.port!;
  if (isTimer(port)) {
    return w instanceof PromiseWaiter && w.shape === voidShape ? 'sleep' : 'chan receive (timer)';
  }
  if (isDone(port)) return 'chan receive';
  if (isChannel(port)) {
    if (w instanceof SubscriberWaiter && w.ranging !== null) return 'chan receive (range)';
    // At most one of a channel's queues is non-empty, so the side with waiters is this one's.
    return port.waiting.senders > 0 ? 'chan send' : 'chan receive';
  }
  if ('rLock' in port && w.weight === READER) return 'sync.RWMutex.RLock';
  return SYNC_REASONS[port.constructor.name] ?? `wait on ${port.constructor.name}`;
}

/** The live tasks as plain records, optionally excluding some. */
export function liveTasks(exclude?: ReadonlySet<object>, skip?: (t: LiveTask) => boolean): LiveTask[] {
  const out: LiveTask[] = [];
  for (const t of live.tasks) {
    if (exclude?.has(t) || skip?.(t)) continue;
    out.push({ id: t.id, name: t.name, created: t.created });
  }
  return out;
}
