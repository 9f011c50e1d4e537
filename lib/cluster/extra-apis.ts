/**
 * The API server's endpoints that are not stored objects: the deprecated v1 ComponentStatus
 * list, authorization.k8s.io's self reviews (minikube's user is cluster-admin: everything is
 * allowed), and metrics.k8s.io/v1beta1, which the aggregator serves only while minikube's
 * metrics-server addon (a Deployment in kube-system) has an available replica.
 */
import { ApiError, pathNotFound } from "./errors";
import type { AppState, Sim } from "./kernel";
import type { Deployment, KObject, Pod } from "./model";
import { rfc3339 } from "./time";
import type { ApiRequest, ApiResponse } from "./types";

const JSON_HEADERS = { "content-type": "application/json" };
const COMPONENT_WARNING = '299 - "v1 ComponentStatus is deprecated in v1.19+"';

function json(status: number, body: unknown, headers: Record<string, string> = {}): ApiResponse {
  return { status, headers: { ...JSON_HEADERS, ...headers }, body: `${JSON.stringify(body)}\n` };
}

export const METRICS_GROUP = "metrics.k8s.io";
export const METRICS_VERSION = "v1beta1";

/** The metrics API answers once the metrics-server addon's deployment is available. */
export function metricsAvailable(sim: Sim): boolean {
  const d = sim.store.peek<Deployment>("deployments", "kube-system", "metrics-server");
  return (d?.status?.availableReplicas ?? 0) > 0;
}

const COMPONENTS = ["controller-manager", "scheduler", "etcd-0"];

function componentStatus(name: string): Record<string, unknown> {
  return {
    kind: "ComponentStatus",
    apiVersion: "v1",
    metadata: { name },
    conditions: [{ type: "Healthy", status: "True", message: "ok" }],
  };
}

/** `GET /api/v1/componentstatuses[/NAME]`, with the API server's deprecation warning. */
export function componentStatuses(req: ApiRequest, name: string | undefined): ApiResponse {
  const warning = { warning: COMPONENT_WARNING };
  const accept = req.headers?.["accept"] ?? "";
  if (req.method === "GET" && /as=Table/.test(accept) && /g=meta\.k8s\.io/.test(accept)) {
    const names = name === undefined ? COMPONENTS : COMPONENTS.filter((c) => c === name);
    if (name !== undefined && names.length === 0)
      throw new ApiError(404, "NotFound", `componentstatuses "${name}" not found`, {
        name,
        kind: "componentstatuses",
      });
    const objs = names.map(componentStatus);
    const t = componentStatusTable(objs as unknown as KObject[]);
    const include = req.query?.get("includeObject") ?? "Metadata";
    return json(
      200,
      {
        kind: "Table",
        apiVersion: "meta.k8s.io/v1",
        metadata: {},
        columnDefinitions: t.columns.map((c) => ({
          name: c,
          type: "string",
          format: c === "Name" ? "name" : "",
          description: "",
          priority: 0,
        })),
        rows: t.cells.map((cells, i) => ({
          cells,
          object:
            include === "Object"
              ? objs[i]
              : {
                  kind: "PartialObjectMetadata",
                  apiVersion: "meta.k8s.io/v1",
                  metadata: objs[i]?.["metadata"],
                },
        })),
      },
      warning,
    );
  }
  if (req.method !== "GET")
    throw new ApiError(
      405,
      "MethodNotAllowed",
      "the server does not allow this method on the requested resource",
    );
  if (name !== undefined) {
    if (!COMPONENTS.includes(name))
      throw new ApiError(404, "NotFound", `componentstatuses "${name}" not found`, {
        name,
        kind: "componentstatuses",
      });
    return json(200, componentStatus(name), warning);
  }
  return json(
    200,
    { kind: "ComponentStatusList", apiVersion: "v1", metadata: {}, items: COMPONENTS.map(componentStatus) },
    warning,
  );
}

/** The table the API server prints for ComponentStatus: NAME, STATUS, MESSAGE, ERROR. */
export function componentStatusTable(objs: KObject[]): { columns: string[]; cells: unknown[][] } {
  return {
    columns: ["Name", "Status", "Message", "Error"],
    cells: objs.map((o) => {
      const healthy = (
        (o as unknown as { conditions?: Array<Record<string, string>> }).conditions ?? []
      ).find((c) => c["type"] === "Healthy");
      return [
        o.metadata.name ?? "",
        healthy?.["status"] === "True" ? "Healthy" : "Unhealthy",
        healthy?.["message"] ?? "",
        healthy?.["error"] ?? "",
      ];
    }),
  };
}

