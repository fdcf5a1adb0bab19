import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { parseCli } from "../../src/cli.js";
import { createReferenceServer } from "../../src/server.js";
import { HEADER } from "../../src/wire/constants.js";
import { faultsOf } from "../faulty/catalogue.js";
import { composeFaults } from "../faulty/compose.js";
import { DEFECT_NAMES, type DefectName } from "../faulty/defect-names.js";
import { type PanicExit, panicOnBooleanInsecureFlag, panicOnNonStringMeta } from "../faulty/panic.js";
import { call, codeOf, textOf } from "./helpers/call.js";
import { LogCapture, loopbackResolver, testDeps } from "./helpers/deps.js";
import { b64, certFields, pem, TOKEN_A, TOKEN_B, tokenFields } from "./helpers/fixtures.js";
import { type FakeApiServer, type Handler, json, startFakeApiServer } from "./helpers/https-upstream.js";
import { connectClient } from "./helpers/mcp-client.js";
import { ROOT, runToExit, spawnServer } from "./helpers/spawn.js";

const cleanup: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
});

async function api(handler?: Handler): Promise<FakeApiServer> {
  const s = await startFakeApiServer(handler ? { handler } : {});
  cleanup.push(() => s.close());
  return s;
}

const d = (...names: DefectName[]) => testDeps({ defects: names });
const b64Of = (text: string) => Buffer.from(text).toString("base64");

/** Stands in for fd 2 and process.exit in the panic defects; exit throws so the call stops there. */
function panicStub(): PanicExit & { text: string; exits: number[] } {
  const stub = {
    text: "",
    exits: [] as number[],
    write: (t: string) => {
      stub.text += t;
    },
    exit: (code: number): never => {
      stub.exits.push(code);
      throw new Error(`exit ${code}`);
    },
  };
  return stub;
}

