import { META_PREFIX } from "../wire/constants.js";
import { asciiLowerCase } from "./ascii-case.js";

// Candidates for a repeated key when the text has no \u escape: a key can then only be
// written one way, so distinct candidate texts mean distinct keys.
const CANDIDATE = /"(_meta|[Kk][Uu][Bb][Ee][Rr][Nn][Ee][Tt][Ee][Ss]-[^"\\]*)"\s*:/g;

/**
 * JSON.parse keeps the last of two equal keys: a `_meta` holding "kubernetes-authorization"
 * twice reaches us with the last value, while a proxy or log that read the text may have acted
 * on the first. So the text is checked before it is trusted. Returns, for each message of a
 * body (its index in a batch, else 0), the first key that occurs twice: `_meta` within
 * `params`, or a `kubernetes-*` key within a `_meta` of `params`. Undefined when none does.
 *
 * Cheap on the usual body: one regex pass finds no repeated candidate and the body is done;
 * only a repeated candidate or a \u escape leads to the exact scan, which is linear too.
 */
export function duplicateMetaKeys(text: string): ReadonlyMap<number, string> | undefined {
  if (!text.includes("\\u")) {
    const seen = new Set<string>();
    let repeated = false;
    for (const m of text.matchAll(CANDIDATE)) {
      const key = m[1] as string;
      if (seen.has(key)) {
        repeated = true;
        break;
      }
      seen.add(key);
    }
    if (!repeated) return undefined;
  }
  return new Scan(text).body();
}

/** Walks text that JSON.parse accepted, descending only into messages, `params` and `_meta`. */
class Scan {
  private pos = 0;

  constructor(private readonly text: string) {}

  body(): ReadonlyMap<number, string> | undefined {
    const found = new Map<number, string>();
    this.ws();
    if (this.text[this.pos] === "[") {
      let index = 0;
      this.elements(() => {
        const key = this.message();
        if (key !== undefined) found.set(index, key);
        index++;
      });
    } else {
      const key = this.message();
      if (key !== undefined) found.set(0, key);
    }
    return found.size > 0 ? found : undefined;
  }

  private message(): string | undefined {
    let found: string | undefined;
    this.members((key) => {
      if (key === "params") found ??= this.params();
      else this.skipValue();
    });
    return found;
  }

  private params(): string | undefined {
    let found: string | undefined;
    let metas = 0;
    this.members((key) => {
      if (key !== "_meta") return this.skipValue();
      if (++metas > 1) found ??= "_meta";
      const inMeta = this.meta();
      found ??= inMeta;
    });
    return found;
  }

  private meta(): string | undefined {
    let found: string | undefined;
    const seen = new Set<string>();
    this.members((key) => {
      if (asciiLowerCase(key).startsWith(META_PREFIX)) {
        if (seen.has(key)) found ??= key;
        seen.add(key);
      }
      this.skipValue();
    });
    return found;
  }

  /** Calls `onMember` at each member's value; a value that is not an object is skipped. */
  private members(onMember: (key: string) => void): void {
    this.ws();
    if (this.text[this.pos] !== "{") {
      this.skipValue();
      return;
    }
    this.pos++;
    this.ws();
    if (this.text[this.pos] === "}") {
      this.pos++;
      return;
    }
    for (;;) {
      this.ws();
      const key = this.string();
      this.ws();
      this.pos++; // ":"
      this.ws();
      onMember(key);
      this.ws();
      if (this.text[this.pos++] === "}") return;
    }
  }

  private elements(onElement: () => void): void {
    this.pos++; // "["
    this.ws();
    if (this.text[this.pos] === "]") {
      this.pos++;
      return;
    }
    for (;;) {
      this.ws();
      onElement();
      this.ws();
      if (this.text[this.pos++] === "]") return;
    }
  }

  private string(): string {
    const t = this.text;
    const start = ++this.pos;
    let out = "";
    let from = start;
    for (;;) {
      const c = t.charCodeAt(this.pos);
      if (c === 0x22) break;
      if (c === 0x5c) {
        out += t.slice(from, this.pos);
        const e = t[this.pos + 1];
        if (e === "u") {
          out += String.fromCharCode(Number.parseInt(t.slice(this.pos + 2, this.pos + 6), 16));
          this.pos += 6;
        } else {
          out += ESCAPES[e as keyof typeof ESCAPES] ?? e;
          this.pos += 2;
        }
        from = this.pos;
        continue;
      }
      this.pos++;
    }
    out += t.slice(from, this.pos);
    this.pos++;
    return out;
  }

  /** Any value, without recursion: nesting depth is whatever the client sent. */
  private skipValue(): void {
    const t = this.text;
    this.ws();
    const c = t[this.pos];
    if (c === '"') {
      this.string();
      return;
    }
    if (c !== "{" && c !== "[") {
      while (this.pos < t.length && !",]} \t\r\n".includes(t[this.pos] as string)) this.pos++;
      return;
    }
    let depth = 0;
    do {
      const ch = t[this.pos];
      if (ch === '"') {
        this.string();
        continue;
      }
      if (ch === "{" || ch === "[") depth++;
      else if (ch === "}" || ch === "]") depth--;
      this.pos++;
    } while (depth > 0 && this.pos < t.length);
  }

  private ws(): void {
    const t = this.text;
    while (this.pos < t.length) {
      const c = t.charCodeAt(this.pos);
      if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) return;
      this.pos++;
    }
  }
}

const ESCAPES = { '"': '"', "\\": "\\", "/": "/", b: "\b", f: "\f", n: "\n", r: "\r", t: "\t" } as const;
