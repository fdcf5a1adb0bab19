// No ambient credentials: the production bin runs with KUBECONFIG and
// ~/.kube/config pointing at cluster C's *admin*. A call without cluster
// headers must fail with [missing-header] and C must see no request at all.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { assertNone } from "../../../harness/src/audit/verdicts.js";
import { attach, type Cluster } from "../../../harness/src/clusters/index.js";
import { directGet } from "../../../harness/src/credentials/direct.js";
import { McpSession } from "../../../harness/src/mcp/client.js";
import { type Spawned, spawnServer } from "../unit/helpers/spawn.js";

const PRODUCTION_BIN = "reference-server/bin/auth-headers-server.js";
/** Test-only launcher that honours AUTH_HEADERS_DEFECT. */
const FAULTY_BIN = "reference-server/test/faulty/faulty-server.js";
// Only what the test plants: no inherited KUBECONFIG or KUBERNETES_* variables.
const ONLY_ENV = { inheritEnv: false, timeoutMs: 30_000 };

let c: Cluster;
let server: Spawned;
let home: string;
let env: Record<string, string | undefined>;

const notSentinel = (e: { requestURI: string }) => !e.requestURI.includes("conformance-sentinel");

async function callsWithoutHeaders(url: string) {
  const session = await McpSession.http(url);
  try {
    return await Promise.all(["namespaces_list", "pods_list", "whoami"].map((t) => session.call(t, {})));
  } finally {
    await session.close();
  }
}

beforeAll(async () => {
  c = attach(inject("clusters")[2] as never);
  home = mkdtempSync(join(tmpdir(), "ambient-"));
  const kubeconfig = join(home, "admin.kubeconfig");
  writeFileSync(kubeconfig, c.adminKubeconfigYaml(), { mode: 0o600 });
  mkdirSync(join(home, ".kube"));
  writeFileSync(join(home, ".kube", "config"), c.adminKubeconfigYaml(), { mode: 0o600 });
  env = { PATH: process.env.PATH, HOME: home, KUBECONFIG: kubeconfig };
  server = await spawnServer(PRODUCTION_BIN, [], env, ONLY_ENV);
});
afterAll(async () => {
  await server?.stop();
  rmSync(home, { recursive: true, force: true });
});

describe("no ambient-credential fallback (AH-SRC-4)", () => {
  it("the bait kubeconfig works, yet a call without headers fails and cluster C sees nothing", async () => {
    // Premise: the kubeconfig in the server's environment is a working admin credential.
    const admin = {
      "kubernetes-server": c.server,
      "kubernetes-certificate-authority-data": c.caHeader,
      "kubernetes-client-certificate-data": Buffer.from(c.info.admin.certPem ?? "").toString("base64"),
      "kubernetes-client-key-data": Buffer.from(c.info.admin.keyPem ?? "").toString("base64"),
    };
    expect((await directGet(admin, "/api/v1/namespaces")).status).toBe(200);

    const mark = await c.audit.mark();
    for (const r of await callsWithoutHeaders(server.url)) {
      expect(r.isError, r.text).toBe(true);
      expect(r.code).toBe("missing-header");
      expect(r.text).toContain("kubernetes-server");
    }
    // Admin traffic included: the bait *is* the admin identity.
    const seen = (await c.audit.settled(mark, { excludeAdmin: false })).filter(notSentinel);
    assertNone(seen, "cluster C");
  });

  it("the same check catches a server that falls back to KUBECONFIG (ambient-kubeconfig defect)", async () => {
    const faulty = await spawnServer(
      FAULTY_BIN,
      [],
      { ...env, AUTH_HEADERS_DEFECT: "ambient-kubeconfig" },
      ONLY_ENV,
    );
    try {
      const mark = await c.audit.mark();
      const results = await callsWithoutHeaders(faulty.url);
      expect(results.some((r) => !r.isError)).toBe(true);
      const seen = (await c.audit.settled(mark, { excludeAdmin: false })).filter(notSentinel);
      expect(() => assertNone(seen, "cluster C")).toThrow(/conformance:admin/);
    } finally {
      await faulty.stop();
    }
  });
});
