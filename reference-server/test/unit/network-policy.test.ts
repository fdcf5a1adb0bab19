import { describe, expect, it } from "vitest";
import { ToolError } from "../../src/errors/tool-error.js";
import { isAlwaysRefused } from "../../src/policy/address.js";
import { parseAllowlist } from "../../src/policy/allowlist.js";
import { NetworkPolicy, systemResolver } from "../../src/policy/network-policy.js";
import { ERROR_CODE } from "../../src/wire/constants.js";
import { loopbackResolver } from "./helpers/deps.js";

function policy(allowedServers?: string[]) {
  const lookups: string[] = [];
  const p = new NetworkPolicy({
    allowedServers,
    resolver: async (h) => {
      lookups.push(h);
      return loopbackResolver(h);
    },
  });
  return { p, lookups };
}

async function codeOf(p: NetworkPolicy, url: string): Promise<string> {
  try {
    await p.check(new URL(url));
    return "allowed";
  } catch (err) {
    if (err instanceof ToolError) return err.code;
    throw err;
  }
}

describe("always-refused addresses (AH-NET-2)", () => {
  it.each([
    "169.254.169.254",
    "169.254.0.1",
    "0.0.0.0",
    "0.1.2.3",
    "::",
    "fe80::1",
    "febf::1",
    "::ffff:169.254.169.254",
  ])("%s is refused", (a) => {
    expect(isAlwaysRefused(a)).toBe(true);
  });

  it.each(["127.0.0.1", "127.0.0.2", "::1", "10.0.0.1", "fec0::1", "192.168.1.1"])(
    "%s is not refused",
    (a) => {
      expect(isAlwaysRefused(a)).toBe(false);
    },
  );

  it.each([
    "https://169.254.169.254/",
    "https://[fe80::1]:6443",
    "https://0.0.0.0:6443",
    "https://[::]:6443",
    "https://[::ffff:169.254.169.254]/",
  ])("%s → [server-not-allowed] without resolving", async (url) => {
    const { p, lookups } = policy();
    expect(await codeOf(p, url)).toBe(ERROR_CODE.serverNotAllowed);
    expect(lookups).toEqual([]);
  });

  it("a hostname that resolves to link-local is refused (checks the resolved address)", async () => {
    const { p, lookups } = policy();
    expect(await codeOf(p, "https://metadata.test/")).toBe(ERROR_CODE.serverNotAllowed);
    expect(lookups).toEqual(["metadata.test"]);
  });

  it("link-local is refused even when the allowlist names it", async () => {
    const { p } = policy(["169.254.169.254", "169.254.0.0/16"]);
    expect(await codeOf(p, "https://169.254.169.254/")).toBe(ERROR_CODE.serverNotAllowed);
  });

  it("pins the connection to the checked address", async () => {
    const { p } = policy();
    expect(await p.check(new URL("https://localhost:6443"))).toEqual({
      hostname: "localhost",
      port: 6443,
      address: "127.0.0.1",
      family: 4,
    });
  });

  it("an unresolvable host is [unreachable]", async () => {
    const { p } = policy();
    expect(await codeOf(p, "https://nowhere.test/")).toBe(ERROR_CODE.unreachable);
  });
});

describe("allowlist (AH-NET-1)", () => {
  it("parses hosts, host:port, IPv6 and CIDRs", () => {
    const l = parseAllowlist(["api.example", "127.0.0.2:6443", "[::1]:6443", "::1", "10.0.0.0/8"]);
    expect(l.hosts).toEqual([
      { host: "api.example", port: undefined },
      { host: "127.0.0.2", port: 6443 },
      { host: "::1", port: 6443 },
      { host: "::1", port: undefined },
    ]);
    expect(l.hasCidrs).toBe(true);
  });

  it.each(["10.0.0.0/abc", "host:99999", "nothing/8"])("rejects bad entry %s", (e) => {
    expect(() => parseAllowlist([e])).toThrow();
  });

  it("no allowlist allows any non-refused server", async () => {
    expect(await codeOf(policy().p, "https://127.0.0.2:6443")).toBe("allowed");
  });

  it.each([
    [["127.0.0.2"], "https://127.0.0.2:6443", "allowed"],
    [["127.0.0.2"], "https://127.0.0.3:6443", ERROR_CODE.serverNotAllowed],
    [["127.0.0.2:6443"], "https://127.0.0.2:6443", "allowed"],
    [["127.0.0.2:6443"], "https://127.0.0.2:7443", ERROR_CODE.serverNotAllowed],
    [["127.0.0.2:443"], "https://127.0.0.2", "allowed"],
    [["127.0.0.0/30"], "https://127.0.0.2:6443", "allowed"],
    [["127.0.0.0/30"], "https://127.0.0.5:6443", ERROR_CODE.serverNotAllowed],
    [["127.0.0.0/8"], "https://localhost:6443", "allowed"],
    [["LOCALHOST"], "https://localhost:6443", "allowed"],
    [["[::1]:6443"], "https://[::1]:6443", "allowed"],
    [["::1/128"], "https://[::1]:6443", "allowed"],
  ])("%j with %s → %s", async (list, url, expected) => {
    expect(await codeOf(policy(list).p, url)).toBe(expected);
  });

  it("host-only allowlists refuse before any DNS lookup", async () => {
    const { p, lookups } = policy(["127.0.0.2"]);
    expect(await codeOf(p, "https://localhost:6443")).toBe(ERROR_CODE.serverNotAllowed);
    expect(lookups).toEqual([]);
  });
});

describe("system resolver", () => {
  it("resolves localhost (via /etc/hosts fallback) to loopback only", async () => {
    const addresses = await systemResolver("localhost");
    expect(addresses.length).toBeGreaterThan(0);
    for (const a of addresses) expect(["127.0.0.1", "::1"]).toContain(a);
  });
});
