import { request } from "node:http";
import { afterEach, describe, expect, it } from "vitest";
import {
  createReferenceServer,
  type ReferenceServer,
  type ReferenceServerOptions,
} from "../../src/server.js";
import { EXTENSION_TOOLS, HEADER, REQUIRED_TOOLS } from "../../src/wire/constants.js";
import { codeOf, textOf } from "./helpers/call.js";
import { LogCapture, loopbackResolver } from "./helpers/deps.js";
import { b64, certFields, pem, TOKEN_A, TOKEN_B, tokenFields } from "./helpers/fixtures.js";
import { type FakeApiServer, json, startFakeApiServer } from "./helpers/https-upstream.js";
import { connectClient, type TestClient } from "./helpers/mcp-client.js";

const cleanup: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
});

async function startServer(
  o: ReferenceServerOptions = {},
): Promise<{ server: ReferenceServer; url: string; log: LogCapture }> {
  const log = new LogCapture();
  const server = createReferenceServer({ port: 0, resolver: loopbackResolver, logDestination: log, ...o });
  const url = await server.listen();
  cleanup.push(() => server.close());
  return { server, url, log };
}

async function api(name: string): Promise<FakeApiServer> {
  const s = await startFakeApiServer({
    handler: (req, res) =>
      json(res, 200, { items: [{ metadata: { name: `${name}:${req.headers.authorization ?? "cert"}` } }] }),
  });
  cleanup.push(() => s.close());
  return s;
}

async function client(url: string, headers: Record<string, string> = {}): Promise<TestClient> {
  const c = await connectClient(url, headers);
  cleanup.push(() => c.close());
  return c;
}

/** A raw POST so tests control exact header lines (fetch cannot repeat a header line). */
function rawPost(
  url: string,
  headers: Record<string, string | string[]>,
  body: unknown,
): Promise<{ status: number; text: string; sessionId?: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method: "POST",
        headers: {
          "content-type": "application/json",
          accept: "application/json, text/event-stream",
          ...headers,
        },
      },
      (res) => {
        let text = "";
        res.on("data", (c) => {
          text += c;
        });
        const sid = res.headers["mcp-session-id"];
        res.on("end", () =>
          resolve({
            status: res.statusCode ?? 0,
            text,
            ...(typeof sid === "string" ? { sessionId: sid } : {}),
          }),
        );
      },
    );
    req.on("error", reject);
    req.end(JSON.stringify(body));
  });
}

const toolsCall = (name = "namespaces_list", args = {}) => ({
  jsonrpc: "2.0",
  id: 7,
  method: "tools/call",
  params: { name, arguments: args },
});

