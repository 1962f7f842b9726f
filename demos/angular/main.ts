// Angular DI in Node: an EnvironmentInjector provides QuoteService; destroying the injector fires its
// DestroyRef, which cancels the service's gorx Context (fromDestroyRef) and stops its channel pipeline.
import { fileURLToPath } from 'node:url';
import { createEnvironmentInjector, DestroyRef, EnvironmentInjector, Injector } from '@angular/core';
import { takeUntilDestroyed } from '@angular/core/rxjs-interop';
import { QuoteService } from './quote.service.js';

export async function main(): Promise<void> {
  const root = Injector.create({ providers: [], name: 'root' });
  if (!(root instanceof EnvironmentInjector)) throw new TypeError('expected an environment injector');
  const injector = createEnvironmentInjector(
    [{ provide: QuoteService, useFactory: () => new QuoteService() }],
    root,
    'quotes-feature',
  );
  const quotes = injector.get(QuoteService);

  // A consumer tied to the same lifetime with Angular's own operator; the channel is an Observable.
  const seen: string[] = [];
  const threeSeen = new Promise<void>((resolve) => {
    quotes.quotes.pipe(takeUntilDestroyed(injector.get(DestroyRef))).subscribe({
      next: (q) => {
        seen.push(q);
        if (seen.length === 3) resolve();
      },
      complete: () => console.log('consumer: completed by takeUntilDestroyed'),
    });
  });
  await threeSeen;
  console.log('consumer saw:', seen.join(', '));

  console.log('destroying the injector');
  injector.destroy();
  console.log('service context:', quotes.ctx.err?.message);

  // The producer has returned, so its channel is closed and drained.
  const last = await quotes.quotes.recv();
  console.log('quotes channel closed:', !last.ok);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await main();
