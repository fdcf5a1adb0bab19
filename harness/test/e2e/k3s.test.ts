// The k3s backend runs only where a Docker engine answers; elsewhere this
// suite is skipped with the reason in its title, never passed silently.
import { describe, expect, it } from "vitest";
import { attach, startClusters } from "../../src/clusters/index.js";
import { dockerUnavailableReason } from "../../src/clusters/k3s/docker.js";
import { directGet } from "../../src/credentials/direct.js";

const reason = await dockerUnavailableReason();
if (reason) process.stderr.write(`k3s backend tests skipped: ${reason}\n`);

describe.skipIf(!!reason)(`k3s backend${reason ? ` (skipped: ${reason})` : ""}`, () => {
  it("starts k3s with fixtures, mints both identities and audits them", { timeout: 600_000 }, async () => {
    const running = await startClusters({ count: 1, backend: "k3s", names: ["k3s-a"] });
    try {
      const info = running.clusters[0];
      if (!info) throw new Error("no cluster");
      const c = attach(info);
      const mark = await c.audit.mark();
      const [token, cert] = await Promise.all([c.mintTokenIdentity(), c.mintCertIdentity()]);
      for (const id of [token, cert]) {
        const r = await directGet(id.headers, "/api/v1/namespaces/conformance/configmaps/cluster-identity");
        expect(r.status).toBe(200);
      }
      expect((await directGet((await c.forgeExpiredToken()).headers, "/api/v1/namespaces")).status).toBe(401);
      const users = (await c.audit.settled(mark)).map((e) => e.user.username);
      expect(users).toContain(token.user);
      expect(users).toContain(cert.user);
    } finally {
      await running.stop();
    }
  });
});
