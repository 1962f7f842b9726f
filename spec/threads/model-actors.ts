// The senders and receivers of the channel property tests (model.spec.ts here, and the channel
// suite's in threads): each through one face of a channel or an endpoint, some giving up at
// random moments, as a seeded `draw` says.
import type { Subscription } from 'rxjs';
import type { Channel } from '../../lib/channel/Channel.js';
import {
  background,
  CanceledError,
  ClosedChannelError,
  type Context,
  recv,
  select,
  send,
  WorkerExitError,
  withCancel,
} from '../../lib/index.js';
import type { RemoteChannel } from '../../lib/threads/remote.js';

/** A channel or an endpoint of one. */
export type Side = Channel<number> | RemoteChannel<number>;
/**
 * A value of a program: a number, or one sent as an object, so that one channel carries both
 * (numbers ride a ring where memory is shared, objects a message).
 */
export type Value = number | { readonly n: number };
/** The number `v` stands for. */
export const numberOf = (v: unknown): number =>
  typeof v === 'object' && v !== null ? (v as { n: number }).n : (v as number);
export type SendFace = 'promise' | 'try' | 'send$' | 'select';
export type RecvFace = 'promise' | 'recv$' | 'subscribe' | 'select' | 'try' | 'for await';
/** Counts kept while a program runs: sends in progress, operations that gave up. */
export interface Pending {
  sends: number;
  gaveUp: number;
}

/** One of a real turn, a microtask, or nothing, as `draw` says. */
export async function pause(draw: (n: number) => number): Promise<void> {
  const how = draw(4);
  if (how === 0) await new Promise((resolve) => setTimeout(resolve, 0));
  else if (how === 1) await Promise.resolve();
}

/** A context that `draw` cancels at once, after a microtask, after a turn, or never. */
export function giveUp(draw: (n: number) => number): [ReturnType<typeof withCancel>[0], () => void] {
  const [ctx, cancel] = withCancel(background());
  const when = draw(4);
  if (when === 0) cancel();
  else if (when === 1) queueMicrotask(cancel);
  else if (when === 2) setTimeout(cancel, 0);
  return [ctx, cancel];
}

/** The message of the error a close carries (it crosses threads as a copy). */
export const END = 'the end of the program';
/** A receive's end: the close's error, or the death of the channel's thread. */
const isEnd = (e: unknown) => (e instanceof Error && e.message === END) || e instanceof WorkerExitError;

const canceled = (e: unknown) => {
  if (e instanceof CanceledError) return false;
  throw e;
};

/**
 * Sends `values` through `face`; resolves with those whose send completed, and those whose fate
 * the sender cannot know: an unbuffered `send$` unsubscribed while its value was on its way to a
 * receiver in another thread may have been taken there (an unsubscription cannot wait for the
 * answer). A send on the channel once it is closed fails (Go: panics) and ends the sender, as
 * does the death of the channel's thread.
 */
export async function sender(
  ch: Side,
  face: SendFace,
  values: Value[],
  gives: boolean,
  draw: (n: number) => number,
  check: () => void,
  pending: Pending,
): Promise<{ sent: number[]; maybe: number[] }> {
  const sent: number[] = [];
  const maybe: number[] = [];
  for (const v of values) {
    await pause(draw);
    const [ctx, cancel] = gives ? giveUp(draw) : [undefined, () => {}];
    pending.sends++;
    let ok: boolean;
    try {
      ok = await sendOne(ch, face, v as number, ctx);
    } catch (e) {
      if (!(e instanceof ClosedChannelError || e instanceof WorkerExitError)) throw e;
      cancel();
      pending.sends--;
      break;
    }
    cancel();
    if (ok) sent.push(numberOf(v));
    else {
      pending.gaveUp++;
      if (face === 'send$' && ch.capacity === 0) maybe.push(numberOf(v));
    }
    check();
    pending.sends--;
  }
  return { sent, maybe };
}