/** Each entry: the same scenario without and with the defect must differ. */
describe("every defect changes observable behaviour", () => {
  const covered = new Set<DefectName>();
  const defect = (name: DefectName, fn: () => Promise<void>) => {
    covered.add(name);
    it(name, fn);
  };

  defect("bearer-bearer", async () => {
    const a = await api();
    await call(testDeps(), { headers: tokenFields(a.url) });
    await call(d("bearer-bearer"), { headers: tokenFields(a.url) });
    expect(a.seen.map((s) => s.authorization)).toEqual([`Bearer ${TOKEN_A}`, `Bearer Bearer ${TOKEN_A}`]);
  });

  defect("skip-tls-verify", async () => {
    const a = await api();
    const wrongCa = tokenFields(a.url, TOKEN_A, "ca-b.crt");
    expect(codeOf(await call(testDeps(), { headers: wrongCa }))).toBe("tls-verification-failed");
    expect(codeOf(await call(d("skip-tls-verify"), { headers: wrongCa }))).toBe("ok");
  });

  defect("cache-by-server", async () => {
    const a = await api();
    for (const deps of [testDeps(), d("cache-by-server")]) {
      await call(deps, { headers: tokenFields(a.url, TOKEN_A) });
      await call(deps, { headers: tokenFields(a.url, TOKEN_B) });
    }
    expect(a.seen.map((s) => s.authorization)).toEqual([
      `Bearer ${TOKEN_A}`,
      `Bearer ${TOKEN_B}`,
      `Bearer ${TOKEN_A}`,
      `Bearer ${TOKEN_A}`,
    ]);
  });

  defect("ambient-kubeconfig", async () => {
    const a = await api();
    const dir = mkdtempSync(join(tmpdir(), "ah-kubeconfig-"));
    cleanup.push(async () => rmSync(dir, { recursive: true, force: true }));
    const path = join(dir, "config");
    writeFileSync(
      path,
      `apiVersion: v1
kind: Config
clusters: [{name: c, cluster: {server: "${a.url}", certificate-authority-data: "${b64("ca-a.crt")}"}}]
users: [{name: u, user: {token: ambient-token}}]
contexts: [{name: x, context: {cluster: c, user: u}}]
current-context: x
`,
    );
    const before = process.env.KUBECONFIG;
    process.env.KUBECONFIG = path;
    try {
      expect(codeOf(await call(testDeps(), { headers: {} }))).toBe("missing-header");
      expect(a.seen).toHaveLength(0);
      expect(codeOf(await call(d("ambient-kubeconfig"), { headers: {} }))).toBe("ok");
      expect(a.seen[0]?.authorization).toBe("Bearer ambient-token");
    } finally {
      if (before === undefined) delete process.env.KUBECONFIG;
      else process.env.KUBECONFIG = before;
    }
  });

  defect("merge-meta-headers", async () => {
    const a = await api();
    const { [HEADER.authorization]: _t, ...metaNoAuth } = tokenFields(a.url);
    const spec = { meta: metaNoAuth, headers: tokenFields(a.url) };
    expect(codeOf(await call(testDeps(), spec))).toBe("missing-header");
    expect(codeOf(await call(d("merge-meta-headers"), spec))).toBe("ok");
  });

  defect("meta-fallback-headers", async () => {
    const a = await api();
    const spec = {
      meta: { ...tokenFields(a.url), [HEADER.authorization]: "Basic x" },
      headers: tokenFields(a.url),
    };
    expect(codeOf(await call(testDeps(), spec))).toBe("invalid-header");
    expect(codeOf(await call(d("meta-fallback-headers"), spec))).toBe("ok");
  });

  defect("follow-redirects", async () => {
    const canary = await api();
    const front = await api((req, res) =>
      req.url === "/api/v1/namespaces"
        ? res.writeHead(307, { location: canary.url }).end()
        : json(res, 200, { items: [] }),
    );
    expect(codeOf(await call(testDeps(), { headers: tokenFields(front.url) }))).toBe("upstream-error");
    expect(canary.seen).toHaveLength(0);
    await call(d("follow-redirects"), { headers: tokenFields(front.url) });
    expect(canary.seen.map((s) => s.authorization)).toEqual([`Bearer ${TOKEN_A}`]);
  });

  defect("echo-token-in-errors", async () => {
    const a = await api((_req, res) => json(res, 401, { message: "Unauthorized" }));
    expect(textOf(await call(testDeps(), { headers: tokenFields(a.url) }))).not.toContain(TOKEN_A);
    expect(textOf(await call(d("echo-token-in-errors"), { headers: tokenFields(a.url) }))).toContain(TOKEN_A);
  });

  defect("log-key", async () => {
    const a = await api();
    const good = testDeps();
    const bad = d("log-key");
    await call(good, { headers: certFields(a.url) });
    await call(bad, { headers: certFields(a.url) });
    expect(good.log.text).not.toContain("PRIVATE KEY");
    expect(bad.log.text).toContain("PRIVATE KEY");
  });

  defect("accept-plain-http", async () => {
    const a = await startFakeApiServer({ plain: true });
    cleanup.push(() => a.close());
    expect(codeOf(await call(testDeps(), { headers: tokenFields(a.url) }))).toBe("invalid-header");
    expect(codeOf(await call(d("accept-plain-http"), { headers: tokenFields(a.url) }))).toBe("ok");
  });

  defect("accept-both-auth", async () => {
    const a = await api();
    const both = { ...certFields(a.url), [HEADER.authorization]: `Bearer ${TOKEN_A}` };
    expect(codeOf(await call(testDeps(), { headers: both }))).toBe("conflicting-headers");
    expect(codeOf(await call(d("accept-both-auth"), { headers: both }))).toBe("ok");
    expect(a.seen[0]?.authorization).toBe(`Bearer ${TOKEN_A}`);
  });

  async function sessionScenario(defects: DefectName[], initHeaders: Record<string, string>) {
    const server = createReferenceServer({
      port: 0,
      resolver: loopbackResolver,
      logDestination: new LogCapture(),
      faults: faultsOf(defects),
    });
    const url = await server.listen();
    cleanup.push(() => server.close());
    const c = await connectClient(url, initHeaders);
    cleanup.push(() => c.close());
    c.setHeaders({});
    return c;
  }

  defect("remember-initialize-headers", async () => {
    const a = await api();
    const good = await sessionScenario([], tokenFields(a.url));
    expect(codeOf(await good.callTool("namespaces_list"))).toBe("missing-header");
    const bad = await sessionScenario(["remember-initialize-headers"], tokenFields(a.url));
    expect(codeOf(await bad.callTool("namespaces_list"))).toBe("ok");
  });

  defect("require-headers-on-initialize", async () => {
    await expect(sessionScenario([], {})).resolves.toBeDefined();
    await expect(sessionScenario(["require-headers-on-initialize"], {})).rejects.toThrow();
  });

  defect("crash-on-non-string-meta", async () => {
    const a = await api();
    const spec = { meta: { ...tokenFields(a.url), [HEADER.server]: 42 } };
    expect(codeOf(await call(testDeps(), spec))).toBe("invalid-header");
    await expect(call(d("crash-on-non-string-meta"), spec)).rejects.toThrow(TypeError);
  });

  defect("no-timeout", async () => {
    const a = await api(() => {});
    const spec = { headers: tokenFields(a.url) };
    expect(codeOf(await call(testDeps({ requestTimeoutMs: 200 }), spec))).toBe("timeout");
    const hung = call(testDeps({ requestTimeoutMs: 200, defects: ["no-timeout"] }), spec).then(
      () => "finished",
    );
    const raced = await Promise.race([hung, new Promise((r) => setTimeout(() => r("still hanging"), 1000))]);
    expect(raced).toBe("still hanging");
    await a.close(); // lets the hung call end
    await hung;
  });

  defect("ignore-allowlist", async () => {
    const a = await api();
    expect(
      codeOf(await call(testDeps({ allowedServers: ["127.0.0.9"] }), { headers: tokenFields(a.url) })),
    ).toBe("server-not-allowed");
    expect(
      codeOf(
        await call(testDeps({ allowedServers: ["127.0.0.9"], defects: ["ignore-allowlist"] }), {
          headers: tokenFields(a.url),
        }),
      ),
    ).toBe("ok");
  });

  defect("first-duplicate-header", async () => {
    const a = await api();
    const lines = [...Object.entries(tokenFields(a.url)).flat(), HEADER.server, "https://127.0.0.9:1"];
    expect(codeOf(await call(testDeps(), { headers: lines }))).toBe("invalid-header");
    expect(codeOf(await call(d("first-duplicate-header"), { headers: lines }))).toBe("ok");
  });

  defect("first-of-duplicate-header-lines", async () => {
    const a = await api();
    const lines = [...Object.entries(tokenFields(a.url)).flat(), HEADER.server, "https://127.0.0.9:1"];
    expect(codeOf(await call(testDeps(), { headers: lines }))).toBe("invalid-header");
    expect(codeOf(await call(d("first-of-duplicate-header-lines"), { headers: lines }))).toBe("ok");
    expect(a.seen.length).toBe(1);
    const joined = { ...tokenFields(a.url), [HEADER.server]: `${a.url},https://127.0.0.9:1` };
    expect(codeOf(await call(d("first-of-duplicate-header-lines"), { headers: joined }))).toBe(
      "invalid-header",
    );
  });

  defect("lenient-insecure-flag", async () => {
    const a = await api();
    for (const value of ["yes", "1", "TRUE"]) {
      const fields = { ...tokenFields(a.url), [HEADER.insecureSkipTlsVerify]: value };
      expect(codeOf(await call(testDeps(), { headers: fields })), value).toBe("invalid-header");
      expect(codeOf(await call(d("lenient-insecure-flag"), { headers: fields })), value).toBe("ok");
    }
    expect(a.seen.length).toBe(3);
  });

  defect("lenient-argument-names", async () => {
    const a = await api();
    const args = { namespace: "../../api" };
    const tool = "pods_list_in_namespace";
    expect(codeOf(await call(testDeps(), { headers: tokenFields(a.url), tool, args }))).toBe(
      "invalid-argument",
    );
    expect(a.seen.length).toBe(0);
    await call(d("lenient-argument-names"), { headers: tokenFields(a.url), tool, args });
    expect(a.seen.map((s) => s.path)).toEqual(["/api/v1/namespaces/..%2F..%2Fapi/pods"]);
  });

  defect("no-origin", async () => {
    const a = await api();
    const good = await call(testDeps(), { headers: tokenFields(a.url) });
    const bad = await call(d("no-origin"), { headers: tokenFields(a.url) });
    expect(textOf(good).startsWith("cluster: ")).toBe(true);
    expect(good.structuredContent?.cluster).toBeDefined();
    expect(textOf(bad)).not.toContain("cluster:");
    expect(bad.structuredContent?.cluster).toBeUndefined();
  });

  defect("empty-value-as-missing", async () => {
    const a = await api();
    const empty = { ...tokenFields(a.url), [HEADER.authorization]: "" };
    expect(codeOf(await call(testDeps(), { headers: empty }))).toBe("invalid-header");
    expect(codeOf(await call(d("empty-value-as-missing"), { headers: empty }))).toBe("missing-header");
  });

  defect("unknown-tool-as-result", async () => {
    const good = await sessionScenario([], {});
    await expect(good.callTool("no_such_tool")).rejects.toThrow(/not found/);
    const bad = await sessionScenario(["unknown-tool-as-result"], {});
    expect((await bad.callTool("no_such_tool")).isError).toBe(true);
  });

  defect("jsonrpc-header-errors", async () => {
    const bad = { headers: { ...tokenFields("https://127.0.0.1:1"), [HEADER.authorization]: "Basic x" } };
    expect(codeOf(await call(testDeps(), bad))).toBe("invalid-header");
    const thrown = await call(d("jsonrpc-header-errors"), bad).then(
      () => undefined,
      (e: { code?: number; message?: string }) => e,
    );
    expect(thrown?.code).toBe(-32602);
    expect(thrown?.message).toMatch(/^\[invalid-header\] "kubernetes-authorization"/);
    // Through the SDK the same error is a JSON-RPC error whose message is that text.
    const c = await sessionScenario(["jsonrpc-header-errors"], {});
    c.setHeaders({});
    await expect(c.callTool("namespaces_list")).rejects.toMatchObject({
      code: -32602,
      message: expect.stringContaining(`"${HEADER.server}" is required`),
    });
    // Failures after validation keep their isError result.
    const a = await api((_req, res) => json(res, 401, { message: "Unauthorized" }));
    expect(codeOf(await call(d("jsonrpc-header-errors"), { headers: tokenFields(a.url) }))).toBe(
      "unauthorized",
    );
  });

  defect("panic-on-non-string-meta", async () => {
    const a = await api();
    const spec = { meta: { ...tokenFields(a.url), [HEADER.server]: 42 } };
    expect(codeOf(await call(testDeps(), spec))).toBe("invalid-header");
    const out = panicStub();
    await expect(
      call(testDeps({ faults: composeFaults([panicOnNonStringMeta(out)]) }), spec),
    ).rejects.toThrow("exit 2");
    expect(out.text).toMatch(/^panic: interface conversion: interface \{\} is float64, not string\n/);
    expect(out.text).toContain("goroutine 1 [running]:");
    // Unknown kubernetes-* keys count too, as they would for a provider that asserts every one.
    const other = panicStub();
    const deps = testDeps({ faults: composeFaults([panicOnNonStringMeta(other)]) });
    await expect(
      call(deps, { meta: { ...tokenFields(a.url), "kubernetes-context": null } }),
    ).rejects.toThrow();
    expect(other.text).toContain("interface {} is nil, not string");
    expect(a.seen).toHaveLength(0);
  });

  defect("panic-on-boolean-insecure-flag", async () => {
    const a = await api();
    const flag = (v: unknown) => ({ meta: { ...tokenFields(a.url), [HEADER.insecureSkipTlsVerify]: v } });
    const out = panicStub();
    const deps = testDeps({ faults: composeFaults([panicOnBooleanInsecureFlag(out)]) });
    expect(codeOf(await call(testDeps(), flag(true)))).toBe("invalid-header");
    await expect(call(deps, flag(true))).rejects.toThrow("exit 2");
    expect(out.text).toMatch(/^panic: interface conversion: interface \{\} is bool, not string\n/);
    // Any other non-string value is still refused properly, naming the key.
    const r = await call(deps, flag(1));
    expect(codeOf(r)).toBe("invalid-header");
    expect(textOf(r)).toContain(HEADER.insecureSkipTlsVerify);
    expect(out.exits).toEqual([2]);
  });

  defect("pool-key-without-ca", async () => {
    const a = await api();
    for (const [deps, second] of [
      [testDeps(), "tls-verification-failed"],
      [d("pool-key-without-ca"), "ok"],
    ] as const) {
      expect(codeOf(await call(deps, { headers: tokenFields(a.url) }))).toBe("ok");
      // ca-b did not sign the server: only a connection verified with ca-a can make this succeed.
      expect(codeOf(await call(deps, { headers: tokenFields(a.url, TOKEN_A, "ca-b.crt") }))).toBe(second);
    }
  });

  defect("insecure-false-as-true", async () => {
    const a = await api();
    const falseWrongCa = {
      ...tokenFields(a.url, TOKEN_A, "ca-b.crt"),
      [HEADER.insecureSkipTlsVerify]: "false",
    };
    expect(codeOf(await call(testDeps(), { headers: falseWrongCa }))).toBe("tls-verification-failed");
    expect(codeOf(await call(d("insecure-false-as-true"), { headers: falseWrongCa }))).toBe("ok");
    // "true" keeps its rules: refused without the opt-in, and with a CA even with it.
    const trueWithCa = { ...tokenFields(a.url), [HEADER.insecureSkipTlsVerify]: "true" };
    expect(codeOf(await call(d("insecure-false-as-true"), { headers: trueWithCa }))).toBe("invalid-header");
    const optIn = testDeps({ defects: ["insecure-false-as-true"], allowInsecureTls: true });
    expect(codeOf(await call(optIn, { headers: trueWithCa }))).toBe("conflicting-headers");
  });

  defect("redirect-wrong-code", async () => {
    const canary = await api();
    const front = await api((_req, res) => res.writeHead(307, { location: canary.url }).end());
    expect(codeOf(await call(testDeps(), { headers: tokenFields(front.url) }))).toBe("upstream-error");
    expect(codeOf(await call(d("redirect-wrong-code"), { headers: tokenFields(front.url) }))).toBe(
      "unreachable",
    );
    expect(front.seen).toHaveLength(2);
    expect(canary.seen).toHaveLength(0);
  });

  defect("meta-case-duplicate-last-wins", async () => {
    const a = await api();
    const { [HEADER.server]: _server, ...rest } = tokenFields(a.url);
    const twice = { [HEADER.server]: "https://127.0.0.1:1", ...rest, "Kubernetes-Server": a.url };
    expect(codeOf(await call(testDeps(), { meta: twice }))).toBe("invalid-header");
    expect(codeOf(await call(d("meta-case-duplicate-last-wins"), { meta: twice }))).toBe("ok");
    expect(a.seen).toHaveLength(1);
  });

  defect("unicode-meta-key-folding", async () => {
    const a = await api();
    const { [HEADER.authorization]: _token, ...rest } = tokenFields(a.url);
    const meta = { ...rest, "\u212Aubernetes-authorization": `Bearer ${TOKEN_A}` };
    expect(codeOf(await call(testDeps(), { meta }))).toBe("missing-header");
    expect(a.seen).toHaveLength(0);
    expect(codeOf(await call(d("unicode-meta-key-folding"), { meta }))).toBe("ok");
    expect(a.seen.map((s) => s.authorization)).toEqual([`Bearer ${TOKEN_A}`]);
  });

  defect("lenient-bearer-separator", async () => {
    const a = await api();
    for (const sep of ["\u00a0", "\u2028", "\ufeff", "\t"]) {
      const meta = { ...tokenFields(a.url), [HEADER.authorization]: `Bearer${sep}${TOKEN_A}` };
      expect(codeOf(await call(testDeps(), { meta }))).toBe("invalid-header");
      expect(codeOf(await call(d("lenient-bearer-separator"), { meta }))).toBe("ok");
    }
    expect(a.seen.map((s) => s.authorization)).toEqual(Array(4).fill(`Bearer ${TOKEN_A}`));
  });

  defect("embedded-ipv4-allowed", async () => {
    // Only ::ffff:0.0.0.0 may ever be dialled under this defect: it reaches the local host.
    const a = await api();
    const spec = { headers: tokenFields(`https://[::ffff:0.0.0.0]:${a.port}`) };
    expect(codeOf(await call(testDeps(), spec))).toBe("server-not-allowed");
    expect(a.connections).toBe(0);
    await call(d("embedded-ipv4-allowed"), spec);
    expect(a.connections).toBeGreaterThan(0);
  });

  defect("dial-before-validate", async () => {
    const a = await api();
    // a tuple without credentials is refused; only the defect dials the server first
    const spec = { headers: { [HEADER.server]: a.url } };
    expect(codeOf(await call(testDeps(), spec))).toBe("missing-header");
    expect(a.connections).toBe(0);
    expect(codeOf(await call(d("dial-before-validate"), spec))).toBe("missing-header");
    expect(a.connections).toBeGreaterThan(0);
    expect(a.seen).toHaveLength(0);
  });

  defect("server-url-parts-dropped", async () => {
    const a = await api();
    const withUser = { ...tokenFields(a.url), [HEADER.server]: a.url.replace("https://", "https://u:p@") };
    expect(codeOf(await call(testDeps(), { headers: withUser }))).toBe("invalid-header");
    expect(codeOf(await call(d("server-url-parts-dropped"), { headers: withUser }))).toBe("ok");
    expect(a.seen).toHaveLength(1);
  });

  defect("insecure-without-opt-in", async () => {
    const a = await api();
    const { [HEADER.certificateAuthorityData]: _ca, ...noCa } = tokenFields(a.url);
    const insecure = { ...noCa, [HEADER.insecureSkipTlsVerify]: "true" };
    expect(codeOf(await call(testDeps(), { headers: insecure }))).toBe("invalid-header");
    expect(codeOf(await call(d("insecure-without-opt-in"), { headers: insecure }))).toBe("ok");
  });

  defect("insecure-with-ca-accepted", async () => {
    const a = await api();
    const both = { ...tokenFields(a.url), [HEADER.insecureSkipTlsVerify]: "true" };
    const deps = (defects: DefectName[]) => testDeps({ defects, allowInsecureTls: true });
    expect(codeOf(await call(deps([]), { headers: both }))).toBe("conflicting-headers");
    expect(codeOf(await call(deps(["insecure-with-ca-accepted"]), { headers: both }))).toBe("ok");
  });

  defect("first-ca-only", async () => {
    const a = await api();
    // ca-b first, the server's own ca-a last: any certificate of the bundle may be the issuer
    const bundle = b64Of(`${pem("ca-b.crt")}\n${pem("ca-a.crt")}`);
    const fields = { ...tokenFields(a.url), [HEADER.certificateAuthorityData]: bundle };
    expect(codeOf(await call(testDeps(), { headers: fields }))).toBe("ok");
    expect(codeOf(await call(d("first-ca-only"), { headers: fields }))).toBe("tls-verification-failed");
  });

  defect("stack-trace-in-errors", async () => {
    const spec = { headers: { [HEADER.server]: "/api" } };
    expect(textOf(await call(testDeps(), spec))).not.toMatch(/\n\s+at /);
    expect(textOf(await call(d("stack-trace-in-errors"), spec))).toMatch(/\n\s+at /);
  });

  defect("unreachable-as-empty", async () => {
    // a loopback port nothing listens on: connection refused
    const spec = { headers: tokenFields("https://127.0.0.1:9") };
    expect(codeOf(await call(testDeps(), spec))).toBe("unreachable");
    expect(codeOf(await call(d("unreachable-as-empty"), spec))).toBe("ok");
  });

  defect("log-line-without-server", async () => {
    const a = await api();
    const plain = testDeps();
    const faulty = d("log-line-without-server");
    await call(plain, { headers: tokenFields(a.url) });
    await call(faulty, { headers: tokenFields(a.url) });
    expect(plain.log.lines().at(-1)).toHaveProperty("server");
    expect(faulty.log.lines().at(-1)).not.toHaveProperty("server");
  });

  defect("meta-duplicate-json-key-last-wins", async () => {
    const a = await api();
    // What JSON.parse makes of {"kubernetes-authorization": A, "kubernetes-authorization": B}.
    const spec = {
      meta: tokenFields(a.url, TOKEN_B),
      metaDuplicateKey: HEADER.authorization,
    };
    expect(codeOf(await call(testDeps(), spec))).toBe("invalid-header");
    expect(a.seen).toHaveLength(0);
    expect(codeOf(await call(d("meta-duplicate-json-key-last-wins"), spec))).toBe("ok");
    expect(a.seen.map((s) => s.authorization)).toEqual([`Bearer ${TOKEN_B}`]);
  });

  defect("no-value-size-limit", async () => {
    const a = await api();
    // Accepts huge values: a valid 150 KiB bundle (200 KiB of base64) is served.
    let bundle = "";
    while (bundle.length < 150 * 1024) bundle += pem("ca-b.crt");
    const big = { ...tokenFields(a.url), [HEADER.certificateAuthorityData]: b64Of(bundle + pem("ca-a.crt")) };
    expect(codeOf(await call(testDeps(), { meta: big }))).toBe("invalid-header");
    expect(codeOf(await call(d("no-value-size-limit"), { meta: big }))).toBe("ok");
    // Parses the old quadratic way: 10,000 BEGIN lines (366 KiB) take far longer.
    const junk = {
      ...tokenFields(a.url),
      [HEADER.certificateAuthorityData]: b64Of("-----BEGIN CERTIFICATE-----\n".repeat(10_000)),
    };
    const timed = async (deps: ReturnType<typeof testDeps>) => {
      const t = performance.now();
      expect(codeOf(await call(deps, { meta: junk }))).toBe("invalid-header");
      return performance.now() - t;
    };
    const linear = await timed(testDeps({ maxValueSize: 1024 * 1024 }));
    const quadratic = await timed(d("no-value-size-limit"));
    expect(quadratic).toBeGreaterThan(Math.max(200, 20 * linear));
  });

  defect("no-response-size-limit", async () => {
    const annotations: Record<string, string> = {};
    for (let i = 0; i < 120_000; i++) annotations[`key-${i}`] = `value-${i}-xxxxxxxxxxxxxxxxxxxx`;
    const big = JSON.stringify({ kind: "Pod", metadata: { name: "big", annotations } }); // 5.6 MB
    const a = await api((_req, res) => res.writeHead(200, { "content-type": "application/json" }).end(big));
    const spec = { tool: "pods_get", args: { name: "big" }, headers: tokenFields(a.url) };
    expect(textOf(await call(testDeps(), spec))).toContain("larger than 4194304 bytes");
    expect(
      codeOf(await call(testDeps({ defects: ["no-response-size-limit"], requestTimeoutMs: 10_000 }), spec)),
    ).toBe("ok");
  });

  // Defects of the HTTP front end are shown with raw requests in http-admission.test.ts.
  const ELSEWHERE = {
    "drop-excess-headers": "http-admission.test.ts",
    "no-host-origin-check": "http-admission.test.ts",
    "header-limit-16k": "http-admission.test.ts",
  };

  it("covers every defect name", () => {
    for (const [name, file] of Object.entries(ELSEWHERE)) {
      expect(readFileSync(join(ROOT, "reference-server/test/unit", file), "utf8")).toContain(`it("${name}: `);
      covered.add(name as DefectName);
    }
    expect([...covered].sort()).toEqual([...DEFECT_NAMES].sort());
  });
});

