// Issue 10 item 1: a CA (or client certificate) value of ~1 MB of repeated
// "-----BEGIN CERTIFICATE-----\n" took seconds of event-loop time per call, before the
// allowlist was even asked. Values are bounded, parsing is linear, cheap refusals come first.
import { describe, expect, it } from "vitest";
import { parseCertificates } from "../../src/request/pem.js";
import { HEADER } from "../../src/wire/constants.js";
import { call, codeOf, textOf } from "./helpers/call.js";
import { testDeps } from "./helpers/deps.js";
import { pem, TOKEN_B, tokenFields } from "./helpers/fixtures.js";
import { connectClient } from "./helpers/mcp-client.js";
import { jsonPost } from "./helpers/raw-http.js";
import { cleanupAfterEach, startApi } from "./helpers/servers.js";
import { spawnServer } from "./helpers/spawn.js";

const cleanup = cleanupAfterEach();

const api = () => startApi(cleanup);

const BEGINS = (n: number) => "-----BEGIN CERTIFICATE-----\n".repeat(n);
/** The reproductions of the issue: 26,000 and 52,000 BEGIN lines, base64 (0.97 and 1.94 MB). */
const junkCa = (n: number) => Buffer.from(BEGINS(n)).toString("base64");

describe("PEM parsing is linear", () => {
  it.each([26_000, 52_000])("%i BEGIN lines without END are refused in milliseconds", (n) => {
    const started = performance.now();
    expect(parseCertificates(BEGINS(n))).toBeUndefined();
    expect(performance.now() - started).toBeLessThan(100);
  });

  it("a bundle whose last block never ends is refused, not cut short", () => {
    expect(parseCertificates(`${pem("ca-a.crt")}-----BEGIN CERTIFICATE-----\nMIIB`)).toBeUndefined();
    expect(parseCertificates(`${pem("ca-a.crt")}${pem("ca-b.crt")}`)).toHaveLength(2);
  });
});

describe("value size limit (headers and _meta alike)", () => {
  it.each([
    [
      "_meta",
      (v: string, server: string) => ({
        meta: { ...tokenFields(server), [HEADER.certificateAuthorityData]: v },
      }),
    ],
    [
      "header",
      (v: string, server: string) => ({
        headers: { ...tokenFields(server), [HEADER.certificateAuthorityData]: v },
      }),
    ],
  ] as const)(
    "an over-size CA in a %s is [invalid-header] naming the key and the limit",
    async (_where, spec) => {
      const a = await api();
      const value = junkCa(6_000); // 219 KiB: under the 256 KiB header limit, over the value limit
      const started = performance.now();
      const r = await call(testDeps(), spec(value, a.url));
      expect(performance.now() - started).toBeLessThan(200);
      expect(codeOf(r)).toBe("invalid-header");
      expect(textOf(r)).toContain(HEADER.certificateAuthorityData);
      expect(textOf(r)).toContain("131072 bytes");
      expect(a.seen).toHaveLength(0);
    },
  );

  it("the client certificate and key are bounded the same way", async () => {
    const a = await api();
    const big = junkCa(26_000);
    for (const name of [HEADER.clientCertificateData, HEADER.clientKeyData]) {
      const { [HEADER.authorization]: _t, ...rest } = tokenFields(a.url);
      const meta = { ...rest, [HEADER.clientCertificateData]: "x", [HEADER.clientKeyData]: "x", [name]: big };
      const started = performance.now();
      const r = await call(testDeps(), { meta });
      expect(performance.now() - started).toBeLessThan(200);
      expect(textOf(r)).toContain(`"${name}" is invalid`);
    }
  });

  it("a CA bundle of 64 KiB of PEM is accepted, in headers and in _meta (AH-HDR-9)", async () => {
    const a = await api();
    let bundle = "";
    while (bundle.length < 64 * 1024) bundle += pem("ca-b.crt");
    bundle += pem("ca-a.crt");
    const value = Buffer.from(bundle).toString("base64");
    expect(value.length).toBeGreaterThan(85_000);
    const fields = { ...tokenFields(a.url), [HEADER.certificateAuthorityData]: value };
    expect(codeOf(await call(testDeps(), { headers: fields }))).toBe("ok");
    expect(codeOf(await call(testDeps(), { meta: fields }))).toBe("ok");
  });

  it("the allowlist refuses before the CA is looked at", async () => {
    const deps = testDeps({ allowedServers: ["127.0.0.9"] });
    const bad = {
      ...tokenFields("https://127.0.0.1:6443"),
      [HEADER.certificateAuthorityData]: "not base64 PEM",
    };
    expect(codeOf(await call(deps, { headers: bad }))).toBe("server-not-allowed");
    const meta = { ...tokenFields("https://127.0.0.1:6443"), [HEADER.clientCertificateData]: "x" };
    expect(codeOf(await call(deps, { meta }))).toBe("server-not-allowed");
  });
});

