// The entry Node starts for the worker thread of demos/16-thread-pool.ts. Node runs JavaScript only
// and the demos are TypeScript run by tsx, so this registers tsx in the new thread, then loads the
// worker file. An application that compiles its worker file points `new Worker(new URL(…))` at the
// compiled .js and needs no such entry.
import { register } from 'tsx/esm/api';

register();
await import('./mine.worker.ts');
