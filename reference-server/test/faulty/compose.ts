import { type Faults, NO_FAULTS } from "../../src/faults.js";

type Hook = (value: unknown, ...context: unknown[]) => unknown;

/**
 * Several defects at once: each hook runs the parts in order, every part getting what the
 * previous one returned (for the `*Tuple` hooks, the function wrapped so far). A promise is
 * awaited before the next part sees it.
 */
export function composeFaults(parts: readonly Partial<Faults>[]): Faults {
  const out: Record<string, Hook> = { ...(NO_FAULTS as unknown as Record<string, Hook>) };
  for (const part of parts) {
    for (const [key, outer] of Object.entries(part) as Array<[string, Hook]>) {
      const inner = out[key] as Hook;
      out[key] = (value, ...context) => {
        const v = inner(value, ...context);
        return v instanceof Promise ? v.then((r) => outer(r, ...context)) : outer(v, ...context);
      };
    }
  }
  return out as unknown as Faults;
}
