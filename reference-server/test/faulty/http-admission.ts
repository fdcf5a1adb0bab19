// Defects in admitting HTTP requests (AH-HDR-8/9, Host and Origin checks).
import type { Faults } from "../../src/faults.js";

/**
 * drop-excess-headers: Node's default header limit is back (maxHeadersCount left null: 2,000
 * name/value entries, so Node 20 keeps about 1,023 lines) and nothing counts the lines: the rest
 * is dropped unseen, so a tuple behind padding escapes the duplicate check.
 */
export const dropExcessHeaders: Partial<Faults> = {
  httpServer: (server) => {
    (server as { maxHeadersCount: number | null }).maxHeadersCount = null;
    return server;
  },
  admission: (refusal) => (refusal?.rule === "header-lines" ? undefined : refusal),
};

/** no-host-origin-check: any Host and any Origin are served (DNS rebinding). */
export const noHostOriginCheck: Partial<Faults> = {
  admission: (refusal) => (refusal?.rule === "host" || refusal?.rule === "origin" ? undefined : refusal),
};
