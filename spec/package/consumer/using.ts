// `using` over an Unlock: type-checked by consumer.node.spec.ts only with esnext.disposable in lib.
import type { Mutex } from 'gorx';

export async function critical(mu: Mutex): Promise<void> {
  using _ = await mu.lock();
}
