import { fileURLToPath } from 'node:url';
import {
  PlaywrightBrowserProvider,
  type PlaywrightProviderOptions,
  playwright,
} from '@vitest/browser-playwright';
import { defineConfig } from 'vitest/config';
import type { BrowserProviderOption } from 'vitest/node';
import { chromiumLaunchOptions } from './spec/helpers/chromium.node.js';

// GORX_STRESS=n multiplies the stress specs' sizes (by up to 10·n); their time limit grows with them.
const stress = Number(process.env.GORX_STRESS ?? 0);
const scale = stress > 0 ? stress * 10 : 1;
const stressEnv: Record<string, string> =
  process.env.GORX_STRESS === undefined ? {} : { GORX_STRESS: process.env.GORX_STRESS };

/** Specs that need Node itself (files, child processes, the built package) say so in their name. */
const NODE_ONLY = 'spec/**/*.node.spec.ts';
/** Specs that need a DOM (a rendered component) say so in theirs. */
const BROWSER_ONLY = 'spec/**/*.browser.spec.ts';
/** Specs that run under zone.js, as an Angular app that keeps zone.js is tested. */
const ZONE = 'spec/**/*.zone.spec.ts';

/**
 * Playwright on the Chromium that @sparticuz/chromium ships. The binary is unpacked and its path
 * filled in when the first page opens, so a run of the node project alone never touches it.
 */
function shippedChromium(isolated: boolean): BrowserProviderOption<PlaywrightProviderOptions> {
  const options: PlaywrightProviderOptions = { launchOptions: {} };
  class Provider extends PlaywrightBrowserProvider {
    override async openPage(...args: Parameters<PlaywrightBrowserProvider['openPage']>): Promise<void> {
      Object.assign(options.launchOptions!, await chromiumLaunchOptions(isolated));
      return super.openPage(...args);
    }
  }
  return { ...playwright(options), providerFactory: (project) => new Provider(project, options) };
}

/** Browser mode in one headless page of that Chromium (with `isolated`, see chromiumLaunchOptions). */
function headlessChromium(isolated = false) {
  return {
    enabled: true,
    headless: true,
    provider: shippedChromium(isolated),
    instances: [{ browser: 'chromium' as const }],
    screenshotFailures: false,
  };
}

export default defineConfig({
  resolve: {
    alias: {
      'gorx/testing': fileURLToPath(new URL('./lib/testing/index.ts', import.meta.url)),
      'gorx/worker': fileURLToPath(new URL('./lib/worker/index.ts', import.meta.url)),
      gorx: fileURLToPath(new URL('./lib/index.ts', import.meta.url)),
    },
  },
  test: {
    testTimeout: 20_000 * scale,
    // A real HTTP server for the fetch specs, reached through inject('httpServer') from either project.
    globalSetup: ['./spec/helpers/http.node.ts'],
    // Passed on to the specs' import.meta.env (spec/helpers/env.ts): a browser has no process.env.
    env: stressEnv,
    projects: [
      {
        extends: true,
        test: {
          name: 'node',
          include: ['spec/**/*.spec.ts'],
          exclude: [BROWSER_ONLY, ZONE],
          // With projects, type tests run only where typecheck is enabled explicitly.
          typecheck: { enabled: true, include: ['spec/**/*.test-d.ts'], tsconfig: './tsconfig.json' },
          pool: 'forks',
          sequence: { groupOrder: 0 },
        },
      },
      {
        extends: true,
        // Bundled for the browser before the first file runs: a dependency first met mid-run makes
        // Vite reload the page under a running test.
        optimizeDeps: {
          include: [
            '@angular/compiler',
            '@angular/core',
            '@angular/core/rxjs-interop',
            '@angular/core/testing',
            '@angular/platform-browser/testing',
            'fast-check',
            'rxjs',
            'rxjs/testing',
          ],
        },
        test: {
          name: 'chromium',
          include: ['spec/**/*.spec.ts'],
          exclude: [NODE_ONLY, ZONE],
          // After the node project: the two would otherwise share the machine's cores.
          sequence: { groupOrder: 1 },
          // One file at a time: this Chromium runs every page on one renderer thread, so parallel
          // files gain nothing and would share the heap that the GC and heap specs measure.
          fileParallelism: false,
          browser: headlessChromium(),
        },
      },
      {
        extends: true,
        // The thread specs again, on a page served with COOP and COEP in a Chromium that isolates
        // it: memory is shared with the workers (cancel words, numbers through rings).
        server: {
          headers: {
            'Cross-Origin-Opener-Policy': 'same-origin',
            'Cross-Origin-Embedder-Policy': 'require-corp',
          },
        },
        optimizeDeps: { include: ['rxjs'] },
        test: {
          name: 'chromium-isolated',
          include: ['spec/threads/**/*.spec.ts'],
          env: { ...stressEnv, GORX_ISOLATED: '1' },
          exclude: [NODE_ONLY, ZONE],
          sequence: { groupOrder: 2 },
          fileParallelism: false,
          browser: headlessChromium(true),
        },
      },
      {
        extends: true,
        optimizeDeps: {
          include: [
            '@angular/core/testing',
            'rxjs',
            'zone.js',
            'zone.js/testing',
            'zone.js/plugins/vitest-patch',
          ],
        },
        test: {
          name: 'chromium-zone',
          include: [ZONE],
          // zone.js's Vitest patch wraps the global describe/it/beforeEach, as Angular's fakeAsync needs.
          globals: true,
          setupFiles: ['zone.js', 'zone.js/testing', 'zone.js/plugins/vitest-patch'],
          sequence: { groupOrder: 3 },
          fileParallelism: false,
          browser: headlessChromium(),
        },
      },
    ],
  },
});
