/**
 * The Kubernetes REST API over the simulated cluster: discovery, CRUD with selectors, Table
 * responses, watch, and the pods/log, pods/proxy, services/proxy and scale subresources.
 * parse → route → call the store/controllers → respond; every error is an ApiError rendered once.
 */
import { deleteObject } from "./controllers/gc";
import { admit, templateDefaults } from "./defaults";
import { ApiError, alreadyExists, badRequest, forbidden, invalid, notFound, pathNotFound } from "./errors";
import {
  componentStatuses,
  METRICS_GROUP,
  metricsApi,
  metricsAvailable,
  metricsGroup,
  selfReview,
} from "./extra-apis";
import { jsonResponse } from "./json-body";
import type { AppState, Sim } from "./kernel";
import { MAX_REQUEST_BYTES, requestTooLarge, utf8Length, validateMeta } from "./limits";
import type { Deployment, KObject, Pod, Service } from "./model";
import { toPod } from "./net";
import { openApiIndex, openApiSource } from "./openapi";
import { jsonPatch, mergePatch, strategicMerge } from "./patch";
import { decodeProtobuf, PROTOBUF } from "./protobuf";
import {
  API_VERSIONS,
  apiGroup,
  apiGroupList,
  apiResourceList,
  apiVersionOf,
  GROUPS,
  type ResourceInfo,
  resourceInfo,
  VERSION,
} from "./resources";
import { isHealthPath, metricsText, rootPaths } from "./root";
import { parseFieldSelector, parseLabelSelector } from "./selectors";
import { clone } from "./store";
import {
  duplicateErrors,
  fieldValidationOf,
  pruneUnknown,
  strictBadRequest,
  strictErrors,
  strictPatchInvalid,
  unknownFields,
  warningHeader,
} from "./strict";
import { type IncludeObject, toTable } from "./tables";
import { rfc3339 } from "./time";
import type { ApiRequest, ApiResponse, ApiStream, NetResponse } from "./types";

const JSON_HEADERS = { "content-type": "application/json" };

/**
 * The API server's serializer writes compact JSON plus the newline Go's json.Encoder adds, and
 * indents (2 spaces, no trailing newline) for `?pretty=true` or a human client (User-Agent
 * starting with curl, Wget or Mozilla/5.0). Responses are built compact; `handleApi` re-indents
 * the ones made by `json()` when the request asks for it.
 */
const reformattable = new WeakSet<ApiResponse>();

function wantsPretty(req: ApiRequest): boolean {
  const q = req.query?.get("pretty");
  if (q !== null && q !== undefined && q !== "") return q === "true" || q === "1";
  return /^(curl|Wget|Mozilla\/5\.0)/.test(req.headers?.["user-agent"] ?? "");
}

function json(status: number, body: unknown): ApiResponse {
  // Objects keep their value for an in-process caller and write the text when it is read.
  const res =
    body !== null && typeof body === "object"
      ? jsonResponse(status, { ...JSON_HEADERS }, body)
      : { status, headers: { ...JSON_HEADERS }, body: `${JSON.stringify(body)}\n` };
  reformattable.add(res);
  return res;
}

/**
 * The discovery documents never change (they are built from constant tables), and kubectl asks
 * for several of them before every command: each is serialized once, by path.
 */
const discoveryBodies = new Map<string, string>();

function discoveryJson(key: string, doc: () => unknown): ApiResponse {
  let body = discoveryBodies.get(key);
  if (body === undefined) {
    const value = doc();
    if (value === undefined) throw pathNotFound();
    body = `${JSON.stringify(value)}\n`;
    discoveryBodies.set(key, body);
  }
  const res = { status: 200, headers: { ...JSON_HEADERS }, body };
  reformattable.add(res);
  return res;
}

function prettyFor(req: ApiRequest, res: ApiResponse): ApiResponse {
  if (!reformattable.has(res) || !wantsPretty(req)) return res;
  return { ...res, body: JSON.stringify(JSON.parse(res.body), null, 2) };
}

/** `/version` is written raw: always indented; it ends with a newline as curl shows it. */
function rawJSON(status: number, body: unknown): ApiResponse {
  return { status, headers: { ...JSON_HEADERS }, body: `${JSON.stringify(body, null, 2)}\n` };
}

function text(status: number, body: string): ApiResponse {
  return { status, headers: { "content-type": "text/plain" }, body };
}

function wantsTable(req: ApiRequest): boolean {
  const accept = req.headers?.["accept"] ?? "";
  return /as=Table/.test(accept) && /g=meta\.k8s\.io/.test(accept);
}

interface Target {
  info: ResourceInfo;
  namespace?: string;
  name?: string;
  sub?: string;
  rest: string[];
}

