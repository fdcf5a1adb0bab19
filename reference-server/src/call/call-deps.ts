import { type Faults, NO_FAULTS } from "../faults.js";
import { ByteBudget } from "../limits/byte-budget.js";
import type { Logger } from "../log/logger.js";
import type { NetworkPolicy } from "../policy/network-policy.js";
import { selectRawTuple } from "../request/source.js";
import { type ValidationOptions, validateTuple } from "../request/validate.js";
import type { ClientPool } from "../upstream/client-pool.js";
import { InFlightLimit } from "../upstream/in-flight.js";
import type { CallDeps } from "./run-call.js";
import { type TargetSource, tupleSource } from "./target-source.js";

export interface CallDepsOptions extends ValidationOptions {
  readonly policy: NetworkPolicy;
  readonly pool: ClientPool;
  readonly logger: Logger;
  readonly requestTimeoutMs: number;
  readonly maxInFlight: number;
  readonly maxInFlightPerServer: number;
  readonly maxResponseBytes: number;
  /** Bytes all upstream answers being read may hold together (beyond a small part of each). */
  readonly maxPendingResponseBytes: number;
  readonly faults?: Faults;
  /** Another class's target source (known-clusters); default: the tuple class. */
  readonly targets?: TargetSource;
}

/** What every call needs, with the faults wrapped around selection and validation once, not per call. */
export function createCallDeps(o: CallDepsOptions): CallDeps {
  const faults = o.faults ?? NO_FAULTS;
  const validation: ValidationOptions = {
    allowPlainHttp: o.allowPlainHttp,
    allowInsecureTls: o.allowInsecureTls,
    maxValueBytes: o.maxValueBytes,
    screenServer: (server) => o.policy.screen(server),
  };
  return {
    policy: o.policy,
    pool: o.pool,
    inFlight: new InFlightLimit(o.maxInFlight, o.maxInFlightPerServer),
    responseLimits: { maxBytes: o.maxResponseBytes, budget: new ByteBudget(o.maxPendingResponseBytes) },
    logger: o.logger,
    requestTimeoutMs: o.requestTimeoutMs,
    targets:
      o.targets ??
      tupleSource(
        faults.selectTuple(selectRawTuple),
        faults.validateTuple((raw) => validateTuple(raw, validation)),
      ),
    faults,
  };
}
