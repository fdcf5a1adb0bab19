// The harness's one reading of an authorization header value. The reference
// server has its own, stricter one in request/validate.ts (exactly one space,
// AH-HDR-6): it validates what a client sent, and the harness must never import
// the server's validation (a shared parser would hide the bugs the suite looks
// for). This one only takes apart values the harness minted itself, to label
// them and to register the bare token as a secret, so it is lenient on purpose.

/** `Bearer x` (any case, any white space after the scheme) → `x`; anything else as it is. */
export function bearerToken(value: string | undefined): string {
  return (value ?? "").replace(/^bearer\s+/i, "");
}
