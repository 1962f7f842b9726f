// Marble-test helpers: a TestScheduler whose assertion compares errors by name and message, so
// `expectObservable(…).toBe('#', {}, new ClosedChannelError())` checks the error that was thrown.
import { TestScheduler } from 'rxjs/testing';
import { expect } from 'vitest';

/**
 * Replaces every Error in a marble frame list by `{ name, message }`, plus the `value` an error
 * carries (a BufferOverflowError's), deeply.
 */
function normalise(value: unknown): unknown {
  if (value instanceof Error) {
    const plain: Record<string, unknown> = { name: value.name, message: value.message };
    if ('value' in value) plain.value = value.value;
    return plain;
  }
  if (Array.isArray(value)) return value.map(normalise);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = normalise(v);
    return out;
  }
  return value;
}

/** A TestScheduler that asserts with vitest and compares errors by name and message. */
export function testScheduler(): TestScheduler {
  return new TestScheduler((actual, expected) => expect(normalise(actual)).toEqual(normalise(expected)));
}

/** Scheduled actions of a TestScheduler that are still live: the pending timers in virtual time. */
export function pending(ts: TestScheduler): number {
  return ts.actions.filter((a) => !a.closed).length;
}

/** Live scheduled actions due at or after `frame` (a virtual action's `delay` is its absolute due frame). */
export function pendingFrom(ts: TestScheduler, frame: number): number {
  return ts.actions.filter((a) => !a.closed && (a as unknown as { delay: number }).delay >= frame).length;
}