describe("Streamable HTTP transport (stateful)", () => {
  it("initialize, ping and tools/list need no cluster headers (AH-LIFE-1/3)", async () => {
    const { url } = await startServer();
    const c = await client(url);
    await c.client.ping();
    const { tools } = await c.client.listTools();
    expect(tools.map((t) => t.name)).toEqual([...REQUIRED_TOOLS, ...EXTENSION_TOOLS]);
    expect(tools.find((t) => t.name === "pods_get")?.inputSchema.required).toEqual(["name"]);
  });

  it("serves calls of one session with different tuples, each naming its cluster (AH-LIFE-4, AH-ORIGIN-2)", async () => {
    const a = await api("a");
    const b = await api("b");
    const { url } = await startServer();
    const c = await client(url);
    c.setHeaders(tokenFields(a.url, TOKEN_A));
    const r1 = await c.callTool("namespaces_list");
    c.setHeaders(certFields(b.url));
    const r2 = await c.callTool("namespaces_list");
    c.setHeaders(tokenFields(a.url, TOKEN_B));
    const r3 = await c.callTool("namespaces_list");
    expect(textOf(r1)).toContain(`a:Bearer ${TOKEN_A}`);
    expect(textOf(r2).split("\n")[0]).toContain(`127.0.0.1:${b.port}`);
    expect(textOf(r2)).toContain("b:cert");
    expect(textOf(r3)).toContain(`a:Bearer ${TOKEN_B}`);
    expect(b.seen[0]?.peerCN).toBe("alice");
  });

  it("headers sent with initialize are not kept for later calls (AH-SRC-3, AH-LIFE-2)", async () => {
    const a = await api("a");
    const { url } = await startServer();
    const c = await client(url, tokenFields(a.url));
    c.setHeaders({});
    const r = await c.callTool("namespaces_list");
    expect(codeOf(r)).toBe("missing-header");
    expect(a.seen).toHaveLength(0);
  });

  it("headers of an earlier call are not reused (AH-SRC-3)", async () => {
    const a = await api("a");
    const { url } = await startServer();
    const c = await client(url);
    c.setHeaders(tokenFields(a.url));
    expect(codeOf(await c.callTool("namespaces_list"))).toBe("ok");
    c.setHeaders({});
    expect(codeOf(await c.callTool("namespaces_list"))).toBe("missing-header");
    expect(a.seen).toHaveLength(1);
  });

  it("_meta over HTTP is the only source when it names a kubernetes-* key", async () => {
    const a = await api("a");
    const b = await api("b");
    const { url } = await startServer();
    const c = await client(url);
    c.setHeaders(tokenFields(a.url, TOKEN_A));
    const r = await c.callTool("namespaces_list", {}, tokenFields(b.url, TOKEN_B));
    expect(textOf(r)).toContain(`b:Bearer ${TOKEN_B}`);
    expect(a.seen).toHaveLength(0);
    const bad = await c.callTool("namespaces_list", {}, { [HEADER.server]: 6443 });
    expect(codeOf(bad)).toBe("invalid-header");
    expect(textOf(bad)).toContain(HEADER.server);
  });

  it("comma-joined header values are [invalid-header] and the session keeps serving (AH-HDR-8/10)", async () => {
    const a = await api("a");
    const { url } = await startServer();
    const c = await client(url);
    c.setHeaders({ ...tokenFields(a.url), [HEADER.server]: `${a.url}, https://127.0.0.2:6443` });
    const r = await c.callTool("namespaces_list");
    expect(codeOf(r)).toBe("invalid-header");
    expect(textOf(r)).toContain(HEADER.server);
    c.setHeaders(tokenFields(a.url));
    expect(codeOf(await c.callTool("namespaces_list"))).toBe("ok");
  });

  it("accepts ≥64 KiB of headers and answers 431 beyond the limit, then keeps serving (AH-HDR-9)", async () => {
    const a = await api("a");
    const { url } = await startServer();
    const caPem = pem("ca-a.crt");
    const bigBundle = Buffer.from(caPem.repeat(Math.ceil((80 * 1024) / caPem.length))).toString("base64");
    expect(bigBundle.length).toBeGreaterThan(64 * 1024);
    const c = await client(url);
    c.setHeaders({ ...tokenFields(a.url), [HEADER.certificateAuthorityData]: bigBundle });
    expect(codeOf(await c.callTool("namespaces_list"))).toBe("ok");

    const huge = await rawPost(
      url,
      { ...tokenFields(a.url), "x-padding": "p".repeat(300 * 1024) },
      toolsCall(),
    );
    expect(huge.status).toBe(431);
    c.setHeaders(tokenFields(a.url));
    expect(codeOf(await c.callTool("namespaces_list"))).toBe("ok");
  });

  it("/healthz and /readyz answer; unknown paths are 404", async () => {
    const { url } = await startServer();
    const base = url.replace(/\/mcp$/, "");
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    expect((await fetch(`${base}/readyz`)).status).toBe(200);
    expect((await fetch(`${base}/nope`)).status).toBe(404);
  });

  it("a POST without a session that is not initialize is refused", async () => {
    const { url } = await startServer();
    const r = await rawPost(url, {}, toolsCall());
    expect(r.status).toBe(400);
  });

  it("logs one line per call without secrets (AH-SEC-1/2)", async () => {
    const a = await api("a");
    const { url, log } = await startServer();
    const c = await client(url);
    c.setHeaders(tokenFields(a.url, TOKEN_A));
    await c.callTool("namespaces_list");
    c.setHeaders(certFields(a.url));
    await c.callTool("pods_list");
    const calls = log.lines().filter((l) => l.msg === "tool call");
    expect(calls).toHaveLength(2);
    expect(calls[0]).toMatchObject({ tool: "namespaces_list", server: `127.0.0.1:${a.port}`, outcome: "ok" });
    expect(typeof calls[0]?.ms).toBe("number");
    expect(calls[0]?.requestId).toBeDefined();
    for (const secret of [TOKEN_A, b64("client-alice.key"), b64("client-alice.crt"), "PRIVATE KEY"]) {
      expect(log.text).not.toContain(secret);
    }
  });
});

