import { z } from "zod";
import { age, itemsOf, table } from "./format.js";
import { defineTool } from "./tool.js";

export const namespacesList = defineTool({
  name: "namespaces_list",
  description: "List all the Kubernetes namespaces in the cluster named by this call's headers or _meta.",
  inputSchema: { type: "object", properties: {} },
  args: z.object({}).passthrough(),
  async run(_args, kube) {
    const items = itemsOf(await kube({ method: "GET", path: "/api/v1/namespaces" }));
    const rows = items.map((n) => [
      n.metadata?.name ?? "",
      String((n.status as { phase?: string } | undefined)?.phase ?? ""),
      age(n.metadata?.creationTimestamp),
    ]);
    return { text: table(["NAME", "STATUS", "AGE"], rows), structured: { items } };
  },
});
