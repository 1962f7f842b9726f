// The buffers `transfer()` marked on a value, moved instead of copied when the value leaves its
// thread: as a task's argument or result (wire.ts), or sent on a channel (link.ts). A mark is used
// up when its value leaves.
const marked = new WeakMap<object, Transferable[]>();

export function mark(value: object, buffers: Transferable[]): void {
  marked.set(value, buffers);
}

/** Adds the buffers marked on `value` to `list`; with `take`, the mark is used up. */
export function moves(value: unknown, list: Transferable[], take: boolean): void {
  if (typeof value !== 'object' || value === null) return;
  const buffers = marked.get(value);
  if (buffers === undefined) return;
  if (take) marked.delete(value);
  for (const b of buffers) list.push(b);
}
