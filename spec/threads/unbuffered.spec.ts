// An unbuffered channel with endpoints as if in other threads: the cases where a receive there does
// not wait at the home (a poll, a select's send case met through the home), and a close that comes
// while a value is on its way. Both sides of each link live in this thread, each on its own port.
import { describe, expect, it } from 'vitest';
import { recv, select, send } from '../../lib/index.js';
import { endpoint, heard, linked } from './linked.js';

/** Polls `poll` once per turn until it gives something (or 50 turns passed). */
async function polled<T>(poll: () => T | undefined): Promise<T | undefined> {
  for (let i = 0; i < 50; i++) {
    const r = poll();
    if (r !== undefined) return r;
    await new Promise((resolve) => setTimeout(resolve, 0));
  }
  return undefined;
}

describe('an unbuffered channel with endpoints', () => {
  for (const first of [false, true]) {
    it(`CH11 T5 tryRecv on an endpoint sees the close${first ? ' (it polled before the close)' : ''}`, async () => {
      const { ch, ep } = linked(0);
      if (first) expect(ep.tryRecv()).toBeUndefined();
      ch.close();
      expect(await polled(() => ep.tryRecv())).toEqual({ value: undefined, ok: false });
    });
  }

  for (const face of ['recv', 'select'] as const) {
    it(`SE1 CH5 a select's send case and a ${face} on the same endpoint meet (through the home)`, async () => {
      const { ep } = linked(0);
      const received = face === 'recv' ? ep.recv() : select({ r: recv(ep) });
      const sent = select({ s: send(ep, 7) });
      expect((await received).value).toBe(7);
      expect((await sent).case).toBe('s');
    });
  }

  it('SE9 a select with a send and a receive case on one endpoint never meets itself, and its link falls quiet: a receiver that comes later there, or a sender, meets it', async () => {
    for (const later of ['recv', 'send'] as const) {
      const { ch, ep } = linked(0);
      let settled = false;
      const both = select({ s: send(ep, 1), r: recv(ep) }).finally(() => {
        settled = true;
      });
      await heard();
      // Its own demand went back once (the credit the home set aside for it): nothing more goes.
      const sent = ep.link.sent;
      await heard();
      await heard();
      expect(ep.link.sent).toBe(sent);
      expect(settled).toBe(false);
      expect(ch.length).toBe(0);
      if (later === 'recv') {
        const other = ep.recv();
        expect(await other).toEqual({ value: 1, ok: true });
        expect((await both).case).toBe('s');
      } else {
        const other = select({ s: send(ep, 2) });
        expect(await both).toMatchObject({ case: 'r', value: 2 });
        expect((await other).case).toBe('s');
      }
      expect(ch.length).toBe(0);
    }
  });

  it("CH11 a close here while a select's send case on an endpoint has a receiver of this thread set aside, which leaves (an unsubscription): the value still reaches a receiver before the close", async () => {
    const { ch, ep } = linked(0);
    const got: number[] = [];
    const sub = ch.recv$().subscribe((v) => got.push(v));
    // The receiver here is set aside for the case, which commits; its value is on its way.
    expect((await select({ s: send(ep, 7) })).case).toBe('s');
    sub.unsubscribe();
    ch.close();
    expect(await ch.recv()).toEqual({ value: 7, ok: true });
    expect(await ch.recv()).toEqual({ value: undefined, ok: false });
    expect(got).toEqual([]);
  });

  for (const where of ['the same endpoint', 'another endpoint'] as const) {
    it(`CH11 a close while a select's send case from ${where} is on its way to receivers there does not end them first: the first gets the value, the second the close`, async () => {
      const { ch, ep } = linked(0);
      const to = where === 'the same endpoint' ? ep : endpoint(ch);
      const received = [to.recv(), to.recv()];
      await heard();
      // The case commits on a receive set aside for it; its value leaves at the end of the turn.
      expect((await select({ s: send(ep, 7) })).case).toBe('s');
      ch.close();
      expect(await Promise.all(received)).toEqual([
        { value: 7, ok: true },
        { value: undefined, ok: false },
      ]);
    });
  }
});
