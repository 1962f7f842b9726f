// A real HTTP server for the specs that cancel real fetches, started by Vitest (globalSetup) in the
// Node process that runs the tests, so specs reach it with fetch from Node and from the browser
// alike: they get its address through `inject('httpServer')`.
//
//   GET /fail    answers 500 at once
//   GET /stats   answers { pending, closed }: requests received that never got an answer, and
//                how many of those the client has since given up (closed the connection)
//   GET /<else>  never answers: only an abort by the client ends the request
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Base URL of the spec HTTP server (spec/helpers/http.node.ts). */
    httpServer: string;
  }
}

/** Starts the server and provides its address; returns what stops it. */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const pending: IncomingMessage[] = [];
  let closed = 0;
  const server = createServer((req, res) => {
    res.setHeader('Access-Control-Allow-Origin', '*'); // the browser's page comes from another origin
    if (req.url === '/fail') {
      res.statusCode = 500;
      res.end('no');
    } else if (req.url === '/stats') {
      res.setHeader('Content-Type', 'application/json');
      res.end(JSON.stringify({ pending: pending.length, closed }));
    } else {
      pending.push(req);
      res.on('close', () => closed++);
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  project.provide('httpServer', `http://127.0.0.1:${(server.address() as AddressInfo).port}`);
  return async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  };
}
