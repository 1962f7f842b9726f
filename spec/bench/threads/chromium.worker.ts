// The module Web Worker of the Chromium channel benchmark (chromium.page.ts): the floors and the
// channel receivers of the Node benchmark, served the same way.
import { serve } from '../../../lib/worker/index.js';
import { floors } from '../../threads/workers/floors.js';

serve(floors);
