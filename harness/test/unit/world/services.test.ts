// Each service of the World on its own (no clusters, no Cucumber).
import { createServer, connect as tcpConnect } from "node:net";
import { describe, expect, it } from "vitest";
import { ScenarioChecks } from "../../../src/checks/recorder.js";
import type { Cluster, Identity } from "../../../src/clusters/index.js";
import { SecretRegistry } from "../../../src/report/redact.js";
import { type TargetVariant, variantArgs, variantLabel } from "../../../src/target/variant.js";
import { ClusterSet } from "../../../src/world/clusters.js";
import { FeatureKey, FeatureStates } from "../../../src/world/feature-state.js";
import { Identities } from "../../../src/world/identities.js";
import { ScenarioNetwork } from "../../../src/world/network.js";
import { ScenarioContext } from "../../../src/world/scenario.js";
import { Timeline } from "../../../src/world/timeline.js";
import { defaultArgs, Tools } from "../../../src/world/tools.js";
import type { WorkerSecrets } from "../../../src/world/worker.js";

const fakeCluster = (server: string, fixture = "conformance") =>
  ({ server, info: { namespaces: { fixture } } }) as unknown as Cluster;

const secretsSink = () => {
  const added: string[] = [];
  return {
    added,
    sink: {
      add: (v?: string) => v && added.push(v),
      registry: new SecretRegistry(),
    } as unknown as WorkerSecrets,
  };
};

describe("FeatureStates", () => {
  it("keeps each feature's value under its own typed key", () => {
    const a = new FeatureKey<{ n: number }>("a");
    const b = new FeatureKey<string[]>("b");
    const s = new FeatureStates();
    expect(s.get(a)).toBeUndefined();
    s.set(a, { n: 1 });
    expect(s.of(b, () => ["x"])).toEqual(["x"]);
    expect(s.of(b, () => ["y"])).toEqual(["x"]);
    expect(s.get(a)?.n).toBe(1);
    // same name, different key: not the same state
    expect(s.get(new FeatureKey<{ n: number }>("a"))).toBeUndefined();
  });
});

describe("ScenarioNetwork", () => {
  it("gives each loopback cluster an address of its own that forwards to it, and closes it with the scenario", async () => {
    const upstream = createServer((sock) => sock.end("hello"));
    await new Promise<void>((r) => upstream.listen(0, "127.0.0.1", () => r()));
    const port = (upstream.address() as { port: number }).port;
    const clusters = new ClusterSet(
      new Map([
        ["A", fakeCluster(`https://127.0.0.1:${port}`)],
        ["B", fakeCluster("https://kind.example:6443")],
      ]),
    );
    const net = new ScenarioNetwork(clusters);
    await net.open();
    const own = net.serverOf("A");
    expect(own).not.toBe(`https://127.0.0.1:${port}`);
    expect(net.ownAddress("B")).toBeUndefined();
    expect(net.serverOf("B")).toBe("https://kind.example:6443");
    expect(net.clusterOfHost(new URL(own).host)).toBe("A");
    const fresh = await net.fresh("A");
    expect(fresh).not.toBe(own);
    const read = (address: string) =>
      new Promise<string>((res, rej) => {
        const u = new URL(address);
        const s = tcpConnect(Number(u.port), u.hostname);
        let got = "";
        s.on("data", (d) => {
          got += d;
        });
        s.on("end", () => res(got));
        s.on("error", rej);
      });
    expect(await read(own)).toBe("hello");
    await net.close();
    await expect(read(own)).rejects.toThrow();
    upstream.close();
  });
});

describe("Identities", () => {
  const identity = (server: string): Identity =>
    ({
      kind: "token",
      user: "system:serviceaccount:conformance:alice-x1",
      headers: { "kubernetes-server": server, "kubernetes-authorization": "Bearer token-value-123456" },
    }) as unknown as Identity;

  it("aims a minted tuple at the scenario's own address, registers its secrets and labels it by name", () => {
    const clusters = new ClusterSet(new Map([["A", fakeCluster("https://127.0.0.1:6443")]]));
    const net = {
      ownAddress: (n: string) => (n === "A" ? "https://127.0.0.1:40001" : undefined),
    } as ScenarioNetwork;
    const { added, sink } = secretsSink();
    let source: "headers" | "meta" = "headers";
    const ids = new Identities(clusters, net, sink, () => source);
    const sent = ids.register("alice", "A", identity("https://127.0.0.1:6443"));
    expect(sent.headers["kubernetes-server"]).toBe("https://127.0.0.1:40001");
    expect(added).toEqual(["Bearer token-value-123456", "token-value-123456"]);
    expect(ids.headersOf("alice")["kubernetes-server"]).toBe("https://127.0.0.1:40001");
    expect(ids.clusterOf("alice")).toBe("A");
    expect(ids.labelOf("alice", ["no CA"])).toEqual({
      source: "headers",
      identity: "alice",
      credential: "token",
      cluster: "A",
      changes: ["no CA"],
    });
    source = "meta";
    expect(ids.labelOf("alice").source).toBe("meta");
    expect(ids.userNames().get("system:serviceaccount:conformance:alice-x1")).toBe("alice");
    expect(() => ids.get("bob")).toThrow(/no identity "bob"/);
  });

  it("leaves a tuple aimed elsewhere as it is", () => {
    const clusters = new ClusterSet(new Map([["A", fakeCluster("https://127.0.0.1:6443")]]));
    const net = { ownAddress: () => "https://127.0.0.1:40001" } as unknown as ScenarioNetwork;
    const ids = new Identities(clusters, net, secretsSink().sink, () => "headers");
    expect(ids.register("x", "A", identity("https://10.0.0.1:6443")).headers["kubernetes-server"]).toBe(
      "https://10.0.0.1:6443",
    );
  });
});

