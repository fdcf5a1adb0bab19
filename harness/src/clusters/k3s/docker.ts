// Whether a container engine answers. The k3s backend needs one; where none
// does, its tests skip with this reason instead of passing silently.
import { existsSync } from "node:fs";

// testcontainers and @testcontainers/k3s (with ssh2 and cpu-features beneath them) are
// optional dependencies: only the k3s backend loads them, so a user of the other backends
// may install without them (npm install --omit=optional).
export const K3S_PACKAGES_HINT =
  "the k3s backend needs the optional packages testcontainers and @testcontainers/k3s: npm install testcontainers@11.14 @testcontainers/k3s@11.14";

export const isMissingModule = (e: unknown): boolean =>
  (e as { code?: string }).code === "ERR_MODULE_NOT_FOUND";

export async function dockerUnavailableReason(timeoutMs = 5000): Promise<string | undefined> {
  if (!process.env.DOCKER_HOST && !existsSync("/var/run/docker.sock")) {
    return "no Docker engine: DOCKER_HOST is unset and /var/run/docker.sock does not exist";
  }
  try {
    const { getContainerRuntimeClient } = await import("testcontainers");
    const client = await Promise.race([
      getContainerRuntimeClient(),
      new Promise<never>((_, reject) =>
        setTimeout(() => reject(new Error(`no answer in ${timeoutMs} ms`)), timeoutMs),
      ),
    ]);
    void client;
    return undefined;
  } catch (e) {
    if (isMissingModule(e)) return K3S_PACKAGES_HINT;
    return `no Docker engine answered: ${(e as Error).message.split("\n")[0]}`;
  }
}