function parseTarget(group: string, segs: string[]): Target {
  let ns: string | undefined;
  let s = segs;
  if (s[0] === "namespaces" && s.length >= 3 && resourceInfo(group, s[2] ?? "")) {
    ns = s[1];
    s = s.slice(2);
  }
  const info = resourceInfo(group, s[0] ?? "");
  if (!info) throw pathNotFound();
  if (ns !== undefined && !info.namespaced) throw pathNotFound();
  const t: Target = { info, rest: s.slice(3) };
  if (ns !== undefined) t.namespace = ns;
  if (s[1] !== undefined) t.name = s[1];
  if (s[2] !== undefined) t.sub = s[2];
  return t;
}

function parseBody(req: ApiRequest): unknown {
  if (!req.body) throw badRequest("the server rejected our request due to an error in our request");
  const type = (req.headers?.["content-type"] ?? "").split(";")[0]?.trim();
  if (type === PROTOBUF) return decodeProtobuf(req.body);
  try {
    return JSON.parse(req.body);
  } catch {
    throw badRequest(`json: cannot unmarshal request body`);
  }
}

/** The body's size in bytes: binary (protobuf) bodies arrive one char per byte. */
function bodyBytes(req: ApiRequest): number {
  const body = req.body ?? "";
  if (body.length > MAX_REQUEST_BYTES || body.length * 3 <= MAX_REQUEST_BYTES) return body.length;
  const type = (req.headers?.["content-type"] ?? "").split(";")[0]?.trim();
  return type === PROTOBUF ? body.length : utf8Length(body);
}

export function handleApi(sim: Sim, req: ApiRequest): ApiResponse {
  try {
    // The API server reads at most --max-request-bytes of a body before decoding it.
    if (bodyBytes(req) > MAX_REQUEST_BYTES) throw requestTooLarge();
    return prettyFor(req, route(sim, req));
  } catch (e) {
    if (e instanceof ApiError) return prettyFor(req, json(e.code, e.toStatus()));
    const msg = e instanceof Error ? e.message : String(e);
    return prettyFor(
      req,
      json(500, new ApiError(500, "InternalError", `Internal error occurred: ${msg}`).toStatus()),
    );
  }
}

function route(sim: Sim, req: ApiRequest): ApiResponse {
  const path = req.path.replace(/\/+$/, "") || "/";
  // kubectl asks for the discovery documents before every command: a path already answered by
  // discoveryJson is answered again without splitting it (`/apis` depends on the metrics group)
  if (path !== "/apis" && discoveryBodies.has(path)) return discoveryJson(path, () => undefined);
  const segs = path
    .split("/")
    .filter((s) => s !== "")
    .map(decodeURIComponent);
  const q = req.query ?? new URLSearchParams();
  // the index and /version are written raw by the API server: always indented
  if (path === "/") return rawJSON(200, rootPaths());
  if (path === "/version") return rawJSON(200, VERSION);
  if (isHealthPath(path)) return text(200, "ok");
  if (path === "/metrics") {
    return {
      status: 200,
      headers: { "content-type": "text/plain; version=0.0.4; charset=utf-8" },
      body: metricsText(sim.store),
    };
  }
  if (segs[0] === "openapi" && segs[1] === "v3") return openApi(segs.slice(2).join("/"));
  if (path === "/api") return discoveryJson(path, () => API_VERSIONS);
  if (path === "/apis") {
    const metrics = metricsAvailable(sim);
    return discoveryJson(metrics ? "/apis+metrics" : "/apis", () => {
      const list = apiGroupList();
      if (metrics) list["groups"] = [...(list["groups"] as unknown[]), metricsGroup];
      return list;
    });
  }
  if (segs[0] === "apis" && segs[1] === METRICS_GROUP) return metricsApi(sim, req, segs.slice(1));
  if (segs[0] === "apis" && segs[1] === "authorization.k8s.io" && segs[2] === "v1" && segs.length === 4)
    return selfReview(req, segs[3] ?? "", () => parseBody(req));
  if (segs[0] === "api") {
    if (segs[1] !== "v1") throw pathNotFound();
    if (segs.length === 2) return discoveryJson("/api/v1", () => apiResourceList(""));
    if (segs[2] === "componentstatuses" && segs.length <= 4) return componentStatuses(req, segs[3]);
    return resource(sim, req, parseTarget("", segs.slice(2)), q);
  }
  if (segs[0] === "apis" && segs[1]) {
    const group = segs[1];
    if (segs.length === 2) return discoveryJson(`/apis/${group}`, () => apiGroup(group));
    if (segs[2] !== "v1") throw pathNotFound();
    if (segs.length === 3) return discoveryJson(`/apis/${group}/v1`, () => apiResourceList(group));
    if (!GROUPS.includes(group)) throw pathNotFound();
    return resource(sim, req, parseTarget(group, segs.slice(3)), q);
  }
  throw pathNotFound();
}

