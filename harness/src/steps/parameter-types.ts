// The custom parameter types of the step patterns, as data: dsl.ts registers
// them with Cucumber and `list --trace` (spec/trace.ts) matches step text
// with the same ones, without loading Cucumber.

/** How an identity is made (`{minted} identity alice on cluster A`), phrase → the cluster's method. */
export const MINTED = {
  "a token": "mintTokenIdentity",
  "a client-certificate": "mintCertIdentity",
  "an expired token": "forgeExpiredToken",
  "an expired client-certificate": "forgeExpiredCert",
  "a revoked token": "revokedToken",
} as const;

/** Where a call is aimed instead of its cluster (`alice calls "x" {route}`): an oracle of the scenario. */
export const ROUTES = [
  "with the server set to the TCP canary",
  "with the server set to the plain-HTTP canary",
  "through the TCP proxy",
  "against the redirecting front",
  "through the gateway",
] as const;
export type Route = (typeof ROUTES)[number];

const alternatives = (phrases: readonly string[]) =>
  new RegExp(phrases.map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")).join("|"));

export const PARAMETER_TYPES: { name: string; regexp: RegExp }[] = [
  { name: "requirements", regexp: /\[AH-[A-Z]+-\d+(?:,\s*AH-[A-Z]+-\d+)*\]/ },
  { name: "minted", regexp: alternatives(Object.keys(MINTED)) },
  { name: "route", regexp: alternatives(ROUTES) },
  // canaries listen on loopback only: no step can aim one anywhere else
  { name: "loopback", regexp: /127\.0\.0\.\d{1,3}/ },
];
