// Placeholders in feature text: <A.server>, <A.ca>, <alice.token>, <carol.key>,
// <oracle.ca>, <oracle+A.ca>, <not-base64>, <base64-not-pem>.

import { HEADER } from "../../../reference-server/src/wire/constants.js";
import { bearerToken } from "../credentials/bearer.js";
import { b64 } from "../oracles/pki.js";
import type { ConformanceWorld } from "../world/world.js";

const pemOf = (b64value: string) => Buffer.from(b64value, "base64").toString("utf8");

export async function caPem(world: ConformanceWorld, name: string): Promise<string> {
  if (name === "oracle") return (await world.oracleCa()).certPem;
  return pemOf(world.clusters.get(name).caHeader);
}

export async function resolveValue(world: ConformanceWorld, text: string): Promise<string> {
  const parts: string[] = [];
  let last = 0;
  for (const m of text.matchAll(/<([A-Za-z0-9+_-]+)(?:\.([a-z-]+))?>/g)) {
    parts.push(text.slice(last, m.index));
    parts.push(await resolveOne(world, m[1] as string, m[2]));
    last = (m.index ?? 0) + m[0].length;
  }
  parts.push(text.slice(last));
  return parts.join("");
}

async function resolveOne(
  world: ConformanceWorld,
  subject: string,
  field: string | undefined,
): Promise<string> {
  if (!field) {
    if (subject === "not-base64") return "%%% this is not base64 %%%";
    if (subject === "base64-not-pem") return b64("this is not a PEM certificate\n");
    throw new Error(`unknown placeholder <${subject}>`);
  }
  if (field === "ca") {
    const pems = await Promise.all(subject.split("+").map((s) => caPem(world, s)));
    return b64(pems.map((p) => p.trim()).join("\n"));
  }
  if (field === "server") return world.net.serverOf(subject);
  if (field === "forbidden-namespace") return world.clusters.get(subject).info.namespaces.forbidden;
  if (field === "host") return new URL(world.net.serverOf(subject)).host;
  const h = world.identities.headersOf(subject);
  switch (field) {
    case "token":
      return bearerToken(h[HEADER.authorization]);
    case "authorization":
      return h[HEADER.authorization] ?? "";
    case "cert":
      return h[HEADER.clientCertificateData] ?? "";
    case "key":
      return h[HEADER.clientKeyData] ?? "";
    default:
      throw new Error(`unknown placeholder <${subject}.${field}>`);
  }
}

/** A CA bundle of about `kib` KiB of base64 whose real CA comes last. */
export async function largeBundle(world: ConformanceWorld, cluster: string, kib: number): Promise<string> {
  const filler = (await world.oracleCa()).certPem.trim();
  const real = (await caPem(world, cluster)).trim();
  // the base64 length of k fillers and the real CA, each filler ending in "\n", by arithmetic:
  // encoding the growing bundle once per filler was quadratic (7 s for 2 MiB)
  const encoded = (k: number) =>
    4 * Math.ceil((k * (Buffer.byteLength(filler) + 1) + Buffer.byteLength(real)) / 3);
  let k = 0;
  while (encoded(k) < kib * 1024 - filler.length * 1.4) k++;
  return b64([...Array<string>(k).fill(filler), real].join("\n"));
}
