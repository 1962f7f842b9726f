// Room of a buffered channel's buffer held for its sending endpoints in other threads (credits)
// moves to the endpoint whose sender waits: an endpoint asked for its idle credits while its own
// sender waited is asked again once it got more. Both sides of each link live in this thread.
import { afterEach, expect, it } from 'vitest';
import { endpoint, heard, linked } from './linked.js';

const post = MessagePort.prototype.postMessage;
afterEach(() => {
  MessagePort.prototype.postMessage = post;
});

it('CH5 a sender at one endpoint does not wait for ever while another endpoint keeps credits it was given after it was asked for its idle ones', async () => {
  const { ch, ep: a } = linked(2);
  const b = endpoint(ch);
  // Hold back the values the endpoints send (VALS), so that the home still counts a's credits
  // as unused when b asks for room.
  const held: [MessagePort, unknown][] = [];
  let holding = true;
  MessagePort.prototype.postMessage = function (this: MessagePort, batch: unknown, ...rest: never[]) {
    if (holding && Array.isArray(batch) && batch.some((m) => Array.isArray(m) && m[0] === 0)) {
      held.push([this, batch]);
      return;
    }
    return post.call(this, batch, ...rest);
  };
  const sends = [0, 1, 2].map((i) => a.send(i));
  await heard();
  // a used both credits it was given; its third send waits.
  await Promise.all(sends.slice(0, 2));
  let done = false;
  void b.send(10).then(() => {
    done = true;
  });
  // The home asks a for its idle credits while a's sender waits: a keeps them.
  await heard();
  holding = false;
  for (const [port, batch] of held) post.call(port, batch);
  // Values received here one turn apart free one slot at a time: a, first of the senders, gets
  // the first (its waiting send completes), then the next, which it keeps idle.
  const got: number[] = [];
  for (let i = 0; i < 3; i++) {
    got.push((await ch.recv()).value!);
    await heard();
  }
  await sends[2];
  for (let i = 0; i < 10 && !done; i++) await heard();
  expect(done).toBe(true);
  got.push((await ch.recv()).value!);
  expect(got).toEqual([0, 1, 2, 10]);
});