/** `POST /apis/authorization.k8s.io/v1/selfsubjectaccessreviews` and `…/selfsubjectrulesreviews`. */
export function selfReview(req: ApiRequest, resource: string, readBody: () => unknown): ApiResponse {
  if (req.method !== "POST")
    throw new ApiError(
      405,
      "MethodNotAllowed",
      "the server does not allow this method on the requested resource",
    );
  const body = (readBody() ?? {}) as Record<string, unknown>;
  /** The review as created: the request's spec, answered in `status` (the learner may do anything). */
  const answer = (kind: string, status: Record<string, unknown>): ApiResponse =>
    json(201, {
      kind,
      apiVersion: "authorization.k8s.io/v1",
      metadata: { creationTimestamp: null },
      spec: body["spec"] ?? {},
      status,
    });
  if (resource === "selfsubjectaccessreviews") return answer("SelfSubjectAccessReview", { allowed: true });
  if (resource === "selfsubjectrulesreviews") {
    return answer("SelfSubjectRulesReview", {
      resourceRules: [
        {
          verbs: ["create"],
          apiGroups: ["authorization.k8s.io"],
          resources: ["selfsubjectaccessreviews", "selfsubjectrulesreviews"],
        },
        { verbs: ["*"], apiGroups: ["*"], resources: ["*"] },
      ],
      nonResourceRules: [
        { verbs: ["*"], nonResourceURLs: ["*"] },
        {
          verbs: ["get"],
          nonResourceURLs: [
            "/api",
            "/api/*",
            "/apis",
            "/apis/*",
            "/healthz",
            "/livez",
            "/openapi",
            "/openapi/*",
            "/readyz",
            "/version",
            "/version/",
          ],
        },
      ],
      incomplete: false,
    });
  }
  throw pathNotFound();
}

/**
 * What a container uses: a base by what it runs, plus CPU for the requests it served in the
 * last minute of simulated time, so `kubectl top` moves when a learner sends traffic.
 */
/** Idle figures of minikube's components (millicores, MiB), as metrics-server reports them. */
const IDLE: Array<[RegExp, number, number]> = [
  [/kube-apiserver/, 42, 228],
  [/etcd/, 18, 44],
  [/kube-controller-manager/, 14, 48],
  [/kube-scheduler/, 3, 21],
  [/coredns/, 3, 14],
  [/kube-proxy/, 1, 19],
  [/storage-provisioner/, 2, 9],
  [/metrics-server/, 4, 17],
  [/nginx/, 1, 3],
  [/busybox/, 1, 1],
];

function usage(sim: Sim, app: AppState | undefined, image: string): { cpu: number; memKi: number } {
  const [, m = 1, mi = 10] = IDLE.find(([re]) => re.test(image)) ?? [];
  const jitter = Math.abs(hash(`${image}/${app?.pod ?? ""}/${Math.floor(sim.now() / 15_000)}`)) % 700_000;
  const recent = app ? app.log.filter(([t]) => sim.now() - t < 60_000).length : 0;
  return {
    cpu: m * 1_000_000 - 400_000 + jitter + recent * 400_000,
    memKi: mi * 1024 + (Math.abs(hash(image)) % 900) + Math.min(recent, 200) * 16,
  };
}

function hash(s: string): number {
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (h * 31 + s.charCodeAt(i)) | 0;
  return h;
}

function podMetrics(sim: Sim, p: Pod): Record<string, unknown> {
  const ns = p.metadata.namespace ?? "";
  const name = p.metadata.name ?? "";
  return {
    kind: "PodMetrics",
    apiVersion: `${METRICS_GROUP}/${METRICS_VERSION}`,
    metadata: { name, namespace: ns, creationTimestamp: rfc3339(sim.now()), labels: p.metadata.labels ?? {} },
    timestamp: rfc3339(sim.now() - 15_000),
    window: "15.012s",
    containers: p.spec.containers.map((c) => {
      const u = usage(sim, sim.apps[sim.appKey(ns, name, c.name)], c.image ?? "");
      return { name: c.name, usage: { cpu: `${u.cpu}n`, memory: `${u.memKi}Ki` } };
    }),
  };
}

