/**
 * kubectl's REST client: builds the HTTP-shaped requests real kubectl sends, performs discovery
 * and maps resource arguments (`po`, `deploy`, `deployments.apps`) to API paths. It never
 * touches a store; everything goes through the ApiHandler transport.
 */
import { responseJson } from "../cluster/json-body";
import type { ApiHandler, ApiRequest, ApiResponse, HttpMethod } from "../cluster/types";

export type Obj = Record<string, unknown>;

export const USER_AGENT = "kubectl/v1.32.4 (linux/amd64) kubernetes/59526cd";
export const TABLE_ACCEPT =
  "application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json";

/** An error kubectl prints and exits on. `text` is printed verbatim to stderr. */
export class CmdError extends Error {
  constructor(
    public readonly text: string,
    public readonly code = 1,
  ) {
    super(text);
  }
}

/** `error: …` (cmdutil.CheckErr's voice). */
export const fail = (msg: string, code = 1): CmdError => new CmdError(`error: ${msg}\n`, code);

/** A Kubernetes Status from the server. */
export class ApiError extends Error {
  constructor(
    public readonly status: number,
    public readonly reason: string,
    message: string,
    public readonly body: Obj | undefined,
  ) {
    super(message);
  }
  /** How cmdutil.CheckErr prints it. */
  toCmdError(): CmdError {
    return new CmdError(`${this.serverText()}\n`);
  }
  serverText(): string {
    return this.reason
      ? `Error from server (${this.reason}): ${this.message}`
      : `Error from server: ${this.message}`;
  }
}

export function asObj(v: unknown): Obj {
  return v !== null && typeof v === "object" && !Array.isArray(v) ? (v as Obj) : {};
}
export function asArr(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}
export function str(v: unknown): string {
  return typeof v === "string" ? v : v === undefined || v === null ? "" : String(v);
}
export function path(o: unknown, ...keys: (string | number)[]): unknown {
  let cur: unknown = o;
  for (const k of keys) {
    if (typeof k === "number") cur = Array.isArray(cur) ? cur[k] : undefined;
    else cur = cur !== null && typeof cur === "object" ? (cur as Obj)[k] : undefined;
  }
  return cur;
}
export const meta = (o: unknown): Obj => asObj(asObj(o).metadata);

export interface ResourceInfo {
  group: string;
  version: string;
  /** Plural resource name (`deployments`). */
  resource: string;
  kind: string;
  singular: string;
  namespaced: boolean;
  shortNames: string[];
  verbs: string[];
  categories: string[];
}

export const groupVersion = (r: ResourceInfo): string => (r.group ? `${r.group}/${r.version}` : r.version);
/** `deployment.apps`, `pod` — the prefix of `-o name` and of multi-kind tables. */
export const kindPrefix = (r: ResourceInfo): string =>
  r.group ? `${r.kind.toLowerCase()}.${r.group}` : r.kind.toLowerCase();

export class RestClient {
  private discovered: readonly ResourceInfo[] | undefined;
  private readonly warned = new Set<string>();
  /** `warn` gets each distinct `Warning:` header the server sends (kubectl prints it on stderr). */
  constructor(
    private readonly api: ApiHandler,
    private readonly warn?: (text: string) => void,
  ) {}

