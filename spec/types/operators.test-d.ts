// The operators' types: results are inferred from the work function and the source, whatever
// ObservableInput the work returns, and misuse is a compile error.
import {
  Channel,
  type Context,
  cancelWith,
  fanIn,
  produce,
  type ReceiveChannel,
  sendTo,
  toChannel,
  workerPool,
} from 'gorx';
import { type Observable, of } from 'rxjs';
import { describe, expectTypeOf, it } from 'vitest';

declare const numbers: Observable<number>;
declare const ctx: Context;

describe('operator types', () => {
  it('workerPool infers its result from a Promise, an Observable, an array or an async iterable', () => {
    expectTypeOf(numbers.pipe(workerPool(4, async (n) => String(n)))).toEqualTypeOf<Observable<string>>();
    expectTypeOf(numbers.pipe(workerPool(4, (n) => of(n > 0)))).toEqualTypeOf<Observable<boolean>>();
    expectTypeOf(numbers.pipe(workerPool(4, (n) => [n, n]))).toEqualTypeOf<Observable<number>>();
    async function* twice(n: number) {
      yield { n };
      yield { n };
    }
    expectTypeOf(numbers.pipe(workerPool(2, twice, { ordered: true }))).toEqualTypeOf<
      Observable<{ n: number }>
    >();
  });

  it('workerPool passes the value, the task context and the index to work', () => {
    numbers.pipe(
      workerPool(2, async (value, taskCtx, index) => {
        expectTypeOf(value).toEqualTypeOf<number>();
        expectTypeOf(taskCtx).toEqualTypeOf<Context>();
        expectTypeOf(index).toEqualTypeOf<number>();
        return value;
      }),
    );
    // @ts-expect-error work must return an ObservableInput, not a plain value
    workerPool(2, (n: number) => n);
    // @ts-expect-error the ctx option is a Context
    workerPool(2, async (n: number) => n, { ctx: 'soon' });
  });

  it('the bridges keep the element type', () => {
    const ch = new Channel<number>(4);
    expectTypeOf(toChannel(numbers)).toEqualTypeOf<ReceiveChannel<number>>();
    expectTypeOf(fanIn(ch, null, toChannel(numbers))).toEqualTypeOf<ReceiveChannel<number>>();
    expectTypeOf(numbers.pipe(sendTo(ch))).toEqualTypeOf<Observable<number>>();
    expectTypeOf(numbers.pipe(cancelWith(ctx))).toEqualTypeOf<Observable<number>>();
    expectTypeOf(produce<string>(async (out) => out.send('x'))).toEqualTypeOf<ReceiveChannel<string>>();
    // @ts-expect-error a channel of strings does not take numbers
    numbers.pipe(sendTo(new Channel<string>()));
  });
});
