// Waits guarded by an AbortSignal: the signal is a token of its own (no context is made for it),
// with one 'abort' listener while anything waits on it and none after.
import { CanceledError, Channel, DeadlineExceededError, recv, select, sleep } from 'gorx';
import { describe, expect, it } from 'vitest';
import { flush, track } from '../helpers/async.js';

/** An AbortSignal whose live 'abort' listeners are counted. */
function countedSignal() {
  const controller = new AbortController();
  const { signal } = controller;
  const listeners = { live: 0, added: 0 };
  const add = signal.addEventListener.bind(signal);
  const remove = signal.removeEventListener.bind(signal);
  const registered = new Set<unknown>();
  signal.addEventListener = ((type: string, listener: EventListenerOrEventListenerObject) => {
    if (!registered.has(listener)) {
      registered.add(listener);
      listeners.live++;
      listeners.added++;
    }
    add(type, listener);
  }) as typeof add;
  signal.removeEventListener = ((type: string, listener: EventListenerOrEventListenerObject) => {
    if (registered.delete(listener)) listeners.live--;
    remove(type, listener);
  }) as typeof remove;
  return { controller, signal, listeners };
}

describe('AbortSignal as a cancel argument', () => {
  it('T9 waits guarded by one signal share one listener, removed when the last wait ends', async () => {
    const { signal, listeners } = countedSignal();
    const ch = new Channel<number>();
    const waits = Array.from({ length: 100 }, () => track(ch.recv(signal)));
    const chosen = track(select({ v: recv(ch) }, signal));
    expect(listeners).toEqual({ live: 1, added: 1 });
    for (let i = 0; i < 101; i++) ch.trySend(i);
    await flush();
    expect(waits.every((w) => w.current.status === 'fulfilled')).toBe(true);
    expect(chosen.current.status).toBe('fulfilled');
    expect(listeners.live).toBe(0);
    // A later wait registers again.
    const late = track(ch.recv(signal));
    expect(listeners).toEqual({ live: 1, added: 2 });
    ch.close();
    await flush();
    expect(late.current).toEqual({ status: 'fulfilled', value: { value: undefined, ok: false } });
    expect(listeners.live).toBe(0);
  });

  it('T9 an abort rejects every wait it guards with one CanceledError whose cause is the reason', async () => {
    const { controller, signal, listeners } = countedSignal();
    const ch = new Channel<number>();
    const full = new Channel<number>(1);
    full.trySend(0);
    const a = track(ch.recv(signal));
    const b = track(full.send(1, signal));
    const c = track(select({ v: recv(ch) }, signal));
    controller.abort('bye');
    await flush();
    const errors = [a, b, c].map((t) => (t.current as { reason?: unknown }).reason);
    expect(errors[0]).toBeInstanceOf(CanceledError);
    expect((errors[0] as Error).cause).toBe('bye');
    expect(new Set(errors).size).toBe(1);
    expect(listeners.live).toBe(0);
    // Nothing was received or sent: the channels are as they were.
    expect(ch.tryRecv()).toBeUndefined();
    expect(full.length).toBe(1);
    await expect(ch.recv(signal)).rejects.toBe(errors[0]);
  });

  it('CX16 a TimeoutError reason is DeadlineExceededError, for a wait parked before the abort', async () => {
    const controller = new AbortController();
    const wait = sleep(60_000, controller.signal);
    controller.abort(new DOMException('timed out', 'TimeoutError'));
    const error = await wait.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DeadlineExceededError);
    expect((error as Error).cause).toBeInstanceOf(DOMException);
  });
});
