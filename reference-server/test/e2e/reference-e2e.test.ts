// The reference server against real control planes: identities proven by the
// audit log, switching clusters inside one session (stateful and stateless),
// TLS verification with the supplied CA. Clusters come from the e2e global
// setup; every test mints its own identities.
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { assertAllBy, assertNone } from "../../../harness/src/audit/verdicts.js";
import { attach, type Cluster } from "../../../harness/src/clusters/index.js";
import { McpSession } from "../../../harness/src/mcp/client.js";
import { createReferenceServer, type ReferenceServer } from "../../src/server.js";

let a: Cluster;
let b: Cluster;
let c: Cluster;
const servers: ReferenceServer[] = [];

beforeAll(() => {
  const infos = inject("clusters");
  [a, b, c] = infos.map(attach) as [Cluster, Cluster, Cluster];
});
afterAll(async () => {
  await Promise.all(servers.map((s) => s.close()));
});

async function start(stateless = false) {
  const s = createReferenceServer({ port: 0, stateless, logLevel: "silent" });
  servers.push(s);
  return s.listen();
}

const hostOf = (cl: Cluster) => new URL(cl.server).host;
const IDENTITY_ARGS = {
  apiVersion: "v1",
  kind: "ConfigMap",
  namespace: "conformance",
  name: "cluster-identity",
};

describe.each([
  ["stateful", false],
  ["stateless", true],
] as const)("reference server (%s)", (_mode, stateless) => {
  it.each(["token", "cert"] as const)(
    "a %s identity reaches its cluster as itself (audit log)",
    async (kind) => {
      const url = await start(stateless);
      const id = kind === "token" ? await a.mintTokenIdentity() : await a.mintCertIdentity();
      const session = await McpSession.http(url);
      try {
        const marks = await Promise.all([a, b, c].map((cl) => cl.audit.mark()));
        const pods = await session.call(
          "pods_list_in_namespace",
          { namespace: "conformance" },
          { headers: id.headers },
        );
        expect(pods.isError, pods.text).toBe(false);
        expect(pods.text).toContain("fixture-pod-1");
        expect(pods.text).toContain(hostOf(a));
        const who = await session.call("whoami", {}, { headers: id.headers });
        expect(who.text).toContain(id.user);
        const [onA, onB, onC] = await Promise.all(
          [a, b, c].map((cl, i) => cl.audit.settled(marks[i] as never)),
        );
        assertAllBy(onA ?? [], id.user, "cluster A");
        expect(onA?.map((e) => e.requestURI)).toContain("/api/v1/namespaces/conformance/pods");
        assertNone(onB ?? [], "cluster B");
        assertNone(onC ?? [], "cluster C");
      } finally {
        await session.close();
      }
    },
  );

  it("switches A → B → A within one session; each call lands on its own cluster", async () => {
    const url = await start(stateless);
    const [idA, idB] = await Promise.all([a.mintTokenIdentity(), b.mintCertIdentity()]);
    const session = await McpSession.http(url);
    try {
      const [markA, markB] = await Promise.all([a.audit.mark(), b.audit.mark()]);
      const seen: string[] = [];
      for (const id of [idA, idB, idA]) {
        const r = await session.call("resources_get", IDENTITY_ARGS, { headers: id.headers });
        expect(r.isError, r.text).toBe(false);
        const hasA = r.text.includes(a.info.identityUid ?? "?") && r.text.includes(hostOf(a));
        const hasB = r.text.includes(b.info.identityUid ?? "?") && r.text.includes(hostOf(b));
        seen.push(hasA && !hasB ? "A" : hasB && !hasA ? "B" : "mixed");
      }
      expect(seen).toEqual(["A", "B", "A"]);
      const onA = await a.audit.settled(markA);
      const onB = await b.audit.settled(markB);
      assertAllBy(onA, idA.user, "cluster A");
      assertAllBy(onB, idB.user, "cluster B");
      // Discovery requests may come along; the object reads are what count.
      const reads = (evs: typeof onA) =>
        evs.filter((e) => e.requestURI.endsWith("/configmaps/cluster-identity"));
      expect(reads(onA)).toHaveLength(2);
      expect(reads(onB)).toHaveLength(1);
    } finally {
      await session.close();
    }
  });
});

describe("TLS and ambient credentials", () => {
  it("a wrong CA fails TLS verification and no request reaches the API server", async () => {
    const url = await start();
    const id = await a.mintTokenIdentity();
    const session = await McpSession.http(url);
    try {
      const mark = await a.audit.mark();
      const r = await session.call(
        "namespaces_list",
        {},
        { headers: { ...id.headers, "kubernetes-certificate-authority-data": b.caHeader } },
      );
      expect(r.isError).toBe(true);
      expect(r.code).toBe("tls-verification-failed");
      assertNone(await a.audit.settled(mark), "cluster A");
      // Premise: the same identity with the right CA works.
      const ok = await session.call("namespaces_list", {}, { headers: id.headers });
      expect(ok.isError, ok.text).toBe(false);
    } finally {
      await session.close();
    }
  });
});
