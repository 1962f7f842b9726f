// Every export of `gorx` and `gorx/testing`, used as an app would, type-checked against the
// installed package by consumer.node.spec.ts (strict, skipLibCheck off, with and without
// esnext.disposable, as ESM and as CommonJS). It is only compiled, never run.
import {
  after,
  afterFunc,
  BufferOverflowError,
  background,
  type Cancel,
  CanceledError,
  type Case,
  type Cases,
  Channel,
  ClosedChannelError,
  type Context,
  type ContextError,
  type ContextKey,
  cancelWith,
  cause,
  contextKey,
  DeadlineExceededError,
  type DestroyRefLike,
  ErrGroup,
  errGroup,
  fanIn,
  fromDestroyRef,
  fromSignal,
  go,
  Mutex,
  NegativeCounterError,
  newTicker,
  newTimer,
  Once,
  type Overflow,
  onceFunc,
  onceValue,
  type PendingTasksLike,
  type ProduceOptions,
  produce,
  type ReceiveChannel,
  type RecvCase,
  type RecvResult,
  RWMutex,
  recv,
  registerError,
  type Selected,
  Semaphore,
  type SendCase,
  type SendChannel,
  type SendToOptions,
  select,
  select$,
  send,
  sendTo,
  sleep,
  type Task,
  type ThreadPool,
  type ThreadPoolOptions,
  type Ticker,
  type Timer,
  type ToChannelOptions,
  threadPool,
  tick,
  toChannel,
  trackTasks,
  transfer,
  trySelect,
  type Unlock,
  UnlockError,
  WaitGroup,
  type Work,
  WorkerExitError,
  type WorkerPoolOptions,
  withCancel,
  withCancelCause,
  withDeadline,
  withoutCancel,
  withTimeout,
  withValue,
  workerPool,
} from 'gorx';
import {
  type Bubble,
  captureStacks,
  DeadlockError,
  LeakError,
  type LiveSnapshot,
  type LiveTask,
  type SynctestOptions,
  snapshotLive,
  synctest,
  type VerifyNoLeaksOptions,
  VirtualClock,
  verifyNoLeaks,
} from 'gorx/testing';
import {
  type Handler,
  registerError as registerWorkerError,
  type ServeOptions,
  serve,
  transfer as transferFromWorker,
  type Context as WorkerContext,
  type ReceiveChannel as WorkerReceive,
  type SendChannel as WorkerSend,
  WorkerExitError as WorkerSideExit,
} from 'gorx/worker';
import { type Observable, of, range } from 'rxjs';

export async function channels(): Promise<number> {
  const ch = new Channel<number>(1);
  const out: SendChannel<number> = ch;
  const inbox: ReceiveChannel<number> = ch;
  await out.send(1);
  const r: RecvResult<number> = await inbox.recv();
  const ticks: Observable<number> = tick(1000).pipe();
  ticks.subscribe().unsubscribe();
  const timer: Timer = newTimer(10);
  const ticker: Ticker = newTicker(10);
  const stopped: boolean = timer.stop();
  ticker.stop();
  const merged: ReceiveChannel<number> = fanIn(
    ch,
    null,
    toChannel(of(1, 2), { capacity: 2 } satisfies ToChannelOptions),
  );
  return (r.ok ? r.value : 0) + (stopped ? 1 : 0) + merged.capacity;
}

export async function selecting(ch: Channel<string>): Promise<string> {
  const cases = { msg: recv(ch), sent: send(ch, 'x'), timeout: recv(after(100)) } satisfies Cases;
  const r: Selected<typeof cases> = await select(cases);
  const rc: RecvCase<string> = cases.msg;
  const sc: SendCase<string> = cases.sent;
  const anyCase: Case = Math.random() < 0.5 ? rc : sc;
  const maybe = trySelect({ c: anyCase });
  select$({ m: recv(ch) }).subscribe((s) => console.log(s.case));
  if (r.case === 'msg') return r.ok ? r.value : 'closed';
  return `${r.case} ${maybe?.case ?? 'none'}`;
}

