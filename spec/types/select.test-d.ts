import { after, type Channel, type ReceiveChannel, recv, select, select$, send, trySelect } from 'gorx';
import type { Observable } from 'rxjs';
import { describe, expectTypeOf, it } from 'vitest';

declare const nums: Channel<number>;
declare const strs: ReceiveChannel<string>;
declare const out: Channel<boolean>;

type NumCase =
  | { readonly case: 'n'; readonly value: number; readonly ok: true }
  | { readonly case: 'n'; readonly value: undefined; readonly ok: false };

describe('select result types', () => {
  it('SE2 select infers a discriminated union keyed by case from the case object', async () => {
    const r = await select({ n: recv(nums), s: recv(strs), o: send(out, true), t: recv(after(5)) });
    expectTypeOf(r.case).toEqualTypeOf<'n' | 's' | 'o' | 't'>();
    if (r.case === 'n') {
      expectTypeOf(r).toEqualTypeOf<NumCase>();
      if (r.ok) expectTypeOf(r.value).toEqualTypeOf<number>();
      else expectTypeOf(r.value).toEqualTypeOf<undefined>();
    } else if (r.case === 's') {
      expectTypeOf(r.value).toEqualTypeOf<string | undefined>();
    } else if (r.case === 'o') {
      expectTypeOf(r).toEqualTypeOf<{ readonly case: 'o' }>();
      // @ts-expect-error a send case has no value
      r.value;
    } else {
      expectTypeOf(r.value).toEqualTypeOf<number | undefined>();
    }
  });

  it('SE2 select$ and trySelect carry the same union', () => {
    const cases = { n: recv(nums), o: send(out, false) };
    expectTypeOf(select$(cases)).toEqualTypeOf<Observable<NumCase | { readonly case: 'o' }>>();
    expectTypeOf(trySelect(cases)).toEqualTypeOf<NumCase | { readonly case: 'o' } | undefined>();
  });

  it('SE6 a null case is accepted and nil channels type-check', () => {
    const r = trySelect({ off: null, n: recv(nums), nil: recv<number>(null) });
    expectTypeOf(r).toExtend<{ readonly case: 'off' | 'n' | 'nil' } | undefined>();
  });

  it('SE1 send cases check the value against the channel type', () => {
    // @ts-expect-error a number is not a boolean
    send(out, 1);
    // @ts-expect-error a receive case takes no value
    recv(nums, 1);
    // @ts-expect-error select takes a record of cases, not an array
    select([recv(nums)]);
    expectTypeOf(send(out, true)).not.toBeAny();
  });
});

describe('select keys', () => {
  it('SE2 numeric case keys come back as strings, as Object.keys gives them', () => {
    const r = trySelect({ 0: recv(nums), 1: send(out, true) });
    expectTypeOf(r).toEqualTypeOf<
      | { readonly case: '0'; readonly value: number; readonly ok: true }
      | { readonly case: '0'; readonly value: undefined; readonly ok: false }
      | { readonly case: '1' }
      | undefined
    >();
  });
});
