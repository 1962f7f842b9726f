// Two tasks that hand a counter back and forth over unbuffered channels until `ctx` ends, waiting
// on nothing else: the workload that would starve timers without gorx's continuation hops (G4).
import { CanceledError, Channel, type Context, go } from 'gorx';

/** Starts the ping-pong; `rounds()` counts the round trips so far. It stops when `ctx` ends. */
export function pingPong(ctx: Context): { rounds(): number } {
  const ping = new Channel<number>();
  const pong = new Channel<number>();
  let rounds = 0;
  const quiet = (e: unknown) => {
    if (!(e instanceof CanceledError)) throw e;
  };
  go(async () => {
    for (let n = 0; ; n++) {
      await ping.send(n, ctx);
      await pong.recv(ctx);
      rounds++;
    }
  }).then(undefined, quiet);
  go(async () => {
    for (;;) await pong.send((await ping.recv(ctx)).value!, ctx);
  }).then(undefined, quiet);
  return { rounds: () => rounds };
}
