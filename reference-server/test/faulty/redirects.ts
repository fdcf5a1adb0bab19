// Defects in answering an upstream redirect (AH-NET-3, AH-ERR-1).
import http, { type IncomingMessage } from "node:http";
import https from "node:https";
import { ToolError } from "../../src/errors/tool-error.js";
import type { Faults, UpstreamExchange } from "../../src/faults.js";
import type { KubeResponse } from "../../src/upstream/kube-request.js";
import { ERROR_CODE } from "../../src/wire/constants.js";

const isRedirect = (status: number) => status >= 300 && status < 400;
const MAX_HOPS = 5;

/** follow-redirects: follows 3xx with the credentials, to wherever it points, unchecked. */
export const followRedirects: Partial<Faults> = {
  upstreamResponse: async (response, exchange) => {
    let res = response;
    let url = exchange.url;
    for (let hops = 0; isRedirect(res.status) && res.location && hops < MAX_HOPS; hops++) {
      url = new URL(res.location, url);
      res = await hop(url, exchange);
    }
    return res;
  },
};

/** redirect-wrong-code: does not follow, but calls the 3xx `[unreachable]` instead of `[upstream-error]`. */
export const redirectWrongCode: Partial<Faults> = {
  upstreamResponse: (response, exchange) => {
    if (!isRedirect(response.status)) return response;
    throw new ToolError(
      ERROR_CODE.unreachable,
      `the API server ${exchange.client.target.server.host} could not be reached (${response.status}).`,
    );
  },
};

function hop(url: URL, exchange: UpstreamExchange): Promise<KubeResponse> {
  const sameProtocol = url.protocol === exchange.client.target.server.protocol;
  const send = url.protocol === "http:" ? http.request : https.request;
  const body =
    exchange.request.body === undefined ? undefined : Buffer.from(JSON.stringify(exchange.request.body));
  return new Promise((resolve, reject) => {
    const outgoing = send(
      url,
      {
        method: exchange.request.method,
        headers: exchange.headers,
        agent: sameProtocol ? exchange.client.agent : undefined,
        signal: exchange.signal,
      },
      (res: IncomingMessage) => {
        let text = "";
        res.setEncoding("utf8");
        res.on("data", (c: string) => {
          text += c;
        });
        res.on("end", () =>
          resolve({ status: res.statusCode ?? 0, body: parse(text), location: res.headers.location }),
        );
        res.on("error", reject);
      },
    );
    outgoing.on("error", reject);
    outgoing.end(body);
  });
}

function parse(text: string): unknown {
  try {
    return text === "" ? undefined : JSON.parse(text);
  } catch {
    return text;
  }
}
