// gorx/worker: what the application's worker file imports to serve a thread pool.

export type { ReceiveChannel, SendChannel } from '../channel/types.js';
export type { Context } from '../context/Context.js';
export { registerError } from '../threads/codec.js';
export { WorkerExitError } from '../threads/errors.js';
export { transfer } from '../threads/wire.js';
export type { Handler, ServeOptions } from './serve.js';
export { serve } from './serve.js';
