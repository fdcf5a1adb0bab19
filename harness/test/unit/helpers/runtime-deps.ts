// Which bare modules the shipped code loads at runtime, and which of them a
// user's `npm install <tarball>` would not provide.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { builtinModules } from "node:module";
import { join, relative } from "node:path";

// What tsconfig.build.json compiles into dist/, plus the launchers and the step loader.
const SHIPPED = ["harness/src", "reference-server/src", "harness/bin", "reference-server/bin"];
// launch.js, prebuild.js and the steps' bundle.mjs bundle the sources of a checkout;
// package.json "files" leaves them out (dist/ has no .mjs of steps/)
const NOT_SHIPPED = [
  /^harness\/src\/(bench|ci|catalogue)\//,
  /^reference-server\/bin\/(launch|prebuild)\.js$/,
  /^harness\/src\/steps\/bundle\.mjs$/,
];

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    if (statSync(p).isDirectory()) return sourceFiles(p);
    return /\.(ts|mjs|js)$/.test(f) ? [p] : [];
  });
}

/** Bare specifiers a module loads at runtime (type-only imports vanish in the build). */
export function runtimeImports(source: string): string[] {
  const out = new Set<string>();
  const re =
    /(?:^|\n)\s*import\s+(?!type\s)(?:[^"';]*?\s+from\s+)?["']([^"']+)["']|import\(\s*["']([^"']+)["']\s*\)|export\s+(?!type\s)[^"';]*?\s+from\s+["']([^"']+)["']/g;
  for (const m of source.matchAll(re)) {
    const spec = m[1] ?? m[2] ?? m[3] ?? "";
    if (spec.startsWith(".") || spec.startsWith("node:") || builtinModules.includes(spec)) continue;
    out.add(spec.startsWith("@") ? spec.split("/").slice(0, 2).join("/") : (spec.split("/")[0] ?? spec));
  }
  return [...out];
}

/** Runtime imports of shipped files that `npm install <tarball>` would not provide. */
export function missingRuntimeDependencies(root: string, dependencies: Record<string, string>): string[] {
  const missing: string[] = [];
  for (const dir of SHIPPED) {
    for (const file of sourceFiles(join(root, dir))) {
      const rel = relative(root, file);
      if (NOT_SHIPPED.some((re) => re.test(rel))) continue;
      const text = readFileSync(file, "utf8");
      // The launchers and the step loader import tsx only in a checkout (when the .ts sources exist).
      const imports = runtimeImports(text).filter((s) => !(s === "tsx" && /existsSync\(/.test(text)));
      for (const spec of imports) if (!(spec in dependencies)) missing.push(`${rel}: ${spec}`);
    }
  }
  return missing;
}