function nodeMetrics(sim: Sim, node: KObject): Record<string, unknown> {
  const name = node.metadata.name ?? "";
  const pods = sim.store
    .scan<Pod>("pods")
    .filter((p) => p.spec.nodeName === name && p.status.phase === "Running");
  let cpu = 120_000_000;
  let mem = 600_000;
  for (const p of pods) {
    for (const c of podMetrics(sim, p)["containers"] as Array<{ usage: { cpu: string; memory: string } }>) {
      cpu += Number.parseInt(c.usage.cpu, 10);
      mem += Number.parseInt(c.usage.memory, 10);
    }
  }
  return {
    kind: "NodeMetrics",
    apiVersion: `${METRICS_GROUP}/${METRICS_VERSION}`,
    metadata: { name, creationTimestamp: rfc3339(sim.now()), labels: node.metadata.labels ?? {} },
    timestamp: rfc3339(sim.now() - 15_000),
    window: "20.037s",
    usage: { cpu: `${cpu}n`, memory: `${mem}Ki` },
  };
}

const METRICS_RESOURCES = [
  { name: "nodes", singularName: "", namespaced: false, kind: "NodeMetrics", verbs: ["get", "list"] },
  { name: "pods", singularName: "", namespaced: true, kind: "PodMetrics", verbs: ["get", "list"] },
];

export const metricsGroup = {
  name: METRICS_GROUP,
  versions: [{ groupVersion: `${METRICS_GROUP}/${METRICS_VERSION}`, version: METRICS_VERSION }],
  preferredVersion: { groupVersion: `${METRICS_GROUP}/${METRICS_VERSION}`, version: METRICS_VERSION },
};

/** `/apis/metrics.k8s.io[/v1beta1[/namespaces/NS]/(nodes|pods)[/NAME]]`; segs start after `/apis`. */
export function metricsApi(sim: Sim, req: ApiRequest, segs: string[]): ApiResponse {
  if (!metricsAvailable(sim)) throw pathNotFound();
  if (segs.length === 1) return json(200, { kind: "APIGroup", apiVersion: "v1", ...metricsGroup });
  if (segs[1] !== METRICS_VERSION) throw pathNotFound();
  if (segs.length === 2)
    return json(200, {
      kind: "APIResourceList",
      apiVersion: "v1",
      groupVersion: `${METRICS_GROUP}/${METRICS_VERSION}`,
      resources: METRICS_RESOURCES,
    });
  if (req.method !== "GET")
    throw new ApiError(
      405,
      "MethodNotAllowed",
      "the server does not allow this method on the requested resource",
    );
  let rest = segs.slice(2);
  let ns: string | undefined;
  if (rest[0] === "namespaces" && rest.length >= 3) {
    ns = rest[1];
    rest = rest.slice(2);
  }
  const [resource, name] = rest;
  const sel = req.query?.get("labelSelector") ?? "";
  const matches = (o: KObject): boolean =>
    sel === "" ||
    sel.split(",").every((kv) => {
      const [k = "", v] = kv.split("=");
      return v === undefined ? k in (o.metadata.labels ?? {}) : o.metadata.labels?.[k] === v;
    });
  /** The object named in the path, or the list of those the label selector matches. */
  const answer = <T extends KObject>(
    resource: string,
    kind: string,
    objs: T[],
    metrics: (o: T) => Record<string, unknown>,
  ): ApiResponse => {
    const found = objs.filter((o) => name === undefined || o.metadata.name === name);
    if (name === undefined)
      return json(200, {
        kind: `${kind}List`,
        apiVersion: `${METRICS_GROUP}/${METRICS_VERSION}`,
        metadata: {},
        items: found.filter(matches).map(metrics),
      });
    const o = found[0];
    if (!o)
      throw new ApiError(404, "NotFound", `${kind.toLowerCase()}.${METRICS_GROUP} "${name}" not found`, {
        name,
        group: METRICS_GROUP,
        kind: resource,
      });
    return json(200, metrics(o));
  };
  if (resource === "pods")
    return answer(
      "pods",
      "PodMetrics",
      sim.store.scan<Pod>("pods", ns).filter((p) => p.status.phase === "Running"),
      (p) => podMetrics(sim, p),
    );
  if (resource === "nodes" && ns === undefined)
    return answer("nodes", "NodeMetrics", sim.store.scan("nodes"), (n) => nodeMetrics(sim, n));
  throw pathNotFound();
}
