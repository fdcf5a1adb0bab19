// Defects in what the API server receives and whom it is taken to be (AH-AUTH, AH-TLS, AH-CONN).
import type { Faults } from "../../src/faults.js";
import { tupleKey } from "../../src/upstream/client-pool.js";
import { HEADER } from "../../src/wire/constants.js";

/** bearer-bearer: the scheme word twice (AH-AUTH-1). */
export const bearerBearer: Partial<Faults> = {
  authorization: (value) => value?.replace(/^Bearer /, "Bearer Bearer "),
};

/** skip-tls-verify: never verifies the server certificate (AH-TLS-1). */
export const skipTlsVerify: Partial<Faults> = {
  tlsOptions: (options) => ({ ...options, rejectUnauthorized: false }),
};

/** insecure-false-as-true: "false" skips verification as "true" would, CA kept, no opt-in (AH-TLS-3). */
export const insecureFalseAsTrue: Partial<Faults> = {
  validateTuple: (validate) => (raw, call) => {
    const target = validate(raw, call);
    return raw.fields.get(HEADER.insecureSkipTlsVerify) === "false"
      ? { ...target, insecureSkipTlsVerify: true }
      : target;
  },
};

/** cache-by-server: one client per server URL, whatever the credentials (AH-CONN-1/3). */
export const cacheByServer: Partial<Faults> = {
  poolKey: (_key, target) => target.server.href,
};

/** pool-key-without-ca: a connection verified with one CA serves a call naming another (AH-CONN-1, AH-TLS-1). */
export const poolKeyWithoutCa: Partial<Faults> = {
  poolKey: (_key, target) => tupleKey({ ...target, caPem: undefined }),
};
