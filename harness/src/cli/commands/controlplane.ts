// `controlplane build`: build (or find in the cache) the local control plane,
// so CI can pay the Go build up front and report it separately.
import type { Command } from "commander";

export function registerControlPlaneCommand(program: Command) {
  program
    .command("controlplane")
    .description("the local control plane built from Go modules")
    .command("build")
    .description(
      "build kube-apiserver + etcd + CSR signer into the cache (no-op when cached); prints the binary path",
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
}
