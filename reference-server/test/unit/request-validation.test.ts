import { describe, expect, it } from "vitest";
import { ToolError } from "../../src/errors/tool-error.js";
import { clusterHeaderLines } from "../../src/request/raw-headers.js";
import { selectRawTuple } from "../../src/request/source.js";
import { validateTuple } from "../../src/request/validate.js";
import { ERROR_CODE, HEADER } from "../../src/wire/constants.js";
import { b64, certFields, TOKEN_A, tokenFields } from "./helpers/fixtures.js";

const SERVER = "https://127.0.0.1:6443";
const opts = { allowPlainHttp: false, allowInsecureTls: false, maxValueBytes: 128 * 1024 };

function raw(fields: Record<string, string>): string[] {
  return Object.entries(fields).flat();
}

function fromHeaders(fields: Record<string, string> | string[], o: Partial<typeof opts> = {}) {
  const rawHeaders = Array.isArray(fields) ? fields : raw(fields);
  const all = { ...opts, ...o };
  return validateTuple(selectRawTuple({ meta: undefined, headerLines: clusterHeaderLines(rawHeaders) }), all);
}

function fromMeta(meta: Record<string, unknown>, headers: Record<string, string> = {}) {
  return validateTuple(selectRawTuple({ meta, headerLines: clusterHeaderLines(raw(headers)) }), opts);
}

function errorOf(fn: () => unknown): ToolError {
  try {
    fn();
  } catch (err) {
    if (err instanceof ToolError) return err;
    throw err;
  }
  throw new Error("expected a ToolError");
}

describe("source selection (AH-SRC-1/2)", () => {
  it("takes headers when _meta has no kubernetes-* key", () => {
    const t = fromMeta({ progressToken: 1 }, tokenFields(SERVER));
    expect(t.server.host).toBe("127.0.0.1:6443");
    expect(t.auth).toEqual({ kind: "token", token: TOKEN_A });
  });

  it("takes _meta as a whole when it has any kubernetes-* key, ignoring headers", () => {
    const t = fromMeta(tokenFields("https://10.0.0.1:6443", "meta-token"), tokenFields(SERVER));
    expect(t.server.host).toBe("10.0.0.1:6443");
    expect(t.auth).toEqual({ kind: "token", token: "meta-token" });
  });

  it("matches the _meta prefix case-insensitively", () => {
    const meta = Object.fromEntries(
      Object.entries(tokenFields(SERVER, "m")).map(([k, v]) => [k.toUpperCase(), v]),
    );
    expect(fromMeta(meta).auth).toEqual({ kind: "token", token: "m" });
  });

  it("never fills a field missing from _meta with a header (no merging)", () => {
    const { [HEADER.authorization]: _a, ...partial } = tokenFields(SERVER);
    const err = errorOf(() => fromMeta(partial, tokenFields(SERVER)));
    expect(err.code).toBe(ERROR_CODE.missingHeader);
    expect(err.message).toContain(HEADER.authorization);
  });

  it("a _meta with only an unknown kubernetes-* key still makes _meta the source", () => {
    const err = errorOf(() => fromMeta({ "kubernetes-foo": "x" }, tokenFields(SERVER)));
    expect(err.code).toBe(ERROR_CODE.missingHeader);
    expect(err.message).toContain(HEADER.server);
  });

  it("an invalid _meta value is an error, never a reason to use headers", () => {
    const meta = { ...tokenFields(SERVER), [HEADER.authorization]: "Basic abc" };
    const err = errorOf(() => fromMeta(meta, tokenFields(SERVER)));
    expect(err.code).toBe(ERROR_CODE.invalidHeader);
  });

  it.each([42, true, null, { a: 1 }, ["x"]])(
    "non-string _meta value %j is [invalid-header] naming the key (AH-SRC-6)",
    (v) => {
      const err = errorOf(() =>
        fromMeta({ ...tokenFields(SERVER), [HEADER.server]: v }, tokenFields(SERVER)),
      );
      expect(err.code).toBe(ERROR_CODE.invalidHeader);
      expect(err.message).toContain(HEADER.server);
    },
  );

  it("no source at all is [missing-header] for kubernetes-server (AH-SRC-4)", () => {
    const err = errorOf(() => fromHeaders({}));
    expect(err.code).toBe(ERROR_CODE.missingHeader);
    expect(err.message).toContain(HEADER.server);
  });
});

