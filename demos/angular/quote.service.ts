// An Angular service that owns a channel pipeline: its Context comes from the injector's DestroyRef,
// so destroying the injector (or the component) cancels the context and every stage stops.
import { DestroyRef, inject } from '@angular/core';
import {
  type Context,
  fromDestroyRef,
  newTicker,
  produce,
  type ReceiveChannel,
  recv,
  select,
  send,
} from 'gorx';

/**
 * Live quotes as a channel. In an app it would carry `@Injectable({ providedIn: 'root' })`; here it is
 * provided with `useFactory`, so it runs in plain Node without the Angular compiler.
 */
export class QuoteService {
  private readonly destroyRef = inject(DestroyRef);

  /** Cancelled when the injector that created this service is destroyed. */
  readonly ctx: Context = fromDestroyRef(this.destroyRef);

  /** A producer goroutine: one quote per tick until `ctx` is done, then the channel closes. */
  readonly quotes: ReceiveChannel<string> = produce<string>(async (out) => {
    const ticker = newTicker(5);
    try {
      for (let price = 101; ; price++) {
        const t = await select({ done: recv(this.ctx.done), tick: recv(ticker.c) });
        if (t.case === 'done') return;
        const s = await select({ done: recv(this.ctx.done), out: send(out, `GRX ${price}.00`) });
        if (s.case === 'done') return;
      }
    } finally {
      ticker.stop();
      console.log(`quote feed: stopped (${this.ctx.err?.message}), ticker released`);
    }
  });
}
