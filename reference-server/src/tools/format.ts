interface KubeObject {
  kind?: string;
  apiVersion?: string;
  metadata?: { name?: string; namespace?: string; creationTimestamp?: string; managedFields?: unknown };
  [key: string]: unknown;
}

export function itemsOf(list: unknown): KubeObject[] {
  const items = (list as { items?: unknown } | undefined)?.items;
  return Array.isArray(items) ? (items as KubeObject[]).map(slim) : [];
}

/** managedFields is bookkeeping noise that would drown an LLM's context. */
export function slim(obj: unknown): KubeObject {
  const o = (obj ?? {}) as KubeObject;
  if (!o.metadata?.managedFields) return o;
  const { managedFields: _drop, ...metadata } = o.metadata;
  return { ...o, metadata };
}

/**
 * YAML (block style) of JSON data, in one linear pass. The `yaml` library took ~1.5 s per MB of
 * JSON, and the answer being formatted is chosen by whoever runs the API server named by the
 * call. Strings are plain only when no YAML reader (1.1 or 1.2) can take them for anything
 * else; every other string is double-quoted, with JSON's escapes, which YAML shares.
 */
export function toYaml(value: unknown): string {
  const lines: string[] = [];
  if (isCollection(value) && !isEmpty(value)) writeBlock(value, "", lines);
  else lines.push(inline(value));
  return lines.join("\n");
}

type Collection = Record<string, unknown> | unknown[];

function isCollection(v: unknown): v is Collection {
  return typeof v === "object" && v !== null;
}

function isEmpty(v: Collection): boolean {
  if (Array.isArray(v)) return v.length === 0;
  for (const _ in v) return false;
  return true;
}

/** A non-empty mapping or sequence, each line starting with `pad`. */
function writeBlock(v: Collection, pad: string, lines: string[]): void {
  if (Array.isArray(v)) {
    for (const item of v) {
      if (isCollection(item) && !isEmpty(item)) {
        // The item's first line shares the line of its dash: "- name: c".
        const at = lines.length;
        writeBlock(item, `${pad}  `, lines);
        lines[at] = `${pad}- ${(lines[at] as string).slice(pad.length + 2)}`;
      } else lines.push(`${pad}- ${inline(item)}`);
    }
    return;
  }
  for (const key in v) {
    const item = v[key];
    const k = scalar(key);
    if (!isCollection(item) || isEmpty(item)) lines.push(`${pad}${k}: ${inline(item)}`);
    else {
      lines.push(`${pad}${k}:`);
      writeBlock(item, `${pad}  `, lines);
    }
  }
}

function inline(v: unknown): string {
  if (isCollection(v)) return Array.isArray(v) ? "[]" : "{}";
  if (typeof v === "string") return scalar(v);
  if (typeof v === "number" || typeof v === "boolean") return String(v);
  return "null";
}

// A letter, "_" or "/" first (digits, signs and dots could read as numbers, other marks are
// indicators), then no ": " or " #", no trailing ":" or space, nothing a reader could mistake.
const PLAIN = /^[A-Za-z_/](?:[A-Za-z0-9_./@+=,-]|:(?! |$)| (?=[A-Za-z0-9_./@+=,-]))*$/;
// Booleans and nulls of YAML 1.1 and 1.2.
const KEYWORD = /^(?:y|n|yes|no|on|off|true|false|null)$/i;
// Beyond JSON's escapes: characters YAML does not print, and line separators some readers break on.
const UNPRINTABLE = /[\u007f-\u009f\u2028\u2029\ufeff\ufffe\uffff]/g;

function scalar(s: string): string {
  if (PLAIN.test(s) && !KEYWORD.test(s)) return s;
  return JSON.stringify(s).replace(UNPRINTABLE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

export function table(headers: readonly string[], rows: ReadonlyArray<readonly string[]>): string {
  if (rows.length === 0) return "No resources found.";
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i] ?? 0)))
      .join("   ")
      .trimEnd();
  return [line(headers), ...rows.map(line)].join("\n");
}

export function age(timestamp: string | undefined, now = Date.now()): string {
  if (!timestamp) return "<unknown>";
  const seconds = Math.max(0, Math.floor((now - Date.parse(timestamp)) / 1000));
  if (Number.isNaN(seconds)) return "<unknown>";
  if (seconds < 120) return `${seconds}s`;
  if (seconds < 7200) return `${Math.floor(seconds / 60)}m`;
  if (seconds < 172_800) return `${Math.floor(seconds / 3600)}h`;
  return `${Math.floor(seconds / 86_400)}d`;
}
