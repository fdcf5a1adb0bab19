// The Kubernetes API mocked with msw: msw's interceptor patches node:https, so it also
// catches requests made with our per-tuple https.Agent (it never performs the TLS handshake;
// TLS itself is covered against a real loopback server in upstream-tls.test.ts).
import { HttpResponse, http } from "msw";
import { setupServer } from "msw/node";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { runCall } from "../../src/call/run-call.js";
import { fingerprint, parseCertificates } from "../../src/request/pem.js";
import { clusterHeaderLines } from "../../src/request/raw-headers.js";
import { defineTool } from "../../src/tools/tool.js";
import { HEADER } from "../../src/wire/constants.js";
import { call, codeOf, textOf } from "./helpers/call.js";
import { testDeps } from "./helpers/deps.js";
import { pem, TOKEN_A, tokenFields } from "./helpers/fixtures.js";

const API = "https://127.0.0.1:6443";
const seen: Array<{ method: string; url: string; authorization: string | null; body?: unknown }> = [];
const mock = setupServer();

beforeAll(() => mock.listen({ onUnhandledRequest: "error" }));
afterEach(() => {
  mock.resetHandlers();
  seen.length = 0;
});
afterAll(() => mock.close());

function record(request: Request, body?: unknown) {
  seen.push({
    method: request.method,
    url: request.url,
    authorization: request.headers.get("authorization"),
    body,
  });
}

const ns = (name: string) => ({
  metadata: { name, creationTimestamp: "2024-01-01T00:00:00Z" },
  status: { phase: "Active" },
});
const pod = (namespace: string, name: string) => ({
  metadata: { namespace, name, creationTimestamp: "2024-01-01T00:00:00Z", managedFields: [{ manager: "x" }] },
  status: { phase: "Running" },
});

const caFp = fingerprint((parseCertificates(pem("ca-a.crt")) ?? [])[0] as never);

