// Providers written in Go that type-assert `_meta` values (`v.(string)`) die on a non-string:
// these defects reproduce that crash, process exit included (AH-SRC-6, AH-HDR-10).
import { writeSync } from "node:fs";
import type { Faults } from "../../src/faults.js";
import { HEADER } from "../../src/wire/constants.js";
import { clusterMetaEntries } from "./meta-source.js";

export interface PanicExit {
  /** Writes the panic text; default: straight to fd 2, so it is out before the exit. */
  readonly write: (text: string) => void;
  readonly exit: (code: number) => never;
}

const PROCESS: PanicExit = {
  write: (text) => writeSync(2, text),
  exit: (code) => process.exit(code),
};

/** The Go name of a decoded JSON value's dynamic type. */
function goType(value: unknown): string {
  if (value === null) return "nil";
  if (typeof value === "number") return "float64";
  if (typeof value === "boolean") return "bool";
  if (Array.isArray(value)) return "[]interface {}";
  if (typeof value === "object") return "map[string]interface {}";
  return typeof value;
}

export function goPanicText(value: unknown): string {
  return [
    `panic: interface conversion: interface {} is ${goType(value)}, not string`,
    "",
    "goroutine 1 [running]:",
    "main.clusterFromMeta(0xc000126000)",
    "\t/src/provider/meta.go:42 +0x1d4",
    "main.(*handler).callTool(0xc00011e0a0, {0xc000130000, 0x2a})",
    "\t/src/provider/handler.go:88 +0x8f",
    "created by main.serve in goroutine 1",
    "\t/src/provider/main.go:17 +0x25",
    "",
  ].join("\n");
}

function panicFault(
  culprit: (meta: Record<string, unknown> | undefined) => { value: unknown } | undefined,
  out: PanicExit,
): Partial<Faults> {
  return {
    selectTuple: (select) => (call) => {
      const found = culprit(call.meta);
      if (found) {
        out.write(goPanicText(found.value));
        out.exit(2);
      }
      return select(call);
    },
  };
}

/** panic-on-non-string-meta: any non-string `kubernetes-*` value in `_meta` kills the process. */
export function panicOnNonStringMeta(out: PanicExit = PROCESS): Partial<Faults> {
  return panicFault((meta) => {
    const bad = Object.entries(meta ?? {}).find(
      ([k, v]) => k.toLowerCase().startsWith("kubernetes-") && typeof v !== "string",
    );
    return bad ? { value: bad[1] } : undefined;
  }, out);
}

/** panic-on-boolean-insecure-flag: only a JSON boolean `kubernetes-insecure-skip-tls-verify` does. */
export function panicOnBooleanInsecureFlag(out: PanicExit = PROCESS): Partial<Faults> {
  return panicFault((meta) => {
    const flag = clusterMetaEntries(meta).find(
      ([k, v]) => k.toLowerCase() === HEADER.insecureSkipTlsVerify && typeof v === "boolean",
    );
    return flag ? { value: flag[1] } : undefined;
  }, out);
}
