// A reference channel for property tests: plain arrays, written from Go's spec rather than from
// the implementation. Pending operations are ids; finished ones are recorded in `done`.

export type Outcome =
  | { readonly kind: 'sent' }
  | { readonly kind: 'value'; readonly value: number }
  | { readonly kind: 'closed' }
  | { readonly kind: 'error'; readonly error: unknown };

export class ModelChannel {
  readonly buf: number[] = [];
  readonly senders: { id: number; value: number }[] = [];
  readonly receivers: number[] = [];
  readonly done = new Map<number, Outcome>();
  closed = false;
  error: unknown = undefined;

  constructor(readonly capacity: number) {}

  /** true/false as Go's non-blocking send; throws 'send on closed channel'. */
  trySend(value: number): boolean {
    if (this.closed) throw new Error('send on closed channel');
    const r = this.receivers.shift();
    if (r !== undefined) this.done.set(r, { kind: 'value', value });
    else if (this.buf.length < this.capacity) this.buf.push(value);
    else return false;
    return true;
  }

  /** The value, 'closed', or undefined when nothing is ready; throws a close error after draining. */
  tryRecv(): { value: number } | 'closed' | undefined {
    const s = this.senders.shift();
    if (s !== undefined) {
      this.done.set(s.id, { kind: 'sent' });
      if (this.capacity === 0) return { value: s.value };
      this.buf.push(s.value);
    }
    if (this.buf.length > 0) return { value: this.buf.shift()! };
    if (!this.closed) return undefined;
    if (this.error !== undefined) throw this.error;
    return 'closed';
  }

  send(id: number, value: number): void {
    try {
      if (this.trySend(value)) this.done.set(id, { kind: 'sent' });
      else this.senders.push({ id, value });
    } catch (error) {
      this.done.set(id, { kind: 'error', error });
    }
  }

  recv(id: number): void {
    try {
      const r = this.tryRecv();
      if (r === undefined) this.receivers.push(id);
      else this.done.set(id, r === 'closed' ? { kind: 'closed' } : { kind: 'value', value: r.value });
    } catch (error) {
      this.done.set(id, { kind: 'error', error });
    }
  }

  /** Withdraws a pending operation (true); a finished one is not affected (false). */
  cancel(id: number): boolean {
    const s = this.senders.findIndex((x) => x.id === id);
    if (s >= 0) this.senders.splice(s, 1);
    const r = this.receivers.indexOf(id);
    if (r >= 0) this.receivers.splice(r, 1);
    return s >= 0 || r >= 0;
  }

  close(error?: unknown): void {
    if (this.closed) throw new Error('close of closed channel');
    this.closed = true;
    this.error = error;
    for (const r of this.receivers.splice(0)) {
      this.done.set(r, error === undefined ? { kind: 'closed' } : { kind: 'error', error });
    }
    for (const s of this.senders.splice(0)) {
      this.done.set(s.id, { kind: 'error', error: new Error('send on closed channel') });
    }
  }
}
