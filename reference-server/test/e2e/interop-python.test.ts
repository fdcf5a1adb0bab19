// Interop with a client nobody here wrote: the proposal's own Python example
// (fastmcp Client, StreamableHttpTransport with headers, and meta=), pinned
// in harness/interop/python/requirements.txt, in a venv made by the project's
// script. Credentials go through a 0600 file, never the command line.
import { execFile, execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { assertAllBy, assertNone } from "../../../harness/src/audit/verdicts.js";
import { attach, type Cluster } from "../../../harness/src/clusters/index.js";
import type { Identity } from "../../../harness/src/clusters/types.js";
import { createReferenceServer, type ReferenceServer } from "../../src/server.js";

let a: Cluster;
let b: Cluster;
let python: string;
let server: ReferenceServer;
let url: string;
let dir: string;

beforeAll(async () => {
  [a, b] = inject("clusters").map(attach) as [Cluster, Cluster];
  python = execFileSync("bash", ["harness/scripts/python-venv.sh"], { encoding: "utf8" }).trim();
  server = createReferenceServer({ port: 0, logLevel: "silent" });
  url = await server.listen();
  dir = mkdtempSync(join(tmpdir(), "interop-py-"));
}, 180_000);
afterAll(async () => {
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** The proposal's k8s1.json format. */
function clusterJson(id: Identity): string {
  const h = id.headers;
  const path = join(dir, `${Math.random().toString(16).slice(2)}.json`);
  writeFileSync(
    path,
    JSON.stringify({
      TEST_CLUSTER_URL: h["kubernetes-server"],
      TEST_CLUSTER_CA_DATA: h["kubernetes-certificate-authority-data"],
      TEST_CLUSTER_AUTH_TOKEN: h["kubernetes-authorization"],
      TEST_CLUSTER_CLIENT_CERTIFICATE_DATA: h["kubernetes-client-certificate-data"],
      TEST_CLUSTER_CLIENT_KEY_DATA: h["kubernetes-client-key-data"],
    }),
    { mode: 0o600 },
  );
  return path;
}

// Asynchronous on purpose: the server under test runs in this process.
async function runClient(file: string, kind: "token" | "cert", mode: "headers" | "meta") {
  const { stdout: out } = await promisify(execFile)(
    python,
    ["harness/interop/python/list_pods.py", url, file, kind, mode],
    {
      encoding: "utf8",
      timeout: 60_000,
    },
  );
  return JSON.parse(out.trim().split("\n").pop() ?? "{}") as { isError: boolean; text: string };
}

describe("fastmcp (Python) client from the proposal", () => {
  it.each([
    ["token", "headers"],
    ["token", "meta"],
    ["cert", "headers"],
    ["cert", "meta"],
  ] as const)("%s credentials in %s list pods of the right cluster as the right user", async (kind, mode) => {
    const id = kind === "token" ? await a.mintTokenIdentity() : await a.mintCertIdentity();
    const [markA, markB] = await Promise.all([a.audit.mark(), b.audit.mark()]);
    const r = await runClient(clusterJson(id), kind, mode);
    expect(r.isError, r.text).toBe(false);
    expect(r.text).toContain("fixture-pod-1");
    expect(r.text).toContain(new URL(a.server).host);
    assertAllBy(await a.audit.settled(markA), id.user, "cluster A");
    assertNone(await b.audit.settled(markB), "cluster B");
  });

  it("the same client with a token of cluster B aimed at A is refused", async () => {
    const idB = await b.mintTokenIdentity();
    const r = await runClient(clusterJson({ ...idB, headers: a.retarget(idB.headers) }), "token", "meta");
    expect(r.isError).toBe(true);
    expect(r.text).toMatch(/^\[unauthorized\]/);
    expect(r.text).not.toContain(idB.headers["kubernetes-authorization"]?.slice(7, 40) ?? "??");
  });
});
