import net from "node:net";
import { describe, expect, it, vi } from "vitest";
import { ToolError } from "../../src/errors/tool-error.js";
import { isAlwaysRefused } from "../../src/policy/address.js";
import { parseAllowlist } from "../../src/policy/allowlist.js";
import { NetworkPolicy, systemResolver } from "../../src/policy/network-policy.js";
import { ERROR_CODE } from "../../src/wire/constants.js";
import { call, codeOf as resultCode } from "./helpers/call.js";
import { loopbackResolver, testDeps } from "./helpers/deps.js";
import { tokenFields } from "./helpers/fixtures.js";

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

  // Issue 10 item 9. Only ever decided, never dialled: these are the cloud's metadata services.
  it.each([
    ["AWS metadata over IPv6", "fd00:ec2::254"],
    ["Google Cloud metadata over IPv6", "fd20:ce::254"],
    ["Alibaba Cloud metadata", "100.100.100.200"],
    ["Oracle Cloud classic metadata", "192.0.0.192"],
    ["IPv4-mapped", "::ffff:a9fe:a9fe"],
    ["IPv4-compatible", "::169.254.169.254"],
    ["IPv4-compatible, hex", "::a9fe:a9fe"],
    ["IPv4-translated (SIIT)", "::ffff:0:a9fe:a9fe"],
    ["NAT64 well-known prefix", "64:ff9b::a9fe:a9fe"],
    ["NAT64 well-known prefix, dotted", "64:ff9b::169.254.169.254"],
    ["NAT64 of Alibaba's metadata", "64:ff9b::6464:64c8"],
    ["NAT64 local-use prefix /96", "64:ff9b:1::a9fe:a9fe"],
    ["6to4", "2002:a9fe:a9fe::1"],
    ["Teredo server field", "2001:0:a9fe:a9fe::1"],
    ["Teredo client field (inverted)", "2001:0:4136:e378:8000:63bf:5601:5601"],
    ["an embedded unspecified IPv4", "64:ff9b::"],
    ["an embedded 0.0.0.0/8 address", "::ffff:0.1.2.3"],
  ])("%s (%s) is refused", (_what, a) => {
    expect(isAlwaysRefused(a)).toBe(true);
  });

  it.each([
    ["IPv6 loopback (not IPv4-compatible 0.0.0.1)", "::1"],
    ["NAT64 of a private address", "64:ff9b::a00:1"],
    ["IPv4-mapped loopback", "::ffff:127.0.0.1"],
    ["6to4 of a public address", "2002:c000:201::1"],
    ["an ordinary global address", "2001:db8::1"],
    ["a neighbour of Alibaba's metadata", "100.100.100.201"],
    ["a ULA that is not a metadata address", "fd00:ec2::253"],
  ])("%s (%s) is not refused", (_what, a) => {
    expect(isAlwaysRefused(a)).toBe(false);
  });

  it.each([
    "https://[fd00:ec2::254]/",
    "https://100.100.100.200/",
    "https://[64:ff9b::a9fe:a9fe]:6443",
    "https://[::a9fe:a9fe]/",
    "https://[::169.254.169.254]/",
  ])("%s → [server-not-allowed] without resolving", async (url) => {
    const { p, lookups } = policy();
    expect(await codeOf(p, url)).toBe(ERROR_CODE.serverNotAllowed);
    expect(lookups).toEqual([]);
  });

  it.each(["64:ff9b::a9fe:a9fe", "::a9fe:a9fe", "fd00:ec2::254", "100.100.100.200"])(
    "a host name that resolves to %s is refused",
    async (address) => {
      const p = new NetworkPolicy({
        allowedServers: undefined,
        resolver: async () => ["127.0.0.1", address],
      });
      expect(await codeOf(p, "https://api.example.test:6443")).toBe(ERROR_CODE.serverNotAllowed);
    },
  );

  it("a call naming a metadata or embedded address opens no socket", async () => {
    // A connect attempt is recorded and failed here, never dialled, even if the policy broke.
    const connect = vi.spyOn(net.Socket.prototype, "connect").mockImplementation(function (this: net.Socket) {
      process.nextTick(() =>
        this.destroy(Object.assign(new Error("dial attempted"), { code: "ECONNREFUSED" })),
      );
      return this;
    });
    try {
      for (const host of ["[fd00:ec2::254]", "100.100.100.200", "[64:ff9b::a9fe:a9fe]", "[::a9fe:a9fe]"]) {
        const r = await call(testDeps(), { headers: tokenFields(`https://${host}:443`) });
        expect(resultCode(r)).toBe("server-not-allowed");
      }
      expect(connect).not.toHaveBeenCalled();
    } finally {
      connect.mockRestore();
    }
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
