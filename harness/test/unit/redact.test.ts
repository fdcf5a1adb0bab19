import { describe, expect, it } from "vitest";
import { REDACTED, redactAll, redactPatterns, SecretRegistry } from "../../src/report/redact.js";

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
