// `clusters up`: real clusters for manual work or another tool's tests. The
// JSON file (mode 0600) holds every secret; the terminal gets none.
// `clusters clean`: removes what runs left on existing clusters.
import { createHash } from "node:crypto";
import { type Command, Option } from "commander";
import type { BackendChoice, Identity } from "../../clusters/types.js";
import { chooseBackend } from "../kubeconfig-option.js";

const fingerprint = (pem: string) => {
  const b64 = pem.replace(/-----[^-]+-----/g, "").replace(/\s+/g, "");
  return createHash("sha256").update(Buffer.from(b64, "base64")).digest("hex").slice(0, 16);
};

const fail = (message: string): never => {
  process.stderr.write(`error: ${message}\n`);
  process.exit(2);
};

interface UpOptions {
  backend: BackendChoice;
  count: string;
  out: string;
  auditLog: boolean;
  kubeconfigOut?: string;
  kubeconfig?: string;
  contexts?: string;
}

export function registerClustersCommand(program: Command) {
  const clusters = program.command("clusters").description("start and manage real Kubernetes clusters");
  clusters
    .command("up")
    .description(
      "start N clusters (or prepare existing ones) with fixtures and a token and a cert identity each; keep them until Ctrl-C",
    )
    .addOption(
      new Option("--backend <backend>", "cluster backend")
        .choices(["auto", "local", "k3s", "kubeconfig"])
        .default("auto"),
    )
    .option("--count <n>", "number of clusters (run needs 3)", "3")
    .option(
      "--out <file>",
      "JSON file for servers, CAs and credentials (written with mode 0600)",
      "clusters.json",
    )
    .option("--no-audit-log", "local backend: start the API servers without an audit log")
    .option(
      "--kubeconfig-out <file>",
      "also write a kubeconfig with one admin context per cluster (mode 0600; not with --backend kubeconfig)",
    )
    .option("--kubeconfig <file>", "kubeconfig backend: the kubeconfig with your clusters")
    .option("--contexts <a,b,c>", "kubeconfig backend: one context per cluster")
    .action(async (opts: UpOptions) => {
      const count = Number.parseInt(opts.count, 10);
      if (!(count >= 1 && count <= 26)) fail("--count must be 1..26");
      const chosen = chooseBackend(opts.backend, opts);
      if ("error" in chosen) return fail(chosen.error);
      if (chosen.backend === "kubeconfig" && opts.kubeconfigOut)
        fail(
          "--kubeconfig-out writes admin certificates of clusters the harness starts; not with --backend kubeconfig",
        );
      if (!opts.auditLog && chosen.backend !== "local") fail("--no-audit-log needs --backend local");
      const { attach, startClusters } = await import("../../clusters/index.js");
      const { writePrivate } = await import("../../report/write.js");
      const started = Date.now();
      const log = (l: string) => process.stderr.write(`${l}\n`);
      let running: Awaited<ReturnType<typeof startClusters>>;
      try {
        running = await startClusters({
          count,
          backend: chosen.backend,
          auditLog: opts.auditLog,
          kubeconfig: chosen.kubeconfig,
          log,
        });
      } catch (e) {
        return fail((e as Error).message);
      }
      let stopping = false;
      // 128 + the signal's number, the shell's convention: `npx` re-raises the signal it
      // got after its child ends, so a direct run and one under npx report the same code.
      const stop = async (signal: "SIGINT" | "SIGTERM") => {
        if (stopping) return;
        stopping = true;
        process.stderr.write(running.backend === "kubeconfig" ? "cleaning up…\n" : "stopping clusters…\n");
        await running.stop();
        process.exit(signal === "SIGINT" ? 130 : 143);
      };
      process.on("SIGINT", stop);
      process.on("SIGTERM", stop);
      // Existing clusters leave nothing running in this process: without a
      // timer it would end now, before Ctrl-C, and leave the run's objects behind.
      setInterval(() => {}, 1 << 30);
      const out = [];
      for (const info of running.clusters) {
        const c = attach(info);
        const token = await c.mintTokenIdentity();
        const cert = c.can("signCerts") ? await c.mintCertIdentity() : undefined;
        const view = (i: Identity) => ({ user: i.user, groups: i.groups, headers: i.headers });
        out.push({
          name: info.name,
          backend: info.backend,
          server: info.server,
          certificateAuthorityData: c.caHeader,
          namespaces: info.namespaces,
          identities: { token: view(token), ...(cert ? { cert: view(cert) } : {}) },
          auditLog: info.auditLogPath,
        });
        process.stdout.write(
          `${info.name}  ${info.server}  ca:sha256:${fingerprint(info.caPem)}  token:${token.user}  cert:${cert?.user ?? `unavailable (${c.whyUnavailable("signCerts")})`}\n`,
        );
      }
      // `harness` (admin identity, signing keys) lets `run --clusters-file` and the benchmarks reuse these clusters.
      writePrivate(opts.out, `${JSON.stringify({ clusters: out, harness: running.clusters }, null, 2)}\n`);
      if (opts.kubeconfigOut) {
        const { adminKubeconfigYamlFor } = await import("../../clusters/kube.js");
        writePrivate(opts.kubeconfigOut, adminKubeconfigYamlFor(running.clusters));
      }
      process.stdout.write(
        `${running.clusters.length} ${running.backend} cluster(s) ready in ${((Date.now() - started) / 1000).toFixed(1)} s; ` +
          `credentials in ${opts.out}${opts.kubeconfigOut ? `, admin kubeconfig in ${opts.kubeconfigOut}` : ""} (mode 0600). ` +
          `Ctrl-C ${running.backend === "kubeconfig" ? "removes what this run created" : "stops them"}.\n`,
      );
    });

  clusters
    .command("clean")
    .description(
      "remove what conformance runs created on existing clusters (namespaces, RBAC, CSRs by run label)",
    )
    .requiredOption("--kubeconfig <file>", "the kubeconfig with your clusters")
    .requiredOption("--contexts <a,b,c>", "the contexts to clean")
    .option("--run <id>", "only this run (default: every run)")
    .action(async (opts: { kubeconfig: string; contexts: string; run?: string }) => {
      const { KubeConfig } = await import("@kubernetes/client-node");
      const { loadKubeconfigFile, parseContextList, selectContexts } = await import(
        "../../clusters/kubeconfig/contexts.js"
      );
      const { removeRun } = await import("../../clusters/kubeconfig/cleanup.js");
      const contexts = parseContextList(opts.contexts);
      let targets: ReturnType<typeof selectContexts> = [];
      try {
        targets = selectContexts(loadKubeconfigFile(opts.kubeconfig), contexts, contexts.length);
      } catch (e) {
        fail((e as Error).message);
      }
      let problems = 0;
      for (const t of targets) {
        const kc = new KubeConfig();
        kc.loadFromString(t.kubeconfig);
        const r = await removeRun(kc, opts.run);
        process.stdout.write(
          `${t.context}: removed ${r.namespaces.length} namespace(s) ${r.namespaces.join(" ")}\n`,
        );
        for (const p of r.problems) process.stderr.write(`${t.context}: ${p}\n`);
        problems += r.problems.length;
      }
      process.exitCode = problems ? 1 : 0;
    });
}
