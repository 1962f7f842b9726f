// workerpool's worker file: methods registered with `workerpool.worker`.
import workerpool from 'workerpool';
import { fib, noop } from './work.js';

workerpool.worker({ fib, noop });