/** `/openapi/v3` (the index) and `/openapi/v3/api/v1`, `/openapi/v3/apis/apps/v1`, …. */
function openApi(gv: string): ApiResponse {
  const src = openApiSource();
  if (!src) throw pathNotFound();
  if (gv === "") return json(200, openApiIndex(src));
  const doc = src.document(gv);
  if (doc === undefined) throw pathNotFound();
  return { status: 200, headers: { ...JSON_HEADERS }, body: doc };
}

function resource(sim: Sim, req: ApiRequest, t: Target, q: URLSearchParams): ApiResponse {
  const { info } = t;
  if (info.namespaced && t.name !== undefined && t.namespace === undefined) throw pathNotFound();
  if (
    t.namespace !== undefined &&
    !sim.store.peek("namespaces", undefined, t.namespace) &&
    req.method === "POST"
  ) {
    throw notFound("namespaces", "", t.namespace);
  }
  if (t.sub) return subresource(sim, req, t, q);
  if (t.name === undefined) {
    if (req.method === "GET") {
      return q.get("watch") === "true" || q.get("watch") === "1"
        ? watch(sim, req, t, q)
        : list(sim, req, t, q);
    }
    if (req.method === "POST") {
      const warn = checkFields(req, t, q);
      return withWarnings(create(sim, t, typed(t, parseBody(req)), q), warn);
    }
    throw new ApiError(
      405,
      "MethodNotAllowed",
      "the server does not allow this method on the requested resource",
    );
  }
  switch (req.method) {
    case "GET": {
      const obj = sim.store.get(info.name, t.namespace, t.name);
      if (wantsTable(req)) {
        return json(
          200,
          toTable(info.name, [obj], sim.now(), includeOf(q), { resourceVersion: String(sim.store.rv) }),
        );
      }
      return json(200, obj);
    }
    case "PUT": {
      const warn = checkFields(req, t, q);
      return withWarnings(json(200, update(sim, t, typed(t, parseBody(req)), q)), warn);
    }
    case "PATCH": {
      const warnings: string[] = [];
      return withWarnings(json(200, patch(sim, req, t, q, warnings)), warnings);
    }
    case "DELETE":
      return remove(sim, req, t);
    default:
      throw new ApiError(
        405,
        "MethodNotAllowed",
        "the server does not allow this method on the requested resource",
      );
  }
}

function includeOf(q: URLSearchParams): IncludeObject {
  const v = q.get("includeObject");
  return v === "None" || v === "Object" ? v : "Metadata";
}

function selected(sim: Sim, t: Target, q: URLSearchParams): KObject[] {
  const ls = q.get("labelSelector");
  const fs = q.get("fieldSelector");
  const lsel = ls ? parseLabelSelector(ls) : undefined;
  const fsel = fs ? parseFieldSelector(t.info.name, fs, t.info.kind) : undefined;
  return sim.store
    .scan(t.info.name, t.namespace)
    .filter((o) => (!lsel || lsel(o.metadata.labels)) && (!fsel || fsel(o)));
}

function list(sim: Sim, req: ApiRequest, t: Target, q: URLSearchParams): ApiResponse {
  let items = selected(sim, t, q);
  const limit = Number(q.get("limit") ?? "0");
  const cont = q.get("continue");
  let start = 0;
  if (cont) {
    const n = Number(atob(cont).split(":")[1] ?? "0");
    if (!Number.isFinite(n)) throw badRequest("invalid continue token");
    start = n;
  }
  const meta: Record<string, unknown> = { resourceVersion: String(sim.store.rv) };
  if (limit > 0 && items.length > start + limit) {
    meta["continue"] = btoa(`${sim.store.rv}:${start + limit}`);
    meta["remainingItemCount"] = items.length - start - limit;
    items = items.slice(start, start + limit);
  } else if (start > 0) items = items.slice(start);
  if (wantsTable(req)) {
    // Printers only read: the stored objects are serialised as they are, without copies.
    return json(200, toTable(t.info.name, items, sim.now(), includeOf(q), meta));
  }
  return json(200, {
    kind: `${t.info.kind}List`,
    apiVersion: apiVersionOf(t.info),
    metadata: meta,
    items: items.map((o) => ({ apiVersion: apiVersionOf(t.info), kind: t.info.kind, ...o })),
  });
}

