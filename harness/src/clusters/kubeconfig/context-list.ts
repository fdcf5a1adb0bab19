// `--contexts a,b,c` → [a, b, c]; blanks are dropped. Apart from contexts.ts so
// that the CLI can parse options without loading the Kubernetes client.
export function parseContextList(value: string | undefined): string[] {
  return (value ?? "")
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
}
