// A marble test run through the installed package by consumer.node.spec.ts: the app's
// TestScheduler drives gorx's timers and `$` forms only if the app and gorx share one rxjs.
import assert from 'node:assert/strict';
import { after, Channel, recv, select$ } from 'gorx';
import { map } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';

const scheduler = new TestScheduler((actual, expected) => assert.deepEqual(actual, expected));
scheduler.run(({ cold, expectObservable }) => {
  const ch = new Channel(1);
  cold('---a', { a: 'ping' }).subscribe((v) => ch.trySend(v));
  expectObservable(ch.recv$()).toBe('---(a|)', { a: 'ping' });
  expectObservable(after(7).recv$()).toBe('-------(t|)', { t: 7 });
  const idle = new Channel();
  expectObservable(select$({ msg: recv(idle), timeout: recv(after(5)) }).pipe(map((r) => r.case))).toBe(
    '-----(t|)',
    { t: 'timeout' },
  );
});
console.log('marbles ok');
