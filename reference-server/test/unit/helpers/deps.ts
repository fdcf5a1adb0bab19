import { Writable } from "node:stream";
import { createCallDeps } from "../../../src/call/call-deps.js";
import type { CallDeps } from "../../../src/call/run-call.js";
import { type Faults, NO_FAULTS } from "../../../src/faults.js";
import { createLogger } from "../../../src/log/logger.js";
import { NetworkPolicy, type Resolver } from "../../../src/policy/network-policy.js";
import { DEFAULTS } from "../../../src/server.js";
import { ClientPool } from "../../../src/upstream/client-pool.js";
import { faultsOf } from "../../faulty/catalogue.js";
import type { DefectName } from "../../faulty/defect-names.js";

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
  /** Faults of a defect built with test stand-ins (e.g. the panic defects' exit); after `defects`. */
  faults?: Faults;
  allowedServers?: string[];
  allowPlainHttp?: boolean;
  allowInsecureTls?: boolean;
  requestTimeoutMs?: number;
  maxValueSize?: number;
  maxInFlight?: number;
  maxResponseSize?: number;
  maxPendingResponseBytes?: number;
  maxInFlightPerServer?: number;
  poolMaxEntries?: number;
}

/** Call dependencies as the server builds them (settings hook included), logging into `log`. */
export function testDeps(o: TestDepsOptions = {}): CallDeps & { log: LogCapture; pool: ClientPool } {
  const faults = o.faults ?? (o.defects ? faultsOf(o.defects) : NO_FAULTS);
  const settings = faults.settings({
    allowedServers: o.allowedServers,
    allowPlainHttp: o.allowPlainHttp ?? false,
    allowInsecureTls: o.allowInsecureTls ?? false,
    requestTimeoutMs: o.requestTimeoutMs ?? 2000,
    maxValueSize: o.maxValueSize ?? DEFAULTS.maxValueSize,
    maxResponseSize: o.maxResponseSize ?? DEFAULTS.maxResponseSize,
  });
  const log = new LogCapture();
  const pool = new ClientPool({ maxEntries: o.poolMaxEntries ?? 8, idleMs: 60_000, faults });
  const deps = createCallDeps({
    policy: new NetworkPolicy({
      allowedServers: settings.allowedServers,
      resolver: loopbackResolver,
      faults,
    }),
    pool,
    logger: createLogger("info", log),
    requestTimeoutMs: settings.requestTimeoutMs ?? 2000,
    allowPlainHttp: settings.allowPlainHttp ?? false,
    allowInsecureTls: settings.allowInsecureTls ?? false,
    maxValueBytes: settings.maxValueSize ?? DEFAULTS.maxValueSize,
    maxInFlight: o.maxInFlight ?? DEFAULTS.maxInFlight,
    maxInFlightPerServer: o.maxInFlightPerServer ?? DEFAULTS.maxInFlightPerServer,
    maxResponseBytes: settings.maxResponseSize ?? DEFAULTS.maxResponseSize,
    maxPendingResponseBytes:
      settings.maxPendingResponseBytes ?? o.maxPendingResponseBytes ?? DEFAULTS.maxPendingResponseBytes,
    faults,
  });
  return { ...deps, log, pool };
}
