// Raw HTTP to the server under test, for what an MCP client cannot send: repeated header
// lines, JSON text with duplicate keys, bodies built in advance, any method.
import { type IncomingHttpHeaders, type IncomingMessage, request } from "node:http";

export interface RawReply {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
}

export const ACCEPT_BOTH = "application/json, text/event-stream";

export function collectReply(res: IncomingMessage, resolve: (r: RawReply) => void): void {
  let text = "";
  res.setEncoding("utf8");
  res.on("data", (c: string) => {
    text += c;
  });
  res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text }));
}

/** Any method, exact header lines, and a body sent as given (a string or Buffer verbatim, anything else as JSON). */
export function rawHttp(
  url: string,
  method: string,
  headers: Record<string, string | string[]>,
  body?: unknown,
): Promise<RawReply> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method, headers }, (res) => collectReply(res, resolve));
    req.on("error", reject);
    req.end(
      body === undefined
        ? undefined
        : typeof body === "string" || Buffer.isBuffer(body)
          ? body
          : JSON.stringify(body),
    );
  });
}

/** A POST as an MCP client sends it (JSON, both answer forms accepted), with extra header lines. */
export const jsonPost = (url: string, headers: Record<string, string | string[]>, body: unknown) =>
  rawHttp(url, "POST", { "content-type": "application/json", accept: ACCEPT_BOTH, ...headers }, body);

/** The session a reply opened, if it opened one. */
export function sessionIdOf(r: RawReply): string | undefined {
  const sid = r.headers["mcp-session-id"];
  return typeof sid === "string" ? sid : undefined;
}

/** The header line that continues the session a reply opened (none for a stateless server). */
export function sessionHeaders(r: RawReply): Record<string, string> {
  const sid = sessionIdOf(r);
  return sid ? { "mcp-session-id": sid } : {};
}
