// The harness's own, independent way to use an identity's header values
// against an API server (no provider in between). Used to prove that minted
// credentials work, that forged ones fail, and as the benchmark baseline's
// sibling. Deliberately separate from any provider code.
import { request } from "node:https";
import { HEADER } from "../../../reference-server/src/wire/constants.js";
import type { IdentityHeaders } from "../clusters/types.js";

export interface DirectResult {
  status?: number;
  body?: unknown;
  /** Node's error code when no HTTP answer came (e.g. a TLS verification failure). */
  errorCode?: string;
}

const unb64 = (s: string | undefined) => (s ? Buffer.from(s, "base64").toString("utf8") : undefined);

export function directGet(headers: IdentityHeaders, path: string, timeoutMs = 10_000): Promise<DirectResult> {
  const server = headers[HEADER.server];
  if (!server) throw new Error(`identity has no ${HEADER.server}`);
  const base = server.endsWith("/") ? server : `${server}/`;
  const url = new URL(path.replace(/^\//, ""), base);
  const auth = headers[HEADER.authorization];
  return new Promise((resolve) => {
    const req = request(
      url,
      {
        method: "GET",
        ca: unb64(headers[HEADER.certificateAuthorityData]),
        cert: unb64(headers[HEADER.clientCertificateData]),
        key: unb64(headers[HEADER.clientKeyData]),
        headers: auth ? { authorization: auth, accept: "application/json" } : { accept: "application/json" },
        agent: false,
        timeout: timeoutMs,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => {
          const text = Buffer.concat(chunks).toString("utf8");
          let body: unknown = text;
          try {
            body = JSON.parse(text);
          } catch {}
          resolve({ status: res.statusCode, body });
        });
      },
    );
    req.on("timeout", () => req.destroy(Object.assign(new Error("timeout"), { code: "ETIMEDOUT" })));
    req.on("error", (e: NodeJS.ErrnoException) => resolve({ errorCode: e.code ?? e.message }));
    req.end();
  });
}