/** One send through `face`: whether it completed (false: it gave up). */
async function sendOne(ch: Side, face: SendFace, v: number, ctx: Context | undefined): Promise<boolean> {
  if (face === 'promise') return ch.send(v, ctx).then(() => true, canceled);
  if (face === 'try') return ch.trySend(v) || ch.send(v, ctx).then(() => true, canceled);
  if (face === 'select') {
    const cases = { s: send(ch, v), stop: ctx === undefined ? null : recv(ctx.done) };
    return (await select(cases)).case === 's';
  }
  return new Promise<boolean>((resolve, reject) => {
    let done = false;
    const sub: Subscription = ch.send$(v).subscribe({
      complete: () => {
        done = true;
        resolve(true);
      },
      error: (e: unknown) => {
        done = true;
        reject(e);
      },
    });
    if (ctx !== undefined)
      void ctx.done.recv().then(() => {
        if (done) return;
        sub.unsubscribe();
        resolve(false);
      });
  });
}

/**
 * Receives through `face` until the channel is closed (or its close's error comes); resolves with
 * every value received.
 */
export async function receiver(
  ch: Side,
  face: RecvFace,
  gives: boolean,
  draw: (n: number) => number,
  check: () => void,
  pending: Pending,
): Promise<number[]> {
  const got: number[] = [];
  const take = (v: number) => {
    got.push(numberOf(v));
    check();
  };
  if (face === 'subscribe') {
    // Ranging; one that gives up unsubscribes now and then and subscribes again.
    for (;;) {
      const ended = await new Promise<boolean>((resolve, reject) => {
        let sub: Subscription | undefined;
        let n = gives ? 1 + draw(4) : -1;
        sub = ch.subscribe({
          next: (v) => {
            take(v);
            if (--n === 0) {
              sub?.unsubscribe();
              pending.gaveUp++;
              resolve(false);
            }
          },
          error: (e: unknown) => (isEnd(e) ? resolve(true) : reject(e)),
          complete: () => resolve(true),
        });
        if (n === 0) sub.unsubscribe();
      });
      if (ended) return got;
      await pause(draw);
    }
  }
  if (face === 'for await') {
    // One that gives up leaves the loop now and then, and ranges again.
    for (;;) {
      let left = gives ? 1 + draw(4) : -1;
      let broke = false;
      try {
        for await (const v of ch) {
          take(v);
          if (--left === 0) {
            broke = true;
            pending.gaveUp++;
            break;
          }
        }
      } catch (e) {
        if (isEnd(e)) return got;
        throw e;
      }
      if (!broke) return got;
      await pause(draw);
    }
  }
  for (;;) {
    await pause(draw);
    const [ctx, cancel] = gives ? giveUp(draw) : [undefined, () => {}];
    let r: { value?: number; ok: boolean } | null;
    try {
      r = await receive(ch, face, ctx);
    } catch (e) {
      if (isEnd(e)) return got;
      throw e;
    } finally {
      cancel();
    }
    if (r === null) {
      pending.gaveUp++;
      continue;
    }
    if (!r.ok) return got;
    take(r.value!);
  }
}

/** One receive through `face` (not a ranging one); null when it gave up. */
async function receive(
  ch: Side,
  face: RecvFace,
  ctx: Context | undefined,
): Promise<{ value?: number; ok: boolean } | null> {
  if (face === 'promise')
    return ch.recv(ctx).catch((e: unknown) => {
      canceled(e);
      return null;
    });
  if (face === 'try') {
    const r = ch.tryRecv();
    if (r === undefined) await new Promise((resolve) => setTimeout(resolve, 0));
    return r ?? null;
  }
  if (face === 'select') {
    const s = await select({ r: recv(ch), stop: ctx === undefined ? null : recv(ctx.done) });
    return s.case === 'r' ? { value: s.value as number | undefined, ok: s.ok } : null;
  }
  return new Promise((resolve, reject) => {
    let settled = false;
    const sub = ch.recv$().subscribe({
      next: (value) => {
        settled = true;
        resolve({ value, ok: true });
      },
      error: reject,
      complete: () => {
        if (!settled) resolve({ ok: false });
      },
    });
    if (ctx !== undefined)
      void ctx.done.recv().then(() => {
        if (settled || sub.closed) return;
        sub.unsubscribe();
        resolve(null);
      });
  });
}

