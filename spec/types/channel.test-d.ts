// Directional channel types, ported from Go's test/chan/perm.go: every line Go rejects is a
// `@ts-expect-error` here.
import { Channel, type ReceiveChannel, type RecvResult, recv, type SendChannel, send } from 'gorx';
import type { Observable } from 'rxjs';
import { describe, expectTypeOf, it } from 'vitest';

class Animal {
  name = 'animal';
}
class Dog extends Animal {
  bark(): string {
    return 'woof';
  }
}

declare const c: Channel<number>;
declare const cs: SendChannel<number>;
declare const cr: ReceiveChannel<number>;

describe('directional channel types', () => {
  it('CH16 a bidirectional channel converts to either direction', () => {
    expectTypeOf(c).toExtend<SendChannel<number>>();
    expectTypeOf(c).toExtend<ReceiveChannel<number>>();
    expectTypeOf(c).toExtend<Observable<number>>();
    expectTypeOf(c.recv()).resolves.toEqualTypeOf<RecvResult<number>>();
    expectTypeOf(c.tryRecv()).toEqualTypeOf<RecvResult<number> | undefined>();
    expectTypeOf(c.send(1)).resolves.toEqualTypeOf<void>();
    expectTypeOf(c.trySend).returns.toEqualTypeOf<boolean>();
  });

  it('CH16 a send-only channel cannot receive, range or be subscribed to (perm.go)', () => {
    cs.send(0);
    cs.trySend(0);
    cs.send$(0);
    cs.close();
    expectTypeOf(cs.capacity).toEqualTypeOf<number>();
    // @ts-expect-error <-cs: receive from send-only type
    cs.recv();
    // @ts-expect-error receive from send-only type
    cs.recv$();
    // @ts-expect-error receive from send-only type
    cs.tryRecv();
    // @ts-expect-error ranging over a send-only channel
    cs.subscribe();
    const iterate = async () => {
      // @ts-expect-error for range cs: send-only channels cannot be ranged over
      for await (const _ of cs);
    };
    // @ts-expect-error select { case <-cs: }
    recv(cs);
    expectTypeOf(iterate).toBeFunction();
  });

  it('CH16 a receive-only channel cannot send or be closed (perm.go)', () => {
    cr.recv();
    cr.tryRecv();
    cr.recv$();
    cr.subscribe();
    // @ts-expect-error cr <- 0: send to receive-only type
    cr.send(0);
    // @ts-expect-error send to receive-only type
    cr.send$(0);
    // @ts-expect-error send to receive-only type
    cr.trySend(0);
    // @ts-expect-error close(cr): close of receive-only channel
    cr.close();
    // @ts-expect-error select { case cr <- 0: }
    send(cr, 0);
    expectTypeOf(cr).toExtend<AsyncIterable<number>>();
  });

  it('CH16 no conversion from a directional type back to a channel, nor between directions', () => {
    // @ts-expect-error c = cs
    const a: Channel<number> = cs;
    // @ts-expect-error c = cr
    const b: Channel<number> = cr;
    // @ts-expect-error cs = cr
    const d: SendChannel<number> = cr;
    // @ts-expect-error cr = cs
    const e: ReceiveChannel<number> = cs;
    expectTypeOf([a, b, d, e]).toBeArray();
  });

  it('CH16 element types are checked on send and on select cases', () => {
    // @ts-expect-error a string is not a number
    c.send('1');
    // @ts-expect-error a string is not a number
    send(c, '1');
    expectTypeOf(send(c, 1)).not.toBeNever();
  });

  it('CH16 variance: receive channels are covariant, send channels contravariant', () => {
    expectTypeOf<ReceiveChannel<Dog>>().toExtend<ReceiveChannel<Animal>>();
    expectTypeOf<SendChannel<Animal>>().toExtend<SendChannel<Dog>>();
    expectTypeOf<ReceiveChannel<Animal>>().not.toExtend<ReceiveChannel<Dog>>();
    expectTypeOf<SendChannel<Dog>>().not.toExtend<SendChannel<Animal>>();
    const dogs = new Channel<Dog>();
    const animals: ReceiveChannel<Animal> = dogs;
    const dogSink: SendChannel<Dog> = new Channel<Animal>();
    // @ts-expect-error a ReceiveChannel<Animal> may yield a cat
    const notDogs: ReceiveChannel<Dog> = new Channel<Animal>();
    // @ts-expect-error a SendChannel<Dog> cannot take any animal
    const notAnimals: SendChannel<Animal> = dogs;
    expectTypeOf([animals, dogSink, notDogs, notAnimals]).toBeArray();
  });
});
