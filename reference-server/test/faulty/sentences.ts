// Defects that each break one sentence of docs/spec.md which no other defect breaks alone
// (fixtures/coverage.yaml named them as gaps): a URL's extra parts dropped, insecure mode
// without the opt-in or beside a CA, only the first CA of a bundle trusted, a header limit
// below 64 KiB, a stack trace in the error text, an unreachable server answered as an empty
// list, a per-call log line without the server.
import type { Faults } from "../../src/faults.js";
import type { RawTuple } from "../../src/request/source.js";
import { ERROR_CODE, HEADER, type HeaderName } from "../../src/wire/constants.js";

/** The tuple with one field set to `value`, or without it. */
function withField(raw: RawTuple, name: HeaderName, value?: string): RawTuple {
  const fields = new Map(raw.fields);
  if (value === undefined) fields.delete(name);
  else fields.set(name, value);
  return { source: raw.source, fields };
}

/**
 * server-url-parts-dropped: userinfo, a query and a fragment of `kubernetes-server` are cut
 * off (as a URL library's `host` would), and the call goes on to what is left (AH-HDR-1).
 */
export const serverUrlPartsDropped: Partial<Faults> = {
  validateTuple: (validate) => (raw, call) => {
    const value = raw.fields.get(HEADER.server);
    if (value === undefined || !/^https:\/\//i.test(value)) return validate(raw, call);
    try {
      const u = new URL(value);
      if (!u.username && !u.password && !u.search && !u.hash) return validate(raw, call);
      return validate(
        withField(raw, HEADER.server, `${u.protocol}//${u.host}${u.pathname === "/" ? "" : u.pathname}`),
        call,
      );
    } catch {
      return validate(raw, call);
    }
  },
};

/** insecure-without-opt-in: `kubernetes-insecure-skip-tls-verify: true` is honoured without --allow-insecure-tls (AH-TLS-3). */
export const insecureWithoutOptIn: Partial<Faults> = {
  settings: (options) => ({ ...options, allowInsecureTls: true }),
};

/** insecure-with-ca-accepted: insecure mode together with a CA is not a conflict; the CA is ignored (AH-TLS-4). */
export const insecureWithCaAccepted: Partial<Faults> = {
  validateTuple: (validate) => (raw, call) =>
    raw.fields.get(HEADER.insecureSkipTlsVerify) === "true" && raw.fields.has(HEADER.certificateAuthorityData)
      ? validate(withField(raw, HEADER.certificateAuthorityData), call)
      : validate(raw, call),
};

const FIRST_CERT = /-----BEGIN CERTIFICATE-----[A-Za-z0-9+/=\s]*-----END CERTIFICATE-----/;

/** first-ca-only: of a CA bundle only the first certificate is trusted (AH-TLS-2). */
export const firstCaOnly: Partial<Faults> = {
  tlsOptions: (options) => {
    const first = options.ca === undefined ? undefined : FIRST_CERT.exec(options.ca)?.[0];
    return first === undefined ? options : { ...options, ca: `${first}\n` };
  },
};

/** header-limit-16k: request headers beyond 16 KiB in total are refused with 431 (AH-HDR-9). */
export const headerLimit16k: Partial<Faults> = {
  settings: (options) => ({ ...options, maxHeaderSize: 16 * 1024 }),
};

/** stack-trace-in-errors: an error's text ends with the stack of the error behind it (AH-ERR-3). */
export const stackTraceInErrors: Partial<Faults> = {
  result: (result, { error }) => {
    if (!error || !result.isError) return result;
    const text = result.content.map((c) => (c.type === "text" ? c.text : "")).join("\n");
    const stack = (error as Error).stack?.split("\n").slice(1).join("\n") ?? "";
    return { ...result, content: [{ type: "text", text: `${text}\n${stack}` }] };
  },
};

/** unreachable-as-empty: a call to a server that cannot be reached answers an empty list (AH-NET-6). */
export const unreachableAsEmpty: Partial<Faults> = {
  result: (result, { error }) =>
    error?.code === ERROR_CODE.unreachable ? { content: [{ type: "text", text: "items: []" }] } : result,
};

/** log-line-without-server: the per-call log line leaves the server out (AH-SEC-2). */
export const logLineWithoutServer: Partial<Faults> = {
  logLine: ({ server: _server, ...line }) => line,
};
