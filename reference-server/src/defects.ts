// Deliberate faults for the conformance suite's "every check can fail" proof.
// Only the test-only faulty entry point passes a non-empty set; src/cli.ts never does.

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
] as const;

export type DefectName = (typeof DEFECT_NAMES)[number];

export type Defects = ReadonlySet<DefectName>;

export const NO_DEFECTS: Defects = new Set<DefectName>();

export function isDefectName(value: string): value is DefectName {
  return (DEFECT_NAMES as readonly string[]).includes(value);
}
