// piscina's worker file: named exports, picked with `run(task, { name })`.
export { fib, noop } from './work.js';