function checkIdentity(t: Target, obj: KObject, name?: string): void {
  if (!obj || typeof obj !== "object" || !obj.metadata) obj.metadata = {};
  if (t.info.namespaced) {
    const ns = t.namespace ?? obj.metadata.namespace ?? "default";
    if (obj.metadata.namespace && obj.metadata.namespace !== ns) {
      throw badRequest(
        "the namespace of the provided object does not match the namespace sent on the request",
      );
    }
    obj.metadata.namespace = ns;
  } else {
    delete obj.metadata.namespace;
  }
  if (name !== undefined && obj.metadata.name && obj.metadata.name !== name) {
    throw badRequest(
      `the name of the object (${obj.metadata.name}) does not match the name on the URL (${name})`,
    );
  }
  if (name !== undefined) obj.metadata.name = name;
  obj.apiVersion = apiVersionOf(t.info);
  obj.kind = t.info.kind;
}

function create(sim: Sim, t: Target, body: KObject, q: URLSearchParams): ApiResponse {
  checkIdentity(t, body);
  if (!body.metadata.name && !body.metadata.generateName) {
    throw invalid(t.info.kind, t.info.group, "", [
      {
        field: "metadata.name",
        message: "Required value: name or generateName is required",
        reason: "FieldValueRequired",
      },
    ]);
  }
  for (const k of [
    "uid",
    "resourceVersion",
    "creationTimestamp",
    "deletionTimestamp",
    "generation",
  ] as const) {
    delete body.metadata[k];
  }
  validateMeta(t.info.name, body);
  const obj = admit(sim, t.info.name, body);
  if (q.get("dryRun") === "All") {
    if (sim.store.peek(t.info.name, obj.metadata.namespace, obj.metadata.name ?? "")) {
      throw alreadyExists(t.info.name, t.info.group, obj.metadata.name ?? "");
    }
    return json(201, {
      ...obj,
      metadata: { ...obj.metadata, uid: sim.rng.uuid(), creationTimestamp: rfc3339(sim.now()) },
    });
  }
  const created = sim.store.create(t.info.name, obj, { quota: true });
  sim.reconcile();
  return json(201, created);
}

/** Keep what clients may not change, default what a template needs, then store. */
function update(sim: Sim, t: Target, body: KObject, q: URLSearchParams): KObject {
  checkIdentity(t, body, t.name);
  const cur = sim.store.get(t.info.name, t.namespace, t.name ?? "");
  body.status = cur["status"];
  validateMeta(t.info.name, body);
  const next = normalize(t.info.name, body);
  if (q.get("dryRun") === "All") return next;
  const stored = sim.store.update(t.info.name, next, false, { quota: true });
  sim.reconcile();
  return sim.store.peek(t.info.name, t.namespace, t.name ?? "")
    ? sim.store.get(t.info.name, t.namespace, t.name ?? "")
    : stored;
}

function normalize(resource: string, obj: KObject): KObject {
  if (resource === "deployments") {
    const d = obj as Deployment;
    if (d.spec?.template) d.spec.template = templateDefaults(d.spec.template);
    // the defaulter runs on every update: a patch that removes `replicas` leaves 1
    if (d.spec) {
      d.spec.replicas ??= 1;
      d.spec.revisionHistoryLimit ??= 10;
      d.spec.progressDeadlineSeconds ??= 600;
    }
  }
  return obj;
}

function applyPatch(req: ApiRequest, cur: KObject): KObject {
  const type = (req.headers?.["content-type"] ?? "").split(";")[0]?.trim();
  const body = parseBody(req);
  switch (type) {
    case "application/merge-patch+json":
      return mergePatch(cur, body) as KObject;
    case "application/strategic-merge-patch+json":
      return strategicMerge(cur, body) as KObject;
    case "application/json-patch+json":
      return jsonPatch(cur, body) as KObject;
    default:
      throw new ApiError(
        415,
        "UnsupportedMediaType",
        `the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/strategic-merge-patch+json`,
      );
  }
}

/**
 * Strict field validation of a create or update body (JSON only): Strict refuses unknown and
 * duplicate fields with the decoder's 400, Warn (the default) returns them as warnings.
 */
function checkFields(req: ApiRequest, t: Target, q: URLSearchParams): string[] {
  const mode = fieldValidationOf(q);
  const type = (req.headers?.["content-type"] ?? "").split(";")[0]?.trim();
  if (mode === "Ignore" || type === PROTOBUF || !req.body) return [];
  let declared: { apiVersion?: unknown; kind?: unknown } = {};
  try {
    declared = JSON.parse(req.body) as typeof declared;
  } catch {
    return [];
  }
  const kind = typeof declared.kind === "string" && declared.kind ? declared.kind : t.info.kind;
  const apiVersion = typeof declared.apiVersion === "string" ? declared.apiVersion : "";
  const version = apiVersion ? (apiVersion.split("/").pop() ?? t.info.version) : t.info.version;
  const errs = strictErrors(req.body, t.info.group, t.info.version, t.info.kind);
  if (errs.length > 0 && mode === "Strict") throw strictBadRequest(kind, version, errs);
  return errs;
}

