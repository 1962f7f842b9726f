// gorx/testing: Go's testing/synctest (a bubble with a virtual clock, deadlock detection) and
// goleak (leak checks) for gorx.

// Errors
export type { LiveTask } from './errors.js';
export { DeadlockError, LeakError } from './errors.js';
// Leaks
export type { LiveSnapshot, VerifyNoLeaksOptions } from './leaks.js';
export { captureStacks, snapshotLive, verifyNoLeaks } from './leaks.js';
// Bubbles
export type { Bubble, SynctestOptions } from './synctest.js';
export { synctest } from './synctest.js';
export { VirtualClock } from './VirtualClock.js';
