import { z } from "zod";
import { itemsOf, table } from "./format.js";
import { defineTool } from "./tool.js";

interface EventFields {
  type?: string;
  reason?: string;
  message?: string;
  lastTimestamp?: string;
  eventTime?: string;
  involvedObject?: { kind?: string; name?: string };
}

export const eventsList = defineTool({
  name: "events_list",
  description: "List Kubernetes events (all namespaces, or one) of the cluster named by this call.",
  inputSchema: {
    type: "object",
    properties: {
      namespace: { type: "string", description: "Namespace to list events from (default: all)" },
    },
  },
  args: z.object({ namespace: z.string().min(1).optional() }).passthrough(),
  async run(args, kube) {
    const path = args.namespace
      ? `/api/v1/namespaces/${encodeURIComponent(args.namespace)}/events`
      : "/api/v1/events";
    const items = itemsOf(await kube({ method: "GET", path }));
    const rows = items.map((e) => {
      const ev = e as EventFields & typeof e;
      return [
        e.metadata?.namespace ?? "",
        ev.lastTimestamp ?? ev.eventTime ?? "",
        ev.type ?? "",
        ev.reason ?? "",
        `${ev.involvedObject?.kind ?? ""}/${ev.involvedObject?.name ?? ""}`,
        (ev.message ?? "").replace(/\s+/g, " "),
      ];
    });
    return {
      text: table(["NAMESPACE", "LAST SEEN", "TYPE", "REASON", "OBJECT", "MESSAGE"], rows),
      structured: { items },
    };
  },
});
