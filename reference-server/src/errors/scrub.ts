// Upstream and library messages can quote what we sent them; nothing secret may
// reach a result or a log line, so every outgoing text passes through here.

const PEM_BLOCK = /-----BEGIN [A-Z0-9 ]+-----[\s\S]*?(-----END [A-Z0-9 ]+-----|$)/g;
const BEARER = /\b(bearer)\s+[^\s"',;]+/gi;
// Long base64 runs are almost always certificate or key material.
const LONG_BASE64 = /[A-Za-z0-9+/=_-]{120,}/g;

/**
 * Secret values: the call's own secrets, PEM blocks, long base64 runs. Safe on the server's
 * own sentences, which quote none of these (they do say `"Bearer <token>"`, which must stay).
 */
export function scrubSecrets(text: string, secrets: readonly string[] = []): string {
  let out = text;
  for (const secret of secrets) {
    if (secret.length >= 4) out = out.split(secret).join("[redacted]");
  }
  return out.replace(PEM_BLOCK, "[redacted]").replace(LONG_BASE64, "[redacted]");
}

/**
 * Text someone else wrote (the API server, a library): there, a word after "Bearer" can only
 * be a token, possibly another one than this call's, so it goes too.
 */
export function scrub(text: string, secrets: readonly string[] = []): string {
  return scrubSecrets(text, secrets).replace(BEARER, "$1 [redacted]");
}

/** First line only, bounded: a human sentence, never a stack trace. */
export function oneLine(text: string, max = 300): string {
  const first = text.split(/\r?\n/, 1)[0] ?? "";
  return first.length > max ? `${first.slice(0, max)}…` : first;
}
