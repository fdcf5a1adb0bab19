import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { parseCli } from "../../src/cli.js";
import { DEFECT_NAMES, type DefectName } from "../../src/defects.js";
import { createReferenceServer } from "../../src/server.js";
import { HEADER } from "../../src/wire/constants.js";
import { call, codeOf, textOf } from "./helpers/call.js";
import { LogCapture, loopbackResolver, testDeps } from "./helpers/deps.js";
import { b64, certFields, TOKEN_A, TOKEN_B, tokenFields } from "./helpers/fixtures.js";
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
      defects: new Set(defects),
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

  it("covers every defect name", () => {
    expect([...covered].sort()).toEqual([...DEFECT_NAMES].sort());
  });
});

describe("the production CLI cannot enable defects", () => {
  it("parseCli yields no defects option", () => {
    const o = parseCli(["--stateless", "--allowed-servers", "127.0.0.2,10.0.0.0/8"]);
    expect("defects" in o).toBe(false);
    expect(o.allowedServers).toEqual(["127.0.0.2", "10.0.0.0/8"]);
  });

  it("src/cli.ts and src/main.ts never mention defects", () => {
    for (const f of ["reference-server/src/cli.ts", "reference-server/src/main.ts"]) {
      const code = readFileSync(join(ROOT, f), "utf8").replace(/\/\/.*|\/\*[\s\S]*?\*\//g, "");
      expect(code).not.toMatch(/defect/i);
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
  });
});