describe("concurrent calls in one stateful session (AH-CONN-2)", () => {
  it("each POST's own headers decide its cluster and identity, with no cross-talk", async () => {
    const a = await api("a");
    const b = await api("b");
    const { url } = await startServer();
    const init = await rawPost(
      url,
      {},
      {
        jsonrpc: "2.0",
        id: 0,
        method: "initialize",
        params: {
          protocolVersion: "2025-06-18",
          capabilities: {},
          clientInfo: { name: "raw", version: "0" },
        },
      },
    );
    const sid = init.sessionId;
    expect(sid).toBeTruthy();
    const session = { "mcp-session-id": sid as string, "mcp-protocol-version": "2025-06-18" };
    await rawPost(url, session, { jsonrpc: "2.0", method: "notifications/initialized" });
    const results = await Promise.all(
      Array.from({ length: 16 }, (_, i) => {
        const target = i % 2 ? a : b;
        const token = `tenant-${i}`;
        return rawPost(
          url,
          { ...session, ...tokenFields(target.url, token) },
          { ...toolsCall(), id: 100 + i },
        ).then((r) => ({
          r,
          expected: `${i % 2 ? "a" : "b"}:Bearer ${token}`,
          host: `127.0.0.1:${target.port}`,
        }));
      }),
    );
    for (const { r, expected, host } of results) {
      const data = /^data: (.*)$/m.exec(r.text)?.[1] ?? "{}";
      const text =
        (JSON.parse(data) as { result?: { content?: Array<{ text: string }> } }).result?.content?.[0]?.text ??
        "";
      expect(text.split("\n")[0]).toContain(host);
      expect(text).toContain(expected);
      expect(text.match(/tenant-\d+/g)).toEqual([expected.replace(/^.*Bearer /, "")]);
    }
  });
});

describe("Streamable HTTP transport (stateless)", () => {
  it("serves each POST on its own with its own headers", async () => {
    const a = await api("a");
    const { url } = await startServer({ stateless: true });
    const c = await client(url);
    expect((await c.client.listTools()).tools.length).toBeGreaterThanOrEqual(7);
    c.setHeaders(tokenFields(a.url));
    expect(codeOf(await c.callTool("namespaces_list"))).toBe("ok");
    c.setHeaders({});
    expect(codeOf(await c.callTool("namespaces_list"))).toBe("missing-header");
  });

  it("repeated header lines are [invalid-header], naming the header (AH-HDR-8)", async () => {
    const a = await api("a");
    const { url } = await startServer({ stateless: true });
    const r = await rawPost(
      url,
      { ...tokenFields(a.url), [HEADER.authorization]: [`Bearer ${TOKEN_A}`, `Bearer ${TOKEN_B}`] },
      toolsCall(),
    );
    expect(r.status).toBe(200);
    expect(r.text).toContain("[invalid-header]");
    expect(r.text).toContain(HEADER.authorization);
    expect(r.text).not.toContain(TOKEN_A);
    expect(a.seen).toHaveLength(0);
  });
});

describe("graceful close", () => {
  it("close() stops accepting connections", async () => {
    const log = new LogCapture();
    const server = createReferenceServer({ port: 0, logDestination: log });
    const url = await server.listen();
    await server.close();
    await expect(fetch(url.replace(/\/mcp$/, "/healthz"))).rejects.toThrow();
  });
});
