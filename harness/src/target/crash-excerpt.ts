// The part of a crashed provider's output worth showing: the crash line
// (`panic: …`, `fatal error: …`, a Python traceback, …) and the frames right
// after it, where the faulting code is. A Go stack printed bottom-up into a
// 30-line tail shows only runtime frames and `created by` lines.

/** Lines that start a crash report, first match wins. */
const CRASH_START =
  /^(panic: |fatal error: |http: panic serving|Traceback \(most recent call last\)|thread '[^']*' panicked at|Uncaught [A-Z][A-Za-z]*Error|FATAL ERROR:|Exception in thread "main")/;

/** The first crash line and the `lines` after it, or undefined when the output has none. */
export function crashExcerpt(output: string, lines = 30): string | undefined {
  const all = output.split("\n");
  const start = all.findIndex((l) => CRASH_START.test(l.replace(/^.*?(?=http: panic serving)/, "")));
  if (start < 0) return undefined;
  return all.slice(start, start + lines).join("\n");
}
