// What the harness can do with a cluster depends on who owns it: on a control
// plane it started it holds every key and reads the audit log; on an existing
// cluster it has only what the kubeconfig grants. Checks ask here first and are
// reported untestable with the reason, never passed.
import { Untestable } from "../checks/recorder.js";
import type { Ability, AbilityName, ClusterAbilities, ClusterInfo } from "./types.js";

export const AVAILABLE: Ability = { available: true };
export const unavailable = (reason: string): Ability => ({ available: false, reason });

/**
 * Thrown when a check needs an ability the cluster lacks. An Untestable: a
 * check that meets it is reported untestable with `reason`, never passed.
 */
export class AbilityUnavailableError extends Untestable {
  constructor(
    readonly cluster: string,
    readonly ability: AbilityName,
    readonly reason: string,
  ) {
    super(`${cluster}: ${ability} unavailable: ${reason}`);
    this.name = "AbilityUnavailableError";
  }
}

export function whyUnavailable(
  info: Pick<ClusterInfo, "abilities">,
  ability: AbilityName,
): string | undefined {
  const a = info.abilities[ability];
  return a.available ? undefined : a.reason;
}

export function requireAbility(info: Pick<ClusterInfo, "name" | "abilities">, ability: AbilityName): void {
  const reason = whyUnavailable(info, ability);
  if (reason !== undefined) throw new AbilityUnavailableError(info.name, ability, reason);
}

export const EXISTING_CLUSTER_REASONS = {
  auditLog: "existing cluster: the harness cannot read its API server's audit log",
  forgeExpiredToken: "existing cluster: its ServiceAccount signing key is not available to the harness",
  forgeExpiredCert: "existing cluster: its client CA key is not available to the harness",
  restart: "existing cluster: its processes are not the harness's to freeze, kill or restart",
} as const;

/**
 * Abilities of a cluster described by what its ClusterInfo holds. Also fills in
 * ClusterInfo files written before abilities existed.
 */
export function abilitiesFromInfo(
  info: Pick<ClusterInfo, "backend" | "auditLogPath" | "clientCa" | "serviceAccount">,
  signCerts: Ability = AVAILABLE,
): ClusterAbilities {
  const existing = info.backend === "kubeconfig";
  const need = (have: unknown, owned: string, ability: keyof typeof EXISTING_CLUSTER_REASONS) =>
    have ? AVAILABLE : unavailable(existing ? EXISTING_CLUSTER_REASONS[ability] : owned);
  return {
    auditLog: need(info.auditLogPath, "the cluster was started without an audit log", "auditLog"),
    forgeExpiredToken: need(
      info.serviceAccount.signingKeyPem,
      "the ServiceAccount signing key was not recorded for this cluster",
      "forgeExpiredToken",
    ),
    forgeExpiredCert: need(
      info.clientCa.keyPem && info.clientCa.certPem,
      "the client CA key was not recorded for this cluster",
      "forgeExpiredCert",
    ),
    signCerts,
    restart: existing ? unavailable(EXISTING_CLUSTER_REASONS.restart) : AVAILABLE,
  };
}
