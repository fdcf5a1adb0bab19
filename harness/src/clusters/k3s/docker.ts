// Whether a container engine answers. The k3s backend needs one; where none
// does, its tests skip with this reason instead of passing silently.
import { existsSync } from "node:fs";

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
    return `no Docker engine answered: ${(e as Error).message.split("\n")[0]}`;
  }
}