/** The production bin in its own process, so the figures are the server's, not this test's. */
async function startServer(args: string[]): Promise<string> {
  const s = await spawnServer("reference-server/bin/auth-headers-server.js", [
    "--log-level",
    "warn",
    ...args,
  ]);
  cleanup.push(() => s.stop());
  return s.url;
}

function quantiles(xs: readonly number[]): (q: number) => string {
  const sorted = [...xs].sort((x, y) => x - y);
  return (q) => (sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * q))] ?? 0).toFixed(1);
}

/** A stateless tools/call POST with a prebuilt body (no client-side work while it is in flight). */
const post = (url: string, body: Buffer) => jsonPost(url, { "content-length": String(body.length) }, body);

/** Another tenant, connected and warmed up; `during(p)` calls one after another until `p` settles. */
async function tenant(
  url: string,
  server: string,
): Promise<{ during(p: Promise<unknown>): Promise<number[]> }> {
  const c = await connectClient(url, tokenFields(server, TOKEN_B));
  cleanup.push(() => c.close());
  await c.callTool("namespaces_list");
  return {
    async during(until) {
      let done = false;
      void until.finally(() => {
        done = true;
      });
      const ms: number[] = [];
      while (!done || ms.length < 20) {
        const t = performance.now();
        expect(codeOf(await c.callTool("namespaces_list"))).toBe("ok");
        ms.push(performance.now() - t);
      }
      return ms;
    },
  };
}

describe("the reproductions of the issue, end to end", () => {
  it.each([
    [
      26_000,
      "0.97 MB",
      ["--max-body-size", "4194304"],
      /\[invalid-header\] \\"kubernetes-certificate-authority-data\\" is invalid/,
    ],
    [
      52_000,
      "1.94 MB",
      ["--max-body-size", "4194304"],
      /\[invalid-header\] \\"kubernetes-certificate-authority-data\\" is invalid/,
    ],
  ])(
    "%i BEGIN lines in _meta (%s) are answered at once and another tenant stays fast",
    { timeout: 120_000 },
    async (n, _size, args, answer) => {
      const a = await api();
      const url = await startServer(["--stateless", ...args]);
      const other = await tenant(url, a.url);
      const body = Buffer.from(
        JSON.stringify({
          jsonrpc: "2.0",
          id: 1,
          method: "tools/call",
          params: {
            name: "namespaces_list",
            arguments: {},
            _meta: { ...tokenFields(a.url), [HEADER.certificateAuthorityData]: junkCa(n) },
          },
        }),
      );
      // Warm both paths first (JIT, lazily loaded modules) and take the tenant's usual range.
      await post(url, body);
      const usual = quantiles(await other.during(Promise.resolve()));
      const t = performance.now();
      const hostile = post(url, body);
      const lat = await other.during(hostile);
      const r = await hostile;
      const took = performance.now() - t;
      const at = quantiles(lat);
      // For the report: how long the hostile call took and what the other tenant saw meanwhile.
      console.log(
        `[value-limits] ${n} BEGIN lines (${(body.length / 1e6).toFixed(2)} MB body): HTTP ${r.status} in ${took.toFixed(0)} ms; other tenant ${lat.length} calls, p50 ${at(0.5)} ms, p99 ${at(0.99)} ms, max ${at(1)} ms (alone: p50 ${usual(0.5)}, p99 ${usual(0.99)} ms)`,
      );
      expect(r.text).toMatch(answer);
      expect(took).toBeLessThan(1500);
      // Before the fix the other tenant waited seconds (or timed out): a bound far from both.
      expect(Number(at(1))).toBeLessThan(1000);
      expect(a.seen.every((s) => s.authorization === `Bearer ${TOKEN_B}`)).toBe(true);
    },
  );
});
