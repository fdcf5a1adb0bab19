// The scenario's view of the clusters' audit logs: a mark per cluster taken
// when the scenario begins, reads after the audit barrier (`settled`), and
// the events of the scenario's identities attached to the calls they belong to.
import type { AuditMark, Cluster } from "../clusters/index.js";
import { attachAudit } from "../timeline/audit.js";
import type { ClusterSet } from "./clusters.js";
import type { Identities } from "./identities.js";
import type { ScenarioContext } from "./scenario.js";
import type { Timeline } from "./timeline.js";

type AuditEvent = Awaited<ReturnType<Cluster["audit"]["since"]>>[number];

export class ScenarioAudit {
  readonly marks = new Map<string, AuditMark>();

  constructor(
    private readonly clusters: ClusterSet,
    private readonly scenario: ScenarioContext,
  ) {}

  async markAll(): Promise<void> {
    for (const [name, c] of this.clusters.all()) this.marks.set(name, await c.audit.mark());
  }

  /** Everything cluster `clusterName` logged since the scenario's mark (after the audit barrier). */
  async settled(clusterName: string, user?: string) {
    const mark = this.marks.get(clusterName);
    if (!mark) throw new Error(`no audit mark for cluster ${clusterName}`);
    return this.clusters.get(clusterName).audit.settled(mark, user ? { user } : undefined);
  }

  /** Puts the audit events of the scenario's identities into the timeline. */
  async attachToTimeline(identities: Identities, timeline: Timeline): Promise<void> {
    const names = identities.userNames();
    const record = this.scenario.record;
    if (names.size === 0 || record.calls.length === 0) return;
    const users = [...names.keys()];
    const events: { cluster: string; event: AuditEvent }[] = [];
    const audited: string[] = [];
    for (const [name, mark] of this.marks) {
      const c = this.clusters.all().get(name);
      if (!c?.can("auditLog")) continue;
      for (const event of await c.audit.settled(mark, { users })) events.push({ cluster: name, event });
      audited.push(name);
    }
    record.auditedClusters = audited.sort();
    attachAudit(record.calls, timeline.windows, events, names);
  }
}
