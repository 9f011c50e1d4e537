/**
 * The API server's non-resource paths: `GET /` (the RootPaths index, what
 * `curl localhost:8001/` through `kubectl proxy` shows), the health checks and a small
 * `/metrics`. Only paths this cluster answers are listed.
 */
import { openApiSource } from "./openapi";
import { GROUPS, RESOURCES } from "./resources";
import type { Store } from "./store";

/** Named checks under /healthz, /livez and /readyz; each answers `ok` as the whole check does. */
const CHECKS = ["etcd", "log", "ping"];
const HEALTH = ["/healthz", "/livez", "/readyz"];

/** `/healthz`, `/livez/ping`, `/readyz/shutdown`, …: the health endpoints that answer `ok`. */
export function isHealthPath(path: string): boolean {
  if (HEALTH.includes(path)) return true;
  const m = /^(\/healthz|\/livez|\/readyz)\/(.+)$/.exec(path);
  if (!m?.[2]) return false;
  return CHECKS.includes(m[2]) || (m[1] === "/readyz" && m[2] === "shutdown");
}

/** `{"paths": [...]}`, sorted as the API server's index lists them. */
export function rootPaths(): { paths: string[] } {
  const paths = ["/api", "/api/v1", "/apis", "/apis/", "/metrics", "/version", "/readyz/shutdown"];
  for (const g of GROUPS) paths.push(`/apis/${g}`, `/apis/${g}/v1`);
  if (openApiSource()) paths.push("/openapi/v3", "/openapi/v3/");
  for (const h of HEALTH) paths.push(h, ...CHECKS.map((c) => `${h}/${c}`));
  // byte order, as Go's sort.Strings
  return { paths: paths.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)) };
}

/**
 * Prometheus text of the one stable metric a learner can relate to what they created:
 * `apiserver_storage_objects`, the number of stored objects per resource.
 */
export function metricsText(store: Store): string {
  const lines = [
    "# HELP apiserver_storage_objects [STABLE] Number of stored objects at the time of last check split by kind. In case of a fetching error, the value will be -1.",
    "# TYPE apiserver_storage_objects gauge",
  ];
  const rows = RESOURCES.map((r) => ({
    label: r.group ? `${r.name}.${r.group}` : r.name,
    count: store.scan(r.name).length,
  })).sort((a, b) => (a.label < b.label ? -1 : a.label > b.label ? 1 : 0));
  for (const { label, count } of rows) lines.push(`apiserver_storage_objects{resource="${label}"} ${count}`);
  return `${lines.join("\n")}\n`;
}
