// Registry of secret values (minted tokens, keys, client certificates) and a
// scrubber applied to the data the harness prints or writes, before it is
// rendered. A provider may echo a secret in another form, so each secret is
// registered with the forms it leaks as (base64 at any byte offset, base64 of
// base64, hex, its DER in hex for a key, reversed, URL-encoded), and text is
// matched with whitespace ignored (line-wrapped values) and by fragments (a
// JWT's signature alone, a key's first bytes).
import { readFileSync } from "node:fs";
import { bearerToken } from "../credentials/bearer.js";

export const REDACTED = "[REDACTED]";

/** Values shorter than this are not registered (they would scrub ordinary words). */
const MIN_SECRET_LENGTH = 8;
/** A leak is found by one of its fragments of this many characters… */
const WINDOW = 16;
/** …indexed at every STEP-th offset of each form, so leaks of WINDOW + STEP - 1 characters or more are found. */
const STEP = 16;
/** Forms shorter than this are matched whole instead. */
const FRAGMENT_MIN = WINDOW + STEP - 1;
const OFFSETS = 2 ** 20;

const squash = (s: string) => s.replace(/\s+/g, "");
const reverse = (s: string) => [...s].reverse().join("");
const b64 = (b: Buffer) => b.toString("base64").replace(/=+$/, "");
const b64url = (b: Buffer) => b.toString("base64url");

/** Base64 of `v` as it appears inside a longer base64 text: the characters that depend on `v` alone, at each byte offset. */
function base64Forms(v: Buffer): string[] {
  const out: string[] = [];
  for (const k of [0, 1, 2]) {
    const padded = Buffer.concat([Buffer.alloc(k), v]);
    const drop = [0, 2, 3][k] ?? 0;
    for (const enc of [b64(padded), b64url(padded)]) {
      const s = enc.slice(drop, k === 0 ? undefined : -3);
      if (s.length >= MIN_SECRET_LENGTH) out.push(s);
    }
  }
  return out;
}

function hexForms(b: Buffer): string[] {
  const h = b.toString("hex");
  return [h, h.toUpperCase()];
}

/** The DER bytes of each PEM block in `pem`. */
function pemDers(pem: string): Buffer[] {
  return [...pem.matchAll(/-----BEGIN [^-]+-----([\s\S]*?)-----END [^-]+-----/g)].map((m) =>
    Buffer.from(squash(m[1] ?? ""), "base64"),
  );
}

export class SecretRegistry {
  private readonly secrets = new Set<string>();
  /** Every form, squashed; the fragment index points into it. */
  private readonly forms: string[] = [];
  private readonly known = new Set<string>();
  /** Fragment → form index × 2^20 + offset in it. */
  private readonly fragments = new Map<string, number>();
  /** Short forms, matched whole. */
  private readonly whole = new Set<string>();

  add(value: string | undefined | null): void {
    if (!value) return;
    const v = value.trim();
    if (v.length < MIN_SECRET_LENGTH || this.secrets.has(v)) return;
    this.secrets.add(v);
    this.addForms(v);
    // A "Bearer x" header also leaks as "x"; base64 of PEM leaks as PEM.
    const bare = bearerToken(v).trim();
    if (bare !== v && bare.length >= MIN_SECRET_LENGTH) this.add(bare);
    if (/^[A-Za-z0-9+/=\s]+$/.test(v)) {
      const decoded = Buffer.from(squash(v), "base64").toString("utf8");
      if (decoded.includes("-----BEGIN")) this.add(decoded);
    }
  }

  /** The forms of one value a provider might print. */
  private addForms(v: string): void {
    const bytes = Buffer.from(v, "utf8");
    const forms = [
      v,
      reverse(v),
      encodeURIComponent(v),
      ...base64Forms(bytes),
      b64(Buffer.from(b64(bytes))),
      b64(Buffer.from(bytes.toString("base64"))),
      ...hexForms(bytes),
    ];
    for (const der of pemDers(v)) {
      forms.push(...hexForms(der), ...base64Forms(der), reverse(b64(der)));
      // a PEM's lines are also echoed one by one (a PEM body's own lines are its base64 DER)
      for (const line of v.split(/\r?\n/)) if (line.trim().length >= 40) forms.push(line.trim());
    }
    for (const f of forms) this.addForm(f);
  }

