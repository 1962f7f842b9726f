// Helpers that run a test's body deep inside gorx's own machinery, where work is no longer done
// on the stack but queued and run before the outermost call returns: the deepest delivery the
// trampoline nests, and a context cancelled by the queue of a deep propagation. Whatever gorx
// promises "before the call returns" must hold there too.
import { background, type Context, Mutex, withCancel } from 'gorx';

/** Links in a chain: more than the deliveries, or the guards, nested on the stack at once (16). */
const CHAIN = 20;

/** Deliveries the trampoline nests on the stack; one made while this many run is queued. */
const NESTED = 16;

/**
 * Runs `body`, synchronously, inside the deepest delivery the trampoline nests, where any
 * delivery `body` makes is queued until the outermost one returns: a chain of `lock$` holders
 * hand a Mutex on in `next`, and the NESTED-th runs `body` before it unlocks.
 */
export function insideDeepDelivery(body: () => void): void {
  const mu = new Mutex();
  if (!mu.tryLock()) throw new Error('a new Mutex is unlocked');
  for (let i = 0; i < CHAIN; i++) {
    const deepest = i === NESTED - 1;
    mu.lock$().subscribe((unlock) => {
      if (deepest) body();
      unlock();
    });
  }
  mu.unlock();
}

/**
 * Runs `body`, synchronously, inside an abort listener of a context cancelled by the queue of a
 * deep propagation: the leaf of a chain of contexts longer than the guards nested on the stack.
 */
export function insideDeepPropagation(body: () => void): void {
  const [root, cancel] = withCancel(background());
  let leaf: Context = root;
  for (let i = 0; i < CHAIN; i++) [leaf] = withCancel(leaf);
  leaf.signal.addEventListener('abort', body);
  cancel();
}