/**
 * Sends each of `values` on whichever of `a` and `b` takes it (a select); resolves with those sent.
 * A select with a send case on a closed channel fails (Go: panics) and ends the sender.
 */
export async function eitherSender(
  a: Side,
  b: Side,
  values: number[],
  gives: boolean,
  draw: (n: number) => number,
): Promise<number[]> {
  const sent: number[] = [];
  for (const v of values) {
    await pause(draw);
    const [ctx, cancel] = gives ? giveUp(draw) : [undefined, () => {}];
    let r: { case: string };
    try {
      r = await select({ a: send(a, v), b: send(b, v), stop: ctx === undefined ? null : recv(ctx.done) });
    } catch (e) {
      if (!(e instanceof ClosedChannelError)) throw e;
      cancel();
      break;
    }
    cancel();
    if (r.case !== 'stop') sent.push(v);
  }
  return sent;
}

/** Receives from both `a` and `b` (a select) until both are closed; resolves with what each gave. */
export async function bothReceiver(
  a: Side,
  b: Side,
  gives: boolean,
  draw: (n: number) => number,
): Promise<[number[], number[]]> {
  const got: [number[], number[]] = [[], []];
  let open: [Side | null, Side | null] = [a, b];
  while (open[0] !== null || open[1] !== null) {
    await pause(draw);
    const [ctx, cancel] = gives ? giveUp(draw) : [undefined, () => {}];
    const s = await select({
      a: open[0] === null ? null : recv(open[0]),
      b: open[1] === null ? null : recv(open[1]),
      stop: ctx === undefined ? null : recv(ctx.done),
    });
    cancel();
    if (s.case === 'stop') continue;
    const i = s.case === 'a' ? 0 : 1;
    if (s.ok) got[i].push(s.value as number);
    else open = i === 0 ? [null, open[1]] : [open[0], null];
  }
  return got;
}

const SEND_FACES: SendFace[] = ['promise', 'try', 'send$', 'select'];
const RECV_FACES: RecvFace[] = ['promise', 'recv$', 'select', 'try'];

/**
 * A visit: an endpoint that sends `values` (or, with `sends` false, receives up to `values.length`
 * values), each through a face `draw` picks, giving up now and then, then stops and is let go
 * (`leave`). Resolves with what it sent, may have sent (see `sender`), and received. It stops
 * early at the close, or when a send fails on the closed channel.
 */
export async function visitor(
  ch: Side,
  sends: boolean,
  values: Value[],
  draw: (n: number) => number,
  check: () => void,
  pending: Pending,
  leave: () => void,
): Promise<{ sent: number[]; maybe: number[]; got: number[] }> {
  const out = { sent: [] as number[], maybe: [] as number[], got: [] as number[] };
  try {
    for (const v of values) {
      await pause(draw);
      const [ctx, cancel] = giveUp(draw);
      try {
        if (sends) {
          const face = SEND_FACES[draw(SEND_FACES.length)]!;
          pending.sends++;
          try {
            if (await sendOne(ch, face, v as number, ctx)) out.sent.push(numberOf(v));
            else {
              pending.gaveUp++;
              if (face === 'send$' && ch.capacity === 0) out.maybe.push(numberOf(v));
            }
          } finally {
            pending.sends--;
          }
        } else {
          // Unbuffered, a poll may never receive (see `faceOf`).
          const face = RECV_FACES[draw(ch.capacity === 0 ? 3 : RECV_FACES.length)]!;
          const r = await receive(ch, face, ctx);
          if (r?.ok === false) break;
          if (r === null) pending.gaveUp++;
          else out.got.push(numberOf(r.value));
        }
        check();
      } catch (e) {
        if (e instanceof ClosedChannelError || isEnd(e)) break;
        throw e;
      } finally {
        cancel();
      }
    }
  } finally {
    leave();
  }
  return out;
}