describe("Tools", () => {
  it("maps spec names through the profile and aims arguments at the cluster's fixture namespace", () => {
    const clusters = new ClusterSet(new Map([["B", fakeCluster("https://x", "run-123-fixture")]]));
    const profile = { tools: { pods_get: "get_pod" } } as never;
    const tools = new Tools(profile, clusters);
    expect(tools.name("pods_get")).toBe("get_pod");
    expect(tools.name("namespaces_list")).toBe("namespaces_list");
    expect(tools.args("pods_get", "B")).toEqual({ namespace: "run-123-fixture", name: "fixture-pod-1" });
    expect(tools.args("pods_get", "Z")).toEqual(defaultArgs("pods_get", "conformance"));
    expect(tools.required()).toContain("get_pod");
  });
});

describe("target variants", () => {
  const flags = {
    stateless: "--stateless",
    allowlist: "--allowed-servers {servers}",
    requestTimeout: "--request-timeout {ms}ms",
  } as never;
  it("templates the profile's flags and names the instance", () => {
    const v: TargetVariant = { allowlist: ["127.0.0.1:1", "127.0.0.1:2"] };
    expect(variantArgs(flags, v)).toEqual(["--allowed-servers 127.0.0.1:1,127.0.0.1:2"]);
    expect(variantArgs(flags, { requestTimeoutMs: 500 })).toEqual(["--request-timeout 500ms"]);
    expect(variantLabel({ requestTimeoutMs: 500 })).toBe("timeout-500ms");
    expect(variantLabel({ env: { KUBECONFIG: "x" } })).toBe("ambient");
    expect(variantLabel({})).toBe("fresh");
  });
  it("says which flag the profile lacks", () => {
    expect(() => variantArgs(flags, { insecureOptIn: true })).toThrow(/flags\.insecureOptIn/);
  });
});

describe("Timeline", () => {
  it("numbers calls, lifecycle requests and batches in one sequence, each call with its window", () => {
    const ctx = new ScenarioContext();
    ctx.begin({ id: "x/y", name: "y", tags: [] });
    let label = "shared";
    const secrets = new SecretRegistry();
    secrets.add("super-secret-token-1");
    const t = new Timeline(ctx, secrets, () => label);
    const i1 = t.addLifecycle(
      "initialize",
      "s1",
      { kind: "tool-error", text: "bad super-secret-token-1", durationMs: 3.4 } as never,
      { source: "none" },
    );
    label = "stateless";
    const i2 = t.addCall(
      {
        at: 1,
        durationMs: 2,
        method: "tools/call",
        tool: "t",
        transport: "http",
        session: "s1",
        tuple: { source: "headers" },
        answer: { kind: "result" },
      },
      Date.now() - 5,
    );
    t.addBatch("load", ["ok", "ok", "[timeout]"], (c) => c, { at: 2, durationMs: 10.4 });
    expect([i1, i2]).toEqual([1, 2]);
    expect(ctx.record.calls.map((c) => c.target)).toEqual(["shared", "stateless"]);
    expect(ctx.record.calls[0]?.answer.text).not.toContain("super-secret-token-1");
    expect(t.windows).toHaveLength(1);
    expect(t.windows[0]?.index).toBe(2);
    expect(ctx.record.batches[0]).toMatchObject({ index: 3, calls: 3, outcomes: { ok: 2, "[timeout]": 1 } });
  });
});

describe("ScenarioContext", () => {
  it("starts each scenario's checks from its tags and says a workaround once", () => {
    const ctx = new ScenarioContext();
    ctx.begin({ id: "a/b", name: "b", tags: ["@AH-AUTH-1"] });
    expect(ctx.checks).toBeInstanceOf(ScenarioChecks);
    expect(ctx.checks.tagged).toContain("AH-AUTH-1");
    ctx.workaround("AH-LIFE-1", "one");
    ctx.workaround("AH-LIFE-1", "two");
    expect(ctx.record.workarounds).toEqual([{ requirement: "AH-LIFE-1", note: "one" }]);
    expect(ctx.elapsed()).toBeGreaterThanOrEqual(0);
  });
});
