import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { scrub } from "../../src/errors/scrub.js";
import { ToolError } from "../../src/errors/tool-error.js";
import { mapTransportError } from "../../src/errors/upstream-errors.js";
import { createLogger } from "../../src/log/logger.js";
import { originLine, originOf } from "../../src/origin/origin.js";
import { clusterHeaderLines } from "../../src/request/raw-headers.js";
import { selectRawTuple } from "../../src/request/source.js";
import { validateTuple } from "../../src/request/validate.js";
import { ClientPool, tupleKey } from "../../src/upstream/client-pool.js";
import { authorizationHeader, buildPath } from "../../src/upstream/kube-request.js";
import { ERROR_CODE, HEADER } from "../../src/wire/constants.js";
import { call, codeOf, textOf } from "./helpers/call.js";
import { LogCapture, testDeps } from "./helpers/deps.js";
import { certFields, pem, TOKEN_A, tokenFields } from "./helpers/fixtures.js";
import { json, startFakeApiServer } from "./helpers/https-upstream.js";

const opts = { allowPlainHttp: false, allowInsecureTls: false, maxValueBytes: 128 * 1024 };
const target = (fields: Record<string, string>) =>
  validateTuple(
    selectRawTuple({ meta: undefined, headerLines: clusterHeaderLines(Object.entries(fields).flat()) }),
    opts,
  );

describe("origin (AH-ORIGIN-1)", () => {
  it("fingerprint is the first 16 hex of SHA-256 over the CA's DER (matches openssl)", () => {
    // openssl x509 -in ca-a.crt -outform DER | sha256sum | cut -c1-16
    const o = originOf(target(tokenFields("https://127.0.0.1:6443")));
    expect(o).toEqual({
      server: "https://127.0.0.1:6443",
      host: "127.0.0.1:6443",
      caFingerprint: "sha256:63ff9f8844d8174f",
    });
    expect(originLine(o)).toBe("cluster: 127.0.0.1:6443 ca:sha256:63ff9f8844d8174f");
  });

  it("keeps a path prefix in server and omits the default port in host", () => {
    const o = originOf(target(tokenFields("https://api.example/k8s/c1")));
    expect(o.server).toBe("https://api.example/k8s/c1");
    expect(o.host).toBe("api.example");
  });
});

describe("upstream request building", () => {
  it("joins the server path prefix and drops empty query values", () => {
    expect(
      buildPath(new URL("https://h/p/"), {
        method: "GET",
        path: "/api/v1/pods",
        query: { labelSelector: "" },
      }),
    ).toBe("/p/api/v1/pods");
    expect(buildPath(new URL("https://h"), { method: "GET", path: "/api", query: { a: "x=y" } })).toBe(
      "/api?a=x%3Dy",
    );
  });

  it("Authorization is exactly one Bearer for any token (property)", () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[A-Za-z0-9\-._~+/]{1,62}=?$/), (token) => {
        fc.pre(!/^bearer$/i.test(token) && !token.includes(","));
        const t = target({
          ...tokenFields("https://127.0.0.1:6443"),
          [HEADER.authorization]: `Bearer ${token}`,
        });
        expect(authorizationHeader({ target: t, agent: undefined as never })).toBe(`Bearer ${token}`);
      }),
    );
  });

  it('refuses a "." or ".." path segment with [invalid-argument]; names that merely contain dots pass', () => {
    const server = new URL("https://h/prefix/");
    const refused = [
      "/api/v1/namespaces/../pods",
      "/api/v1/namespaces/./pods",
      "/api/v1/namespaces/..",
      "/api/v1/namespaces/.",
      "/api/v1/namespaces/default/pods/..",
      "/apis/../v1",
      "/..",
      "/.",
    ];
    for (const path of refused) {
      let caught: unknown;
      try {
        buildPath(server, { method: "GET", path });
      } catch (err) {
        caught = err;
      }
      expect(caught, path).toBeInstanceOf(ToolError);
      expect((caught as ToolError).code).toBe(ERROR_CODE.invalidArgument);
      expect((caught as ToolError).message).toContain('"."');
    }
    for (const name of ["a..b", ".hidden", "..a", "a..", "...", "a.b.c", "hidden."]) {
      expect(buildPath(server, { method: "GET", path: `/api/v1/namespaces/${name}/pods` })).toBe(
        `/prefix/api/v1/namespaces/${name}/pods`,
      );
    }
    // query values are not path segments
    expect(
      buildPath(server, {
        method: "GET",
        path: "/api/v1/pods",
        query: { fieldSelector: "metadata.name=.." },
      }),
    ).toBe("/prefix/api/v1/pods?fieldSelector=metadata.name%3D..");
  });

  it('a tool given a name of "." or ".." answers [invalid-argument] and sends nothing upstream', async () => {
    const api = await startFakeApiServer({
      handler: (req, res) =>
        req.url?.endsWith("/api/v1")
          ? json(res, 200, { resources: [{ name: "pods", kind: "Pod", namespaced: true }] })
          : json(res, 200, { kind: "Pod", metadata: { name: "p" } }),
    });
    try {
      const headers = tokenFields(api.url);
      for (const spec of [
        { tool: "pods_get", args: { name: ".." } },
        { tool: "pods_get", args: { namespace: ".", name: "p" } },
        { tool: "pods_list_in_namespace", args: { namespace: ".." } },
        { tool: "resources_list", args: { apiVersion: "../v1", kind: "Pod" } },
      ]) {
        const r = await call(testDeps(), { ...spec, headers });
        expect(codeOf(r), JSON.stringify(spec)).toBe("invalid-argument");
        // the apiVersion is refused by the path check, names by AH-ERR-5 naming the argument
        expect(textOf(r)).toMatch(/"\.\."|argument "(name|namespace)"/);
      }
      // AH-ERR-5: a namespace is a DNS-1123 label, so ".hidden" is refused too
      expect(
        codeOf(
          await call(testDeps(), { tool: "pods_get", args: { namespace: ".hidden", name: "p" }, headers }),
        ),
      ).toBe("invalid-argument");
      expect(api.seen).toEqual([]);
      const ok = await call(testDeps(), {
        tool: "pods_get",
        args: { namespace: "hidden", name: "a..b" },
        headers,
      });
      expect(codeOf(ok)).toBe("ok");
      expect(api.seen.map((s) => s.path)).toEqual(["/api/v1/namespaces/hidden/pods/a..b"]);
    } finally {
      await api.close();
    }
  });

  it("no Authorization with a client certificate", () => {
    const t = target(certFields("https://127.0.0.1:6443"));
    expect(authorizationHeader({ target: t, agent: undefined as never })).toBeUndefined();
  });
});

