// `controlplane build`: build (or find in the cache) the local control plane,
// so CI can pay the Go build up front and report it separately.
// `controlplane prebuilt` and `controlplane key` let CI (action.yml) skip Go
// when the prebuilt platform package matches, and cache exactly what the
// harness would look up otherwise.
import type { Command } from "commander";

export function registerControlPlaneCommand(program: Command) {
  const cp = program.command("controlplane").description("the local control plane built from Go modules");
  cp.command("build")
    .description(
      "build kube-apiserver + etcd + CSR signer into the cache (no-op when cached or prebuilt); prints the binary path",
    )
    .action(async () => {
      const { ControlPlaneBuildError, ensureControlPlane } = await import("../../clusters/local/build.js");
      try {
        const bin = await ensureControlPlane((l) => process.stderr.write(`${l}\n`));
        process.stdout.write(`${bin}\n`);
      } catch (e) {
        process.stderr.write(`${(e as Error).message}\n`);
        process.exit(e instanceof ControlPlaneBuildError ? 2 : 1);
      }
    });
  cp.command("prebuilt")
    .description("print the prebuilt control plane's path (exit 0), or why it is not used (exit 1)")
    .action(async () => {
      const { findPrebuilt } = await import("../../clusters/local/prebuilt.js");
      const p = findPrebuilt();
      if (p.found) process.stdout.write(`${p.bin}\n`);
      else process.stderr.write(`${p.reason}\n`);
      process.exitCode = p.found ? 0 : 1;
    });
  cp.command("key")
    .description(
      "print the cache key of the Go build (Kubernetes version and hash of the sources and exact Go version)",
    )
    .action(async () => {
      const { ControlPlaneBuildError, cacheKey } = await import("../../clusters/local/build.js");
      try {
        process.stdout.write(`${cacheKey()}\n`);
      } catch (e) {
        process.stderr.write(`${(e as Error).message}\n`);
        process.exitCode = e instanceof ControlPlaneBuildError ? 2 : 1;
      }
    });
}
