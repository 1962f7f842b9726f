// gorx/testing: deadlock and leak detection, and a virtual clock (Go's testing/synctest, goleak).

// Errors
export type { LiveTask } from './errors.js';
export { DeadlockError, LeakError } from './errors.js';