describe("client pool", () => {
  it("keys by the whole tuple: server, CA, credential and TLS options all matter", () => {
    const base = target(tokenFields("https://127.0.0.1:6443"));
    const variants = [
      target(tokenFields("https://127.0.0.1:6444")),
      target(tokenFields("https://127.0.0.1:6443", "other-token")),
      target(tokenFields("https://127.0.0.1:6443", TOKEN_A, "ca-b.crt")),
      target(certFields("https://127.0.0.1:6443")),
      { ...base, insecureSkipTlsVerify: true },
    ];
    const keys = new Set([tupleKey(base), ...variants.map(tupleKey)]);
    expect(keys.size).toBe(variants.length + 1);
    expect(tupleKey(target(tokenFields("https://127.0.0.1:6443")))).toBe(tupleKey(base));
  });

  it("expires idle entries, but never one in use", () => {
    const pool = new ClientPool({ maxEntries: 4, idleMs: 1000 });
    const a = pool.acquire(target(tokenFields("https://127.0.0.1:6443", "a")));
    const b = pool.acquire(target(tokenFields("https://127.0.0.1:6443", "b")));
    b.release();
    pool.sweep(Date.now() + 5000);
    expect(pool.size).toBe(1);
    a.release();
    pool.sweep(Date.now() + 5000);
    expect(pool.size).toBe(0);
    pool.close();
  });
});

describe("scrubbing and transport errors (AH-SEC-1, AH-ERR-3)", () => {
  it("removes known secrets, PEM blocks, bearer tokens and long base64", () => {
    const key = pem("client-alice.key");
    const text = scrub(`a ${TOKEN_A} b ${key} c Bearer xyz d ${"A".repeat(200)}`, [TOKEN_A]);
    expect(text).not.toContain(TOKEN_A);
    expect(text).not.toContain("PRIVATE KEY");
    expect(text).not.toContain("xyz");
    expect(text).not.toContain("A".repeat(200));
  });

  // Issue 10 item 12: the server's own wording is not a secret.
  it("a refusal keeps the server's own wording: only secret values are scrubbed", async () => {
    const r = await call(testDeps(), {
      headers: { ...tokenFields("https://127.0.0.1:1"), [HEADER.authorization]: "Bearer\u00a0x" },
    });
    expect(textOf(r)).toContain('"Bearer <token>"');
    expect(textOf(r)).not.toContain("[redacted]");
    const upstream = scrub(`the server said: Bearer ${TOKEN_A} and Bearer other-token`, [TOKEN_A]);
    expect(upstream).not.toContain(TOKEN_A);
    expect(upstream).not.toContain("other-token");
  });

  it.each([
    [{ name: "TimeoutError" }, "timeout"],
    [{ name: "AbortError" }, "timeout"],
    [{ code: "ECONNREFUSED" }, "unreachable"],
    [{ code: "ENOTFOUND" }, "unreachable"],
    [{ code: "ECONNRESET" }, "unreachable"],
    [{ code: "UNABLE_TO_VERIFY_LEAF_SIGNATURE" }, "tls-verification-failed"],
    [{ code: "SELF_SIGNED_CERT_IN_CHAIN" }, "tls-verification-failed"],
    [{ code: "DEPTH_ZERO_SELF_SIGNED_CERT" }, "tls-verification-failed"],
    [{ code: "ERR_TLS_CERT_ALTNAME_INVALID" }, "tls-verification-failed"],
    [{ code: "ERR_SSL_WRONG_VERSION_NUMBER" }, "tls-verification-failed"],
    [{ message: "weird Bearer abc\n    at foo (x.js:1:1)" }, "upstream-error"],
  ])("%j → [%s] without stack or token", (err, code) => {
    const e = mapTransportError(err, "h:1", 10, ["abc"]);
    expect(e.code).toBe(code);
    expect(e.text).not.toContain("abc");
    expect(e.text).not.toContain(" at foo");
  });
});

describe("logger redaction", () => {
  it("censors credential headers and Authorization if an object carrying them is ever logged", () => {
    const log = new LogCapture();
    const logger = createLogger("info", log);
    logger.info(
      {
        headers: {
          [HEADER.authorization]: `Bearer ${TOKEN_A}`,
          [HEADER.clientKeyData]: "KEYDATA-SECRET",
          [HEADER.clientCertificateData]: "CERTDATA-SECRET",
          authorization: "Bearer HTTP-SECRET",
        },
        req: { authorization: "Bearer NESTED-SECRET" },
      },
      "x",
    );
    for (const s of [TOKEN_A, "KEYDATA-SECRET", "CERTDATA-SECRET", "HTTP-SECRET", "NESTED-SECRET"]) {
      expect(log.text).not.toContain(s);
    }
    expect(log.text).toContain("[redacted]");
  });
});
