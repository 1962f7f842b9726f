// A spec file's worker file: bundled before its tests, removed after them.
import { afterAll, beforeAll } from 'vitest';
import { bundleWorker } from './bundle.js';

/** Bundles `name` (a file of this folder) for the calling spec file; returns its URL once built. */
export function useWorkerFile(name: string): () => URL {
  let bundle: Awaited<ReturnType<typeof bundleWorker>> | undefined;
  beforeAll(async () => {
    bundle = await bundleWorker(name);
  });
  afterAll(() => bundle?.remove());
  return () => {
    if (bundle === undefined) throw new Error(`${name} is not bundled yet: use the URL inside a test`);
    return bundle.url;
  };
}
