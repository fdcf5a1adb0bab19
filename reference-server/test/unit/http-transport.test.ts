import { request } from "node:http";
import { describe, expect, it } from "vitest";
import { parseCli } from "../../src/cli.js";
import { createReferenceServer, type ReferenceServerOptions } from "../../src/server.js";
import { EXTENSION_TOOLS, HEADER, REQUIRED_TOOLS } from "../../src/wire/constants.js";
import { codeOf, textOf } from "./helpers/call.js";
import { LogCapture, loopbackResolver } from "./helpers/deps.js";
import { b64, certFields, pem, TOKEN_A, TOKEN_B, tokenFields } from "./helpers/fixtures.js";
import { type HeldRequest, json, startHeldApiServer } from "./helpers/https-upstream.js";
import { connectClient, type TestClient } from "./helpers/mcp-client.js";
import {
  ACCEPT_BOTH,
  collectReply,
  jsonPost,
  type RawReply,
  rawHttp,
  sessionIdOf,
} from "./helpers/raw-http.js";
import { cleanupAfterEach, startApi, startReference } from "./helpers/servers.js";
import { spawnServer } from "./helpers/spawn.js";

const cleanup = cleanupAfterEach();

const startServer = (o: ReferenceServerOptions = {}) => startReference(cleanup, o);

/** An API server whose namespace list names it and the Authorization it was sent. */
const api = (name: string) =>
  startApi(cleanup, {
    handler: (req, res) =>
      json(res, 200, { items: [{ metadata: { name: `${name}:${req.headers.authorization ?? "cert"}` } }] }),
  });

