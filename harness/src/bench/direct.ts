// The baseline: @kubernetes/client-node calling the API server directly,
// reusing keep-alive connections through one https.Agent (client-node creates
// a fresh agent per request by default, so the auth method sets ours).
import { Agent } from "node:https";
import { CoreV1Api, createConfiguration, ServerConfiguration } from "@kubernetes/client-node";

export interface DirectClient {
  listPods(namespace: string): Promise<number>;
  close(): void;
}

export function directClient(server: string, caPem: string, token: string, maxSockets: number): DirectClient {
  const agent = new Agent({ keepAlive: true, maxSockets, ca: caPem });
  const config = createConfiguration({
    baseServer: new ServerConfiguration(server, {}),
    authMethods: {
      default: {
        getName: () => "bench-bearer",
        applySecurityAuthentication: async (ctx) => {
          ctx.setHeaderParam("Authorization", `Bearer ${token}`);
          ctx.setAgent(agent);
        },
      },
    },
  });
  const api = new CoreV1Api(config);
  return {
    async listPods(namespace) {
      const list = await api.listNamespacedPod({ namespace });
      return list.items.length;
    },
    close: () => agent.destroy(),
  };
}
