// The part of js-csp's public API that the benchmarks use (the package ships no types).
declare module 'js-csp' {
  export interface Channel<T> {
    close(): void;
    readonly __value?: T;
  }
  /** An instruction for a `go` generator to yield. */
  export interface Instruction<R> {
    readonly __result?: R;
  }
  export interface AltsResult<T> {
    readonly value: T | null;
    readonly channel: Channel<T>;
  }
  interface Csp {
    readonly CLOSED: null;
    chan<T>(bufferOrNumber?: number): Channel<T>;
    go<R>(f: () => Generator<Instruction<unknown>, R, any>): Channel<R>;
    take<T>(ch: Channel<T>): Instruction<T | null>;
    put<T>(ch: Channel<T>, value: T): Instruction<boolean>;
    alts<T>(operations: readonly Channel<T>[]): Instruction<AltsResult<T>>;
    takeAsync<T>(ch: Channel<T>, callback: (value: T | null) => void): void;
  }
  const csp: Csp;
  export default csp;
}
