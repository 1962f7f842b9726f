// Go's test/closedchan.go and test/chan/select7.go as tables: every way of receiving from and
// sending to a closed channel, and every pairing of plain and select senders and receivers.
import { Channel, ClosedChannelError, recv, select, send, trySelect } from 'gorx';
import { describe, expect, it } from 'vitest';
import { flush, track } from '../channel/helpers.js';

type Face = 'direct' | 'select' | 'select+dummy';
const FACES: Face[] = ['direct', 'select', 'select+dummy'];
const dummy = new Channel<number>();

async function recvVia(face: Face, c: Channel<number>): Promise<{ value: number | undefined; ok: boolean }> {
  if (face === 'direct') return c.recv();
  const r = face === 'select' ? await select({ c: recv(c) }) : await select({ c: recv(c), d: recv(dummy) });
  if (r.case !== 'c') throw new Error('dummy chosen');
  return { value: r.value, ok: r.ok };
}

function tryRecvVia(face: Face, c: Channel<number>): { value: number | undefined; ok: boolean } | undefined {
  if (face === 'direct') return c.tryRecv();
  const r = face === 'select' ? trySelect({ c: recv(c) }) : trySelect({ c: recv(c), d: recv(dummy) });
  if (r === undefined) return undefined;
  if (r.case !== 'c') throw new Error('dummy chosen');
  return { value: r.value, ok: r.ok };
}

function sendVia(face: Face, c: Channel<number>, v: number): Promise<unknown> {
  if (face === 'direct') return c.send(v);
  return face === 'select' ? select({ c: send(c, v) }) : select({ c: send(c, v), d: recv(dummy) });
}

function trySendVia(face: Face, c: Channel<number>, v: number): boolean {
  if (face === 'direct') return c.trySend(v);
  const r = face === 'select' ? trySelect({ c: send(c, v) }) : trySelect({ c: send(c, v), d: recv(dummy) });
  return r !== undefined;
}

describe('closedchan matrix', () => {
  for (const face of FACES) {
    for (const when of ['closed before', 'closed while blocked'] as const) {
      it(`CH11 SE7 ${face} receive, ${when}: drains, then { undefined, false } without blocking`, async () => {
        const c = new Channel<number>(when === 'closed before' ? 1 : 0);
        if (when === 'closed before') {
          c.trySend(7);
          c.close();
          expect(await recvVia(face, c)).toEqual({ value: 7, ok: true });
        } else {
          const p = recvVia(face, c);
          c.close();
          expect(await p).toEqual({ value: undefined, ok: false });
        }
        for (let i = 0; i < 3; i++) {
          expect(await recvVia(face, c)).toEqual({ value: undefined, ok: false });
          expect(tryRecvVia(face, c)).toEqual({ value: undefined, ok: false });
        }
      });

      it(`CH9 SE8 ${face} send, ${when}: throws "send on closed channel"`, async () => {
        const c = new Channel<number>();
        if (when === 'closed before') {
          c.close();
          expect(() => trySendVia(face, c, 1)).toThrow(ClosedChannelError);
          await expect(sendVia(face, c, 1)).rejects.toThrow('send on closed channel');
        } else {
          const p = sendVia(face, c, 1);
          expect(() => c.close()).not.toThrow();
          await expect(p).rejects.toBeInstanceOf(ClosedChannelError);
        }
        expect(c.tryRecv()).toEqual({ value: undefined, ok: false });
      });
    }
  }

  it('SE4 a non-blocking receive on an open empty channel takes default in every face', () => {
    const c = new Channel<number>();
    for (const face of FACES) {
      expect(tryRecvVia(face, c)).toBeUndefined();
      expect(trySendVia(face, c, 1)).toBe(false);
    }
  });
});

describe('select7 pairings', () => {
  it('SE5 every pairing of plain, one-case select and two-case select senders and receivers hands off', async () => {
    for (const sender of FACES) {
      for (const receiver of FACES) {
        for (const senderFirst of [true, false]) {
          const c = new Channel<number>();
          let s: { readonly current: { status: string } };
          let r: Promise<{ value: number | undefined; ok: boolean }>;
          if (senderFirst) {
            s = track(sendVia(sender, c, 42));
            await flush(1);
            r = recvVia(receiver, c);
          } else {
            r = recvVia(receiver, c);
            await flush(1);
            s = track(sendVia(sender, c, 42));
          }
          expect(await r).toEqual({ value: 42, ok: true });
          await flush(1);
          expect(s.current.status).toBe('fulfilled');
        }
      }
    }
  });
});