describe("tools against a mocked API server", () => {
  it("namespaces_list: origin line, table and structuredContent", async () => {
    mock.use(
      http.get(`${API}/api/v1/namespaces`, ({ request }) => {
        record(request);
        return HttpResponse.json({ kind: "NamespaceList", items: [ns("default"), ns("kube-system")] });
      }),
    );
    const r = await call(testDeps(), { headers: tokenFields(API) });
    expect(codeOf(r)).toBe("ok");
    const lines = textOf(r).split("\n");
    expect(lines[0]).toBe(`cluster: 127.0.0.1:6443 ca:sha256:${caFp}`);
    expect(lines[1]).toMatch(/^NAME\s+STATUS\s+AGE$/);
    expect(textOf(r)).toContain("kube-system");
    expect(r.structuredContent).toMatchObject({
      cluster: { server: API, host: "127.0.0.1:6443", caFingerprint: `sha256:${caFp}` },
      items: [{ metadata: { name: "default" } }, { metadata: { name: "kube-system" } }],
    });
    expect(seen[0]?.authorization).toBe(`Bearer ${TOKEN_A}`);
  });

  it("pods_list passes labelSelector and strips managedFields", async () => {
    mock.use(
      http.get(`${API}/api/v1/pods`, ({ request }) => {
        record(request);
        return HttpResponse.json({ items: [pod("a", "web-1")] });
      }),
    );
    const r = await call(testDeps(), {
      tool: "pods_list",
      args: { labelSelector: "app=web" },
      headers: tokenFields(API),
    });
    expect(codeOf(r)).toBe("ok");
    expect(new URL(seen[0]?.url ?? "").searchParams.get("labelSelector")).toBe("app=web");
    expect(textOf(r)).toMatch(/a\s+web-1\s+Running/);
    expect(JSON.stringify(r.structuredContent)).not.toContain("managedFields");
  });

  it("pods_list_in_namespace requires namespace ([invalid-argument]) and lists it", async () => {
    mock.use(
      http.get(`${API}/api/v1/namespaces/team-a/pods`, ({ request }) => {
        record(request);
        return HttpResponse.json({ items: [pod("team-a", "api-0")] });
      }),
    );
    expect(
      codeOf(await call(testDeps(), { tool: "pods_list_in_namespace", headers: tokenFields(API) })),
    ).toBe("invalid-argument");
    expect(seen).toHaveLength(0);
    const r = await call(testDeps(), {
      tool: "pods_list_in_namespace",
      args: { namespace: "team-a" },
      headers: tokenFields(API),
    });
    expect(textOf(r)).toContain("api-0");
  });

  it("pods_get defaults to the default namespace and returns YAML", async () => {
    mock.use(
      http.get(`${API}/api/v1/namespaces/default/pods/web`, ({ request }) => {
        record(request);
        return HttpResponse.json(pod("default", "web"));
      }),
    );
    const r = await call(testDeps(), { tool: "pods_get", args: { name: "web" }, headers: tokenFields(API) });
    expect(codeOf(r)).toBe("ok");
    expect(textOf(r)).toContain("name: web");
    expect(r.structuredContent).toMatchObject({ item: { metadata: { name: "web" } } });
  });

  it("resources_list and resources_get discover the REST resource per call", async () => {
    mock.use(
      http.get(`${API}/apis/apps/v1`, ({ request }) => {
        record(request);
        return HttpResponse.json({
          resources: [
            { name: "deployments", kind: "Deployment", namespaced: true },
            { name: "deployments/scale", kind: "Scale", namespaced: true },
          ],
        });
      }),
      http.get(`${API}/apis/apps/v1/namespaces/prod/deployments`, ({ request }) => {
        record(request);
        return HttpResponse.json({ items: [{ metadata: { namespace: "prod", name: "web" } }] });
      }),
      http.get(`${API}/apis/apps/v1/namespaces/prod/deployments/web`, ({ request }) => {
        record(request);
        return HttpResponse.json({ kind: "Deployment", metadata: { namespace: "prod", name: "web" } });
      }),
      http.get(`${API}/api/v1`, ({ request }) => {
        record(request);
        return HttpResponse.json({ resources: [{ name: "nodes", kind: "Node", namespaced: false }] });
      }),
      http.get(`${API}/api/v1/nodes`, ({ request }) => {
        record(request);
        return HttpResponse.json({ items: [{ metadata: { name: "node-1" } }] });
      }),
    );
    const deps = testDeps();
    const list = await call(deps, {
      tool: "resources_list",
      args: { apiVersion: "apps/v1", kind: "Deployment", namespace: "prod" },
      headers: tokenFields(API),
    });
    expect(codeOf(list)).toBe("ok");
    expect(list.structuredContent).toMatchObject({
      items: [{ kind: "Deployment", metadata: { name: "web" } }],
    });
    const get = await call(deps, {
      tool: "resources_get",
      args: { apiVersion: "apps/v1", kind: "Deployment", namespace: "prod", name: "web" },
      headers: tokenFields(API),
    });
    expect(textOf(get)).toContain("kind: Deployment");
    const nodes = await call(deps, {
      tool: "resources_list",
      args: { apiVersion: "v1", kind: "Node" },
      headers: tokenFields(API),
    });
    expect(textOf(nodes)).toContain("node-1");
    const unknown = await call(deps, {
      tool: "resources_list",
      args: { apiVersion: "v1", kind: "Nope" },
      headers: tokenFields(API),
    });
    expect(codeOf(unknown)).toBe("not-found");
    const bad = await call(deps, {
      tool: "resources_list",
      args: { apiVersion: "../x", kind: "Pod" },
      headers: tokenFields(API),
    });
    expect(codeOf(bad)).toBe("invalid-argument");
  });

  it("events_list lists all or one namespace", async () => {
    mock.use(
      http.get(`${API}/api/v1/events`, ({ request }) => {
        record(request);
        return HttpResponse.json({
          items: [
            {
              metadata: { namespace: "a", name: "e1" },
              type: "Warning",
              reason: "BackOff",
              message: "restarting",
              involvedObject: { kind: "Pod", name: "web" },
            },
          ],
        });
      }),
      http.get(`${API}/api/v1/namespaces/a/events`, ({ request }) => {
        record(request);
        return HttpResponse.json({ items: [] });
      }),
    );
    const all = await call(testDeps(), { tool: "events_list", headers: tokenFields(API) });
    expect(textOf(all)).toMatch(/Warning\s+BackOff\s+Pod\/web\s+restarting/);
    const one = await call(testDeps(), {
      tool: "events_list",
      args: { namespace: "a" },
      headers: tokenFields(API),
    });
    expect(textOf(one)).toContain("No resources found.");
    expect(seen.map((s) => new URL(s.url).pathname)).toEqual([
      "/api/v1/events",
      "/api/v1/namespaces/a/events",
    ]);
  });

  it("whoami POSTs a SelfSubjectReview", async () => {
    mock.use(
      http.post(`${API}/apis/authentication.k8s.io/v1/selfsubjectreviews`, async ({ request }) => {
        const body = await request.json();
        record(request, body);
        return HttpResponse.json(
          { status: { userInfo: { username: "alice", groups: ["devs"] } } },
          { status: 201 },
        );
      }),
    );
    const r = await call(testDeps(), { tool: "whoami", headers: tokenFields(API) });
    expect(codeOf(r)).toBe("ok");
    expect(seen[0]?.body).toEqual({ apiVersion: "authentication.k8s.io/v1", kind: "SelfSubjectReview" });
    expect(textOf(r)).toContain("username: alice");
    expect(r.structuredContent).toMatchObject({ user: { username: "alice" } });
  });
});

