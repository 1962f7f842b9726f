// Bundles a spec worker file (TypeScript, importing lib/) into one temporary .mjs that Node's
// worker_threads can load, once per spec file.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';

/** Builds `name` (a file next to this one) and returns its URL and a clean-up. */
export async function bundleWorker(name: string): Promise<{ url: URL; remove: () => void }> {
  const dir = mkdtempSync(join(tmpdir(), 'gorx-threads-'));
  const outfile = join(dir, name.replace(/\.ts$/, '.mjs'));
  await build({
    entryPoints: [fileURLToPath(new URL(`./${name}`, import.meta.url))],
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    outfile,
    logLevel: 'silent',
  });
  return { url: pathToFileURL(outfile), remove: () => rmSync(dir, { recursive: true, force: true }) };
}
