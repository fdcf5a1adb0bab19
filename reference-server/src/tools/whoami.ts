import { z } from "zod";
import { toYaml } from "./format.js";
import { defineTool } from "./tool.js";

export const whoami = defineTool({
  name: "whoami",
  description: "Show the identity the cluster named by this call sees (SelfSubjectReview).",
  inputSchema: { type: "object", properties: {} },
  args: z.object({}).passthrough(),
  async run(_args, kube) {
    const review = (await kube({
      method: "POST",
      path: "/apis/authentication.k8s.io/v1/selfsubjectreviews",
      body: { apiVersion: "authentication.k8s.io/v1", kind: "SelfSubjectReview" },
    })) as { status?: { userInfo?: Record<string, unknown> } } | undefined;
    const user = review?.status?.userInfo ?? {};
    return { text: toYaml({ user }), structured: { user } };
  },
});
