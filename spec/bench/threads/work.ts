// The work every thread pool of the thread benchmarks runs, the same function in every worker file.

/** CPU-bound: the naive Fibonacci recursion (fib(25) ≈ 1 ms, fib(28) ≈ 4 ms on this machine). */
export const fib = (n: number): number => (n < 2 ? n : fib(n - 1) + fib(n - 2));

/** A task that does nothing: what a pool costs per task. */
export const noop = (): undefined => undefined;