/** The body as the typed decoder leaves it: unknown fields gone. */
const typed = (t: Target, body: unknown): KObject =>
  pruneUnknown(body as KObject, t.info.group, t.info.version, t.info.kind);

function withWarnings(res: ApiResponse, warnings: string[]): ApiResponse {
  if (warnings.length === 0) return res;
  return { ...res, headers: { ...res.headers, warning: warningHeader(warnings) } };
}

function patch(sim: Sim, req: ApiRequest, t: Target, q: URLSearchParams, warnings: string[] = []): KObject {
  const cur = sim.store.get(t.info.name, t.namespace, t.name ?? "");
  const mode = fieldValidationOf(q);
  const type = (req.headers?.["content-type"] ?? "").split(";")[0]?.trim();
  const next = applyPatch(req, cur);
  if (mode !== "Ignore" && req.body && type !== "application/json-patch+json" && type !== PROTOBUF) {
    const errs = [
      ...duplicateErrors(req.body),
      ...unknownFields(next, t.info.group, t.info.version, t.info.kind),
    ];
    if (errs.length > 0 && mode === "Strict") throw strictPatchInvalid(JSON.parse(req.body), errs);
    warnings.push(...errs);
  }
  pruneUnknown(next, t.info.group, t.info.version, t.info.kind);
  next.metadata = { ...(next.metadata ?? {}), resourceVersion: undefined };
  checkIdentity(t, next, t.name);
  next["status"] = cur["status"];
  validateMeta(t.info.name, next);
  const normalized = normalize(t.info.name, next);
  if (q.get("dryRun") === "All") return normalized;
  sim.store.update(t.info.name, normalized, false, { quota: true });
  sim.reconcile();
  return sim.store.peek(t.info.name, t.namespace, t.name ?? "")
    ? sim.store.get(t.info.name, t.namespace, t.name ?? "")
    : normalized;
}

function remove(sim: Sim, req: ApiRequest, t: Target): ApiResponse {
  const name = t.name ?? "";
  const cur = sim.store.get(t.info.name, t.namespace, name);
  let opts: { propagationPolicy?: string; gracePeriodSeconds?: number; dryRun?: string[] } = {};
  if (req.body) {
    try {
      opts = JSON.parse(req.body);
    } catch {
      throw badRequest("invalid DeleteOptions");
    }
  }
  const q = req.query;
  if (q?.get("gracePeriodSeconds")) opts.gracePeriodSeconds = Number(q.get("gracePeriodSeconds"));
  if (q?.get("propagationPolicy")) opts.propagationPolicy = q.get("propagationPolicy") ?? undefined;
  // a server dry run answers as the delete would and changes nothing
  if (q?.get("dryRun") === "All" || opts.dryRun?.includes("All")) return json(200, cur);
  if (t.info.name === "pods") {
    const pod = cur as Pod;
    if (pod.metadata.deletionTimestamp && opts.gracePeriodSeconds !== 0) return json(200, pod);
    const grace = opts.gracePeriodSeconds ?? pod.spec.terminationGracePeriodSeconds ?? 30;
    if (
      !pod.spec.nodeName ||
      grace === 0 ||
      !(pod.status.containerStatuses ?? []).some((s) => s.state.running || s.state.waiting)
    ) {
      const gone = sim.store.remove("pods", t.namespace, name);
      sim.unschedule(pod.metadata.uid ?? "");
      for (const c of pod.spec.containers) delete sim.apps[sim.appKey(t.namespace ?? "", name, c.name)];
      sim.reconcile();
      return json(200, gone);
    }
    const marked = sim.store.markDeleting("pods", t.namespace, name, sim.now() + grace * 1000, grace);
    sim.reconcile();
    return json(200, marked);
  }
  if (t.info.name === "namespaces") {
    if (["default", "kube-system", "kube-public", "kube-node-lease"].includes(name)) {
      throw forbidden("namespaces", "", name, "this namespace may not be deleted");
    }
    const marked = sim.store.markDeleting("namespaces", undefined, name, sim.now(), 0);
    sim.reconcile();
    return json(
      200,
      sim.store.peek("namespaces", undefined, name) ? sim.store.get("namespaces", undefined, name) : marked,
    );
  }
  if (
    opts.propagationPolicy === "Foreground" &&
    (t.info.name === "deployments" || t.info.name === "replicasets")
  ) {
    sim.store.mutate(t.info.name, t.namespace, name, (x) => {
      x.metadata.deletionTimestamp = rfc3339(sim.now());
      x.metadata.deletionGracePeriodSeconds = 0;
      x.metadata.finalizers = [...(x.metadata.finalizers ?? []), "foregroundDeletion"];
    });
    const marked = sim.store.get(t.info.name, t.namespace, name);
    sim.reconcile();
    return json(200, marked);
  }
  if (opts.propagationPolicy === "Orphan") {
    for (const res of ["replicasets", "pods"]) {
      for (const o of sim.store.scan(res, t.namespace)) {
        if (o.metadata.ownerReferences?.some((r) => r.uid === cur.metadata.uid)) {
          sim.store.mutate(res, t.namespace, o.metadata.name ?? "", (x) => {
            x.metadata.ownerReferences = x.metadata.ownerReferences?.filter(
              (r) => r.uid !== cur.metadata.uid,
            );
            if (x.metadata.ownerReferences?.length === 0) delete x.metadata.ownerReferences;
          });
        }
      }
    }
  }
  deleteObject(sim, t.info.name, cur);
  sim.reconcile();
  return json(200, {
    kind: "Status",
    apiVersion: "v1",
    metadata: {},
    status: "Success",
    details: {
      name,
      ...(t.info.group ? { group: t.info.group } : {}),
      kind: t.info.name,
      uid: cur.metadata.uid,
    },
  });
}