  send(
    method: HttpMethod,
    p: string,
    opts: { query?: Record<string, string>; body?: unknown; accept?: string; contentType?: string } = {},
  ): ApiResponse {
    const headers: Record<string, string> = {
      accept: opts.accept ?? "application/json, */*",
      "user-agent": USER_AGENT,
    };
    const req: ApiRequest = { method, path: p, headers };
    if (opts.query) {
      const q = new URLSearchParams();
      for (const [k, v] of Object.entries(opts.query)) q.append(k, v);
      req.query = q;
    }
    if (opts.body !== undefined) {
      req.body = typeof opts.body === "string" ? opts.body : JSON.stringify(opts.body);
      headers["content-type"] = opts.contentType ?? "application/json";
    }
    const res = this.api(req);
    const header = res.headers?.["warning"];
    if (header && this.warn) {
      for (const m of header.matchAll(/\d{3} \S+ "((?:[^"\\]|\\.)*)"/g)) {
        const text = (m[1] ?? "").replace(/\\(.)/g, "$1");
        if (this.warned.has(text)) continue;
        this.warned.add(text);
        this.warn(text);
      }
    }
    return res;
  }

  /** JSON request; a non-2xx answer becomes an ApiError. */
  json(
    method: HttpMethod,
    p: string,
    opts: { query?: Record<string, string>; body?: unknown; accept?: string; contentType?: string } = {},
  ): Obj {
    const res = this.send(method, p, opts);
    return checkResponse(res);
  }

  get(p: string, query?: Record<string, string>): Obj {
    return this.json("GET", p, query ? { query } : {});
  }

  /**
   * A discovery document, asked for as kubectl asks (every command, no disk cache). Its parse is
   * reused while the server sends the very same text: `discover` only reads the documents.
   */
  private discoveryDoc(p: string): Obj {
    const res = this.send("GET", p);
    if (res.status < 200 || res.status >= 300) return checkResponse(res);
    const hit = parsedDiscovery.get(res.body);
    if (hit !== undefined) return hit;
    const doc = checkResponse(res);
    if (parsedDiscovery.size >= PARSED_DISCOVERY_MAX) parsedDiscovery.clear();
    parsedDiscovery.set(res.body, doc);
    return doc;
  }

  /**
   * Every resource the server serves, as kubectl learns it: `/api`, `/apis`, then each group's
   * preferred version, every request sent and its answer checked. Building the list from the
   * documents is done once per set of documents (they are parsed once per text, so the same
   * answers are the same objects): a command reuses the list of the last one that saw them.
   * The list is shared: callers must not change it.
   */
  discover(): readonly ResourceInfo[] {
    if (this.discovered) return this.discovered;
    const core = this.discoveryDoc("/api");
    const groups = this.discoveryDoc("/apis");
    const memo = resolvedDiscovery.get(groups);
    const gvs = memo?.core === core ? memo.gvs : groupVersions(core, groups);
    const lists: Array<Obj | undefined> = [];
    for (const [, , p] of gvs) {
      try {
        lists.push(this.discoveryDoc(p));
      } catch {
        lists.push(undefined);
      }
    }
    if (memo && memo.core === core && memo.lists.every((l, i) => l === lists[i])) {
      this.discovered = memo.out;
      return memo.out;
    }
    const out: ResourceInfo[] = [];
    gvs.forEach(([group, version], i) => {
      for (const r of asArr(lists[i]?.resources)) {
        const ro = asObj(r);
        const resource = str(ro.name);
        if (!resource || resource.includes("/")) continue;
        const kind = str(ro.kind);
        out.push({
          group,
          version,
          resource,
          kind,
          singular: str(ro.singularName) || kind.toLowerCase(),
          namespaced: ro.namespaced === true,
          shortNames: asArr(ro.shortNames).map(str),
          verbs: asArr(ro.verbs).map(str),
          categories: asArr(ro.categories).map(str),
        });
      }
    });
    resolvedDiscovery.set(groups, { core, gvs, lists, out });
    this.discovered = out;
    return out;
  }

  /** Map a type argument (`po`, `pods`, `Pod`, `deployments.apps`, `deploy.v1.apps`) to a resource. */
  resolve(arg: string): ResourceInfo {
    const all = this.discover();
    const lower = arg.toLowerCase();
    const dot = lower.indexOf(".");
    const candidates: [string, string | undefined][] = [[lower, undefined]];
    if (dot > 0) {
      const name = lower.slice(0, dot);
      const rest = lower.slice(dot + 1);
      candidates.push([name, rest]);
      const m = /^(v[0-9][a-z0-9]*)\.(.+)$/.exec(rest);
      if (m?.[2]) candidates.push([name, m[2]]);
    }
    for (const [name, group] of candidates) {
      const matches = (r: ResourceInfo): boolean =>
        (group === undefined || r.group === group) &&
        (r.resource === name ||
          r.singular === name ||
          r.shortNames.includes(name) ||
          r.kind.toLowerCase() === name);
      const exact = all.find((r) => (group === undefined || r.group === group) && r.resource === name);
      const found = exact ?? all.find(matches);
      if (found) return found;
    }
    throw fail(`the server doesn't have a resource type "${arg}"`);
  }

  resourcePath(r: ResourceInfo, namespace: string | undefined, name?: string, sub?: string): string {
    let p = r.group ? `/apis/${r.group}/${r.version}` : `/api/${r.version}`;
    if (r.namespaced && namespace) p += `/namespaces/${namespace}`;
    p += `/${r.resource}`;
    if (name !== undefined) p += `/${name}`;
    if (sub) p += `/${sub}`;
    return p;
  }
}

/** `[group, version, path]` of each group version the `/api` and `/apis` documents list. */
function groupVersions(core: Obj, groups: Obj): Array<[string, string, string]> {
  const gvs: Array<[string, string, string]> = [];
  for (const v of asArr(core.versions)) gvs.push(["", str(v), `/api/${str(v)}`]);
  for (const g of asArr(groups.groups)) {
    const name = str(asObj(g).name);
    const pref = str(path(g, "preferredVersion", "version"));
    const version = pref || str(path(g, "versions", 0, "version"));
    if (name && version) gvs.push([name, version, `/apis/${name}/${version}`]);
  }
  return gvs;
}

/** The resource list built from one set of parsed discovery documents, by its `/apis` document. */
const resolvedDiscovery = new WeakMap<
  Obj,
  {
    core: Obj;
    gvs: Array<[string, string, string]>;
    lists: Array<Obj | undefined>;
    out: readonly ResourceInfo[];
  }
>();

/** Parsed discovery documents by their text (bounded; the cluster's are a handful). */
const parsedDiscovery = new Map<string, Obj>();
const PARSED_DISCOVERY_MAX = 64;

export function parseBody(res: ApiResponse): Obj | undefined {
  try {
    const v = responseJson(res);
    return v !== null && typeof v === "object" ? (v as Obj) : undefined;
  } catch {
    return undefined;
  }
}

export function checkResponse(res: ApiResponse): Obj {
  const body = parseBody(res);
  if (res.status >= 200 && res.status < 300) return body ?? {};
  if (body && body.kind === "Status") {
    throw new ApiError(res.status, str(body.reason), str(body.message), body);
  }
  const reason = reasonForCode(res.status);
  const message =
    res.body.trim() ||
    `the server responded with the status code ${res.status} but did not return more information`;
  throw new ApiError(res.status, reason, message, body);
}

function reasonForCode(code: number): string {
  switch (code) {
    case 400:
      return "BadRequest";
    case 401:
      return "Unauthorized";
    case 403:
      return "Forbidden";
    case 404:
      return "NotFound";
    case 409:
      return "Conflict";
    case 410:
      return "Gone";
    case 422:
      return "Invalid";
    case 500:
      return "InternalError";
    case 503:
      return "ServiceUnavailable";
    default:
      return "";
  }
}
