import { z } from "zod";
import { age, itemsOf, slim, table, toYaml } from "./format.js";
import { defineTool } from "./tool.js";

const name = z.string().min(1);
const labelSelector = { type: "string", description: "Kubernetes label selector, e.g. app=web" };

function podRows(items: ReturnType<typeof itemsOf>): string[][] {
  return items.map((p) => [
    p.metadata?.namespace ?? "",
    p.metadata?.name ?? "",
    String((p.status as { phase?: string } | undefined)?.phase ?? ""),
    age(p.metadata?.creationTimestamp),
  ]);
}

export const podsList = defineTool({
  name: "pods_list",
  description: "List all the Kubernetes pods in all namespaces of the cluster named by this call.",
  inputSchema: { type: "object", properties: { labelSelector } },
  args: z.object({ labelSelector: z.string().optional() }).passthrough(),
  async run(args, kube) {
    const items = itemsOf(
      await kube({ method: "GET", path: "/api/v1/pods", query: { labelSelector: args.labelSelector } }),
    );
    return { text: table(["NAMESPACE", "NAME", "PHASE", "AGE"], podRows(items)), structured: { items } };
  },
});

export const podsListInNamespace = defineTool({
  name: "pods_list_in_namespace",
  description: "List all the Kubernetes pods in the given namespace of the cluster named by this call.",
  inputSchema: {
    type: "object",
    properties: { namespace: { type: "string", description: "Namespace to list pods from" }, labelSelector },
    required: ["namespace"],
  },
  args: z.object({ namespace: name, labelSelector: z.string().optional() }).passthrough(),
  async run(args, kube) {
    const items = itemsOf(
      await kube({
        method: "GET",
        path: `/api/v1/namespaces/${encodeURIComponent(args.namespace)}/pods`,
        query: { labelSelector: args.labelSelector },
      }),
    );
    return { text: table(["NAMESPACE", "NAME", "PHASE", "AGE"], podRows(items)), structured: { items } };
  },
});

export const podsGet = defineTool({
  name: "pods_get",
  description:
    'Get a Kubernetes pod by name (namespace defaults to "default") from the cluster named by this call.',
  inputSchema: {
    type: "object",
    properties: {
      namespace: { type: "string", description: "Namespace of the pod (default: default)" },
      name: { type: "string", description: "Name of the pod" },
    },
    required: ["name"],
  },
  args: z.object({ namespace: z.string().min(1).optional(), name }).passthrough(),
  async run(args, kube) {
    const ns = args.namespace ?? "default";
    const pod = slim(
      await kube({
        method: "GET",
        path: `/api/v1/namespaces/${encodeURIComponent(ns)}/pods/${encodeURIComponent(args.name)}`,
      }),
    );
    return { text: toYaml(pod), structured: { item: pod } };
  },
});
