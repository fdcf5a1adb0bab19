// Registry of secret values (minted tokens, keys, client certificates) and a
// scrubber applied to everything the harness prints or writes.
import { readFileSync } from "node:fs";
import { bearerToken } from "../credentials/bearer.js";

export const REDACTED = "[REDACTED]";

/** Values shorter than this are not registered (they would scrub ordinary words). */
const MIN_SECRET_LENGTH = 8;

export class SecretRegistry {
  private readonly secrets = new Set<string>();

  add(value: string | undefined | null): void {
    if (!value) return;
    const v = value.trim();
    if (v.length < MIN_SECRET_LENGTH) return;
    this.secrets.add(v);
    // A "Bearer x" header also leaks as "x"; base64 of PEM leaks as PEM.
    const bare = bearerToken(v).trim();
    if (bare !== v && bare.length >= MIN_SECRET_LENGTH) this.secrets.add(bare);
    if (/^[A-Za-z0-9+/=\s]+$/.test(v) && v.length % 4 === 0) {
      const decoded = Buffer.from(v, "base64").toString("utf8");
      if (decoded.includes("-----BEGIN")) this.addPem(decoded);
    }
    if (v.includes("-----BEGIN")) this.addPem(v);
  }

  /** PEM bodies: each base64 line of the body is a secret fragment, so line-wrapped echoes are caught too. */
  private addPem(pem: string): void {
    this.secrets.add(pem.trim());
    for (const block of pem.matchAll(/-----BEGIN [^-]+-----([\s\S]*?)-----END [^-]+-----/g)) {
      const body = (block[1] ?? "").replace(/\s+/g, "");
      if (body.length >= MIN_SECRET_LENGTH) this.secrets.add(body);
      for (const line of (block[1] ?? "").split(/\r?\n/)) {
        const l = line.trim();
        if (l.length >= 40) this.secrets.add(l);
      }
    }
  }

  addAll(values: Iterable<string>): void {
    for (const v of values) this.add(v);
  }

  get size(): number {
    return this.secrets.size;
  }

  values(): string[] {
    return [...this.secrets];
  }

  /** True when `text` contains any registered secret. */
  leaks(text: string): string[] {
    return this.values().filter((s) => text.includes(s));
  }

  scrub(text: string): string {
    if (this.secrets.size === 0) return text;
    // longest first, so a PEM is replaced whole before its lines
    const sorted = this.values().sort((a, b) => b.length - a.length);
    let out = text;
    for (const s of sorted) if (out.includes(s)) out = out.split(s).join(REDACTED);
    return out;
  }

  /** Loads secrets appended by workers (one JSON string per line). */
  loadFile(path: string): void {
    let text: string;
    try {
      text = readFileSync(path, "utf8");
    } catch {
      return;
    }
    for (const line of text.split("\n")) {
      if (!line.trim()) continue;
      try {
        const v = JSON.parse(line);
        if (typeof v === "string") this.add(v);
      } catch {
        /* torn line: ignore */
      }
    }
  }
}

/** Generic redaction of anything that looks like a credential, for text from unknown sources. */
export function redactPatterns(text: string): string {
  return text
    .replace(/(bearer\s+)[A-Za-z0-9._~+/=-]{8,}/gi, `$1${REDACTED}`)
    .replace(/-----BEGIN ([A-Z ]*PRIVATE KEY)-----[\s\S]*?-----END \1-----/g, REDACTED)
    .replace(/eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}/g, REDACTED);
}

export function redactAll(text: string, registry?: SecretRegistry): string {
  return redactPatterns(registry ? registry.scrub(text) : text);
}
