// A select case is made by recv() or send(): an object literal of the same shape is a type error.
// consumer.node.spec.ts type-checks this file (with skipLibCheck on and off): the directive below
// fails the check if the forged case were accepted.
import { Channel, recv, select } from 'gorx';

export async function forged(): Promise<void> {
  // @ts-expect-error a plain object is not a Case
  await select({ x: { op: 1 } });
  // @ts-expect-error not even with the fields recv() sets
  await select({ x: { op: 0, port: null } });
  await select({ x: recv(new Channel<number>()) });
}