describe("duplicates (AH-HDR-8)", () => {
  it("repeated header lines are [invalid-header]", () => {
    const lines = [...raw(tokenFields(SERVER)), HEADER.server, "https://127.0.0.2:6443"];
    const err = errorOf(() => fromHeaders(lines));
    expect(err.code).toBe(ERROR_CODE.invalidHeader);
    expect(err.message).toContain(HEADER.server);
  });

  it("repeated lines differing in case are still duplicates", () => {
    const lines = [...raw(tokenFields(SERVER)), "Kubernetes-Authorization", `Bearer ${TOKEN_A}`];
    expect(errorOf(() => fromHeaders(lines)).code).toBe(ERROR_CODE.invalidHeader);
  });

  it("comma-joined values are [invalid-header]", () => {
    const f = { ...tokenFields(SERVER), [HEADER.authorization]: "Bearer a, Bearer b" };
    const err = errorOf(() => fromHeaders(f));
    expect(err.code).toBe(ERROR_CODE.invalidHeader);
    expect(err.message).toContain(HEADER.authorization);
  });

  // Issue 10 item 8: the Kelvin sign (U+212A) lower-cases to "k" in Unicode, never in ASCII.
  it("matches _meta keys ASCII-case-insensitively only: a Kelvin-sign key is not kubernetes-*", () => {
    const kelvin = "\u212Aubernetes-authorization";
    const { [HEADER.authorization]: _token, ...rest } = tokenFields(SERVER);
    const err = errorOf(() => fromMeta({ ...rest, [kelvin]: `Bearer ${TOKEN_A}` }));
    expect(err.code).toBe(ERROR_CODE.missingHeader);
    expect(err.message).toContain(HEADER.authorization);
    // Alone it does not make _meta the source either: the headers are used.
    const t = fromMeta({ "\u212Aubernetes-server": "https://10.0.0.1:6443" }, tokenFields(SERVER));
    expect(t.server.href).toBe(`${SERVER}/`);
  });

  it("_meta keys differing only in case are duplicates", () => {
    const meta = { ...tokenFields(SERVER), "Kubernetes-Server": SERVER };
    expect(errorOf(() => fromMeta(meta)).code).toBe(ERROR_CODE.invalidHeader);
  });
});

describe("kubernetes-server (AH-HDR-1/2)", () => {
  it.each([
    ["not a url", ERROR_CODE.invalidHeader],
    ["ftp://127.0.0.1", ERROR_CODE.invalidHeader],
    ["https://user:pw@127.0.0.1:6443", ERROR_CODE.invalidHeader],
    ["https://127.0.0.1:6443/?x=1", ERROR_CODE.invalidHeader],
    ["https://127.0.0.1:6443/#frag", ERROR_CODE.invalidHeader],
    ["/relative", ERROR_CODE.invalidHeader],
    ["http://127.0.0.1:8080", ERROR_CODE.invalidHeader],
    ["", ERROR_CODE.invalidHeader],
  ])("%j → %s", (server, code) => {
    const err = errorOf(() => fromHeaders({ ...tokenFields(SERVER), [HEADER.server]: server }));
    expect(err.code).toBe(code);
    expect(err.message).toContain(HEADER.server);
  });

  it("accepts a path prefix", () => {
    expect(fromHeaders(tokenFields("https://127.0.0.1:6443/proxy/c1")).server.pathname).toBe("/proxy/c1");
  });

  it("accepts http:// only with the opt-in", () => {
    expect(fromHeaders(tokenFields("http://127.0.0.1:8080"), { allowPlainHttp: true }).server.protocol).toBe(
      "http:",
    );
  });
});

