// Issue 10 item 3: a ~28 MB answer (600k keys) took 37 s, stalled every tenant and peaked at
// 1.6 GiB. Answers are bounded (size, and bytes read at once by all calls), the deadline covers
// reading and formatting, and large answers yield to other calls between steps.
import { readFileSync } from "node:fs";
import type { ServerResponse } from "node:http";
import { afterEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { runCall } from "../../src/call/run-call.js";
import { clusterHeaderLines } from "../../src/request/raw-headers.js";
import { defineTool } from "../../src/tools/tool.js";
import { call, codeOf, textOf } from "./helpers/call.js";
import { testDeps } from "./helpers/deps.js";
import { TOKEN_B, tokenFields } from "./helpers/fixtures.js";
import { type FakeApiServer, json, startFakeApiServer } from "./helpers/https-upstream.js";
import { connectClient } from "./helpers/mcp-client.js";
import { jsonPost } from "./helpers/raw-http.js";
import { spawnServer } from "./helpers/spawn.js";

const cleanup: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
});

/** A pod whose annotations hold `keys` entries: ~47 bytes of JSON each. */
function bigPod(keys: number): Buffer {
  const parts: string[] = [];
  for (let i = 0; i < keys; i++) parts.push(`"key-${i}":"value-${i}-xxxxxxxxxxxxxxxxxxxx"`);
  return Buffer.from(
    `{"apiVersion":"v1","kind":"Pod","metadata":{"name":"big","namespace":"default","annotations":{${parts.join(",")}}}}`,
  );
}

async function api(big: Buffer | ((res: ServerResponse) => void)): Promise<FakeApiServer> {
  const s = await startFakeApiServer({
    handler: (req, res) => {
      if (!req.url?.includes("/pods/big")) return json(res, 200, { kind: "NamespaceList", items: [] });
      if (typeof big === "function") return big(res);
      res.writeHead(200, { "content-type": "application/json", "content-length": big.length }).end(big);
    },
  });
  cleanup.push(() => s.close());
  return s;
}

const getBig = { tool: "pods_get", args: { name: "big" } };

describe("answer size", () => {
  it("an answer over the limit (default 4 MiB) is [upstream-error] naming the limit, at once", async () => {
    const big = bigPod(120_000); // 5.6 MB, sent in chunks without a Content-Length
    const a = await api((res) => {
      res.writeHead(200, { "content-type": "application/json" });
      for (let at = 0; at < big.length; at += 1024 * 1024) res.write(big.subarray(at, at + 1024 * 1024));
      res.end();
    });
    const t = performance.now();
    const r = await call(testDeps({ requestTimeoutMs: 10_000 }), { ...getBig, headers: tokenFields(a.url) });
    expect(performance.now() - t).toBeLessThan(1500);
    expect(codeOf(r)).toBe("upstream-error");
    expect(textOf(r)).toContain("larger than 4194304 bytes");
  });

  it("an announced Content-Length over the limit is refused before the body is read", async () => {
    const a = await api((res) => {
      res.writeHead(200, { "content-type": "application/json", "content-length": 100_000_000 });
      res.write("{");
    });
    const t = performance.now();
    const r = await call(testDeps({ requestTimeoutMs: 5000 }), { ...getBig, headers: tokenFields(a.url) });
    expect(performance.now() - t).toBeLessThan(1000);
    expect(textOf(r)).toContain("larger than 4194304 bytes");
  });

  it("an answer just under the limit is served, as YAML that reads back", async () => {
    const body = bigPod(85_000); // 4.0 MB
    expect(body.length).toBeLessThan(4 * 1024 * 1024);
    const a = await api(body);
    const r = await call(testDeps({ requestTimeoutMs: 10_000 }), { ...getBig, headers: tokenFields(a.url) });
    expect(codeOf(r)).toBe("ok");
    expect(textOf(r)).toContain("key-84999: value-84999-");
  });

  it("answers read at once hold at most the shared budget; beyond it a call fails cleanly, small answers pass", async () => {
    const stalled: ServerResponse[] = [];
    const a = await api((res) => {
      res.writeHead(200, { "content-type": "application/json" });
      res.write(Buffer.alloc(3 * 1024 * 1024, 0x20));
      stalled.push(res);
    });
    cleanup.push(async () => {
      for (const res of stalled) res.destroy();
    });
    const deps = testDeps({ requestTimeoutMs: 3000, maxPendingResponseBytes: 7 * 1024 * 1024 });
    const first = [1, 2].map((i) => call(deps, { ...getBig, headers: tokenFields(a.url, `t-${i}`) }));
    for (let i = 0; i < 200 && stalled.length < 2; i++) await new Promise((r) => setTimeout(r, 10));
    await new Promise((r) => setTimeout(r, 200));
    const t = performance.now();
    const third = await call(deps, { ...getBig, headers: tokenFields(a.url, "t-3") });
    expect(performance.now() - t).toBeLessThan(1500);
    expect(codeOf(third)).toBe("upstream-error");
    expect(textOf(third)).toContain("answers being read at once");
    expect(codeOf(await call(deps, { headers: tokenFields(a.url, "t-4") }))).toBe("ok");
    for (const res of stalled) res.destroy();
    await Promise.all(first);
  });
});

