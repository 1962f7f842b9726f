// A growable FIFO ring buffer with power-of-two storage. Channels bound it by their capacity;
// the 'unbounded' overflow policy lets it grow. Storage starts small and doubles on demand, so an
// idle channel with a large capacity costs little; shifted slots are cleared so values are not
// retained.
//
// Invariant: 0 <= length <= slots.length; the values are slots[(head + i) & mask], i < length.

export class Ring<T> {
  declare private slots: (T | undefined)[];
  declare private mask: number;
  declare private head: number;
  declare length: number;

  constructor(initial = 4) {
    let size = 1;
    while (size < initial) size <<= 1;
    this.slots = new Array(size);
    this.mask = size - 1;
    this.head = 0;
    this.length = 0;
  }

  push(value: T): void {
    if (this.length > this.mask) this.grow();
    this.slots[(this.head + this.length) & this.mask] = value;
    this.length++;
  }

  shift(): T {
    const value = this.slots[this.head] as T;
    this.slots[this.head] = undefined;
    this.head = (this.head + 1) & this.mask;
    this.length--;
    return value;
  }

  private grow(): void {
    const size = this.slots.length * 2;
    const next: (T | undefined)[] = new Array(size);
    for (let i = 0; i < this.length; i++) next[i] = this.slots[(this.head + i) & this.mask];
    this.slots = next;
    this.mask = size - 1;
    this.head = 0;
  }
}
