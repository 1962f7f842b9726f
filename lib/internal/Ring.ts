// A growable FIFO ring buffer with power-of-two storage. Channels bound it by their capacity;
// the 'unbounded' overflow policy lets it grow. Storage starts small and doubles on demand, so an
// idle channel with a large capacity costs little; shifted slots are cleared so values are not
// retained.
//
// Invariant: 0 <= length <= slots.length; the values are slots[(head + i) & mask], i < length.

export class Ring<T> {
  // Not #private: the G7 spec checks that shifted slots are cleared.
  declare private slots: (T | undefined)[];
  #mask: number;
  #head = 0;
  length = 0;

  /** `size`, the initial storage, is a power of two. */
  constructor(size = 4) {
    this.slots = Array(size);
    this.#mask = size - 1;
  }

  push(value: T): void {
    if (this.length > this.#mask) this.#grow();
    this.slots[(this.#head + this.length++) & this.#mask] = value;
  }

  shift(): T {
    const slots = this.slots;
    const head = this.#head;
    const value = slots[head] as T;
    slots[head] = undefined;
    this.#head = (head + 1) & this.#mask;
    this.length--;
    return value;
  }

  /** Doubles the storage of a full ring, its values unrolled to the front, oldest first. */
  #grow(): void {
    const slots = this.slots;
    const next = slots.slice(this.#head).concat(slots.slice(0, this.#head));
    next.length *= 2;
    this.slots = next;
    this.#mask = next.length - 1;
    this.#head = 0;
  }
}