describe("the deadline covers reading and formatting (AH-NET-4)", () => {
  it("an answer that trickles past the deadline is [timeout] at the deadline", async () => {
    const a = await api((res) => {
      res.writeHead(200, { "content-type": "application/json" });
      const timer = setInterval(() => res.write(" "), 50);
      res.on("close", () => clearInterval(timer));
    });
    const t = performance.now();
    const r = await call(testDeps({ requestTimeoutMs: 400 }), { ...getBig, headers: tokenFields(a.url) });
    expect(codeOf(r)).toBe("timeout");
    expect(performance.now() - t).toBeLessThan(900);
  });

  it("work done after the answer arrived still counts: a result finished past the deadline is [timeout]", async () => {
    const a = await api(Buffer.from('{"kind":"Pod"}'));
    const slow = defineTool({
      name: "slow_format",
      description: "formats for 300 ms after the answer",
      inputSchema: { type: "object", properties: {} },
      args: z.object({}).passthrough(),
      async run(_args, kube) {
        const pod = await kube({ method: "GET", path: "/api/v1/namespaces/default/pods/big" });
        const until = performance.now() + 300;
        while (performance.now() < until) {
          // the formatting of a large answer, synchronous as it is
        }
        return { text: JSON.stringify(pod), structured: {} };
      },
    });
    const r = await runCall(
      {
        tool: slow,
        args: {},
        meta: undefined,
        headerLines: clusterHeaderLines(Object.entries(tokenFields(a.url)).flat()),
        requestId: 1,
      },
      testDeps({ requestTimeoutMs: 150 }),
    );
    expect(codeOf(r)).toBe("timeout");
  });
});

/** Peak resident memory of a process, from /proc (Linux). */
function peakRssMiB(pid: number): number {
  const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  return Number(m?.[1] ?? 0) / 1024;
}

describe("the reproduction of the issue, end to end", () => {
  it("a 28 MB pod (600k keys) is answered at once, another tenant stays fast, memory stays flat", {
    timeout: 180_000,
  }, async () => {
    const body = bigPod(600_000);
    expect(body.length).toBeGreaterThan(27_000_000);
    const a = await api(body);
    const s = await spawnServer("reference-server/bin/auth-headers-server.js", [
      "--stateless",
      "--log-level",
      "warn",
    ]);
    cleanup.push(() => s.stop());
    const other = await connectClient(s.url, tokenFields(a.url, TOKEN_B));
    cleanup.push(() => other.close());
    for (let i = 0; i < 20; i++) await other.callTool("namespaces_list");
    const rssBefore = peakRssMiB(s.child.pid as number);
    const payload = JSON.stringify({
      jsonrpc: "2.0",
      id: 1,
      method: "tools/call",
      params: { name: "pods_get", arguments: { name: "big" }, _meta: tokenFields(a.url) },
    });
    const t = performance.now();
    const hostile = jsonPost(s.url, {}, payload).then((r) => r.text);
    let done = false;
    void hostile.finally(() => {
      done = true;
    });
    const lat: number[] = [];
    while (!done || lat.length < 20) {
      const c = performance.now();
      expect(codeOf(await other.callTool("namespaces_list"))).toBe("ok");
      lat.push(performance.now() - c);
    }
    const answer = await hostile;
    const took = performance.now() - t;
    const sorted = lat.sort((x, y) => x - y);
    const q = (x: number) =>
      (sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * x))] ?? 0).toFixed(1);
    const peak = peakRssMiB(s.child.pid as number);
    console.log(
      `[upstream-responses] 28 MB answer: ${took.toFixed(0)} ms; other tenant ${lat.length} calls p50 ${q(0.5)} ms p99 ${q(0.99)} ms max ${q(1)} ms; server peak RSS ${rssBefore.toFixed(0)} → ${peak.toFixed(0)} MiB`,
    );
    expect(answer).toContain("larger than 4194304 bytes");
    expect(took).toBeLessThan(2000);
    expect(Number(q(1))).toBeLessThan(1000);
    expect(peak - rssBefore).toBeLessThan(150);
  });
});
