// Upstream and library messages can quote what we sent them; nothing secret may
// reach a result or a log line, so every outgoing text passes through here.

const PEM_BLOCK = /-----BEGIN [A-Z0-9 ]+-----[\s\S]*?(-----END [A-Z0-9 ]+-----|$)/g;
const BEARER = /\b(bearer)\s+[^\s"',;]+/gi;
// Long base64 runs are almost always certificate or key material.
const LONG_BASE64 = /[A-Za-z0-9+/=_-]{120,}/g;

export function scrub(text: string, secrets: readonly string[] = []): string {
  let out = text;
  for (const secret of secrets) {
    if (secret.length >= 4) out = out.split(secret).join("[redacted]");
  }
  return out
    .replace(PEM_BLOCK, "[redacted]")
    .replace(BEARER, "$1 [redacted]")
    .replace(LONG_BASE64, "[redacted]");
}

/** First line only, bounded: a human sentence, never a stack trace. */
export function oneLine(text: string, max = 300): string {
  const first = text.split(/\r?\n/, 1)[0] ?? "";
  return first.length > max ? `${first.slice(0, max)}…` : first;
}