function subresource(sim: Sim, req: ApiRequest, t: Target, q: URLSearchParams): ApiResponse {
  const res = t.info.name;
  const sub = t.sub ?? "";
  if (sub === "proxy" && (res === "pods" || res === "services")) return proxy(sim, req, t);
  if (res === "pods" && sub === "log" && req.method === "GET") return logs(sim, t, q);
  if (res === "pods" && (sub === "exec" || sub === "attach" || sub === "portforward")) {
    throw badRequest("Upgrade request required");
  }
  if (sub === "scale" && (res === "deployments" || res === "replicasets")) return scale(sim, req, t, q);
  if (sub === "status") {
    if (req.method === "GET") return json(200, sim.store.get(res, t.namespace, t.name ?? ""));
    if (req.method === "PUT" || req.method === "PATCH") {
      const cur = sim.store.get(res, t.namespace, t.name ?? "");
      const next = req.method === "PUT" ? (parseBody(req) as KObject) : applyPatch(req, cur);
      const merged = { ...cur, status: next["status"] };
      merged.metadata = { ...cur.metadata, resourceVersion: undefined };
      sim.store.update(res, merged);
      sim.reconcile();
      return json(200, sim.store.get(res, t.namespace, t.name ?? ""));
    }
  }
  throw pathNotFound();
}

function scaleObject(o: KObject): Record<string, unknown> {
  const sel = o["spec"]?.selector?.matchLabels ?? {};
  return {
    kind: "Scale",
    apiVersion: "autoscaling/v1",
    metadata: {
      name: o.metadata.name,
      namespace: o.metadata.namespace,
      uid: o.metadata.uid,
      resourceVersion: o.metadata.resourceVersion,
      creationTimestamp: o.metadata.creationTimestamp,
    },
    spec: { replicas: o["spec"]?.replicas ?? 0 },
    status: {
      replicas: o["status"]?.replicas ?? 0,
      selector: Object.entries(sel)
        .map(([k, v]) => `${k}=${v}`)
        .join(","),
    },
  };
}

function scale(sim: Sim, req: ApiRequest, t: Target, q: URLSearchParams): ApiResponse {
  const name = t.name ?? "";
  const cur = sim.store.get(t.info.name, t.namespace, name);
  if (req.method === "GET") return json(200, scaleObject(cur));
  if (req.method !== "PUT" && req.method !== "PATCH") throw pathNotFound();
  const current = scaleObject(cur) as KObject;
  const next = (req.method === "PUT" ? parseBody(req) : applyPatch(req, current)) as KObject;
  const replicas = Number(next["spec"]?.replicas);
  if (!Number.isInteger(replicas) || replicas < 0) {
    throw invalid("Scale", "autoscaling", name, [
      {
        field: "spec.replicas",
        message: `Invalid value: ${JSON.stringify(next["spec"]?.replicas ?? null)}: must be greater than or equal to 0`,
      },
    ]);
  }
  if (q.get("dryRun") === "All") return json(200, { ...current, spec: { replicas } });
  sim.store.mutate(t.info.name, t.namespace, name, (x) => {
    x["spec"].replicas = replicas;
  });
  sim.reconcile();
  return json(200, scaleObject(sim.store.get(t.info.name, t.namespace, name)));
}

function netToApi(r: NetResponse, ip: string, port: number): ApiResponse {
  if (r.kind === "response") return { status: r.status, headers: { ...r.headers }, body: r.body };
  const why = r.kind === "refused" ? "connect: connection refused" : "i/o timeout";
  return json(
    503,
    new ApiError(
      503,
      "ServiceUnavailable",
      `error trying to reach service: dial tcp ${ip}:${port}: ${why}`,
    ).toStatus(),
  );
}

