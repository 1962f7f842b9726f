// A real standalone Angular component on Angular's JIT TestBed, rendered in the browser: a signal
// fed by a gorx channel, a context that ends with the component, and a zoneless `whenStable()` that
// waits for gorx tasks through `trackTasks(PendingTasks)`.
import '@angular/compiler';
import {
  Component,
  DestroyRef,
  inject,
  PendingTasks,
  provideZonelessChangeDetection,
  signal,
} from '@angular/core';
import { toSignal } from '@angular/core/rxjs-interop';
import { TestBed } from '@angular/core/testing';
import { BrowserTestingModule, platformBrowserTesting } from '@angular/platform-browser/testing';
import { CanceledError, Channel, type Context, fromDestroyRef, go, sleep, trackTasks } from 'gorx';
import { verifyNoLeaks } from 'gorx/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { capture } from '../helpers/async.js';

/** A live price: a producer task sends on a channel, and the template reads it through a signal. */
class PriceTicker {
  readonly ctx: Context = fromDestroyRef(inject(DestroyRef));
  readonly prices = new Channel<number>();
  readonly price = toSignal(this.prices);
  readonly feed = go(
    async (ctx) => {
      for (let p = 100; ; p++) {
        await this.prices.send(p, ctx);
        await sleep(2, ctx);
      }
    },
    { ctx: this.ctx, name: 'price feed' },
  );
}
Component({
  selector: 'gorx-price',
  template: `<p>{{ price() ?? 'waiting' }}</p>`,
})(PriceTicker);

/** Loads once, the way a component would fetch with `ctx.signal`. */
class Profile {
  readonly ctx: Context = fromDestroyRef(inject(DestroyRef));
  readonly name = signal('loading');
  constructor() {
    go(
      async (ctx) => {
        await sleep(30, ctx); // stands for `await fetch(url, { signal: ctx.signal })`
        this.name.set('Ada');
      },
      { ctx: this.ctx, name: 'load profile' },
    );
  }
}
Component({ selector: 'gorx-profile', template: `<p>{{ name() }}</p>` })(Profile);

beforeAll(() => {
  TestBed.initTestEnvironment(BrowserTestingModule, platformBrowserTesting());
});
afterAll(() => {
  TestBed.resetTestEnvironment();
});
afterEach(() => {
  TestBed.resetTestingModule();
});

describe('Angular standalone component with gorx', () => {
  it('renders a signal fed by a channel, and destroying it cancels its context and leaves no task', async () => {
    const unhandled = capture('unhandledRejection');
    try {
      TestBed.configureTestingModule({
        imports: [PriceTicker],
        providers: [provideZonelessChangeDetection()],
      });
      const fixture = TestBed.createComponent(PriceTicker);
      const text = () => (fixture.nativeElement as HTMLElement).textContent?.trim();
      await vi.waitFor(() => expect(text()).toMatch(/^10[3-9]$|^1[1-9]\d$/));

      const { ctx, feed } = fixture.componentInstance;
      fixture.destroy();
      expect(ctx.err).toBeInstanceOf(CanceledError);
      await expect(feed).rejects.toBeInstanceOf(CanceledError);
      await verifyNoLeaks();
      // A task ended by its own context is a normal end: nothing reaches the page's error events.
      await new Promise((resolve) => setTimeout(resolve, 10));
      expect(unhandled.seen).toEqual([]);
    } finally {
      unhandled.restore();
    }
  });

  it('zoneless whenStable() waits for gorx tasks once trackTasks is given PendingTasks', async () => {
    TestBed.configureTestingModule({ imports: [Profile], providers: [provideZonelessChangeDetection()] });
    const stop = trackTasks(TestBed.inject(PendingTasks));
    try {
      const fixture = TestBed.createComponent(Profile);
      await fixture.whenStable();
      expect((fixture.nativeElement as HTMLElement).textContent?.trim()).toBe('Ada');
      fixture.destroy();
    } finally {
      stop();
    }
    await verifyNoLeaks();
  });

  it('without trackTasks, whenStable() does not know about gorx tasks', async () => {
    TestBed.configureTestingModule({ imports: [Profile], providers: [provideZonelessChangeDetection()] });
    const fixture = TestBed.createComponent(Profile);
    await fixture.whenStable();
    expect((fixture.nativeElement as HTMLElement).textContent?.trim()).toBe('loading');
    fixture.destroy(); // cancels the load
    await verifyNoLeaks();
  });
});
