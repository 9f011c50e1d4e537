/**
 * Registers the Kubernetes v1.32 OpenAPI v3 documents (./v1.32, see its README) as the
 * simulated API server's `/openapi/v3`: read and unzipped on first use, then kept.
 */
import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { gunzipSync } from "node:zlib";
import { type OpenApiSource, registerOpenApiSource } from "../../lib/cluster/openapi";

const DIR = new URL("./v1.32/", import.meta.url);
const SERVED = ["api/v1", "apis/apps/v1", "apis/coordination.k8s.io/v1", "apis/discovery.k8s.io/v1"];

const docs = new Map<string, { text: string; hash: string } | null>();

function load(gv: string): { text: string; hash: string } | null {
  const hit = docs.get(gv);
  if (hit !== undefined) return hit;
  let doc: { text: string; hash: string } | null = null;
  const file = new URL(`${gv.replaceAll("/", "__")}_openapi.json.gz`, DIR);
  if (SERVED.includes(gv) && existsSync(file)) {
    const text = gunzipSync(readFileSync(file)).toString("utf8");
    doc = { text, hash: createHash("sha512").update(text).digest("hex").toUpperCase() };
  }
  docs.set(gv, doc);
  return doc;
}

export const v132Documents: OpenApiSource = {
  paths: () => SERVED.filter((gv) => load(gv) !== null),
  document: (gv) => load(gv)?.text,
  hash: (gv) => load(gv)?.hash,
};

registerOpenApiSource(v132Documents);
