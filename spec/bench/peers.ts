import type { Channel as CspChannel, Instruction } from 'js-csp';
import csp from 'js-csp';

export type { CspChannel };
export { csp };

/** Starts a js-csp process; resolves when it returns. */
export function cspRun(body: () => Generator<Instruction<unknown>, void, any>): Promise<void> {
  return new Promise((resolve) => csp.takeAsync(csp.go(body), () => resolve()));
}
