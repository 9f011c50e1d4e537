/** Test helpers: a cluster on a ManualClock and a terse API caller. */
import { Cluster } from "./index";
import { type ApiResponse, type HttpMethod, ManualClock } from "./types";

export const T0 = Date.parse("2026-11-30T03:00:00Z");

export function newCluster(scenario = "explore-app", seed = 1): { cluster: Cluster; clock: ManualClock } {
  const clock = new ManualClock(T0);
  return { cluster: Cluster.create({ scenario, seed, clock }), clock };
}

/** The explore-app scenario's deployment. */
export const DEPLOY = "/apis/apps/v1/namespaces/default/deployments/kubernetes-bootcamp";

export interface CallOptions {
  query?: Record<string, string>;
  body?: unknown;
  contentType?: string;
  table?: boolean;
}

export function call(
  cluster: Cluster,
  method: HttpMethod,
  path: string,
  opts: CallOptions = {},
): ApiResponse {
  const headers: Record<string, string> = {};
  if (opts.table) headers["accept"] = "application/json;as=Table;v=v1;g=meta.k8s.io,application/json";
  if (opts.body !== undefined) headers["content-type"] = opts.contentType ?? "application/json";
  return cluster.handle({
    method,
    path,
    query: new URLSearchParams(opts.query ?? {}),
    headers,
    ...(opts.body !== undefined
      ? { body: typeof opts.body === "string" ? opts.body : JSON.stringify(opts.body) }
      : {}),
  });
}

// biome-ignore lint/suspicious/noExplicitAny: tests poke into arbitrary JSON.
export function body(res: ApiResponse): any {
  return JSON.parse(res.body);
}

/** Names of the pods in `default` with their STATUS column. */
export function podStatuses(cluster: Cluster, ns = "default"): string[] {
  const t = body(call(cluster, "GET", `/api/v1/namespaces/${ns}/pods`, { table: true }));
  return t.rows.map((r: { cells: string[] }) => `${r.cells[0]} ${r.cells[2]}`);
}

/** The Status a real API server writes for a failed request: what tests expect a body to equal. */
export function failureStatus(
  code: number,
  reason: string,
  message: string,
  details?: Record<string, unknown>,
): Record<string, unknown> {
  return {
    kind: "Status",
    apiVersion: "v1",
    metadata: {},
    status: "Failure",
    message,
    reason,
    ...(details ? { details } : {}),
    code,
  };
}

/** `kubectl scale deployment kubernetes-bootcamp --replicas=N`: what the client sends. */
export function scaleBootcamp(cluster: Cluster, replicas: number): ApiResponse {
  return call(cluster, "PATCH", `${DEPLOY}/scale`, {
    contentType: "application/merge-patch+json",
    body: { spec: { replicas } },
  });
}

/** Creates a bare pod in `default` (what `kubectl apply` of a Pod manifest sends): the response. */
export function createPod(
  cluster: Cluster,
  metadata: { name: string; labels?: Record<string, string> },
  containers: Record<string, unknown>[],
): ApiResponse {
  return call(cluster, "POST", "/api/v1/namespaces/default/pods", {
    body: { apiVersion: "v1", kind: "Pod", metadata, spec: { containers } },
  });
}

/** Lets `seconds` of simulated time pass one second at a time, the controllers running each. */
export function runFor(cluster: Cluster, clock: ManualClock, seconds: number): void {
  for (let i = 0; i < seconds; i++) {
    clock.advance(1000);
    cluster.tick();
  }
}
