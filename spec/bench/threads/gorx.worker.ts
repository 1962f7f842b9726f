// gorx's worker file for the thread benchmarks, as an application writes it.
import { serve } from 'gorx/worker';
import { fib, noop } from './work.js';

serve({ fib, noop });
