/// <reference types="vitest/globals" />
// gorx under zone.js, as an Angular app that keeps zone.js tests it: Angular's fakeAsync, with
// zone.js's Vitest patch in the setup files, drives gorx's timers with tick(), the $ forms at once,
// and the Promise forms through zone.js's Promise.
import { fakeAsync, flushMicrotasks, tick } from '@angular/core/testing';
import { after, background, Channel, DeadlineExceededError, recv, select$, sleep, withTimeout } from 'gorx';

describe('gorx in fakeAsync', () => {
  it('T10 tick() fires the timer behind after() for a $ form', fakeAsync(() => {
    const seen: string[] = [];
    const ch = new Channel<number>();
    select$({ v: recv(ch), timeout: recv(after(100)) }).subscribe((r) => seen.push(r.case));
    tick(99);
    expect(seen).toEqual([]);
    tick(1);
    expect(seen).toEqual(['timeout']);
  }));

  it('T10 tick() drives sleep and a context deadline through the Promise forms', fakeAsync(() => {
    let slept = false;
    void sleep(50).then(() => {
      slept = true;
    });
    const [ctx] = withTimeout(background(), 200);
    tick(49);
    flushMicrotasks();
    expect(slept).toBe(false);
    tick(1);
    flushMicrotasks();
    expect(slept).toBe(true);
    // tick(), not flush(): flush() leaves periodic timers alone, and RxJS schedules with setInterval.
    tick(150);
    expect(ctx.err).toBeInstanceOf(DeadlineExceededError);
  }));

  it('CH1 a send and a receive meet through zone.js promises', fakeAsync(() => {
    const ch = new Channel<string>();
    let got: string | undefined;
    void ch.recv().then((r) => {
      got = r.value;
    });
    void ch.send('hello');
    flushMicrotasks();
    expect(got).toBe('hello');
  }));
});
