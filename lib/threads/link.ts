// The link between a channel's home thread (home.ts) and one endpoint of it in another thread
// (remote.ts): a MessagePort of its own, on which each side posts what it has to say once per
// turn, as one array of messages. A message is a tuple whose first element is its kind.
//
//   endpoint → home  [VALS, [v…]]            values sent under credits, in order
//                    [TAKE, took, want, b]   `took` prefetched values were taken there; it wants
//                                            `want` more (may be negative: a receiver gave up);
//                                            b = 1: a receiver there found nothing
//                    [WANT, n]               capacity > 0: it sends and wants credits (standing);
//                                            capacity 0: n more (or fewer) senders wait there
//                    [RET, n]                n unused credits come back
//                    [BACK, n]               its n prefetched values are given back, untaken
//                    [CLOSE, e]              close, after its values (`e`: the encoded error)
//   home → endpoint  [PUSH, [v…]]            values for its demand
//                    [CREDIT, n, got]        n more credits; `got`: values received from it so far
//                    [SHUT]                  the channel is closed: sends fail, credits come back
//                    [END, e]                closed and drained: receives end (after prefetched)
//                    [NEED]                  someone else waits for values: give back idle ones
//                    [SPARE]                 someone else waits for room: give back idle credits
//
// Credits are room of the buffer held for the endpoint; with capacity 0 a credit is a receiver of
// the home taken aside for the endpoint's next send. Prefetched values stay counted in the
// channel (`held`) until taken, so the capacity bounds every value between the two threads.
import { reportPanic } from '../internal/report.js';
import { show } from '../internal/validate.js';

export const PUSH = 0;
export const CREDIT = 1;
export const SHUT = 2;
export const END = 3;
export const NEED = 4;
export const SPARE = 5;

export const VALS = 0;
export const TAKE = 1;
export const WANT = 2;
export const RET = 3;
export const BACK = 4;
export const CLOSE = 5;

export type Msg = [kind: number, ...rest: any[]];

/** What a channel crosses as: its capacity and the far port of its link (transferred). */
export interface ChannelToken {
  readonly gorx: 'chan';
  readonly c: number;
  readonly p: MessagePort;
}

export function isToken(value: unknown): value is ChannelToken {
  return (value as Partial<ChannelToken>).gorx === 'chan';
}

/** One side of a link, as the thread pool sees it. */
export interface Peer {
  /** The other thread is gone: returns the number of values whose fate is unknown. */
  lost(error: unknown): number;
  /** Reads what the other side already posted (Node); false once the link is over. */
  sync(): boolean;
}

/** A side of a link: its messages of this turn, posted by `flush`. */
export interface Side {
  queued: boolean;
  flush(): void;
}

const tick: (f: () => void) => void =
  typeof setImmediate === 'function'
    ? (f) => setImmediate(f)
    : (() => {
        const mc = new MessageChannel();
        let f: () => void = () => {};
        mc.port1.onmessage = () => f();
        return (g: () => void) => {
          f = g;
          mc.port2.postMessage(0);
        };
      })();

let sides: Side[] = [];

function run(): void {
  const list = sides;
  for (let i = 0; i < list.length; i++) {
    const s = list[i]!;
    s.queued = false;
    try {
      s.flush();
    } catch (error) {
      reportPanic(error);
    }
  }
  sides = [];
}

/** Posts what every side has queued, now (before a task's result, which must not overtake it). */
export function flushNow(): void {
  if (sides.length > 0) run();
}

type ReceiveNow = (port: MessagePort) => { message: unknown } | undefined;
const receiveNow = (
  globalThis as { process?: { getBuiltinModule?: (id: string) => { receiveMessageOnPort?: ReceiveNow } } }
).process?.getBuiltinModule?.('node:worker_threads')?.receiveMessageOnPort;

/** Handles the batches already waiting on `port`, where the host can read them synchronously (Node). */
export function drain(port: MessagePort, receive: (batch: Msg[]) => void): void {
  if (receiveNow === undefined) return;
  for (let m = receiveNow(port); m !== undefined; m = receiveNow(port)) receive(m.message as Msg[]);
}

/** Flushes `side` at the end of this turn (once, however often it is asked). */
export function later(side: Side): void {
  if (side.queued) return;
  side.queued = true;
  if (sides.push(side) === 1) tick(run);
}

/**
 * Posts `batch` on `port`. A batch the host cannot clone is posted message by message, and the
 * values of a PUSH or VALS message value by value: returns the values that could not be cloned
 * (dropped) and the host's error, or undefined when all went.
 */
export function post(port: MessagePort, batch: Msg[]): { values: unknown[]; error: unknown } | undefined {
  try {
    port.postMessage(batch);
    return undefined;
  } catch (error) {
    const values: unknown[] = [];
    for (const m of batch) {
      try {
        port.postMessage([m]);
      } catch {
        // PUSH and VALS are both kind 0; every other message is plain numbers or an encoded error.
        if (m[0] !== PUSH) continue;
        for (const v of m[1] as unknown[]) {
          try {
            port.postMessage([[PUSH, [v]]]);
          } catch {
            values.push(v);
          }
        }
      }
    }
    return { values, error };
  }
}

/** Listens to `port` without keeping the thread alive for it. */
export function listen(port: MessagePort, receive: (batch: Msg[]) => void): void {
  if (typeof port !== 'object' || port === null || typeof port.postMessage !== 'function') {
    throw new TypeError(`a channel crossed without its port, got ${show(port)}`);
  }
  port.onmessage = (event) => receive(event.data as Msg[]);
  (port as { unref?(): void }).unref?.();
}
