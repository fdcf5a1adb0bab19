// Units of the @load/@fault/@fuzz helpers: percentiles, the seeded PRNG, the
// fuzz generators' network guard (every server value must stay on loopback).
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  type FuzzMaterial,
  fuzzCase,
  guardLoopback,
  headerSafe,
  reachesOnlyLoopback,
} from "../../src/fuzz/arbitraries.js";
import { percentile, prng, runPool, summarize } from "../../src/load/stats.js";

describe("stats", () => {
  it("nearest-rank percentiles", () => {
    const xs = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(percentile(xs, 50)).toBe(50);
    expect(percentile(xs, 99)).toBe(99);
    expect(percentile([7], 99)).toBe(7);
    expect(summarize([3, 1, 2], 1000).callsPerSec).toBe(3);
  });

  it("the PRNG replays from its seed", () => {
    const a = prng(42);
    const b = prng(42);
    expect(Array.from({ length: 5 }, a)).toEqual(Array.from({ length: 5 }, b));
  });

  it("runPool bounds concurrency and count", async () => {
    let inFlight = 0;
    let peak = 0;
    const started = await runPool(50, 4, async () => {
      inFlight++;
      peak = Math.max(peak, inFlight);
      await new Promise((r) => setTimeout(r, 1));
      inFlight--;
    });
    expect(started).toBe(50);
    expect(peak).toBeLessThanOrEqual(4);
  });
});

describe("fuzz network guard", () => {
  it("refuses anything that could leave loopback", () => {
    for (const ok of [
      "https://127.0.0.1:1",
      "https://[::1]:6443/x",
      "https://localhost:6443",
      "garbage",
      "ftp://x.y",
    ])
      expect(reachesOnlyLoopback(ok), ok).toBe(true);
    for (const bad of [
      "https://example.com",
      "\u00a0https://example.com",
      "https://127.0.0.1:1, https://example.com",
      " http://10.0.0.1 ",
      "https://exa\tmple.com",
    ])
      expect(reachesOnlyLoopback(bad), bad).toBe(false);
  });

  it("after guardLoopback, no generated server value can leave loopback (2,000 cases)", () => {
    const m: FuzzMaterial = {
      servers: ["https://127.0.0.1:6443", "https://localhost:6443"],
      caB64: Buffer.from("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n").toString("base64"),
      otherCaB64: Buffer.from("x").toString("base64"),
      certB64: Buffer.from("-----BEGIN CERTIFICATE-----\nBBBB\n-----END CERTIFICATE-----\n").toString(
        "base64",
      ),
      keyB64: Buffer.from("-----BEGIN PRIVATE KEY-----\nCCCC\n-----END PRIVATE KEY-----\n").toString(
        "base64",
      ),
      otherKeyB64: Buffer.from("-----BEGIN PRIVATE KEY-----\nDDDD\n-----END PRIVATE KEY-----\n").toString(
        "base64",
      ),
      tokens: ["token-0123456789abcdef"],
    };
    fc.assert(
      fc.property(fuzzCase(m), (c) => {
        const g = guardLoopback(c);
        for (const [n, v] of g.headers)
          if (n.toLowerCase() === "kubernetes-server") expect(reachesOnlyLoopback(headerSafe(v))).toBe(true);
        for (const [n, v] of Object.entries(g.meta ?? {}))
          if (n.toLowerCase() === "kubernetes-server") expect(reachesOnlyLoopback(v)).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });
});
