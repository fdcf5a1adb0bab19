// What an HTTP request must be before its body is read: few enough header lines that none is
// dropped unseen (issue 10 item 2), a Host and Origin this server answers to (item 10).
import { connect } from "node:net";
import { describe, expect, it } from "vitest";
import type { ReferenceServerOptions } from "../../src/server.js";
import { HEADER } from "../../src/wire/constants.js";
import { faultsOf } from "../faulty/catalogue.js";
import { TOKEN_A, TOKEN_B, tokenFields } from "./helpers/fixtures.js";
import { cleanupAfterEach, startApi, startReference } from "./helpers/servers.js";

const cleanup = cleanupAfterEach();

const start = (o: ReferenceServerOptions = {}) => startReference(cleanup, { stateless: true, ...o });
const api = () => startApi(cleanup);

interface RawAnswer {
  status: number;
  body: string;
}

/** One HTTP/1.1 request written byte for byte: exact header lines, repeated or many. */
function raw(
  port: number,
  path: string,
  lines: Array<[string, string]>,
  body = "",
  method = "POST",
): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, "127.0.0.1", () => {
      // Framing first: a server that drops excess lines must still find the body.
      const head = [
        `${method} ${path} HTTP/1.1`,
        `content-length: ${Buffer.byteLength(body)}`,
        "connection: close",
        ...lines.map(([k, v]) => `${k}: ${v}`),
      ];
      // Not end(): the server would take the half-close for a client gone before its answer.
      socket.write(`${head.join("\r\n")}\r\n\r\n${body}`);
    });
    let text = "";
    socket.on("data", (c) => {
      text += c;
    });
    socket.on("error", reject);
    socket.on("close", () => {
      const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1] ?? 0);
      const at = text.indexOf("\r\n\r\n");
      let rest = at < 0 ? "" : text.slice(at + 4);
      if (/transfer-encoding: chunked/i.test(text.slice(0, at)))
        rest = rest.replace(/^[0-9a-f]+\r\n|\r\n[0-9a-f]+\r\n/gi, "");
      resolve({ status, body: rest });
    });
  });
}

const BASE: Array<[string, string]> = [
  ["content-type", "application/json"],
  ["accept", "application/json, text/event-stream"],
];
const CALL = JSON.stringify({
  jsonrpc: "2.0",
  id: 1,
  method: "tools/call",
  params: { name: "namespaces_list", arguments: {} },
});
const INIT = JSON.stringify({
  jsonrpc: "2.0",
  id: 0,
  method: "initialize",
  params: { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "t", version: "0" } },
});
const host = (port: number): [string, string] => ["host", `127.0.0.1:${port}`];
const fields = (o: Record<string, string>) => Object.entries(o) as Array<[string, string]>;
const padding = (n: number) => Array.from({ length: n }, (_, i): [string, string] => [`x-pad-${i}`, "v"]);

describe("header lines are never dropped unseen (issue 10 item 2, AH-HDR-8)", () => {
  it("1,014 padding lines, then cluster A, then cluster B: refused with 431, never served as A", async () => {
    const a = await api();
    const b = await api();
    const { port } = await start();
    const lines = [
      host(port),
      ...BASE,
      ...padding(1014),
      ...fields(tokenFields(a.url)),
      ...fields(tokenFields(b.url, TOKEN_B)),
    ];
    const r = await raw(port, "/mcp", lines, CALL);
    expect(r.status).toBe(431);
    expect(r.body).toContain("header lines");
    expect(a.seen).toHaveLength(0);
    expect(b.seen).toHaveLength(0);
  });

  it("3,000 padding lines before a tuple: 431, not a tuple cut in two", async () => {
    const a = await api();
    const { port } = await start();
    const r = await raw(
      port,
      "/mcp",
      [host(port), ...BASE, ...padding(3000), ...fields(tokenFields(a.url))],
      CALL,
    );
    expect(r.status).toBe(431);
    expect(a.seen).toHaveLength(0);
  });

  it("up to the limit, every line is seen: the two tuples are a duplicate", async () => {
    const a = await api();
    const { port } = await start({ maxHeaderLines: 1100 });
    const lines = [
      host(port),
      ...BASE,
      ...padding(1014),
      ...fields(tokenFields(a.url)),
      ...fields(tokenFields(a.url, TOKEN_B)),
    ];
    const r = await raw(port, "/mcp", lines, CALL);
    expect(r.status).toBe(200);
    expect(r.body).toContain(`[invalid-header] header \\"${HEADER.server}\\" was sent 2 times`);
    expect(a.seen).toHaveLength(0);
  });
});

