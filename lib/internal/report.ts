// The one exit for errors nobody can receive: a user callback that threw inside channel
// machinery, or a failing task nobody awaits. The error is rethrown on a fresh macrotask after
// every state change is complete (RX5), so it reaches the host's uncaught-error handling.

export function reportPanic(error: unknown): void {
  setTimeout(() => {
    throw error;
  }, 0);
}
