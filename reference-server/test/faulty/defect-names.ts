// Names of the deliberate defects of the faulty entry point (AUTH_HEADERS_DEFECT). The
// behaviour of each lives in the modules of this folder; catalogue.ts maps names to them.

export const DEFECT_NAMES = [
  "bearer-bearer",
  "skip-tls-verify",
  "cache-by-server",
  "ambient-kubeconfig",
  "merge-meta-headers",
  "meta-fallback-headers",
  "follow-redirects",
  "echo-token-in-errors",
  "log-key",
  "accept-plain-http",
  "accept-both-auth",
  "remember-initialize-headers",
  "require-headers-on-initialize",
  "crash-on-non-string-meta",
  "no-timeout",
  "ignore-allowlist",
  "first-duplicate-header",
  "no-origin",
  "empty-value-as-missing",
  "unknown-tool-as-result",
  "jsonrpc-header-errors",
  "panic-on-non-string-meta",
  "panic-on-boolean-insecure-flag",
  "pool-key-without-ca",
  "insecure-false-as-true",
  "redirect-wrong-code",
  "meta-case-duplicate-last-wins",
  "no-value-size-limit",
  "drop-excess-headers",
  "meta-duplicate-json-key-last-wins",
  "unicode-meta-key-folding",
  "lenient-bearer-separator",
  "embedded-ipv4-allowed",
  "no-host-origin-check",
  "no-response-size-limit",
  "first-of-duplicate-header-lines",
  "lenient-insecure-flag",
  "lenient-argument-names",
] as const;

export type DefectName = (typeof DEFECT_NAMES)[number];

export function isDefectName(value: string): value is DefectName {
  return (DEFECT_NAMES as readonly string[]).includes(value);
}

/** `a,b` → both; an empty list or any unknown name is an error naming what is wrong. */
export function parseDefectList(text: string): { names: DefectName[] } | { error: string } {
  const names = text
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  if (names.length === 0) return { error: "AUTH_HEADERS_DEFECT names no defect" };
  const unknown = names.filter((n) => !isDefectName(n));
  if (unknown.length > 0) return { error: `unknown defect ${unknown.map((n) => `"${n}"`).join(", ")}` };
  return { names: names as DefectName[] };
}
