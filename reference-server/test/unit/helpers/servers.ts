// What a test starts, stopped after it, newest first: reference servers on a free loopback
// port (names resolved only to loopback) and fake API servers.
import { afterEach } from "vitest";
import {
  createReferenceServer,
  type ReferenceServer,
  type ReferenceServerOptions,
} from "../../../src/server.js";
import { LogCapture, loopbackResolver } from "./deps.js";
import { type FakeApiServer, startFakeApiServer } from "./https-upstream.js";

export type Cleanup = Array<() => Promise<unknown>>;

/** The file's list of things to stop; every test's entries are stopped after it. */
export function cleanupAfterEach(): Cleanup {
  const cleanup: Cleanup = [];
  afterEach(async () => {
    for (const fn of cleanup.splice(0).reverse()) await fn();
  });
  return cleanup;
}

export async function startReference(
  cleanup: Cleanup,
  o: ReferenceServerOptions = {},
): Promise<{ server: ReferenceServer; url: string; port: number; log: LogCapture }> {
  const log = new LogCapture();
  const server = createReferenceServer({ port: 0, resolver: loopbackResolver, logDestination: log, ...o });
  const url = await server.listen();
  cleanup.push(() => server.close());
  return { server, url, port: Number(new URL(url).port), log };
}

export async function startApi(
  cleanup: Cleanup,
  o?: Parameters<typeof startFakeApiServer>[0],
): Promise<FakeApiServer> {
  const s = await startFakeApiServer(o);
  cleanup.push(() => s.close());
  return s;
}