describe("error mapping (AH-AUTH-3, AH-ERR-1/3, AH-SEC-1)", () => {
  it.each([
    [401, "unauthorized"],
    [403, "forbidden"],
    [404, "not-found"],
    [500, "upstream-error"],
    [503, "upstream-error"],
    [307, "upstream-error"],
  ])("status %i → [%s], one request, no retry", async (status, code) => {
    mock.use(
      http.get(`${API}/api/v1/namespaces`, ({ request }) => {
        record(request);
        return HttpResponse.json(
          { kind: "Status", message: `failure for Bearer ${TOKEN_A}` },
          { status, headers: status === 307 ? { location: "https://127.0.0.2/" } : {} },
        );
      }),
    );
    const r = await call(testDeps(), { headers: tokenFields(API) });
    expect(r.isError).toBe(true);
    expect(codeOf(r)).toBe(code);
    expect(textOf(r)).not.toContain(TOKEN_A);
    expect(textOf(r)).not.toMatch(/\n\s+at /);
    expect(seen).toHaveLength(1);
  });

  it("upstream messages quoting the token are scrubbed even without the Bearer prefix", async () => {
    mock.use(
      http.get(`${API}/api/v1/namespaces`, () =>
        HttpResponse.json({ message: `bad token ${TOKEN_A}` }, { status: 401 }),
      ),
    );
    const r = await call(testDeps(), { headers: tokenFields(API) });
    expect(textOf(r)).toContain("[redacted]");
    expect(textOf(r)).not.toContain(TOKEN_A);
  });

  it("a network error without a Node error code is [upstream-error], scrubbed", async () => {
    mock.use(http.get(`${API}/api/v1/namespaces`, () => HttpResponse.error()));
    const r = await call(testDeps(), { headers: tokenFields(API) });
    expect(codeOf(r)).toBe("upstream-error");
    expect(textOf(r)).not.toContain(TOKEN_A);
  });

  it("a tool that fails on an answer yields an [upstream-error] result, not a protocol error", async () => {
    mock.use(http.get(`${API}/api/v1/namespaces`, () => HttpResponse.json({ items: [] })));
    const broken = defineTool({
      name: "broken",
      description: "x",
      inputSchema: { type: "object", properties: {} },
      args: z.object({}),
      async run(_args, kube) {
        await kube({ method: "GET", path: "/api/v1/namespaces" });
        throw new TypeError(`cannot read ${TOKEN_A}`);
      },
    });
    const deps = testDeps();
    const r = await runCall(
      {
        tool: broken,
        args: {},
        meta: undefined,
        headerLines: clusterHeaderLines(Object.entries(tokenFields(API)).flat()),
        requestId: 1,
      },
      deps,
    );
    expect(codeOf(r)).toBe("upstream-error");
    expect(textOf(r)).not.toContain(TOKEN_A);
    expect(deps.log.lines().at(-1)).toMatchObject({ outcome: "upstream-error" });
  });

  it("validation failures contact nothing (AH-HDR, AH-SRC-4)", async () => {
    mock.use(
      http.all("*", ({ request }) => {
        record(request);
        return HttpResponse.json({});
      }),
    );
    const deps = testDeps({ allowedServers: ["127.0.0.9"] });
    const { [HEADER.authorization]: _a, ...noAuth } = tokenFields(API);
    expect(codeOf(await call(deps, { headers: {} }))).toBe("missing-header");
    // The allowlist is asked before the credential is looked at (cheap refusals first).
    expect(codeOf(await call(deps, { headers: noAuth }))).toBe("server-not-allowed");
    expect(codeOf(await call(testDeps(), { headers: noAuth }))).toBe("missing-header");
    expect(codeOf(await call(deps, { headers: tokenFields(API) }))).toBe("server-not-allowed");
    expect(codeOf(await call(deps, { headers: tokenFields("https://169.254.169.254") }))).toBe(
      "server-not-allowed",
    );
    expect(seen).toHaveLength(0);
  });

  it("the next call after an error is served (AH-HDR-10)", async () => {
    mock.use(http.get(`${API}/api/v1/namespaces`, () => HttpResponse.json({ items: [] })));
    const deps = testDeps();
    expect(codeOf(await call(deps, { headers: { ...tokenFields(API), [HEADER.server]: "nope" } }))).toBe(
      "invalid-header",
    );
    expect(codeOf(await call(deps, { headers: tokenFields(API) }))).toBe("ok");
  });

  it("each result names its own cluster after a switch (AH-ORIGIN-2)", async () => {
    mock.use(
      http.get(`${API}/api/v1/namespaces`, () => HttpResponse.json({ items: [ns("from-a")] })),
      http.get("https://localhost:7443/api/v1/namespaces", () =>
        HttpResponse.json({ items: [ns("from-b")] }),
      ),
    );
    const deps = testDeps();
    const a = await call(deps, { headers: tokenFields(API) });
    const b = await call(deps, { headers: tokenFields("https://localhost:7443", "other", "ca-b.crt") });
    const a2 = await call(deps, { headers: tokenFields(API) });
    expect(textOf(a).split("\n")[0]).toContain("127.0.0.1:6443");
    expect(textOf(b).split("\n")[0]).toMatch(/^cluster: localhost:7443 ca:sha256:[0-9a-f]{16}$/);
    expect(textOf(b)).not.toContain("127.0.0.1");
    expect(textOf(b)).toContain("from-b");
    expect(textOf(a2)).toContain("from-a");
  });
});