export async function contexts(signal: AbortSignal): Promise<unknown> {
  const key: ContextKey<string> = contextKey<string>('user');
  const [ctx, cancel] = withCancel(withValue(background(), key, 'ada'));
  const [, cancelCause] = withCancelCause(ctx);
  const [timed] = withTimeout(ctx, 100);
  const [dated] = withDeadline(ctx, new Date(Date.now() + 100));
  const stop = afterFunc(ctx, () => console.log('done'));
  const ref: DestroyRefLike = { onDestroy: (cb: () => void) => cb };
  const fromRef: Context = fromDestroyRef(ref);
  const token: Cancel = Math.random() < 0.5 ? fromSignal(signal) : signal;
  await sleep(1, token).catch((e: unknown) => e);
  cancelCause(new Error('why'));
  cancel();
  const err: ContextError | undefined = timed.err;
  const checks = [
    err instanceof CanceledError,
    err instanceof DeadlineExceededError,
    new ClosedChannelError() instanceof Error,
    new NegativeCounterError() instanceof Error,
    new UnlockError() instanceof Error,
    new BufferOverflowError(1).capacity,
  ];
  return [stop(), cause(dated), withoutCancel(ctx).value(key), fromRef.err, checks];
}

export async function goroutines(): Promise<number> {
  const task: Task<number> = go(async (ctx) => (ctx.err === undefined ? 1 : 0), { name: 'one' });
  const tracker: PendingTasksLike = { add: () => () => undefined };
  const untrack = trackTasks(tracker);
  untrack();
  const wg = new WaitGroup();
  wg.go(async () => undefined);
  await wg.wait();
  const [group, gctx] = errGroup(background());
  const work: Parameters<ErrGroup['go']>[0] = async (c) => c.err;
  await group.go(work);
  group.setLimit(2);
  await new ErrGroup().wait();
  const mu = new Mutex();
  const unlock: Unlock = await mu.lock();
  unlock();
  const rw = new RWMutex();
  (await rw.rLock())();
  const sem = new Semaphore(2);
  await sem.withPermits(1, async () => undefined);
  await new Once().do(() => undefined);
  const f = onceFunc(() => 1);
  const v = onceValue(() => 2);
  return (await task) + f() + v() + (gctx.err === undefined ? 0 : 1);
}

export function operators(ctx: Context): Observable<number> {
  const poolOptions: WorkerPoolOptions = { ctx, ordered: true };
  const double: Work<number, number> = async (value) => value * 2;
  const produceOptions: ProduceOptions = { capacity: 1, ctx };
  const produced = produce<number>(async (out) => out.send(1), produceOptions);
  const sink = new Channel<number>(8);
  const sendToOptions: SendToOptions = { close: false };
  const overflow: Overflow = 'drop-oldest';
  void toChannel(produced, { overflow });
  return range(1, 3).pipe(workerPool(2, double, poolOptions), sendTo(sink, sendToOptions), cancelWith(ctx));
}

export async function testing(): Promise<void> {
  const options: SynctestOptions = { stacks: true };
  await synctest(async (bubble: Bubble) => {
    await bubble.wait();
    console.log(bubble.now(), bubble.clock.pending);
  }, options);
  const snapshot: LiveSnapshot = snapshotLive();
  const verify: VerifyNoLeaksOptions = { ignore: snapshot, ignoreTask: (t: LiveTask) => t.name === 'x' };
  await verifyNoLeaks(verify);
  const clock = new VirtualClock(0);
  const restore = clock.install();
  clock.advance(10);
  restore();
  captureStacks(false);
  console.log(new DeadlockError([], [], 0).waits, new LeakError([], 0).tasks);
}

/** The main side of the thread layer; `spawn` is the application's own worker factory. */
export async function threads(spawn: () => unknown, ctx: Context): Promise<number> {
  class AppError extends Error {}
  registerError(AppError);
  const options: ThreadPoolOptions = { size: 2, ctx, terminateAfter: 1000 };
  const pool: ThreadPool = threadPool(spawn, options);
  const bytes = new Uint8Array(8);
  const sum = await pool.go<number>('sum', [transfer(bytes, [bytes.buffer])], ctx);
  const fib = pool.fn<number, number>('fib');
  await pool.close();
  try {
    return sum + (await fib(10, ctx));
  } catch (e) {
    return e instanceof WorkerExitError ? (e.code ?? -1) + e.uncertain : 0;
  }
}

/** The worker side: what an application's worker file does with gorx/worker. */
export function worker(): void {
  const handlers: Record<string, Handler> = {
    sum: (bytes: Uint8Array, c: WorkerContext) => (c.err === undefined ? bytes.length : 0),
  };
  const opts: ServeOptions = {};
  serve(handlers, opts);
  registerWorkerError(class WorkerSideError extends Error {});
  void [
    transferFromWorker,
    WorkerSideExit,
    null as unknown as WorkerReceive<number>,
    null as unknown as WorkerSend<number>,
  ];
}
