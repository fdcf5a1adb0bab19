// A scenario's own instance of the target: which profile flags it is started
// with, and the label its log file and the timeline give it.
import type { Profile } from "../profile/schema.js";

export interface TargetVariant {
  stateless?: boolean;
  allowlist?: string[];
  insecureOptIn?: boolean;
  plainHttpOptIn?: boolean;
  requestTimeoutMs?: number;
  env?: Record<string, string>;
}

/** The command-line text a variant adds to the profile's command; throws when the profile lacks a flag. */
export function variantArgs(flags: Profile["flags"], variant: TargetVariant): string[] {
  const need = (flag: string | undefined, name: string) => {
    if (!flag) throw new Error(`the profile has no flags.${name}, needed by this scenario`);
    return flag;
  };
  const extra: string[] = [];
  if (variant.stateless) extra.push(need(flags.stateless, "stateless"));
  if (variant.allowlist)
    extra.push(need(flags.allowlist, "allowlist").replaceAll("{servers}", variant.allowlist.join(",")));
  if (variant.insecureOptIn) extra.push(need(flags.insecureOptIn, "insecureOptIn"));
  if (variant.plainHttpOptIn) extra.push(need(flags.plainHttpOptIn, "plainHttpOptIn"));
  if (variant.requestTimeoutMs !== undefined)
    extra.push(
      need(flags.requestTimeout, "requestTimeout").replaceAll("{ms}", String(variant.requestTimeoutMs)),
    );
  return extra;
}

export function variantLabel(variant: TargetVariant): string {
  if (variant.stateless) return "stateless";
  if (variant.allowlist) return "allowlist";
  if (variant.insecureOptIn) return "insecure-opt-in";
  if (variant.plainHttpOptIn) return "plain-http-opt-in";
  if (variant.requestTimeoutMs !== undefined) return `timeout-${variant.requestTimeoutMs}ms`;
  if (variant.env) return "ambient";
  return "fresh";
}