/** `pods/NAME[:PORT]/proxy/…` and `services/[SCHEME:]NAME[:PORT]/proxy/…`. */
function proxy(sim: Sim, req: ApiRequest, t: Target): ApiResponse {
  const raw = t.name ?? "";
  const parts = raw.split(":");
  let scheme = "";
  if (parts.length === 3 || ((parts[0] === "http" || parts[0] === "https") && parts.length > 1))
    scheme = parts.shift() ?? "";
  void scheme;
  const name = parts[0] ?? "";
  const portPart = parts[1] ?? "";
  const ns = t.namespace ?? "default";
  const netReq = {
    method: req.method,
    host: "",
    port: 0,
    path: `/${t.rest.join("/")}`,
    headers: req.headers ?? {},
    from: { kind: "workstation" as const },
  };
  if (t.info.name === "pods") {
    const pod = sim.store.peek<Pod>("pods", ns, name);
    if (!pod) throw notFound("pods", "", name);
    let port = 80;
    if (portPart) {
      const n = Number(portPart);
      if (Number.isInteger(n)) port = n;
      else {
        const named = pod.spec.containers.flatMap((c) => c.ports ?? []).find((p) => p.name === portPart);
        if (!named) throw badRequest(`invalid port name "${portPart}"`);
        port = named.containerPort;
      }
    }
    const ip = pod.status.podIP;
    if (!ip) throw badRequest(`address not allowed`);
    return netToApi(toPod(sim, pod, port, { ...netReq, host: ip, port }), ip, port);
  }
  const svc = sim.store.peek<Service>("services", ns, name);
  if (!svc) throw notFound("services", "", name);
  const ports = svc.spec.ports ?? [];
  const sp = portPart
    ? ports.find((p) => p.name === portPart || String(p.port) === portPart)
    : ports.length === 1
      ? ports[0]
      : ports.find((p) => !p.name);
  if (!sp) throw new ApiError(503, "ServiceUnavailable", `no endpoints available for service "${raw}"`);
  const ep = sim.store.peek("endpoints", ns, name);
  const subset = ep?.["subsets"]?.[0];
  const addrs: Array<{ ip: string }> = subset?.addresses ?? [];
  if (addrs.length === 0) {
    throw new ApiError(503, "ServiceUnavailable", `no endpoints available for service "${raw}"`);
  }
  const a = addrs[sim.rng.int(addrs.length)] ?? addrs[0];
  const port: number =
    subset?.ports?.find((p: { name?: string }) => (sp.name ? p.name === sp.name : true))?.port ??
    (typeof sp.targetPort === "number" ? sp.targetPort : sp.port);
  const pod = sim.store.scan<Pod>("pods", ns).find((p) => p.status.podIP === a?.ip);
  if (!pod || !a) return netToApi({ kind: "refused" }, a?.ip ?? "", port);
  return netToApi(toPod(sim, pod, port, { ...netReq, host: a.ip, port }), a.ip, port);
}

function formatLogLine(at: number, line: string, timestamps: boolean): string {
  if (!timestamps) return `${line}\n`;
  const iso = new Date(at).toISOString();
  return `${iso.slice(0, 23)}000000Z ${line}\n`;
}

function logs(sim: Sim, t: Target, q: URLSearchParams): ApiResponse {
  const ns = t.namespace ?? "default";
  const name = t.name ?? "";
  const pod = sim.store.peek<Pod>("pods", ns, name);
  if (!pod) throw notFound("pods", "", name);
  const names = pod.spec.containers.map((c) => c.name);
  let container = q.get("container") ?? "";
  if (!container) {
    if (names.length !== 1) {
      throw badRequest(
        `a container name must be specified for pod ${name}, choose one of: [${names.join(" ")}]`,
      );
    }
    container = names[0] ?? "";
  }
  if (!names.includes(container)) throw badRequest(`container ${container} is not valid for pod ${name}`);
  const status = pod.status.containerStatuses?.find((s) => s.name === container);
  const app = sim.apps[sim.appKey(ns, name, container)];
  if (!app || !status?.state.running) {
    const reason = status?.state.waiting?.reason ?? "ContainerCreating";
    const why =
      reason === "ImagePullBackOff" || reason === "ErrImagePull"
        ? "trying and failing to pull image"
        : reason;
    throw badRequest(`container "${container}" in pod "${name}" is waiting to start: ${why}`);
  }
  const timestamps = q.get("timestamps") === "true";
  let lines = app.log;
  const since = q.get("sinceSeconds");
  if (since) lines = lines.filter(([at]) => at >= sim.now() - Number(since) * 1000);
  const tail = q.get("tailLines");
  if (tail !== null && Number(tail) >= 0) lines = Number(tail) === 0 ? [] : lines.slice(-Number(tail));
  let body = lines.map(([at, l]) => formatLogLine(at, l, timestamps)).join("");
  const limit = q.get("limitBytes");
  if (limit) body = body.slice(0, Number(limit));
  if (q.get("follow") === "true") {
    return {
      status: 200,
      headers: { "content-type": "text/plain" },
      body: "",
      stream: followStream(sim, app, body, timestamps),
    };
  }
  return text(200, body);
}

