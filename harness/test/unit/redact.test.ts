import { generateKeyPairSync } from "node:crypto";
import { describe, expect, it } from "vitest";
import { REDACTED, redactAll, redactData, redactPatterns, SecretRegistry } from "../../src/report/redact.js";

const PEM_KEY = `-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgabcdefghijklmnopqrstuvwxyz0123456789
ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789ABCDEF
-----END PRIVATE KEY-----
`;

describe("secret registry", () => {
  it("scrubs registered values and the bare token of a Bearer header", () => {
    const r = new SecretRegistry();
    r.add("Bearer tok-1234567890abcdef");
    expect(r.scrub("sent Bearer tok-1234567890abcdef")).toBe(`sent ${REDACTED}`);
    expect(r.scrub("token=tok-1234567890abcdef;")).toBe(`token=${REDACTED};`);
    expect(r.leaks("nothing here")).toEqual([]);
    expect(r.leaks("x tok-1234567890abcdef").length).toBeGreaterThan(0);
  });

  it("scrubs base64 of a PEM, the PEM itself and its body lines", () => {
    const r = new SecretRegistry();
    const b64 = Buffer.from(PEM_KEY).toString("base64");
    r.add(b64);
    expect(r.scrub(`header: ${b64}`)).toBe(`header: ${REDACTED}`);
    expect(r.scrub(`log: ${PEM_KEY}`)).not.toContain("MIGHAgEAMBMG");
    const line = PEM_KEY.split("\n")[2] ?? "";
    expect(r.scrub(`fragment ${line}`)).toBe(`fragment ${REDACTED}`);
  });

  it("ignores short values that would scrub ordinary words", () => {
    const r = new SecretRegistry();
    r.add("abc");
    r.add("");
    expect(r.size).toBe(0);
    expect(r.scrub("abc")).toBe("abc");
  });

  it("loads secrets appended by workers and skips torn lines", async () => {
    const { mkdtempSync, writeFileSync } = await import("node:fs");
    const { join } = await import("node:path");
    const { tmpdir } = await import("node:os");
    const p = join(mkdtempSync(join(tmpdir(), "redact-")), "s.ndjson");
    writeFileSync(p, `${JSON.stringify("secret-value-one")}\n{torn\n${JSON.stringify("secret-value-two")}\n`);
    const r = new SecretRegistry();
    r.loadFile(p);
    expect(r.scrub("secret-value-one secret-value-two")).toBe(`${REDACTED} ${REDACTED}`);
  });
});

describe("pattern redaction", () => {
  it("redacts bearer tokens, JWTs and private keys of unknown origin", () => {
    const jwt = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJzeXN0ZW0ifQ.c2lnbmF0dXJlLXNpZ25hdHVyZQ";
    expect(redactPatterns(`Authorization: Bearer abcdefghijkl`)).toBe(`Authorization: Bearer ${REDACTED}`);
    expect(redactPatterns(`t=${jwt}`)).toBe(`t=${REDACTED}`);
    expect(redactPatterns(PEM_KEY)).not.toContain("MIGHAgEA");
    expect(redactAll("plain text")).toBe("plain text");
  });
});

describe("secrets in other forms (a provider that re-encodes what it was sent)", () => {
  const key = generateKeyPairSync("ec", { namedCurve: "P-256" }).privateKey.export({
    type: "pkcs8",
    format: "pem",
  }) as string;
  const der = Buffer.from(key.replace(/-----[^-]+-----|\s/g, ""), "base64");
  const token =
    "eyJhbGciOiJSUzI1NiIsImtpZCI6InRlc3QifQ.eyJzdWIiOiJzeXN0ZW06c2VydmljZWFjY291bnQ6YWxpY2UifQ.QmFzZTY0U2lnbmF0dXJlT2ZUaGVUb2tlbl9hYmNkZWZnaGlqa2xtbm9wcXJzdHV2d3h5ejAxMjM0NTY3ODk";
  const headerValue = Buffer.from(key).toString("base64");
  const r = new SecretRegistry();
  r.add(`Bearer ${token}`);
  r.add(headerValue);
  const b64 = (s: string | Buffer) => Buffer.from(s).toString("base64");
  const leaks: Record<string, string> = {
    "token as base64": b64(token),
    "token as hex": Buffer.from(token).toString("hex"),
    "token reversed": [...token].reverse().join(""),
    "token's signature alone": token.split(".")[2] ?? "",
    "token inside base64 at an odd offset": b64(`x:${token}`),
    "key as DER hex": der.toString("hex"),
    "first 60 bytes of the key's DER in hex": der.subarray(0, 60).toString("hex"),
    "key DER in upper-case hex": der.toString("hex").toUpperCase(),
    "key URL-encoded": encodeURIComponent(key),
    "key header value base64 of base64": b64(headerValue),
    "key header value line-wrapped": headerValue.replace(/(.{64})/g, "$1\n  "),
    "key PEM with CRLF": key.replace(/\n/g, "\r\n"),
  };
  for (const [form, leak] of Object.entries(leaks)) {
    it(`scrubs the ${form}`, () => {
      // the words around the leak are kept apart by characters no encoding uses: a word such as
      // "after" could otherwise continue a hex or base64 form by chance and be redacted with it
      const out = r.scrub(`before —— ${leak} —— after`);
      expect(out).toMatch(/^before —— .*\[REDACTED\].* —— after$/s);
      // nothing of the leak longer than a fragment survives
      const kept = out
        .replace(/^before —— |\s*—— after$/g, "")
        .split(REDACTED)
        .join("");
      expect(kept.replace(/\s+/g, "").length, kept).toBeLessThan(24);
    });
  }

  it("leaves ordinary text alone", () => {
    const text = "the target answered 403 Forbidden for namespaces_list on cluster B";
    expect(r.scrub(text)).toBe(text);
  });
});

describe("redaction of data before rendering", () => {
  it("redacts each value on its own: a key header in one value and its end in another swallow nothing between", () => {
    const doc = {
      a: "-----BEGIN RSA PRIVATE KEY----- <x onfocus=alert(1) autofocus",
      b: '"><img src=x>',
      c: "-----END RSA PRIVATE KEY-----",
    };
    expect(redactData(doc)).toEqual(doc);
    expect(JSON.parse(JSON.stringify(redactData(doc)))).toEqual(doc);
  });

  it("scrubs registered secrets in every string, keys included, and keeps the shape", () => {
    const r = new SecretRegistry();
    r.add("secret-value-0123456789");
    const doc = { list: ["x secret-value-0123456789 y", 3, null], "secret-value-0123456789": { n: 1 } };
    expect(redactData(doc, r)).toEqual({ list: [`x ${REDACTED} y`, 3, null], [REDACTED]: { n: 1 } });
  });
});