describe("Host and Origin (issue 10 item 10, DNS rebinding)", () => {
  it.each([
    ["an attacker's host name", [["host", "rebind.attacker.example"]]],
    [
      "an attacker's host name and origin",
      [
        ["host", "rebind.attacker.example"],
        ["origin", "http://rebind.attacker.example"],
      ],
    ],
    [
      "a loopback host with a foreign origin",
      [
        ["host", "127.0.0.1:1"],
        ["origin", "http://rebind.attacker.example"],
      ],
    ],
    [
      "the opaque origin",
      [
        ["host", "localhost"],
        ["origin", "null"],
      ],
    ],
    [
      "two Host lines",
      [
        ["host", "127.0.0.1"],
        ["host", "rebind.attacker.example"],
      ],
    ],
  ] as Array<[string, Array<[string, string]>]>)(
    "%s → 403 before anything is served",
    async (_what, lines) => {
      const { port } = await start();
      for (const body of [INIT, CALL]) {
        const r = await raw(port, "/mcp", [...lines, ...BASE], body);
        expect(r.status).toBe(403);
        const error = JSON.parse(r.body) as { error: { code: number; message: string }; id: unknown };
        expect(error.id).toBeNull();
        expect(error.error.message).toMatch(/^Forbidden: /);
        expect(error.error.message).not.toContain("attacker");
      }
    },
  );

  it.each([["127.0.0.1:PORT"], ["localhost:PORT"], ["LOCALHOST"], ["[::1]:PORT"], ["localhost.:PORT"]])(
    "a loopback Host %s without Origin is served",
    async (h) => {
      const { port } = await start();
      const r = await raw(port, "/mcp", [["host", h.replace("PORT", String(port))], ...BASE], INIT);
      expect(r.status).toBe(200);
    },
  );

  it("--allowed-origins admits the origins it names, and only those", async () => {
    const { port } = await start({ allowedOrigins: ["http://localhost:6274"] });
    const withOrigin = (o: string) => raw(port, "/mcp", [host(port), ["origin", o], ...BASE], INIT);
    expect((await withOrigin("http://localhost:6274")).status).toBe(200);
    expect((await withOrigin("http://localhost:6275")).status).toBe(403);
  });

  it("--allowed-hosts admits more host names; * admits any", async () => {
    const named = await start({ allowedHosts: ["mcp.example.test"] });
    const at = (port: number, h: string) => raw(port, "/mcp", [["host", h], ...BASE], INIT);
    expect((await at(named.port, "mcp.example.test:443")).status).toBe(200);
    expect((await at(named.port, `127.0.0.1:${named.port}`)).status).toBe(200);
    expect((await at(named.port, "other.example.test")).status).toBe(403);
    const any = await start({ allowedHosts: ["*"], allowedOrigins: ["*"] });
    expect(
      (await raw(any.port, "/mcp", [["host", "x.example"], ["origin", "https://y.example"], ...BASE], INIT))
        .status,
    ).toBe(200);
  });

  it("health endpoints answer whatever the Host (probes address the pod by IP)", async () => {
    const { port } = await start();
    expect((await raw(port, "/healthz", [["host", "10.1.2.3:8085"]], "", "GET")).status).toBe(200);
  });

  it("a call through an admitted request still works end to end", async () => {
    const a = await api();
    const { port } = await start();
    const r = await raw(port, "/mcp", [host(port), ...BASE, ...fields(tokenFields(a.url))], CALL);
    expect(r.status).toBe(200);
    expect(a.seen.map((s) => s.authorization)).toEqual([`Bearer ${TOKEN_A}`]);
  });
});

// The defects the conformance scenarios for these rules must catch (test/faulty/http-admission.ts).
describe("defects of admission", () => {
  it("drop-excess-headers: cluster B behind padding is dropped unseen, the call is served as A", async () => {
    const a = await api();
    const b = await api();
    const { port } = await start({ faults: faultsOf(["drop-excess-headers"]) });
    // Node 20 keeps 1,023 lines under its default limit: 5 + 1,015 padding + A's 3; B's are gone.
    const lines = [
      host(port),
      ...BASE,
      ...padding(1015),
      ...fields(tokenFields(a.url)),
      ...fields(tokenFields(b.url, TOKEN_B)),
    ];
    const r = await raw(port, "/mcp", lines, CALL);
    expect(r.status).toBe(200);
    expect(r.body, r.body).not.toContain("isError");
    expect(a.seen.map((s) => s.authorization)).toEqual([`Bearer ${TOKEN_A}`]);
    expect(b.seen).toHaveLength(0);
  });

  it("header-limit-16k: 20 KiB of headers are refused with 431, served without the defect", async () => {
    const a = await api();
    const lines = (port: number) => [
      host(port),
      ...BASE,
      ...fields(tokenFields(a.url)),
      ["x-pad", "v".repeat(20 * 1024)] as [string, string],
    ];
    const plain = await start();
    expect((await raw(plain.port, "/mcp", lines(plain.port), CALL)).status).toBe(200);
    const faulty = await start({ faults: faultsOf(["header-limit-16k"]) });
    expect((await raw(faulty.port, "/mcp", lines(faulty.port), CALL)).status).toBe(431);
    expect(a.seen).toHaveLength(1);
  });

  it("no-host-origin-check: a rebinding page's Host and Origin are served", async () => {
    const { port } = await start({ faults: faultsOf(["no-host-origin-check"]) });
    const lines: Array<[string, string]> = [
      ["host", "rebind.attacker.example"],
      ["origin", "http://rebind.attacker.example"],
      ...BASE,
    ];
    expect((await raw(port, "/mcp", lines, INIT)).status).toBe(200);
    // The header-line limit still holds.
    expect((await raw(port, "/mcp", [host(port), ...BASE, ...padding(1500)], INIT)).status).toBe(431);
  });
});