describe("CA and TLS options (AH-HDR-3/7, AH-TLS-3/4)", () => {
  it("missing CA is [missing-header]", () => {
    const { [HEADER.certificateAuthorityData]: _c, ...f } = tokenFields(SERVER);
    const err = errorOf(() => fromHeaders(f));
    expect(err.code).toBe(ERROR_CODE.missingHeader);
    expect(err.message).toContain(HEADER.certificateAuthorityData);
  });

  it.each([
    "!!!not base64!!!",
    Buffer.from("hello").toString("base64"),
    Buffer.from("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n").toString("base64"),
  ])("invalid CA %j is [invalid-header]", (ca) => {
    const err = errorOf(() => fromHeaders({ ...tokenFields(SERVER), [HEADER.certificateAuthorityData]: ca }));
    expect(err.code).toBe(ERROR_CODE.invalidHeader);
    expect(err.message).toContain(HEADER.certificateAuthorityData);
  });

  it("a bundle with a broken second certificate is refused", () => {
    const bundle = Buffer.from(
      `${Buffer.from(b64("ca-a.crt"), "base64").toString()}-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n`,
    ).toString("base64");
    expect(
      errorOf(() => fromHeaders({ ...tokenFields(SERVER), [HEADER.certificateAuthorityData]: bundle })).code,
    ).toBe(ERROR_CODE.invalidHeader);
  });

  it("fingerprints the first CA of a bundle", () => {
    const a = fromHeaders(tokenFields(SERVER)).caFingerprint;
    const bundle = Buffer.from(
      Buffer.from(b64("ca-b.crt"), "base64").toString() + Buffer.from(b64("ca-a.crt"), "base64").toString(),
    ).toString("base64");
    const b = fromHeaders({
      ...tokenFields(SERVER),
      [HEADER.certificateAuthorityData]: bundle,
    }).caFingerprint;
    expect(a).toMatch(/^[0-9a-f]{16}$/);
    expect(b).toMatch(/^[0-9a-f]{16}$/);
    expect(a).not.toBe(b);
  });

  it.each(["yes", "TRUE", "1", ""])("insecure flag %j is [invalid-header]", (v) => {
    const err = errorOf(() => fromHeaders({ ...tokenFields(SERVER), [HEADER.insecureSkipTlsVerify]: v }));
    expect(err.code).toBe(ERROR_CODE.invalidHeader);
    expect(err.message).toContain(HEADER.insecureSkipTlsVerify);
  });

  it("insecure true without the opt-in is refused", () => {
    const { [HEADER.certificateAuthorityData]: _c, ...f } = tokenFields(SERVER);
    const err = errorOf(() => fromHeaders({ ...f, [HEADER.insecureSkipTlsVerify]: "true" }));
    expect(err.code).toBe(ERROR_CODE.invalidHeader);
    expect(err.message).toContain("--allow-insecure-tls");
  });

  it("insecure true with the opt-in and a CA is [conflicting-headers]", () => {
    const err = errorOf(() =>
      fromHeaders(
        { ...tokenFields(SERVER), [HEADER.insecureSkipTlsVerify]: "true" },
        { allowInsecureTls: true },
      ),
    );
    expect(err.code).toBe(ERROR_CODE.conflictingHeaders);
  });

  it("insecure true with the opt-in and no CA is accepted without fingerprint", () => {
    const { [HEADER.certificateAuthorityData]: _c, ...f } = tokenFields(SERVER);
    const t = fromHeaders({ ...f, [HEADER.insecureSkipTlsVerify]: "true" }, { allowInsecureTls: true });
    expect(t.insecureSkipTlsVerify).toBe(true);
    expect(t.caFingerprint).toBeNull();
  });

  it("insecure false keeps verification", () => {
    expect(
      fromHeaders({ ...tokenFields(SERVER), [HEADER.insecureSkipTlsVerify]: "false" }).insecureSkipTlsVerify,
    ).toBe(false);
  });
});

