// A consumer of the built package, run in a plain Node process by exports.node.spec.ts (here) and
// by consumer.node.spec.ts (in an app that installed the packed package): it loads gorx by its own
// name through the package's `exports` map, as ESM and as CommonJS, and prints what it found as JSON.
import { createRequire } from 'node:module';
import * as esm from 'gorx';
import * as esmTesting from 'gorx/testing';

const require = createRequire(import.meta.url);
const cjs = require('gorx');
const cjsTesting = require('gorx/testing');

const names = (m) =>
  Object.keys(m)
    .filter((k) => k !== 'default' && k !== '__esModule')
    .sort();

/** One instance of each error class, made by the build `m`/`t`. */
function errors(m, t) {
  return {
    ClosedChannelError: new m.ClosedChannelError(),
    CanceledError: new m.CanceledError(),
    DeadlineExceededError: new m.DeadlineExceededError(),
    NegativeCounterError: new m.NegativeCounterError(),
    UnlockError: new m.UnlockError(),
    BufferOverflowError: new m.BufferOverflowError(1),
    DeadlockError: new t.DeadlockError([], [], 0),
    LeakError: new t.LeakError([], 0),
  };
}

/** For each error made by build `a`, whether it is `instanceof` the same class of build `b`. */
function cross(a, at, b, bt) {
  const out = {};
  for (const [name, e] of Object.entries(errors(a, at))) {
    const cls = b[name] ?? bt[name];
    out[name] =
      e instanceof cls && !(e instanceof (name === 'CanceledError' ? b.UnlockError : b.CanceledError));
  }
  return out;
}

/** Errors thrown by the library itself, caught with the other build's classes. */
function thrown(a, b) {
  const [ctx, cancel] = a.withCancel(a.background());
  cancel();
  const ch = new a.Channel();
  ch.close();
  let closeError;
  try {
    ch.close();
  } catch (e) {
    closeError = e;
  }
  const [timed] = a.withTimeout(a.background(), 0);
  return {
    canceled: ctx.err instanceof b.CanceledError,
    deadline: timed.err instanceof b.DeadlineExceededError,
    closed: closeError instanceof b.ClosedChannelError,
  };
}

/** Whether a synctest bubble of `t` drives the timers of `g`: a one-hour sleep takes no real hour. */
async function sharedClock(g, t) {
  const start = Date.now();
  let virtual;
  const run = t.synctest(async (bubble) => {
    const t0 = bubble.now();
    await g.sleep(3_600_000);
    virtual = bubble.now() - t0;
  });
  const timeout = new Promise((resolve) => setTimeout(() => resolve('timeout'), 5000).unref());
  const result = await Promise.race([run.then(() => 'ok'), timeout]);
  return { result, virtual, fast: Date.now() - start < 5000 };
}

const out = {
  resolved: {
    esm: import.meta.resolve('gorx'),
    esmTesting: import.meta.resolve('gorx/testing'),
    cjs: require.resolve('gorx'),
    cjsTesting: require.resolve('gorx/testing'),
  },
  names: {
    esm: names(esm),
    cjs: names(cjs),
    esmTesting: names(esmTesting),
    cjsTesting: names(cjsTesting),
  },
  cross: {
    esmToCjs: cross(esm, esmTesting, cjs, cjsTesting),
    cjsToEsm: cross(cjs, cjsTesting, esm, esmTesting),
  },
  thrown: { esmToCjs: thrown(esm, cjs), cjsToEsm: thrown(cjs, esm) },
  clock: { esm: await sharedClock(esm, esmTesting), cjs: await sharedClock(cjs, cjsTesting) },
};
process.stdout.write(JSON.stringify(out), () => process.exit(0));
