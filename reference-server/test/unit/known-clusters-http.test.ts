// The known-clusters class through the real HTTP front end and a loopback API server with a
// real TLS certificate: tools/list shows the context argument, and the token header of each
// POST (not of an earlier one) reaches its call.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadKubeconfig } from "../../src/contexts/kubeconfig.js";
import { createReferenceServer, type ReferenceServer } from "../../src/server.js";
import { codeOf } from "./helpers/call.js";
import { loopbackResolver } from "./helpers/deps.js";
import { b64, TOKEN_B } from "./helpers/fixtures.js";
import { type FakeApiServer, startFakeApiServer } from "./helpers/https-upstream.js";
import { connectClient } from "./helpers/mcp-client.js";

let api: FakeApiServer;
let server: ReferenceServer;

beforeAll(async () => {
  api = await startFakeApiServer();
  const dir = mkdtempSync(join(tmpdir(), "known-clusters-http-"));
  writeFileSync(
    join(dir, "config"),
    `clusters:\n- name: b\n  cluster: { server: "${api.url}", certificate-authority-data: ${b64("ca-a.crt")} }\ncontexts:\n- name: ctx-b\n  context: { cluster: b, user: nobody }\n`,
  );
  const contexts = loadKubeconfig(join(dir, "config"), { allowPlainHttp: false, allowInsecureTls: false });
  server = createReferenceServer({
    port: 0,
    logLevel: "silent",
    resolver: loopbackResolver,
    knownClusters: { contexts },
  });
});
afterAll(async () => {
  await server?.close();
  await api?.close();
});

describe("known-clusters over HTTP", () => {
  it("tools/list shows the required context argument; each POST's Authorization reaches its own call only", async () => {
    const client = await connectClient(await server.listen());
    try {
      const { tools } = await client.client.listTools();
      const ns = tools.find((t) => t.name === "namespaces_list");
      expect(ns?.inputSchema.properties).toHaveProperty("context");
      expect(ns?.inputSchema.required).toContain("context");
      client.setHeaders({ authorization: `Bearer ${TOKEN_B}` });
      expect(codeOf(await client.callTool("namespaces_list", { context: "ctx-b" }))).toBe("ok");
      client.setHeaders({});
      expect(codeOf(await client.callTool("namespaces_list", { context: "ctx-b" }))).toBe("missing-header");
      expect(api.seen.map((r) => r.authorization)).toEqual([`Bearer ${TOKEN_B}`]);
    } finally {
      await client.close();
    }
  });
});
