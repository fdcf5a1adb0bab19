// Global setup of the e2e project: one set of real clusters for every e2e
// file (starting them is the slow part; isolation comes from fresh identities
// minted per test). Three clusters: A and B for switching, C as the
// bystander (e.g. the ambient-kubeconfig trap).
import type { TestProject } from "vitest/node";
// @ts-expect-error plain JavaScript launcher of the reference server, no declarations
import { prebuild } from "../../../reference-server/bin/launch.js";
import { startClusters } from "../../src/clusters/index.js";
import type { ClusterInfo } from "../../src/clusters/types.js";

declare module "vitest" {
  export interface ProvidedContext {
    clusters: ClusterInfo[];
  }
}

export default async function setup(project: TestProject) {
  // the reference server's bundles, built by this user: a provider started under a uid of
  // its own (as root) could not write them and would run through tsx (launch.js)
  await prebuild();
  const started = Date.now();
  const running = await startClusters({
    count: 3,
    backend: "local",
    log: (l) => process.stderr.write(`[clusters] ${l}\n`),
  });
  process.stderr.write(`[clusters] 3 clusters up in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
  project.provide("clusters", running.clusters);
  return async () => {
    await running.stop();
  };
}
