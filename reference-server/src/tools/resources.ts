import { z } from "zod";
import { ToolError } from "../errors/tool-error.js";
import { ERROR_CODE } from "../wire/constants.js";
import { age, itemsOf, slim, table, toYaml } from "./format.js";
import { defineTool, type KubeCall } from "./tool.js";

interface ApiResource {
  name: string;
  kind: string;
  namespaced: boolean;
}

const API_VERSION = /^(?:[a-z0-9.-]+\/)?v[0-9a-z]+$/;

/** Kind → REST resource via discovery, per call: nothing about a cluster outlives the call. */
async function resolveResource(
  kube: KubeCall,
  apiVersion: string,
  kind: string,
): Promise<{ base: string; res: ApiResource }> {
  if (!API_VERSION.test(apiVersion)) {
    throw new ToolError(
      ERROR_CODE.invalidArgument,
      `apiVersion "${apiVersion}" is not of the form "v1" or "group/version".`,
    );
  }
  const base = apiVersion.includes("/") ? `/apis/${apiVersion}` : `/api/${apiVersion}`;
  const discovery = (await kube({ method: "GET", path: base })) as { resources?: ApiResource[] } | undefined;
  const res = discovery?.resources?.find((r) => r.kind === kind && !r.name.includes("/"));
  if (!res)
    throw new ToolError(ERROR_CODE.notFound, `the cluster serves no kind "${kind}" in ${apiVersion}.`);
  return { base, res };
}

function collectionPath(base: string, res: ApiResource, namespace: string | undefined): string {
  return res.namespaced && namespace
    ? `${base}/namespaces/${encodeURIComponent(namespace)}/${res.name}`
    : `${base}/${res.name}`;
}

const common = {
  apiVersion: { type: "string", description: "apiVersion of the resources (e.g. v1, apps/v1)" },
  kind: { type: "string", description: "kind of the resources (e.g. Pod, Deployment)" },
  namespace: {
    type: "string",
    description: "Namespace (optional; cluster-wide for namespaced kinds if omitted)",
  },
};

export const resourcesList = defineTool({
  name: "resources_list",
  description: "List Kubernetes resources of any apiVersion and kind in the cluster named by this call.",
  inputSchema: {
    type: "object",
    properties: { ...common, labelSelector: { type: "string", description: "Kubernetes label selector" } },
    required: ["apiVersion", "kind"],
  },
  args: z
    .object({
      apiVersion: z.string().min(1),
      kind: z.string().min(1),
      namespace: z.string().min(1).optional(),
      labelSelector: z.string().optional(),
    })
    .passthrough(),
  async run(args, kube) {
    const { base, res } = await resolveResource(kube, args.apiVersion, args.kind);
    const list = await kube({
      method: "GET",
      path: collectionPath(base, res, args.namespace),
      query: { labelSelector: args.labelSelector },
    });
    const items = itemsOf(list).map((i) => ({ apiVersion: args.apiVersion, kind: args.kind, ...i }));
    const rows = items.map((i) => [
      i.metadata?.namespace ?? "",
      i.metadata?.name ?? "",
      age(i.metadata?.creationTimestamp),
    ]);
    return { text: table(["NAMESPACE", "NAME", "AGE"], rows), structured: { items } };
  },
});

export const resourcesGet = defineTool({
  name: "resources_get",
  description:
    "Get one Kubernetes resource by apiVersion, kind, namespace and name from the cluster named by this call.",
  inputSchema: {
    type: "object",
    properties: { ...common, name: { type: "string", description: "Name of the resource" } },
    required: ["apiVersion", "kind", "name"],
  },
  args: z
    .object({
      apiVersion: z.string().min(1),
      kind: z.string().min(1),
      namespace: z.string().min(1).optional(),
      name: z.string().min(1),
    })
    .passthrough(),
  async run(args, kube) {
    const { base, res } = await resolveResource(kube, args.apiVersion, args.kind);
    const ns = res.namespaced ? (args.namespace ?? "default") : undefined;
    const item = slim(
      await kube({
        method: "GET",
        path: `${collectionPath(base, res, ns)}/${encodeURIComponent(args.name)}`,
      }),
    );
    return { text: toYaml(item), structured: { item } };
  },
});
