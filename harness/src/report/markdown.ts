// Markdown (GitHub-flavoured, as summary.md and the job summary render it) from
// text a provider may have chosen: every value is escaped for the place it
// goes, so it cannot close a code fence, open HTML, or split a table cell.

const ENTITIES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;" };

/** Free text on one line: HTML is shown, not rendered; line breaks cannot start a new block. */
export function mdText(s: string): string {
  return s.replace(/[&<>]/g, (c) => ENTITIES[c] ?? c).replace(/\s*[\r\n]+\s*/g, " ");
}

/** A table cell: free text whose `|` cannot end the cell. */
export function mdCell(s: string): string {
  return mdText(s).replace(/\|/g, "\\|");
}

const longestRun = (s: string, c: string): number => {
  let best = 0;
  for (const m of s.matchAll(new RegExp(`\\${c}+`, "g"))) best = Math.max(best, m[0].length);
  return best;
};

/** An inline code span that holds any text: its backtick run is longer than any inside. */
export function mdCode(s: string): string {
  const one = s.replace(/[\r\n]+/g, " ");
  const ticks = "`".repeat(longestRun(one, "`") + 1);
  const pad = one.startsWith("`") || one.endsWith("`") ? " " : "";
  return `${ticks}${pad}${one}${pad}${ticks}`;
}

/** A fenced code block around `lines`, its fence longer than any backtick or tilde run in them. */
export function mdFence(lines: string[], indent = ""): string[] {
  const text = lines.join("\n");
  const fence = "`".repeat(Math.max(3, longestRun(text, "`") + 1));
  return [`${indent}${fence}`, ...lines.map((l) => `${indent}${l}`), `${indent}${fence}`];
}
