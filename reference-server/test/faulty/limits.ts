// Defects that switch off a limit or a policy of the server as a whole (AH-NET-1/4, AH-HDR-9).
import type { Faults } from "../../src/faults.js";
import { decodeBase64 } from "../../src/request/pem.js";
import { HEADER } from "../../src/wire/constants.js";

/** no-timeout: upstream requests have no deadline. */
export const noTimeout: Partial<Faults> = {
  settings: (options) => ({ ...options, requestTimeoutMs: Number.POSITIVE_INFINITY }),
};

/** ignore-allowlist: --allowed-servers is not enforced (the always-refused addresses still are). */
export const ignoreAllowlist: Partial<Faults> = {
  settings: (options) => ({ ...options, allowedServers: undefined }),
};

// The PEM block pattern the server used before issue 10: lazy, so each BEGIN without an END
// scans to the end of the text, quadratic in the number of BEGIN lines.
const QUADRATIC_CERT_BLOCK = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

/**
 * no-value-size-limit: values of any size are taken, and certificate values are first split
 * into PEM blocks the old quadratic way, before the allowlist is asked (AH-HDR-9).
 */
export const noValueSizeLimit: Partial<Faults> = {
  settings: (options) => ({ ...options, maxValueSize: Number.POSITIVE_INFINITY }),
  validateTuple: (validate) => (raw, call) => {
    for (const name of [HEADER.certificateAuthorityData, HEADER.clientCertificateData]) {
      const value = raw.fields.get(name);
      const pem = value === undefined ? undefined : decodeBase64(value);
      pem?.match(QUADRATIC_CERT_BLOCK);
    }
    return validate(raw, call);
  },
};

/** no-response-size-limit: answers of any size are read, by any number of calls at once (AH-NET-4/5). */
export const noResponseSizeLimit: Partial<Faults> = {
  settings: (options) => ({
    ...options,
    maxResponseSize: Number.POSITIVE_INFINITY,
    maxPendingResponseBytes: Number.POSITIVE_INFINITY,
  }),
};