async function client(url: string, headers: Record<string, string> = {}): Promise<TestClient> {
  const c = await connectClient(url, headers);
  cleanup.push(() => c.close());
  return c;
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

    const huge = await jsonPost(
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
    const r = await jsonPost(url, {}, toolsCall());
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
    const init = await jsonPost(
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
    const sid = sessionIdOf(init);
    expect(sid).toBeTruthy();
    const session = { "mcp-session-id": sid as string, "mcp-protocol-version": "2025-06-18" };
    await jsonPost(url, session, { jsonrpc: "2.0", method: "notifications/initialized" });
    const results = await Promise.all(
      Array.from({ length: 16 }, (_, i) => {
        const target = i % 2 ? a : b;
        const token = `tenant-${i}`;
        return jsonPost(
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
      const text =
        (JSON.parse(r.text) as { result?: { content?: Array<{ text: string }> } }).result?.content?.[0]
          ?.text ?? "";
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
    const r = await jsonPost(
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

// ---------------------------------------------------------------------------------------------
// Raw HTTP: every status the front end answers with (they mirror the SDK's own Streamable HTTP
// transport) and the shape of its JSON replies.

const PROTOCOL = "2025-06-18";

const initialize = (id: string | number = 0) => ({
  jsonrpc: "2.0",
  id,
  method: "initialize",
  params: { protocolVersion: PROTOCOL, capabilities: {}, clientInfo: { name: "raw", version: "0" } },
});
const ping = (id: string | number) => ({ jsonrpc: "2.0", id, method: "ping" });
const initialized = { jsonrpc: "2.0", method: "notifications/initialized" };

/** A stateful session, initialized; returns the headers that name it. */
async function openSession(url: string): Promise<Record<string, string>> {
  const init = await jsonPost(url, {}, initialize());
  expect(init.status).toBe(200);
  const sid = init.headers["mcp-session-id"];
  expect(typeof sid).toBe("string");
  const session = { "mcp-session-id": sid as string, "mcp-protocol-version": PROTOCOL };
  expect((await jsonPost(url, session, initialized)).status).toBe(202);
  return session;
}

function bodyOf(r: RawReply): unknown {
  expect(r.headers["content-type"]).toBe("application/json");
  return JSON.parse(r.text) as unknown;
}

/** An error answered by the transport itself: JSON-RPC error with id null. */
function expectTransportError(r: RawReply, status: number, code: number, message?: RegExp): void {
  expect(r.status, r.text).toBe(status);
  const body = bodyOf(r) as { jsonrpc: string; id: unknown; error: { code: number; message: string } };
  expect(body).toMatchObject({ jsonrpc: "2.0", id: null, error: { code } });
  if (message) expect(body.error.message).toMatch(message);
}

const heldApi = () => startHeldApiServer((fn) => cleanup.push(fn));

const answerHeld = (h: HeldRequest) => json(h.res, 200, { items: [{ metadata: { name: `ns:${h.auth}` } }] });

async function until(cond: () => boolean, what: string, ms = 3000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

describe("Streamable HTTP statuses (raw HTTP)", () => {
  for (const stateless of [false, true]) {
    const mode = stateless ? "stateless" : "stateful";

    it(`406 unless Accept names both application/json and text/event-stream (${mode})`, async () => {
      const { url } = await startServer({ stateless });
      for (const accept of [undefined, "application/json", "text/event-stream", "*/*", "text/html"]) {
        const headers: Record<string, string> = { "content-type": "application/json" };
        if (accept) headers.accept = accept;
        const r = await rawHttp(url, "POST", headers, initialize());
        expectTransportError(r, 406, -32000, /Not Acceptable/);
      }
      const ok = await rawHttp(
        url,
        "POST",
        { "content-type": "application/json", accept: "text/event-stream;q=0.9, application/json" },
        initialize(),
      );
      expect(ok.status).toBe(200);
    });

    it(`415 for a content type other than JSON; JSON with parameters is accepted (${mode})`, async () => {
      const { url } = await startServer({ stateless });
      for (const contentType of ["text/plain", "application/x-www-form-urlencoded", "application/jsonx"]) {
        const r = await rawHttp(
          url,
          "POST",
          { "content-type": contentType, accept: ACCEPT_BOTH },
          initialize(),
        );
        expectTransportError(r, 415, -32000, /Unsupported Media Type/);
      }
      const none = await rawHttp(url, "POST", { accept: ACCEPT_BOTH }, initialize());
      expectTransportError(none, 415, -32000);
      const ok = await jsonPost(url, { "content-type": "application/json; charset=utf-8" }, initialize());
      expect(ok.status).toBe(200);
    });

    it(`400 -32700 for a body that is not JSON or not a JSON-RPC message (${mode})`, async () => {
      const { url } = await startServer({ stateless });
      const session = stateless ? {} : await openSession(url);
      const bad: unknown[] = [
        "{not json",
        "",
        { jsonrpc: "2.0", id: 1, method: "ping", extra: 1 },
        { jsonrpc: "2.0", id: null, method: "ping" },
        { jsonrpc: "2.0", id: 1.5, method: "ping" },
        { jsonrpc: "1.0", id: 1, method: "ping" },
        { jsonrpc: "2.0", id: 1, method: "ping", params: [1] },
        [ping(1), { jsonrpc: "2.0", id: 2 }],
        42,
      ];
      for (const body of bad) expectTransportError(await jsonPost(url, session, body), 400, -32700);
      // still serving
      expect(bodyOf(await jsonPost(url, session, ping(3)))).toEqual({ jsonrpc: "2.0", id: 3, result: {} });
    });

    it(`400 -32600 for an empty batch, a batch over 100, and initialize batched with others (${mode})`, async () => {
      const { url } = await startServer({ stateless });
      const session = stateless ? {} : await openSession(url);
      expectTransportError(await jsonPost(url, session, []), 400, -32600);
      const many = Array.from({ length: 101 }, (_, i) => ping(i));
      expectTransportError(await jsonPost(url, session, many), 400, -32600, /100/);
      const hundred = await jsonPost(url, session, many.slice(0, 100));
      expect(hundred.status).toBe(200);
      const replies = bodyOf(hundred) as Array<{ id: number }>;
      expect(replies.map((r) => r.id)).toEqual(Array.from({ length: 100 }, (_, i) => i));
      // initialize with anything else, without a session (a new client)
      expectTransportError(await jsonPost(url, {}, [initialize(), ping(1)]), 400, -32600, /initialization/);
      expectTransportError(await jsonPost(url, {}, [initialize(1), initialize(2)]), 400, -32600);
    });

    it(`400 for an unsupported mcp-protocol-version; supported ones pass (${mode})`, async () => {
      const { url } = await startServer({ stateless });
      const session = stateless ? {} : await openSession(url);
      const bad = await jsonPost(url, { ...session, "mcp-protocol-version": "1999-01-01" }, ping(1));
      expectTransportError(bad, 400, -32000, /Unsupported protocol version: 1999-01-01/);
      for (const version of ["2025-11-25", "2025-06-18", "2025-03-26"]) {
        const ok = await jsonPost(url, { ...session, "mcp-protocol-version": version }, ping(2));
        expect(ok.status, version).toBe(200);
      }
      // initialize is where the version is negotiated: its header is not checked
      const init = await jsonPost(url, { "mcp-protocol-version": "1999-01-01" }, initialize());
      expect(init.status).toBe(200);
    });

    it(`a notifications-only POST is 202 with no body (${mode})`, async () => {
      const { url } = await startServer({ stateless });
      const session = stateless ? {} : await openSession(url);
      for (const body of [
        initialized,
        [initialized, { jsonrpc: "2.0", method: "notifications/cancelled", params: { requestId: 1 } }],
      ]) {
        const r = await jsonPost(url, session, body);
        expect(r.status).toBe(202);
        expect(r.text).toBe("");
        if (!stateless) expect(r.headers["mcp-session-id"]).toBe(session["mcp-session-id"]);
      }
      // a client's response to nothing is accepted the same way
      const reply = await jsonPost(url, session, { jsonrpc: "2.0", id: 77, result: {} });
      expect(reply.status).toBe(202);
    });

    it(`replies are application/json and carry the client's own id, string or number (${mode})`, async () => {
      const { url } = await startServer({ stateless });
      const session = stateless ? {} : await openSession(url);
      for (const id of ["req-α", "", 4242, 0, -1, Number.MAX_SAFE_INTEGER]) {
        const r = await jsonPost(url, session, ping(id));
        expect(r.status).toBe(200);
        expect(bodyOf(r)).toEqual({ jsonrpc: "2.0", id, result: {} });
      }
      const init = await jsonPost(url, {}, initialize("init-1"));
      expect(bodyOf(init)).toMatchObject({
        jsonrpc: "2.0",
        id: "init-1",
        result: { protocolVersion: PROTOCOL },
      });
      if (!stateless) expect(init.headers["mcp-session-id"]).toMatch(/^[0-9a-f-]{36}$/);
      else expect(init.headers["mcp-session-id"]).toBeUndefined();
    });

    it(`a JSON array is answered with an array (even of one), an object with an object (${mode})`, async () => {
      const { url } = await startServer({ stateless });
      const session = stateless ? {} : await openSession(url);
      const two = await jsonPost(url, session, [ping("a"), ping(2)]);
      expect(two.status).toBe(200);
      expect(bodyOf(two)).toEqual([
        { jsonrpc: "2.0", id: "a", result: {} },
        { jsonrpc: "2.0", id: 2, result: {} },
      ]);
      const mixed = await jsonPost(url, session, [initialized, ping("only")]);
      expect(bodyOf(mixed)).toEqual([{ jsonrpc: "2.0", id: "only", result: {} }]);
      const one = await jsonPost(url, session, [ping(1)]);
      expect(bodyOf(one)).toEqual([{ jsonrpc: "2.0", id: 1, result: {} }]);
      const single = await jsonPost(url, session, ping(1));
      expect(bodyOf(single)).toEqual({ jsonrpc: "2.0", id: 1, result: {} });
    });

    it(`GET is 405 with an Allow header (${mode})`, async () => {
      const { url } = await startServer({ stateless });
      const session = stateless ? {} : await openSession(url);
      const r = await rawHttp(url, "GET", { accept: "text/event-stream", ...session });
      expectTransportError(r, 405, -32000);
      expect(r.headers.allow).toBe(stateless ? "POST" : "POST, DELETE");
      const put = await rawHttp(url, "PUT", { "content-type": "application/json" }, ping(1));
      expect(put.status).toBe(405);
      expect(put.headers.allow).toBe(r.headers.allow);
    });
  }

  it("stateful: re-initialize on an existing session is 400 -32600, and the session keeps serving", async () => {
    const { url } = await startServer();
    const session = await openSession(url);
    expectTransportError(await jsonPost(url, session, initialize(5)), 400, -32600, /already initialized/);
    expect(bodyOf(await jsonPost(url, session, ping(6)))).toEqual({ jsonrpc: "2.0", id: 6, result: {} });
  });

  it("stateful: an unknown session id is 404 before the body matters; no session id is 400", async () => {
    const { url } = await startServer();
    const unknown = { "mcp-session-id": "00000000-0000-0000-0000-000000000000" };
    for (const body of ["{not json", ping(1), [ping(1), ping(2)], initialize()])
      expectTransportError(await jsonPost(url, unknown, body), 404, -32001, /Session not found/);
    expectTransportError(await jsonPost(url, {}, ping(1)), 400, -32000, /Mcp-Session-Id header is required/);
    expectTransportError(await jsonPost(url, {}, [initialized]), 400, -32000);
  });

  it("stateful: DELETE ends a session (200), then its id is 404; DELETE without an id is 400", async () => {
    const { url } = await startServer();
    const a = await openSession(url);
    const b = await openSession(url);
    expectTransportError(await rawHttp(url, "DELETE", {}), 400, -32000, /Mcp-Session-Id/);
    expectTransportError(await rawHttp(url, "DELETE", { "mcp-session-id": "no-such-session" }), 404, -32001);
    // DELETE checks the protocol version like any request of the session
    expectTransportError(
      await rawHttp(url, "DELETE", { ...a, "mcp-protocol-version": "1999-01-01" }),
      400,
      -32000,
    );
    const del = await rawHttp(url, "DELETE", a);
    expect(del.status).toBe(200);
    expectTransportError(await jsonPost(url, a, ping(1)), 404, -32001);
    expectTransportError(await rawHttp(url, "DELETE", a), 404, -32001);
    // the other session is untouched
    expect(bodyOf(await jsonPost(url, b, ping(2)))).toEqual({ jsonrpc: "2.0", id: 2, result: {} });
  });

  it("stateless: DELETE is 405 with Allow: POST", async () => {
    const { url } = await startServer({ stateless: true });
    const r = await rawHttp(url, "DELETE", { "mcp-session-id": "x" });
    expectTransportError(r, 405, -32000);
    expect(r.headers.allow).toBe("POST");
  });

  it("the log line of a tools/call carries the client's request id, not the transport's number", async () => {
    const a = await api("a");
    const { url, log } = await startServer();
    const session = await openSession(url);
    for (const id of ["client-req-77", 9001, 1]) {
      const r = await jsonPost(url, { ...session, ...tokenFields(a.url) }, { ...toolsCall(), id });
      expect(bodyOf(r)).toMatchObject({
        id,
        result: { content: [{ type: "text", text: expect.stringContaining(`a:Bearer ${TOKEN_A}`) }] },
      });
    }
    const calls = log.lines().filter((l) => l.msg === "tool call");
    // the transport numbered these 2, 3 and 4 (initialize was 1); the log must show the client's ids
    expect(calls.map((l) => l.requestId)).toEqual(["client-req-77", 9001, 1]);
    expect(calls.every((l) => l.sessionId === session["mcp-session-id"] && l.outcome === "ok")).toBe(true);
  });

  it("stateless: two POSTs in flight with the same id 1 each get their own reply", async () => {
    const { api: upstream, held } = await heldApi();
    const { url } = await startServer({ stateless: true });
    const posts = ["tenant-one", "tenant-two"].map((token) =>
      jsonPost(url, tokenFields(upstream.url, token), { ...toolsCall(), id: 1 }),
    );
    await until(() => held.length === 2, "both calls upstream");
    // answer the second first
    for (const h of [...held].reverse()) answerHeld(h);
    const [one, two] = await Promise.all(posts);
    for (const [r, token] of [
      [one, "tenant-one"],
      [two, "tenant-two"],
    ] as const) {
      const body = bodyOf(r as RawReply) as { id: unknown; result: { content: Array<{ text: string }> } };
      expect(body.id).toBe(1);
      expect(body.result.content[0]?.text).toContain(`ns:Bearer ${token}`);
      expect(body.result.content[0]?.text.match(/tenant-\w+/g)).toEqual([token]);
    }
  });

  it("stateful: notifications/cancelled for an in-flight tools/call ends its POST with -32800", async () => {
    const { api: upstream, held } = await heldApi();
    const { url } = await startServer();
    const session = await openSession(url);
    const slow = jsonPost(
      url,
      { ...session, ...tokenFields(upstream.url) },
      { ...toolsCall(), id: "slow-1" },
    );
    await until(() => held.length === 1, "the call upstream");
    // a cancel naming another id changes nothing
    const other = { jsonrpc: "2.0", method: "notifications/cancelled", params: { requestId: "slow-2" } };
    expect((await jsonPost(url, session, other)).status).toBe(202);
    const cancel = {
      jsonrpc: "2.0",
      method: "notifications/cancelled",
      params: { requestId: "slow-1", reason: "user" },
    };
    expect((await jsonPost(url, session, cancel)).status).toBe(202);
    const r = await slow;
    expect(r.status).toBe(200);
    expect(bodyOf(r)).toEqual({
      jsonrpc: "2.0",
      id: "slow-1",
      error: { code: -32800, message: "Request cancelled" },
    });
    // the session keeps serving, the client's id free again
    for (const h of held) answerHeld(h);
    const again = jsonPost(
      url,
      { ...session, ...tokenFields(upstream.url) },
      { ...toolsCall(), id: "slow-1" },
    );
    await until(() => held.length === 2, "the second call upstream");
    for (const h of held) if (!h.res.writableEnded) answerHeld(h);
    const body = bodyOf(await again) as {
      id: unknown;
      result: { isError?: boolean; content: Array<{ text: string }> };
    };
    expect(body.id).toBe("slow-1");
    expect(body.result.isError).toBeUndefined();
    expect(body.result.content[0]?.text).toContain(`ns:Bearer ${TOKEN_A}`);
  });

  it("stateful: a cancelled tools/call stops its upstream request too, and logs outcome cancelled", async () => {
    const { api: upstream, held } = await heldApi();
    const { url, log } = await startServer({ requestTimeoutMs: 30_000 });
    const session = await openSession(url);
    const slow = jsonPost(url, { ...session, ...tokenFields(upstream.url) }, { ...toolsCall(), id: 41 });
    await until(() => held.length === 1, "the call upstream");
    const upstreamClosed = new Promise<void>((resolve) => held[0]?.res.once("close", () => resolve()));
    const cancel = { jsonrpc: "2.0", method: "notifications/cancelled", params: { requestId: 41 } };
    expect((await jsonPost(url, session, cancel)).status).toBe(202);
    expect((bodyOf(await slow) as { error?: { code: number } }).error?.code).toBe(-32800);
    // well before the 30 s deadline, the API server sees its client go away
    await Promise.race([
      upstreamClosed,
      new Promise((_, reject) => setTimeout(() => reject(new Error("upstream request not aborted")), 3000)),
    ]);
    await until(() => log.lines().some((l) => l.msg === "tool call"), "the call's log line");
    expect(log.lines().find((l) => l.msg === "tool call")).toMatchObject({
      requestId: 41,
      outcome: "cancelled",
    });
  });

  it("stateful: a POST whose session is deleted while its body arrives gets 404, not silence", async () => {
    const { url } = await startServer();
    const session = await openSession(url);
    const body = JSON.stringify(ping(5));
    const reply = new Promise<RawReply>((resolve, reject) => {
      const req = request(
        url,
        {
          method: "POST",
          headers: {
            "content-type": "application/json",
            accept: ACCEPT_BOTH,
            "content-length": String(Buffer.byteLength(body)),
            ...session,
          },
        },
        (res) => collectReply(res, resolve),
      );
      req.on("error", reject);
      req.write(body.slice(0, 10));
      setTimeout(() => {
        void rawHttp(url, "DELETE", session).then((d) => {
          expect(d.status).toBe(200);
          req.end(body.slice(10));
        }, reject);
      }, 50);
    });
    const r = await Promise.race([
      reply,
      new Promise<never>((_, reject) => setTimeout(() => reject(new Error("no answer in 3 s")), 3000)),
    ]);
    expectTransportError(r, 404, -32001, /Session not found/);
  });
});

describe("graceful shutdown and the session cap", () => {
  const toolText = (r: RawReply) =>
    (bodyOf(r) as { result?: { content?: Array<{ text: string }> }; error?: { message: string } }).result
      ?.content?.[0]?.text ?? JSON.stringify(bodyOf(r));

  it("close() refuses new work with 503 but lets a call in flight finish with its real result", async () => {
    const { api: upstream, held } = await heldApi();
    const log = new LogCapture();
    const server = createReferenceServer({ port: 0, resolver: loopbackResolver, logDestination: log });
    const url = await server.listen();
    const session = await openSession(url);
    const inFlight = jsonPost(url, { ...session, ...tokenFields(upstream.url) }, { ...toolsCall(), id: 1 });
    await until(() => held.length === 1, "the call upstream");
    const closed = server.close();
    await new Promise((r) => setTimeout(r, 50));
    const late = await jsonPost(url, session, ping(2)).catch((e: Error) => e);
    // a new request is refused (503) or its connection already closed; never served
    if (!(late instanceof Error)) expectTransportError(late, 503, -32000, /shutting down/);
    for (const h of held) answerHeld(h);
    const r = await inFlight;
    expect(r.status).toBe(200);
    expect(toolText(r)).toContain(`ns:Bearer ${TOKEN_A}`);
    await closed;
  });

  it("close() ends a call still running after the grace period with an error, and returns", async () => {
    const { api: upstream, held } = await heldApi();
    const log = new LogCapture();
    const server = createReferenceServer({
      port: 0,
      resolver: loopbackResolver,
      logDestination: log,
      closeGraceMs: 200,
    });
    const url = await server.listen();
    const session = await openSession(url);
    const stuck = jsonPost(url, { ...session, ...tokenFields(upstream.url) }, { ...toolsCall(), id: 9 });
    await until(() => held.length === 1, "the call upstream");
    const t0 = Date.now();
    await server.close();
    expect(Date.now() - t0).toBeLessThan(2000);
    const r = await stuck;
    expect(bodyOf(r)).toMatchObject({ id: 9, error: { message: "Connection closed" } });
  });

  it("at the session cap the least recently used idle session ends (404), and 503 when all are busy", async () => {
    const { api: upstream, held } = await heldApi();
    const { url } = await startServer({ maxSessions: 2 });
    const s1 = await openSession(url);
    const s2 = await openSession(url);
    expect((await jsonPost(url, s1, ping(1))).status).toBe(200); // s1 used last: s2 is the LRU
    const s3 = await openSession(url);
    expectTransportError(await jsonPost(url, s2, ping(2)), 404, -32001, /Session not found/);
    expect((await jsonPost(url, s1, ping(3))).status).toBe(200);
    expect((await jsonPost(url, s3, ping(4))).status).toBe(200);
    // both sessions busy: a third one cannot be made without cutting a call short
    const busy = [s1, s3].map((s, i) =>
      jsonPost(url, { ...s, ...tokenFields(upstream.url) }, { ...toolsCall(), id: 10 + i }),
    );
    await until(() => held.length === 2, "two calls upstream");
    expectTransportError(await jsonPost(url, {}, initialize()), 503, -32000, /Too many sessions/);
    for (const h of held) answerHeld(h);
    for (const r of await Promise.all(busy)) expect(r.status).toBe(200);
    expect((await jsonPost(url, {}, initialize())).status).toBe(200);
  });

  it("the production binary on SIGTERM finishes the call in flight, then exits 0", async () => {
    const { api: upstream, held } = await heldApi();
    const srv = await spawnServer("reference-server/bin/auth-headers-server.js", ["--log-level", "silent"]);
    try {
      const session = await openSession(srv.url);
      const inFlight = jsonPost(
        srv.url,
        { ...session, ...tokenFields(upstream.url) },
        { ...toolsCall(), id: 5 },
      );
      await until(() => held.length === 1, "the call upstream", 10_000);
      const exited = new Promise<number | null>((r) => srv.child.once("exit", (code) => r(code)));
      srv.child.kill("SIGTERM");
      await new Promise((r) => setTimeout(r, 100));
      expect(srv.child.exitCode).toBeNull(); // still draining
      for (const h of held) answerHeld(h);
      const r = await inFlight;
      expect(toolText(r)).toContain(`ns:Bearer ${TOKEN_A}`);
      expect(await exited).toBe(0);
    } finally {
      await srv.stop();
    }
  }, 30_000);

  // Issue 10 item 13: an idle session costs ~23 KiB of heap (~40-57 KiB of RSS) and needs no
  // credentials; 10,000 of them held ~330 MiB for 30 minutes.
  it("--max-sessions sets the cap (default 1 000) and --session-idle-timeout the idle time (default 10 min)", () => {
    expect(parseCli([]).maxSessions).toBe(1_000);
    expect(parseCli(["--max-sessions", "3"]).maxSessions).toBe(3);
    expect(parseCli([]).sessionIdleMs).toBe(600_000);
    expect(parseCli(["--session-idle-timeout", "60000"]).sessionIdleMs).toBe(60_000);
  });

  it("a session idle for longer than the idle time is ended (404); one in use is kept", async () => {
    const { server, url } = await startServer({ sessionIdleMs: 300 });
    const idle = await openSession(url);
    const used = await openSession(url);
    for (let i = 0; i < 8; i++) {
      await new Promise((r) => setTimeout(r, 100));
      expect((await jsonPost(url, used, ping(i))).status).toBe(200);
    }
    expectTransportError(await jsonPost(url, idle, ping(99)), 404, -32001, /Session not found/);
    expect(server.sessions).toBe(1);
  });
});
