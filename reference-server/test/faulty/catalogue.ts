// Name → behaviour of every defect, and the Faults of a list of them.
import type { Faults } from "../../src/faults.js";
import { ambientKubeconfig } from "./ambient.js";
import { composeFaults } from "./compose.js";
import { dropExcessHeaders, noHostOriginCheck } from "./http-admission.js";
import { echoTokenInErrors, logKey } from "./leaks.js";
import {
  jsonrpcHeaderErrors,
  noOrigin,
  rememberInitializeHeaders,
  requireHeadersOnInitialize,
  unknownToolAsResult,
} from "./lifecycle.js";
import { ignoreAllowlist, noResponseSizeLimit, noTimeout, noValueSizeLimit } from "./limits.js";
import {
  crashOnNonStringMeta,
  mergeMetaHeaders,
  metaCaseDuplicateLastWins,
  metaDuplicateJsonKeyLastWins,
  metaFallbackHeaders,
  unicodeMetaKeyFolding,
} from "./meta-source.js";
import { dialBeforeValidate, embeddedIpv4Allowed } from "./network.js";
import { panicOnBooleanInsecureFlag, panicOnNonStringMeta } from "./panic.js";
import { followRedirects, redirectWrongCode } from "./redirects.js";
import {
  firstCaOnly,
  headerLimit16k,
  insecureWithCaAccepted,
  insecureWithoutOptIn,
  logLineWithoutServer,
  serverUrlPartsDropped,
  stackTraceInErrors,
  unreachableAsEmpty,
} from "./sentences.js";
import {
  bearerBearer,
  cacheByServer,
  insecureFalseAsTrue,
  poolKeyWithoutCa,
  skipTlsVerify,
} from "./upstream-identity.js";
import {
  acceptBothAuth,
  acceptPlainHttp,
  emptyValueAsMissing,
  firstDuplicateHeader,
  firstOfDuplicateHeaderLines,
  lenientArgumentNames,
  lenientBearerSeparator,
  lenientInsecureFlag,
} from "./validation.js";

/**
 * The one list of defect names in the code (fixtures/defects.yaml is their source; a unit test,
 * harness/test/unit/defects-doc.test.ts, holds the two equal). A function where the defect keeps
 * state (per server) or takes test stand-ins.
 */
const DEFECTS = {
  "bearer-bearer": bearerBearer,
  "skip-tls-verify": skipTlsVerify,
  "cache-by-server": cacheByServer,
  "ambient-kubeconfig": ambientKubeconfig,
  "merge-meta-headers": mergeMetaHeaders,
  "meta-fallback-headers": metaFallbackHeaders,
  "follow-redirects": followRedirects,
  "echo-token-in-errors": echoTokenInErrors,
  "log-key": logKey,
  "accept-plain-http": acceptPlainHttp,
  "accept-both-auth": acceptBothAuth,
  "remember-initialize-headers": rememberInitializeHeaders,
  "require-headers-on-initialize": requireHeadersOnInitialize,
  "crash-on-non-string-meta": crashOnNonStringMeta,
  "no-timeout": noTimeout,
  "ignore-allowlist": ignoreAllowlist,
  "first-duplicate-header": firstDuplicateHeader,
  "no-origin": noOrigin,
  "empty-value-as-missing": emptyValueAsMissing,
  "unknown-tool-as-result": unknownToolAsResult,
  "jsonrpc-header-errors": jsonrpcHeaderErrors,
  "panic-on-non-string-meta": () => panicOnNonStringMeta(),
  "panic-on-boolean-insecure-flag": () => panicOnBooleanInsecureFlag(),
  "pool-key-without-ca": poolKeyWithoutCa,
  "insecure-false-as-true": insecureFalseAsTrue,
  "redirect-wrong-code": redirectWrongCode,
  "meta-case-duplicate-last-wins": metaCaseDuplicateLastWins,
  "unicode-meta-key-folding": unicodeMetaKeyFolding,
  "lenient-bearer-separator": lenientBearerSeparator,
  "embedded-ipv4-allowed": embeddedIpv4Allowed,
  "meta-duplicate-json-key-last-wins": metaDuplicateJsonKeyLastWins,
  "drop-excess-headers": dropExcessHeaders,
  "no-host-origin-check": noHostOriginCheck,
  "no-value-size-limit": noValueSizeLimit,
  "no-response-size-limit": noResponseSizeLimit,
  "first-of-duplicate-header-lines": firstOfDuplicateHeaderLines,
  "lenient-insecure-flag": lenientInsecureFlag,
  "lenient-argument-names": lenientArgumentNames,
  "dial-before-validate": dialBeforeValidate,
  "server-url-parts-dropped": serverUrlPartsDropped,
  "insecure-without-opt-in": insecureWithoutOptIn,
  "insecure-with-ca-accepted": insecureWithCaAccepted,
  "first-ca-only": firstCaOnly,
  "header-limit-16k": headerLimit16k,
  "stack-trace-in-errors": stackTraceInErrors,
  "unreachable-as-empty": unreachableAsEmpty,
  "log-line-without-server": logLineWithoutServer,
} satisfies Record<string, Partial<Faults> | (() => Partial<Faults>)>;

export type DefectName = keyof typeof DEFECTS;

export const DEFECT_NAMES = Object.keys(DEFECTS) as readonly DefectName[];

export function defectFaults(name: DefectName): Partial<Faults> {
  const d: Partial<Faults> | (() => Partial<Faults>) = DEFECTS[name];
  return typeof d === "function" ? d() : d;
}

/** The faults of several defects at once, in the order given. */
export function faultsOf(names: readonly DefectName[]): Faults {
  return composeFaults(names.map(defectFaults));
}
