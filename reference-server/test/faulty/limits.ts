// Defects that switch off a limit or a policy of the server as a whole (AH-NET-1/4).
import type { Faults } from "../../src/faults.js";

/** no-timeout: upstream requests have no deadline. */
export const noTimeout: Partial<Faults> = {
  settings: (options) => ({ ...options, requestTimeoutMs: Number.POSITIVE_INFINITY }),
};

/** ignore-allowlist: --allowed-servers is not enforced (the always-refused addresses still are). */
export const ignoreAllowlist: Partial<Faults> = {
  settings: (options) => ({ ...options, allowedServers: undefined }),
};