function followStream(sim: Sim, app: AppState, initial: string, timestamps: boolean): ApiStream {
  let stop: (() => void) | undefined;
  return {
    start(onChunk, onEnd) {
      if (initial) onChunk(initial);
      const listener = (a: AppState, line: string) => {
        if (a === app) onChunk(formatLogLine(sim.now(), line, timestamps));
      };
      const unsub = sim.store.subscribe((e) => {
        if (
          e.type === "DELETED" &&
          e.resource === "pods" &&
          e.object.metadata.name === app.pod &&
          e.object.metadata.namespace === app.ns
        ) {
          stop?.();
          onEnd();
        }
      });
      sim.logListeners.add(listener);
      stop = () => {
        sim.logListeners.delete(listener);
        unsub();
      };
    },
    close() {
      stop?.();
    },
  };
}

/**
 * Encodes watch events. With `Accept: …;as=Table;g=meta.k8s.io` (what `kubectl get -w` asks
 * for) each object becomes a one-row Table (rows carry PartialObjectMetadata, the full object or
 * nothing per `includeObject`); only the first Table of a stream carries the column definitions,
 * later ones have `null` and kubectl reuses the last columns it saw, as the API server does to save
 * bandwidth. ERROR events keep their Status.
 */
function watchEncoder(sim: Sim, req: ApiRequest, t: Target, q: URLSearchParams) {
  const asTable = wantsTable(req);
  const include = includeOf(q);
  let headersSent = false;
  return (type: string, obj: KObject): string => {
    if (!asTable || type === "ERROR") return `${JSON.stringify({ type, object: obj })}\n`;
    const table = toTable(t.info.name, [clone(obj)], sim.now(), include, {});
    if (headersSent) table["columnDefinitions"] = null;
    headersSent = true;
    return `${JSON.stringify({ type, object: table })}\n`;
  };
}

function watch(sim: Sim, req: ApiRequest, t: Target, q: URLSearchParams): ApiResponse {
  const ls = q.get("labelSelector");
  const fs = q.get("fieldSelector");
  const lsel = ls ? parseLabelSelector(ls) : undefined;
  const fsel = fs ? parseFieldSelector(t.info.name, fs, t.info.kind) : undefined;
  const match = (o: KObject) =>
    (!t.namespace || o.metadata.namespace === t.namespace) &&
    (!lsel || lsel(o.metadata.labels)) &&
    (!fsel || fsel(o));
  const rvParam = q.get("resourceVersion");
  const encode = watchEncoder(sim, req, t, q);
  let initial: Array<{ type: string; object: KObject }> = [];
  if (!rvParam || rvParam === "0") {
    initial = sim.store
      .scan(t.info.name, t.namespace)
      .filter(match)
      .map((o) => ({ type: "ADDED", object: o }));
  } else {
    const evs = sim.store.eventsSince(Number(rvParam));
    if (evs === undefined) {
      // The watch cache's words: 410 with reason Expired (clients relist on Expired or Gone).
      const gone = new ApiError(
        410,
        "Expired",
        `too old resource version: ${rvParam} (${sim.store.rv})`,
      ).toStatus() as unknown as KObject;
      initial = [{ type: "ERROR", object: gone }];
    } else {
      initial = evs
        .filter((e) => e.resource === t.info.name && match(e.object))
        .map((e) => ({ type: e.type, object: e.object }));
    }
  }
  // Encode the backlog now: a Table's cells (ages, statuses) are those of the moment it was sent.
  const backlog = initial.map((e) => encode(e.type, e.object));
  let stop: (() => void) | undefined;
  const stream: ApiStream = {
    start(onChunk, onEnd) {
      for (const c of backlog) onChunk(c);
      const unsub = sim.store.subscribe((e) => {
        if (e.resource === t.info.name && match(e.object)) onChunk(encode(e.type, e.object));
      });
      stop = () => unsub();
      void onEnd;
    },
    close() {
      stop?.();
    },
  };
  return { status: 200, headers: { ...JSON_HEADERS, "transfer-encoding": "chunked" }, body: "", stream };
}