describe("authentication method (AH-HDR-4/5/6)", () => {
  it("no credential is [missing-header]", () => {
    const { [HEADER.authorization]: _a, ...f } = tokenFields(SERVER);
    expect(errorOf(() => fromHeaders(f)).code).toBe(ERROR_CODE.missingHeader);
  });

  it("token and certificate together are [conflicting-headers]", () => {
    const err = errorOf(() =>
      fromHeaders({ ...certFields(SERVER), [HEADER.authorization]: `Bearer ${TOKEN_A}` }),
    );
    expect(err.code).toBe(ERROR_CODE.conflictingHeaders);
  });

  it("half a pair names the missing half", () => {
    const { [HEADER.clientKeyData]: _k, ...noKey } = certFields(SERVER);
    const e1 = errorOf(() => fromHeaders(noKey));
    expect(e1.code).toBe(ERROR_CODE.missingHeader);
    expect(e1.message).toContain(`"${HEADER.clientKeyData}" is required`);
    const { [HEADER.clientCertificateData]: _c, ...noCert } = certFields(SERVER);
    const e2 = errorOf(() => fromHeaders(noCert));
    expect(e2.code).toBe(ERROR_CODE.missingHeader);
    expect(e2.message).toContain(`"${HEADER.clientCertificateData}" is required`);
  });

  it("a key that does not match the certificate is [invalid-header]", () => {
    const err = errorOf(() =>
      fromHeaders({ ...certFields(SERVER), [HEADER.clientKeyData]: b64("other.key") }),
    );
    expect(err.code).toBe(ERROR_CODE.invalidHeader);
    expect(err.message).toContain(HEADER.clientKeyData);
  });

  it("a garbage certificate is [invalid-header]", () => {
    const err = errorOf(() => fromHeaders({ ...certFields(SERVER), [HEADER.clientCertificateData]: "Zm9v" }));
    expect(err.code).toBe(ERROR_CODE.invalidHeader);
    expect(err.message).toContain(HEADER.clientCertificateData);
  });

  it("a valid certificate pair is accepted", () => {
    expect(fromHeaders(certFields(SERVER)).auth.kind).toBe("cert");
  });

  it.each([
    ["Bearer abc", "abc"],
    ["bearer abc", "abc"],
    ["BEARER abc", "abc"],
    ["abc", "abc"],
  ])("%j → token %j", (value, token) => {
    expect(fromHeaders({ ...tokenFields(SERVER), [HEADER.authorization]: value }).auth).toEqual({
      kind: "token",
      token,
    });
  });

  // Issue 10 item 11: only "Bearer" + exactly one ASCII space + token68, or a bare token68.
  it.each([
    ["NBSP", "Bearer\u00a0abc"],
    ["U+2028", "Bearer\u2028abc"],
    ["BOM", "Bearer\ufeffabc"],
    ["TAB", "Bearer\tabc"],
    ["two spaces", "Bearer  abc"],
    ["a comma-free non-token68 character", "Bearer ab:c"],
    ["'=' inside the token", "Bearer a=bc"],
  ])("a separator or token of %s is [invalid-header] in headers and _meta", (_what, v) => {
    for (const err of [
      errorOf(() => fromHeaders({ ...tokenFields(SERVER), [HEADER.authorization]: v })),
      errorOf(() => fromMeta({ ...tokenFields(SERVER), [HEADER.authorization]: v })),
    ]) {
      expect(err.code).toBe(ERROR_CODE.invalidHeader);
      expect(err.message).toContain(HEADER.authorization);
      expect(err.message).not.toContain("abc");
    }
  });

  it.each([
    ["every token68 character", "Bearer AZaz09-._~+/=="],
    ["a JWT", "Bearer eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln"],
  ])("%s is accepted", (_what, v) => {
    expect(fromMeta({ ...tokenFields(SERVER), [HEADER.authorization]: v }).auth.kind).toBe("token");
  });

  it.each(["Basic dXNlcjpwdw==", "Bearer", "Bearer Bearer abc", "Token abc", "Bearer a b"])(
    "%j is [invalid-header]",
    (v) => {
      const err = errorOf(() => fromHeaders({ ...tokenFields(SERVER), [HEADER.authorization]: v }));
      expect(err.code).toBe(ERROR_CODE.invalidHeader);
      expect(err.message).toContain(HEADER.authorization);
    },
  );

  it("header errors never echo the secret value", () => {
    const err = errorOf(() =>
      fromHeaders({ ...tokenFields(SERVER), [HEADER.authorization]: "Basic c2VjcmV0LXZhbHVl" }),
    );
    expect(err.text).not.toContain("c2VjcmV0LXZhbHVl");
  });
});
