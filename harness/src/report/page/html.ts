// A tiny HTML builder whose only way in is escaping: every interpolated value
// is escaped unless it is already Html (made by this builder). Nothing the
// report renders can therefore open a tag, close the inline script, or break
// out of an attribute, whatever a provider put in its error messages.

export class Html {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

const ENTITIES: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
  "`": "&#96;",
};

/** Escapes text for element content and quoted attribute values. */
export function esc(value: unknown): string {
  return String(value).replace(/[&<>"'`]/g, (c) => ENTITIES[c] ?? c);
}

type Part = Html | string | number | boolean | null | undefined | readonly Part[];

function render(v: Part): string {
  if (v === null || v === undefined || v === false) return "";
  if (v instanceof Html) return v.value;
  if (Array.isArray(v)) return v.map(render).join("");
  return esc(v);
}

/** html`<td>${text}</td>`: interpolations are escaped; Html values and arrays of them are inserted. */
export function html(strings: TemplateStringsArray, ...values: Part[]): Html {
  let out = strings[0] ?? "";
  for (let i = 0; i < values.length; i++) out += render(values[i] as Part) + (strings[i + 1] ?? "");
  return new Html(out);
}

/** Trusted markup written in this repository (CSS, the inline script). Never pass data here. */
export const trusted = (s: string): Html => new Html(s);

/** Id-safe anchor of a scenario (`s-switching_a-stateful-…`). */
export const scenarioAnchor = (id: string): string => `s-${id.replace(/[^A-Za-z0-9-]/g, "_")}`;
export const requirementAnchor = (id: string): string => `r-${id.replace(/[^A-Za-z0-9-]/g, "_")}`;

/**
 * Inline Markdown of the spec's requirement texts: `code` and **bold**, on
 * escaped text (the spec is ours, but it is still escaped first).
 */
export function inlineMarkdown(text: string): Html {
  const parts = text.split("`");
  const out = parts.map((p, i) => {
    if (i % 2 === 1 && i < parts.length - 1) return `<code>${esc(p)}</code>`;
    const plain = (i % 2 === 1 ? "`" : "") + p.replace(/\[([^\]]+)\]\([^)]*\)/g, "$1");
    return esc(plain).replace(/\*\*([^*]+)\*\*/g, "<b>$1</b>");
  });
  return new Html(out.join(""));
}
