import { TestScheduler } from 'rxjs/testing';
import { expect } from 'vitest';

/** Errors compare by name and message (and a BufferOverflowError's value). */
function plain(value: unknown): unknown {
  if (value instanceof Error) {
    return { name: value.name, message: value.message, value: (value as { value?: unknown }).value };
  }
  if (Array.isArray(value)) return value.map(plain);
  if (typeof value === 'object' && value !== null) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = plain(v);
    return out;
  }
  return value;
}

/** A TestScheduler whose assertions go through vitest. */
export function testScheduler(): TestScheduler {
  return new TestScheduler((actual, expected) => expect(plain(actual)).toEqual(plain(expected)));
}