describe("the production CLI cannot enable defects", () => {
  it("parseCli yields no defects option", () => {
    const o = parseCli(["--stateless", "--allowed-servers", "127.0.0.2,10.0.0.0/8"]);
    expect("defects" in o).toBe(false);
    expect(o.allowedServers).toEqual(["127.0.0.2", "10.0.0.0/8"]);
  });

  it("src/cli.ts and src/main.ts never mention defects or faults", () => {
    for (const f of ["reference-server/src/cli.ts", "reference-server/src/main.ts"]) {
      const code = readFileSync(join(ROOT, f), "utf8").replace(/\/\/.*|\/\*[\s\S]*?\*\//g, "");
      expect(code).not.toMatch(/\bdefects?\b|\bfaults?\b|faulty/i);
    }
  });

  it("no production module names a defect: their behaviour lives in test/faulty only", () => {
    const files = readdirSync(join(ROOT, "reference-server/src"), { recursive: true, encoding: "utf8" });
    for (const f of files.filter((n) => n.endsWith(".ts"))) {
      const code = readFileSync(join(ROOT, "reference-server/src", f), "utf8");
      for (const name of DEFECT_NAMES) expect(code, `${f} names ${name}`).not.toContain(`"${name}"`);
      expect(code, f).not.toMatch(/defects?\.(has|ts)|AUTH_HEADERS_DEFECT/);
    }
  });

  it("the production bin ignores AUTH_HEADERS_DEFECT; the faulty launcher honours it", async () => {
    const a = await api();
    const prod = await spawnServer("reference-server/bin/auth-headers-server.js", [], {
      AUTH_HEADERS_DEFECT: "bearer-bearer",
    });
    cleanup.push(() => prod.stop());
    const faulty = await spawnServer("reference-server/test/faulty/faulty-server.js", [], {
      AUTH_HEADERS_DEFECT: "bearer-bearer",
    });
    cleanup.push(() => faulty.stop());
    for (const url of [prod.url, faulty.url]) {
      const c = await connectClient(url, {});
      c.setHeaders(tokenFields(a.url));
      await c.callTool("namespaces_list");
      await c.close();
    }
    expect(a.seen.map((s) => s.authorization)).toEqual([`Bearer ${TOKEN_A}`, `Bearer Bearer ${TOKEN_A}`]);
    expect(await prod.stop()).toBe(0);
  });

  it("the production bin rejects an unknown --defect flag; the faulty launcher rejects unknown names", async () => {
    const prod = await runToExit("reference-server/bin/auth-headers-server.js", [
      "--defect",
      "bearer-bearer",
    ]);
    expect(prod.code).not.toBe(0);
    expect(prod.err).toContain("unknown option");
    const faulty = await runToExit("reference-server/test/faulty/faulty-server.js", [], {
      AUTH_HEADERS_DEFECT: "nope",
    });
    expect(faulty.code).toBe(2);
    const oneUnknown = await runToExit("reference-server/test/faulty/faulty-server.js", [], {
      AUTH_HEADERS_DEFECT: "bearer-bearer,nope",
    });
    expect(oneUnknown.code).toBe(2);
    expect(oneUnknown.err).toContain('unknown defect "nope"');
    expect(oneUnknown.err).toContain(DEFECT_NAMES.join(", "));
  });

  it("the faulty launcher takes several comma-separated defects at once", async () => {
    const a = await api();
    const faulty = await spawnServer("reference-server/test/faulty/faulty-server.js", [], {
      AUTH_HEADERS_DEFECT: "bearer-bearer, no-origin",
    });
    cleanup.push(() => faulty.stop());
    const c = await connectClient(faulty.url, {});
    cleanup.push(() => c.close());
    c.setHeaders(tokenFields(a.url));
    const r = await c.callTool("namespaces_list");
    expect(a.seen.map((s) => s.authorization)).toEqual([`Bearer Bearer ${TOKEN_A}`]);
    expect(r.structuredContent?.cluster).toBeUndefined();
  });

  it("a panic defect ends the faulty process with status 2 and a Go panic on stderr", async () => {
    const a = await api();
    const faulty = await spawnServer("reference-server/test/faulty/faulty-server.js", [], {
      AUTH_HEADERS_DEFECT: "panic-on-non-string-meta",
    });
    cleanup.push(() => faulty.stop());
    const exited = new Promise<number | null>((r) => faulty.child.once("exit", (code) => r(code)));
    const c = await connectClient(faulty.url, {});
    await expect(
      c.callTool("namespaces_list", {}, { ...tokenFields(a.url), [HEADER.server]: 42 }),
    ).rejects.toThrow();
    expect(await exited).toBe(2);
    expect(faulty.stderr()).toContain("panic: interface conversion: interface {} is float64, not string");
    expect(faulty.stderr()).toContain("goroutine 1 [running]:");
    expect(a.seen).toHaveLength(0);
  });
});
