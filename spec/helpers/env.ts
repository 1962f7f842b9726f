// The environment variables the specs read, the same in Node and in the browser, where there is no
// `process.env`: the Vitest config passes them on, and Vite exposes them on `import.meta.env`.

/** GORX_STRESS as given to the test run (a stress multiplier), or undefined. */
export const GORX_STRESS: string | undefined = (import.meta as { env?: Record<string, string | undefined> })
  .env?.GORX_STRESS;

/** The stress specs' size multiplier: 10·GORX_STRESS when that is a positive number, else 1. */
export const STRESS_SCALE: number = Number(GORX_STRESS ?? 0) > 0 ? Number(GORX_STRESS) * 10 : 1;

/** Whether the run's pages are served cross-origin isolated (the chromium-isolated project). */
export const ISOLATED: boolean =
  (import.meta as { env?: Record<string, string | undefined> }).env?.GORX_ISOLATED === '1';
