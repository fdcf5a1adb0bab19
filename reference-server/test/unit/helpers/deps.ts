import { Writable } from "node:stream";
import type { CallDeps } from "../../../src/call/run-call.js";
import { type DefectName, NO_DEFECTS } from "../../../src/defects.js";
import { createLogger } from "../../../src/log/logger.js";
import { NetworkPolicy, type Resolver } from "../../../src/policy/network-policy.js";
import { ClientPool } from "../../../src/upstream/client-pool.js";

export class LogCapture extends Writable {
  readonly chunks: string[] = [];
  override _write(chunk: Buffer, _enc: BufferEncoding, cb: () => void): void {
    this.chunks.push(chunk.toString("utf8"));
    cb();
  }
  get text(): string {
    return this.chunks.join("");
  }
  lines(): Array<Record<string, unknown>> {
    return this.text
      .split("\n")
      .filter(Boolean)
      .map((l) => JSON.parse(l) as Record<string, unknown>);
  }
}

/** DNS stand-in: unit tests never resolve real names. */
export const loopbackResolver: Resolver = async (host) => {
  if (host === "localhost") return ["127.0.0.1"];
  if (host === "metadata.test") return ["169.254.169.254"];
  throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: "ENOTFOUND" });
};

export interface TestDepsOptions {
  defects?: DefectName[];
  allowedServers?: string[];
  allowPlainHttp?: boolean;
  allowInsecureTls?: boolean;
  requestTimeoutMs?: number;
  poolMaxEntries?: number;
}

export function testDeps(o: TestDepsOptions = {}): CallDeps & { log: LogCapture; pool: ClientPool } {
  const defects = o.defects ? new Set(o.defects) : NO_DEFECTS;
  const log = new LogCapture();
  return {
    log,
    policy: new NetworkPolicy({ allowedServers: o.allowedServers, resolver: loopbackResolver, defects }),
    pool: new ClientPool({ maxEntries: o.poolMaxEntries ?? 8, idleMs: 60_000, defects }),
    logger: createLogger("info", log),
    requestTimeoutMs: o.requestTimeoutMs ?? 2000,
    allowPlainHttp: o.allowPlainHttp ?? false,
    allowInsecureTls: o.allowInsecureTls ?? false,
    defects,
  };
}
