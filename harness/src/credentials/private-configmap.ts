// Every minted identity gets a ConfigMap that it alone may read (a Role naming
// that one object, bound to that one user). Reading it through a provider
// proves which credential the provider used, where no audit log can be read;
// another identity reading it must be refused.
import { randomBytes, randomUUID } from "node:crypto";
import {
  AuthorizationV1Api,
  CoreV1Api,
  RbacAuthorizationV1Api,
  type RbacV1Subject,
} from "@kubernetes/client-node";
import { adminKubeConfig } from "../clusters/kube.js";
import { RUN_LABEL } from "../clusters/names.js";
import type { ClusterInfo, PrivateConfigMap } from "../clusters/types.js";

export type PrivateSubject =
  | { kind: "ServiceAccount"; namespace: string; name: string; user: string; groups: string[] }
  | { kind: "User"; user: string; groups: string[] };

export async function grantPrivateConfigMap(
  info: ClusterInfo,
  subject: PrivateSubject,
  timeoutMs = 10_000,
): Promise<PrivateConfigMap> {
  const kc = adminKubeConfig(info);
  const namespace = info.namespaces.identities;
  const name = `identity-${randomBytes(6).toString("hex")}`;
  const nonce = randomUUID();
  const labels = info.runId ? { [RUN_LABEL]: info.runId } : undefined;
  await kc.makeApiClient(CoreV1Api).createNamespacedConfigMap({
    namespace,
    body: { metadata: { name, labels }, data: { user: subject.user, nonce } },
  });
  const rbac = kc.makeApiClient(RbacAuthorizationV1Api);
  await rbac.createNamespacedRole({
    namespace,
    body: {
      metadata: { name, labels },
      rules: [{ apiGroups: [""], resources: ["configmaps"], resourceNames: [name], verbs: ["get"] }],
    },
  });
  const bindTo: RbacV1Subject =
    subject.kind === "ServiceAccount"
      ? { kind: "ServiceAccount", namespace: subject.namespace, name: subject.name }
      : { kind: "User", apiGroup: "rbac.authorization.k8s.io", name: subject.user };
  await rbac.createNamespacedRoleBinding({
    namespace,
    body: {
      metadata: { name, labels },
      roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name },
      subjects: [bindTo],
    },
  });
  // Asked as the admin, not as the identity: a request by the identity would
  // show up in audit-log checks that count its requests.
  await waitUntilAllowed(info, subject, { namespace, name }, timeoutMs);
  return { namespace, name, nonce };
}

async function waitUntilAllowed(
  info: ClusterInfo,
  subject: PrivateSubject,
  object: { namespace: string; name: string },
  timeoutMs: number,
) {
  const authz = adminKubeConfig(info).makeApiClient(AuthorizationV1Api);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const review = await authz.createSubjectAccessReview({
      body: {
        spec: {
          user: subject.user,
          groups: subject.groups,
          resourceAttributes: { ...object, verb: "get", resource: "configmaps" },
        },
      },
    });
    if (review.status?.allowed) return;
    if (Date.now() > deadline)
      throw new Error(`${info.name}: ${subject.user} still may not read its ConfigMap ${object.name}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
