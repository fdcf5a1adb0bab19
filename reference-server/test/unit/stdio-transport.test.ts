import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { afterEach, describe, expect, it } from "vitest";
import { codeOf, textOf } from "./helpers/call.js";
import { TOKEN_A, tokenFields } from "./helpers/fixtures.js";
import { type FakeApiServer, startFakeApiServer } from "./helpers/https-upstream.js";
import { ROOT } from "./helpers/spawn.js";

const cleanup: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
});

describe("stdio transport (AH-SRC-5)", () => {
  it("takes the cluster from _meta only and never from the environment", async () => {
    const api: FakeApiServer = await startFakeApiServer();
    cleanup.push(() => api.close());
    const transport = new StdioClientTransport({
      command: process.execPath,
      args: ["reference-server/bin/auth-headers-server.js", "--stdio", "--log-level", "silent"],
      cwd: ROOT,
      // Ambient credentials that a faulty provider might pick up; ours must ignore them.
      env: { ...(process.env as Record<string, string>), KUBECONFIG: "/nonexistent/kubeconfig" },
      stderr: "pipe",
    });
    const client = new Client({ name: "stdio-test", version: "0.0.0" });
    await client.connect(transport);
    cleanup.push(() => client.close());

    expect((await client.listTools()).tools.map((t) => t.name)).toContain("pods_list_in_namespace");
    const none = (await client.callTool({ name: "namespaces_list", arguments: {} })) as CallToolResult;
    expect(codeOf(none)).toBe("missing-header");
    const ok = (await client.callTool({
      name: "namespaces_list",
      arguments: {},
      _meta: tokenFields(api.url),
    })) as CallToolResult;
    expect(codeOf(ok)).toBe("ok");
    expect(textOf(ok).split("\n")[0]).toMatch(
      new RegExp(`^cluster: 127\\.0\\.0\\.1:${api.port} ca:sha256:[0-9a-f]{16}$`),
    );
    expect(api.seen.map((s) => s.authorization)).toEqual([`Bearer ${TOKEN_A}`]);
  });
});
