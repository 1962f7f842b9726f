// A worker file that imports nothing but `gorx/worker`, as most applications' worker files do.
import { serve } from 'gorx/worker';

serve({ twice: (n: number) => 2 * n });
