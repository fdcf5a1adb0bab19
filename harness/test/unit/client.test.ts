import { randomUUID } from "node:crypto";
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { StreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/streamableHttp.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { McpSession, outcomeOf } from "../../src/mcp/client.js";
import { RawSession, rawOutcome } from "../../src/mcp/raw.js";

// A tiny MCP server (SDK, stateful) behind a node:http server that records the
// raw header lines of every request; the tool "echo-server" answers with the
// kubernetes-server header it received on *its own* request.
interface Seen {
  method: string;
  rawHeaders: string[];
  headers: IncomingHttpHeaders;
  body: string;
}

let server: Server;
let url: string;
const seen: Seen[] = [];

beforeAll(async () => {
  const transports = new Map<string, StreamableHTTPServerTransport>();
  server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = Buffer.concat(chunks).toString();
    seen.push({ method: req.method ?? "", rawHeaders: req.rawHeaders, headers: req.headers, body });
    const sid = req.headers["mcp-session-id"];
    let transport = typeof sid === "string" ? transports.get(sid) : undefined;
    if (!transport) {
      const mcp = new McpServer({ name: "capture", version: "0" });
      mcp.tool("echo-server", async (extra) => {
        const h = extra.requestInfo?.headers ?? {};
        const v = h["kubernetes-server"];
        return {
          content: [{ type: "text", text: `[seen] ${Array.isArray(v) ? v.join("|") : (v ?? "none")}` }],
        };
      });
      const t = new StreamableHTTPServerTransport({
        sessionIdGenerator: () => randomUUID(),
        onsessioninitialized: (id) => {
          transports.set(id, t);
        },
      });
      await mcp.connect(t);
      transport = t;
    }
    await transport.handleRequest(req, res, body ? JSON.parse(body) : undefined);
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  const a = server.address();
  url = `http://127.0.0.1:${typeof a === "object" && a ? a.port : 0}/mcp`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

const toolCalls = () => seen.filter((s) => s.body.includes('"tools/call"'));

describe("per-call header client", () => {
  it("sends each call's own headers within one session, also concurrently", async () => {
    const s = await McpSession.http(url, { initHeaders: { "kubernetes-server": "https://init.example:1" } });
    try {
      const a = await s.call("echo-server", {}, { headers: { "kubernetes-server": "https://a:1" } });
      const b = await s.call("echo-server", {}, { headers: { "kubernetes-server": "https://b:2" } });
      const none = await s.call("echo-server", {});
      expect(a.text).toBe("[seen] https://a:1");
      expect(b.text).toBe("[seen] https://b:2");
      expect(none.text).toBe("[seen] none");
      expect(a.code).toBe("seen");

      const many = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          s.call("echo-server", {}, { headers: { "kubernetes-server": `https://c${i}:1` } }),
        ),
      );
      many.forEach((o, i) => {
        expect(o.text).toBe(`[seen] https://c${i}:1`);
      });
      const init = seen.find((x) => x.body.includes('"initialize"'));
      expect(init?.headers["kubernetes-server"]).toBe("https://init.example:1");
      // init headers belong to the handshake only: the header-less call carried none
      const bare = toolCalls().filter((x) => x.headers["kubernetes-server"] === undefined);
      expect(bare).toHaveLength(1);
    } finally {
      await s.close();
    }
  });

  it("puts _meta in the call's params", async () => {
    const s = await McpSession.http(url);
    try {
      await s.call("echo-server", {}, { meta: { "kubernetes-server": "https://m:1" } });
      const last = toolCalls().at(-1);
      expect(JSON.parse(last?.body ?? "{}").params._meta).toEqual({ "kubernetes-server": "https://m:1" });
    } finally {
      await s.close();
    }
  });

  it("raw session repeats header lines exactly as given", async () => {
    const raw = await RawSession.open(url);
    const { message } = await raw.call("echo-server", {}, [
      ["kubernetes-server", "https://first:1"],
      ["kubernetes-server", "https://second:2"],
    ]);
    const last = toolCalls().at(-1);
    const lines = [];
    for (let i = 0; i < (last?.rawHeaders.length ?? 0); i += 2) {
      if (last?.rawHeaders[i]?.toLowerCase() === "kubernetes-server") lines.push(last.rawHeaders[i + 1]);
    }
    expect(lines).toEqual(["https://first:1", "https://second:2"]);
    const o = rawOutcome(message);
    expect(o?.kind).toBe("result");
    expect(o?.text).toContain("https://first:1");
  });

  it("extracts the error code of a result", () => {
    const o = outcomeOf(
      { content: [{ type: "text", text: "[missing-header] kubernetes-server is required" }], isError: true },
      1,
    );
    expect(o).toMatchObject({ isError: true, code: "missing-header" });
    expect(outcomeOf({ content: [{ type: "text", text: "cluster: a:1" }] }, 1).code).toBeUndefined();
  });
});