  private addForm(form: string): void {
    const f = squash(form);
    if (f.length < MIN_SECRET_LENGTH || this.known.has(f)) return;
    this.known.add(f);
    if (f.length < FRAGMENT_MIN) {
      this.whole.add(f);
      return;
    }
    if (f.length >= OFFSETS) {
      this.whole.add(f);
      return;
    }
    const id = this.forms.push(f) - 1;
    for (let o = 0; o + WINDOW <= f.length; o += STEP) {
      const w = f.slice(o, o + WINDOW);
      if (!this.fragments.has(w)) this.fragments.set(w, id * OFFSETS + o);
    }
    // the last window too, so a form's end is found like its start
    const last = f.length - WINDOW;
    const w = f.slice(last);
    if (!this.fragments.has(w)) this.fragments.set(w, id * OFFSETS + last);
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

  /** The registered secrets `text` contains verbatim. */
  leaks(text: string): string[] {
    return this.values().filter((s) => text.includes(s));
  }

  scrub(text: string): string {
    if (this.secrets.size === 0 || text.length < MIN_SECRET_LENGTH) return text;
    // Matching runs on the text without whitespace; `at` maps back to the text.
    const at: number[] = [];
    let sq = "";
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === 32 || c === 10 || c === 13 || c === 9 || c === 12 || c === 11) continue;
      at.push(i);
      sq += text[i];
    }
    const hits: [number, number][] = [];
    for (const w of this.whole) {
      for (let i = sq.indexOf(w); i >= 0; i = sq.indexOf(w, i + 1)) hits.push([i, i + w.length]);
    }
    for (let i = 0; i + WINDOW <= sq.length; i++) {
      const hit = this.fragments.get(sq.slice(i, i + WINDOW));
      if (hit === undefined) continue;
      const form = this.forms[Math.floor(hit / OFFSETS)] as string;
      const offset = hit % OFFSETS;
      let start = i;
      let fo = offset;
      while (start > 0 && fo > 0 && sq[start - 1] === form[fo - 1]) {
        start--;
        fo--;
      }
      let end = i + WINDOW;
      let fe = offset + WINDOW;
      while (end < sq.length && fe < form.length && sq[end] === form[fe]) {
        end++;
        fe++;
      }
      hits.push([start, end]);
    }
    if (hits.length === 0) return text;
    hits.sort((a, b) => a[0] - b[0]);
    let out = "";
    let pos = 0;
    let cur: [number, number] | undefined;
    const flush = () => {
      if (!cur) return;
      const from = at[cur[0]] as number;
      const to = (at[cur[1] - 1] as number) + 1;
      out += text.slice(pos, from) + REDACTED;
      pos = to;
    };
    for (const h of hits) {
      if (cur && h[0] < cur[1]) cur[1] = Math.max(cur[1], h[1]);
      else {
        flush();
        cur = [h[0], h[1]];
      }
    }
    flush();
    return out + text.slice(pos);
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

/**
 * Generic redaction of anything that looks like a credential, for text from
 * unknown sources. Applied to one value at a time, never to rendered output
 * (a match from one value into the next would swallow the markup between them).
 */
export function redactPatterns(text: string): string {
  return (
    text
      .replace(/(bearer\s+)[A-Za-z0-9._~+/=-]{8,}/gi, `$1${REDACTED}`)
      // a key's body holds no quote or angle bracket: a match never runs across markup or JSON
      .replace(/-----BEGIN ([A-Z ]*PRIVATE KEY)-----[^"'<>]*?-----END \1-----/g, REDACTED)
      .replace(/eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}/g, REDACTED)
  );
}

export function redactAll(text: string, registry?: SecretRegistry): string {
  return redactPatterns(registry ? registry.scrub(text) : text);
}

/**
 * `value` with every string in it (object keys too) redacted: what a report is
 * rendered from. The strings are scrubbed together, joined by a character no
 * secret contains, so the registry scans them once.
 */
export function redactData<T>(value: T, registry?: SecretRegistry): T {
  const strings: string[] = [];
  const collect = (v: unknown): void => {
    if (typeof v === "string") strings.push(v);
    else if (Array.isArray(v)) v.forEach(collect);
    else if (v && typeof v === "object")
      for (const [k, x] of Object.entries(v)) {
        strings.push(k);
        collect(x);
      }
  };
  collect(value);
  const SEP = "\u0000";
  const joined = strings.map((s) => s.replaceAll(SEP, "")).join(SEP);
  const scrubbed = (registry ? registry.scrub(joined) : joined).split(SEP);
  // a redaction never spans a separator: secrets hold no NUL and \u0000 is not whitespace
  const clean = scrubbed.length === strings.length ? scrubbed : strings.map((s) => registry?.scrub(s) ?? s);
  let i = 0;
  const rebuild = (v: unknown): unknown => {
    if (typeof v === "string") return redactPatterns(clean[i++] as string);
    if (Array.isArray(v)) return v.map(rebuild);
    if (v && typeof v === "object") {
      const o: Record<string, unknown> = {};
      for (const x of Object.values(v)) {
        const key = redactPatterns(clean[i++] as string);
        o[key] = rebuild(x);
      }
      return o;
    }
    return v;
  };
  return rebuild(value) as T;
}
