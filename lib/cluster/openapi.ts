/**
 * `/openapi/v3`: the API server's OpenAPI v3 documents, one per group-version, and the index
 * that points at them (`serverRelativeURL` with the document's hash). The documents are API
 * facts of Kubernetes v1.32; the core reads no files, so the host (server/openapi) registers
 * where they come from. Without a registered source the paths answer 404, as a server with
 * the OpenAPI v3 endpoint turned off does.
 */

export interface OpenApiSource {
  /** The group-versions served, as the index names them: `api/v1`, `apis/apps/v1`. */
  paths(): string[];
  /** The document's JSON text, or undefined when not served. */
  document(gv: string): string | undefined;
  /** The upper-case hex SHA-512 of the document, as the index's `?hash=` carries it. */
  hash(gv: string): string | undefined;
}

let source: OpenApiSource | undefined;

export function registerOpenApiSource(s: OpenApiSource | undefined): void {
  source = s;
}

export function openApiSource(): OpenApiSource | undefined {
  return source;
}

/** `{"paths": {"api/v1": {"serverRelativeURL": "/openapi/v3/api/v1?hash=…"}, …}}`. */
export function openApiIndex(s: OpenApiSource): { paths: Record<string, { serverRelativeURL: string }> } {
  const paths: Record<string, { serverRelativeURL: string }> = {};
  for (const gv of s.paths()) paths[gv] = { serverRelativeURL: `/openapi/v3/${gv}?hash=${s.hash(gv) ?? ""}` };
  return { paths };
}
