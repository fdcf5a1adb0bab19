// Which cluster a successful result names (its origin, AH-ORIGIN-1) and whose
// data it carries (a cluster's identity uid): the two facts the timeline shows
// next to the tuple a call carried.
import type { Answer } from "../checks/answer.js";
import type { Cluster } from "../clusters/index.js";

interface Clusters {
  clusters(): Map<string, Cluster>;
  /** The URL of a cluster as the scenario sends it. */
  serverOf(name: string): string;
}

export function clusterNamedBy(world: Clusters, a: Answer): string | undefined {
  const sc = (a.result?.structuredContent ?? {}) as { cluster?: { host?: unknown; server?: unknown } };
  for (const name of world.clusters().keys()) {
    const server = world.serverOf(name);
    const host = new URL(server).host;
    if (sc.cluster?.host === host || sc.cluster?.server === server) return name;
  }
  const firstLine = a.text.split("\n")[0] ?? "";
  for (const name of world.clusters().keys())
    if (firstLine.includes(new URL(world.serverOf(name)).host)) return name;
  return undefined;
}

export function clusterWhoseDataIsIn(world: Clusters, text: string): string | undefined {
  const found = [...world.clusters()].filter(
    ([, c]) => c.info.identityUid && text.includes(c.info.identityUid),
  );
  return found.length === 1 ? found[0]?.[0] : found.length > 1 ? found.map(([n]) => n).join("+") : undefined;
}
