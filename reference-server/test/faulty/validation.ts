// Defects in refusing values before any connection (AH-HDR, AH-SRC-6).
import type { Faults } from "../../src/faults.js";
import type { RawTuple } from "../../src/request/source.js";
import { HEADER, type HeaderName, type RequestHeaderName } from "../../src/wire/constants.js";

function without(raw: RawTuple, drop: (name: HeaderName, value: string) => boolean): RawTuple {
  return { source: raw.source, fields: new Map([...raw.fields].filter(([k, v]) => !drop(k, v))) };
}

/** accept-plain-http: `http://` servers without --allow-plain-http (AH-HDR-2). */
export const acceptPlainHttp: Partial<Faults> = {
  settings: (options) => ({ ...options, allowPlainHttp: true }),
};

/** accept-both-auth: a token and a client certificate together; the token is used (AH-HDR-4). */
export const acceptBothAuth: Partial<Faults> = {
  validateTuple: (validate) => (raw, call) =>
    validate(
      raw.fields.has(HEADER.authorization)
        ? without(raw, (k) => k === HEADER.clientCertificateData || k === HEADER.clientKeyData)
        : raw,
      call,
    ),
};

/** empty-value-as-missing: an empty value is treated as absent (AH-HDR-11). */
export const emptyValueAsMissing: Partial<Faults> = {
  validateTuple: (validate) => (raw, call) =>
    validate(
      without(raw, (_k, v) => v.trim() === ""),
      call,
    ),
};

/** first-duplicate-header: the first of repeated or comma-joined header values is used (AH-HDR-8). */
export const firstDuplicateHeader: Partial<Faults> = {
  selectTuple: (select) => (call) => {
    if (!call.headerLines) return select(call);
    const lines = new Map<RequestHeaderName, string[]>();
    for (const [name, values] of call.headerLines)
      lines.set(name, [((values[0] ?? "").split(",")[0] ?? "").trim()]);
    return select({ ...call, headerLines: lines });
  },
};

/**
 * lenient-bearer-separator: any run of Unicode white space (NBSP, U+2028, BOM, TAB, several
 * spaces) separates "Bearer" from the token, as `split(/\s+/)` does.
 */
export const lenientBearerSeparator: Partial<Faults> = {
  validateTuple: (validate) => (raw, call) => {
    const value = raw.fields.get(HEADER.authorization);
    const parts = value?.trim().split(/\s+/) ?? [];
    if (parts.length !== 2 || !/^bearer$/i.test(parts[0] ?? "")) return validate(raw, call);
    const fields = new Map(raw.fields).set(HEADER.authorization, `Bearer ${parts[1]}`);
    return validate({ source: raw.source, fields }, call);
  },
};

/**
 * first-of-duplicate-header-lines: of repeated header lines the first is used, as Go's
 * `r.Header.Values(name)[0]` does; a comma-joined single line is still refused (AH-HDR-8).
 */
export const firstOfDuplicateHeaderLines: Partial<Faults> = {
  selectTuple: (select) => (call) => {
    if (!call.headerLines) return select(call);
    const lines = new Map<RequestHeaderName, string[]>();
    for (const [name, values] of call.headerLines) lines.set(name, values.slice(0, 1));
    return select({ ...call, headerLines: lines });
  },
};

/**
 * lenient-insecure-flag: any `kubernetes-insecure-skip-tls-verify` value other than `true`
 * (`yes`, `1`, `TRUE`…, and the empty value, as `value == "true"` reads it) is read as `false`
 * and the call goes on, instead of being refused (AH-HDR-7, AH-HDR-11).
 */
export const lenientInsecureFlag: Partial<Faults> = {
  validateTuple: (validate) => (raw, call) => {
    const value = raw.fields.get(HEADER.insecureSkipTlsVerify);
    if (value === undefined || value === "true" || value === "false") return validate(raw, call);
    const fields = new Map(raw.fields).set(HEADER.insecureSkipTlsVerify, "false");
    return validate({ source: raw.source, fields }, call);
  },
};

/**
 * lenient-argument-names: tool arguments are not checked as Kubernetes names; each value is
 * only percent-encoded into the path, so `../../api` or `a/b` reaches the cluster (AH-ERR-5).
 */
export const lenientArgumentNames: Partial<Faults> = {
  argumentNames: () => undefined,
};
