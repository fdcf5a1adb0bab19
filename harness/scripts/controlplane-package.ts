// Builds the prebuilt control-plane platform package reproducibly from
// harness/controlplane (same bytes on any machine with the same Go version):
//   npx tsx harness/scripts/controlplane-package.ts [--platform linux-x64] [--check]
// writes packages/controlplane-<platform>/{package.json,manifest.json,bin/kube-controlplane}.
// --check rebuilds and fails unless the sha256 equals the one recorded in manifest.json.
// The release workflow (.github/workflows/release-controlplane.yml) runs it per platform.
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { controlplaneLdflags } from "../src/clusters/local/build.js";
import { type PrebuiltManifest, prebuiltPackageName } from "../src/clusters/local/prebuilt.js";
import {
  controlplaneSource,
  controlplaneSourceHash,
  KUBERNETES_VERSION,
} from "../src/clusters/local/source-hash.js";
import { PACKAGE_ROOT } from "../src/package-root.js";

const GO_ARCH: Record<string, string> = { x64: "amd64", arm64: "arm64" };
const { values } = parseArgs({
  options: {
    platform: { type: "string", default: `${process.platform}-${process.arch}` },
    check: { type: "boolean" },
  },
});
const [os, cpu] = String(values.platform).split("-");
if (!os || !cpu || !GO_ARCH[cpu] || !["linux", "darwin"].includes(os)) {
  process.stderr.write(`--platform: expected linux|darwin-x64|arm64, got ${values.platform}\n`);
  process.exit(2);
}
const name = prebuiltPackageName(os as NodeJS.Platform, cpu as NodeJS.Architecture);
const dir = join(PACKAGE_ROOT, "packages", `controlplane-${os}-${cpu}`);
const binary = "bin/kube-controlplane";
const main = JSON.parse(readFileSync(join(PACKAGE_ROOT, "package.json"), "utf8")) as {
  version: string;
  license: string;
  repository: unknown;
};
const sourceHash = controlplaneSourceHash();

function go(args: string[], env: NodeJS.ProcessEnv): Promise<string> {
  return new Promise((res, rej) => {
    const c = spawn("go", args, { cwd: controlplaneSource, env, stdio: ["ignore", "pipe", "inherit"] });
    let out = "";
    c.stdout.on("data", (d: Buffer) => {
      out += d.toString();
    });
    c.on("error", rej);
    c.on("close", (code) => (code === 0 ? res(out.trim()) : rej(new Error(`go ${args[0]} exited ${code}`))));
  });
}

// Everything that could differ between machines is pinned: no cgo (a static binary, no libc
// version), no VCS stamp, no paths, no build id.
const env = {
  ...process.env,
  CGO_ENABLED: "0",
  GOOS: os,
  GOARCH: GO_ARCH[cpu],
  GOFLAGS: "-buildvcs=false -trimpath",
};
const started = Date.now();
const goVersion = await go(["env", "GOVERSION"], env);
mkdirSync(join(dir, "bin"), { recursive: true });
const tmp = join(dir, `${binary}.tmp-${process.pid}`);
const ldflags = controlplaneLdflags(`${KUBERNETES_VERSION}-src-${sourceHash.slice(0, 12)}`, ["-buildid="]);
await go(["build", "-ldflags", ldflags, "-o", tmp, "."], env);
const sha256 = createHash("sha256").update(readFileSync(tmp)).digest("hex");
const manifestPath = join(dir, "manifest.json");
if (values.check) {
  const recorded = existsSync(manifestPath)
    ? (JSON.parse(readFileSync(manifestPath, "utf8")) as PrebuiltManifest)
    : undefined;
  if (recorded?.sha256 !== sha256 || recorded.sourceHash !== sourceHash) {
    process.stderr.write(
      `not reproducible: built ${sha256} from ${sourceHash.slice(0, 12)} with ${goVersion}; manifest.json records ${recorded?.sha256} from ${recorded?.sourceHash?.slice(0, 12)} with ${recorded?.goVersion}\n`,
    );
    process.exit(1);
  }
}
renameSync(tmp, join(dir, binary));
const manifest: PrebuiltManifest = {
  kubernetesVersion: KUBERNETES_VERSION,
  sourceHash,
  goVersion,
  binary,
  sha256,
};
writeFileSync(manifestPath, `${JSON.stringify(manifest, null, 2)}\n`);
writeFileSync(
  join(dir, "package.json"),
  `${JSON.stringify(
    {
      name,
      version: main.version,
      description: `Prebuilt local control plane (kube-apiserver ${KUBERNETES_VERSION}, etcd, CSR signer) of auth-headers-conformance for ${os}-${cpu}`,
      license: main.license,
      repository: main.repository,
      os: [os],
      cpu: [cpu],
      files: [binary, "manifest.json"],
    },
    null,
    2,
  )}\n`,
);
process.stdout.write(
  `${name}@${main.version}: ${binary} sha256 ${sha256} (${goVersion}, sources ${sourceHash.slice(0, 12)}) in ${Math.round((Date.now() - started) / 1000)} s\n`,
);
