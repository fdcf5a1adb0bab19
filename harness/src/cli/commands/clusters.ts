// `clusters up`: real clusters for manual work or another tool's tests. The
// JSON file (mode 0600) holds every secret; the terminal gets none.
import { createHash } from "node:crypto";
import type { Command } from "commander";
import type { BackendChoice } from "../../clusters/types.js";

const fingerprint = (pem: string) => {
  const b64 = pem.replace(/-----[^-]+-----/g, "").replace(/\s+/g, "");
  return createHash("sha256").update(Buffer.from(b64, "base64")).digest("hex").slice(0, 16);
};

export function registerClustersCommand(program: Command) {
  const clusters = program.command("clusters").description("start and manage real Kubernetes clusters");
  clusters
    .command("up")
    .description(
      "start N clusters with fixtures and a token and a cert identity each; keep them until Ctrl-C",
    )
    .option("--backend <backend>", "auto | local | k3s", "auto")
    .option("--count <n>", "number of clusters", "2")
    .option(
      "--out <file>",
      "JSON file for servers, CAs and credentials (written with mode 0600)",
      "clusters.json",
    )
    .action(async (opts: { backend: string; count: string; out: string }) => {
      const count = Number.parseInt(opts.count, 10);
      if (!["auto", "local", "k3s"].includes(opts.backend) || !(count >= 1 && count <= 26)) {
        process.stderr.write("error: --backend must be auto, local or k3s and --count 1..26\n");
        process.exit(2);
      }
      const { attach, startClusters } = await import("../../clusters/index.js");
      const { writePrivate } = await import("../../report/write.js");
      const started = Date.now();
      const running = await startClusters({
        count,
        backend: opts.backend as BackendChoice,
        log: (l) => process.stderr.write(`${l}\n`),
      });
      let stopping = false;
      const stop = async () => {
        if (stopping) return;
        stopping = true;
        process.stderr.write("stopping clusters…\n");
        await running.stop();
        process.exit(0);
      };
      process.on("SIGINT", stop);
      process.on("SIGTERM", stop);
      const out = [];
      for (const info of running.clusters) {
        const c = attach(info);
        const [token, cert] = await Promise.all([c.mintTokenIdentity(), c.mintCertIdentity()]);
        out.push({
          name: info.name,
          backend: info.backend,
          server: info.server,
          certificateAuthorityData: c.caHeader,
          identities: {
            token: { user: token.user, groups: token.groups, headers: token.headers },
            cert: { user: cert.user, groups: cert.groups, headers: cert.headers },
          },
          auditLog: info.auditLogPath,
        });
        process.stdout.write(
          `${info.name}  ${info.server}  ca:sha256:${fingerprint(info.caPem)}  token:${token.user}  cert:${cert.user}\n`,
        );
      }
      // `harness` (admin identity, signing keys) lets `run --clusters-file` and the benchmarks reuse these clusters.
      writePrivate(opts.out, `${JSON.stringify({ clusters: out, harness: running.clusters }, null, 2)}\n`);
      process.stdout.write(
        `${running.clusters.length} ${running.backend} cluster(s) up in ${((Date.now() - started) / 1000).toFixed(1)} s; ` +
          `credentials in ${opts.out} (mode 0600). Ctrl-C stops them.\n`,
      );
    });
}
