// The API server's audit log is the witness of who did what: a tool result
// can lie or be cached, the audit log cannot. Events are read from a byte
// offset (a "mark"), so a scenario sees only what happened after its mark.
import { randomUUID } from "node:crypto";
import { open, stat } from "node:fs/promises";
import { request } from "node:https";
import { Untestable } from "../checks/recorder.js";
import { requireAbility } from "../clusters/abilities.js";
import type { AuditEvent, AuditMark, ClusterInfo } from "../clusters/types.js";

/**
 * One line of the audit log. The API server writes only JSON events with an auditID; any other
 * line was written by someone else (a provider forging its evidence, a disk fault): what the log
 * says can no longer be relied on, so the checks reading it cannot judge (never pass, never blame
 * the requirement they judge).
 */
export function parseAuditLine(line: string, cluster: string): AuditEvent {
  let e: unknown;
  try {
    e = JSON.parse(line);
  } catch {
    e = undefined;
  }
  if (!e || typeof e !== "object" || typeof (e as { auditID?: unknown }).auditID !== "string")
    throw new Untestable(
      `the audit log of ${cluster} holds a line the API server did not write (${e === undefined ? "not JSON" : "no auditID"}): its evidence cannot be trusted`,
    );
  return e as AuditEvent;
}

export interface AuditFilter {
  user?: string;
  /** Only requests by these users (e.g. the identities one test minted). */
  users?: readonly string[];
  /** Drop the harness's own admin traffic (minting, fixtures, sentinels). Default true. */
  excludeAdmin?: boolean;
  /** Drop the control plane's own traffic (the API server's loopback client, controllers). Default true. */
  excludeControlPlane?: boolean;
}

// Who the control plane itself is: the API server's loopback client and, on
// k3s, its controllers and node. None of them is ever a tenant of a provider.
const CONTROL_PLANE_USER =
  /^(system:apiserver$|system:kube-|system:node:|system:k3s|system:serviceaccount:kube-system:)/;
export const isControlPlaneUser = (user: string | undefined) => !!user && CONTROL_PLANE_USER.test(user);

export class AuditOracle {
  constructor(private readonly info: ClusterInfo) {}

  /** Where a cluster has no readable audit log the mark is harmless; reading after it throws AbilityUnavailableError. */
  async mark(): Promise<AuditMark> {
    const path = this.info.auditLogPath;
    const s = path ? await stat(path).catch(() => ({ size: 0 })) : { size: 0 };
    return { offset: s.size, at: Date.now() };
  }

  /** Complete events written after the mark, optionally filtered. Admin (harness) traffic is excluded by default. */
  async since(mark: AuditMark, filter: AuditFilter = {}): Promise<AuditEvent[]> {
    const excludeAdmin = filter.excludeAdmin ?? true;
    const excludeControlPlane = filter.excludeControlPlane ?? true;
    // One request can log several stages; a refused authentication logs only
    // ResponseStarted (with an empty user). Keep the last stage per request.
    const byId = new Map<string, AuditEvent>();
    for (const e of await this.read(mark.offset)) byId.set(e.auditID, e);
    return [...byId.values()].filter(
      (e) =>
        (!filter.user || e.user.username === filter.user) &&
        (!filter.users || filter.users.includes(e.user.username ?? "")) &&
        (!excludeAdmin || e.user.username !== this.info.admin.user) &&
        (!excludeControlPlane || !isControlPlaneUser(e.user.username)),
    );
  }

  /**
   * Waits until every request that completed before this call is in the log:
   * sends a sentinel request as admin and waits for its event, since the API
   * server writes events of finished requests before it answers later ones.
   */
  async sync(timeoutMs = 10_000): Promise<void> {
    requireAbility(this.info, "auditLog");
    const before = await this.mark();
    const token = randomUUID();
    await this.sentinel(token);
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const events = await this.read(before.offset);
      if (events.some((e) => e.requestURI.includes(token) && e.stage === "ResponseComplete")) return;
      if (Date.now() > deadline)
        throw new Error(`audit log of ${this.info.name} did not record the sentinel in time`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  /** sync() then since(): the complete picture of what happened after the mark. */
  async settled(mark: AuditMark, filter: AuditFilter = {}): Promise<AuditEvent[]> {
    await this.sync();
    return this.since(mark, filter);
  }

  private async read(offset: number): Promise<AuditEvent[]> {
    requireAbility(this.info, "auditLog");
    const fh = await open(this.info.auditLogPath ?? "", "r").catch(() => undefined);
    if (!fh) return [];
    try {
      const { size } = await fh.stat();
      if (size <= offset) return [];
      // A mark taken while the API server was writing a line points into that line:
      // read from one byte earlier, and drop what comes before the first line start.
      const from = Math.max(0, offset - 1);
      const buf = Buffer.alloc(size - from);
      await fh.read(buf, 0, buf.length, from);
      let text = buf.toString("utf8");
      if (offset > 0) text = text.slice(text.indexOf("\n") + 1);
      // A line still being written has no newline yet; leave it for later.
      const complete = text.slice(0, text.lastIndexOf("\n") + 1);
      return complete
        .split("\n")
        .filter(Boolean)
        .map((l) => parseAuditLine(l, this.info.name));
    } finally {
      await fh.close();
    }
  }

  private sentinel(token: string): Promise<void> {
    const url = new URL(`/version?conformance-sentinel=${token}`, this.info.server);
    return new Promise((resolve, reject) => {
      const req = request(
        url,
        {
          ca: this.info.caPem,
          cert: this.info.admin.certPem,
          key: this.info.admin.keyPem,
          agent: false,
          timeout: 5000,
        },
        (res) => {
          res.resume();
          res.on("end", () => resolve());
        },
      );
      req.on("error", reject);
      req.on("timeout", () => req.destroy(new Error("sentinel request timed out")));
      req.end();
    });
  }
}
