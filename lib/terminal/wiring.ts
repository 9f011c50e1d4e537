/**
 * Wires a workstation to a simulated cluster: the facts of a container for `kubectl exec`
 * (env, filesystem) are read through the cluster's HTTP-shaped API, like any client would.
 */
import { ROOT_LISTING, SERVER_JS } from "../cluster/app";
import type { ApiRequest, ApiResponse } from "../cluster/types";
import type { ContainerFacts, ContainerResolver } from "../shell/container";

interface ApiHost {
  handle(req: ApiRequest): ApiResponse;
}

type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj => (v !== null && typeof v === "object" && !Array.isArray(v) ? (v as Obj) : {});
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const str = (v: unknown): string => (typeof v === "string" ? v : "");

function parse(res: ApiResponse): Obj | undefined {
  try {
    return obj(JSON.parse(res.body));
  } catch {
    return undefined;
  }
}

const BOOTCAMP_ENV: [string, string][] = [
  ["NPM_CONFIG_LOGLEVEL", "info"],
  ["NODE_VERSION", "6.3.1"],
];

/** Service link variables (`KUBERNETES_SERVICE_HOST`, …) for services older than the pod. */
function serviceEnv(api: ApiHost, ns: string, podCreated: string): [string, string][] {
  const out: [string, string][] = [];
  const res = api.handle({
    method: "GET",
    path: `/api/v1/namespaces/${ns}/services`,
    headers: { accept: "application/json" },
  });
  for (const item of arr(parse(res)?.items)) {
    const s = obj(item);
    const meta = obj(s.metadata);
    const spec = obj(s.spec);
    const ip = str(spec.clusterIP);
    const ports = arr(spec.ports).map(obj);
    const p0 = ports[0];
    if (ip === "" || ip === "None" || p0 === undefined) continue;
    if (podCreated !== "" && str(meta.creationTimestamp) > podCreated) continue;
    const base = str(meta.name).toUpperCase().replace(/-/g, "_");
    out.push([`${base}_SERVICE_HOST`, ip], [`${base}_SERVICE_PORT`, String(p0.port)]);
    for (const p of ports)
      if (str(p.name) !== "")
        out.push([`${base}_SERVICE_PORT_${str(p.name).toUpperCase().replace(/-/g, "_")}`, String(p.port)]);
    const proto0 = (str(p0.protocol) || "TCP").toLowerCase();
    out.push([`${base}_PORT`, `${proto0}://${ip}:${String(p0.port)}`]);
    for (const p of ports) {
      const proto = (str(p.protocol) || "TCP").toLowerCase();
      const pre = `${base}_PORT_${String(p.port)}_${proto.toUpperCase()}`;
      out.push(
        [pre, `${proto}://${ip}:${String(p.port)}`],
        [`${pre}_PROTO`, proto],
        [`${pre}_PORT`, String(p.port)],
        [`${pre}_ADDR`, ip],
      );
    }
  }
  return out;
}

/** Asks the cluster's exec endpoint for the container's `env`; undefined when it cannot answer. */
function execEnv(
  api: ApiHost,
  ns: string,
  pod: string,
  container: string,
): Record<string, string> | undefined {
  const query = new URLSearchParams();
  query.append("command", "env");
  query.append("container", container);
  query.append("stdout", "true");
  query.append("stderr", "true");
  const res = api.handle({
    method: "POST",
    path: `/api/v1/namespaces/${ns}/pods/${pod}/exec`,
    query,
    headers: { accept: "*/*" },
  });
  if (res.status !== 200) return undefined;
  const body = parse(res);
  if (body === undefined || Number(body.exitCode ?? 0) !== 0 || typeof body.stdout !== "string")
    return undefined;
  const env: Record<string, string> = {};
  for (const line of body.stdout.split("\n")) {
    const eq = line.indexOf("=");
    if (eq > 0) env[line.slice(0, eq)] = line.slice(eq + 1);
  }
  return Object.keys(env).length > 0 ? env : undefined;
}

export function containerResolver(cluster: ApiHost): ContainerResolver {
  return (target) => {
    const ns = target.namespace;
    const res = cluster.handle({
      method: "GET",
      path: `/api/v1/namespaces/${ns}/pods/${target.pod}`,
      headers: { accept: "application/json" },
    });
    const pod = parse(res);
    if (res.status === 404 || pod === undefined)
      return `Error from server (NotFound): pods "${target.pod}" not found`;
    if (res.status >= 400) return `Error from server: ${str(pod.message) || res.body}`;
    const containers = arr(obj(pod.spec).containers).map(obj);
    const chosen = containers.find((c) => str(c.name) === target.container) ?? containers[0];
    if (chosen === undefined) return `error: pod ${target.pod} has no containers`;
    const name = str(chosen.name);
    const statuses = arr(obj(pod.status).containerStatuses).map(obj);
    const running = statuses.some((s) => str(s.name) === name && obj(s.state).running !== undefined);
    if (!running) return `error: unable to upgrade connection: container not found ("${name}")`;
    const image = str(chosen.image);
    const bootcamp = image.includes("kubernetes-bootcamp");
    let env = execEnv(cluster, ns, target.pod, name);
    if (env === undefined) {
      env = { PATH: "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", HOSTNAME: target.pod };
      const created = str(obj(pod.metadata).creationTimestamp);
      for (const [k, v] of serviceEnv(cluster, ns, created)) env[k] = v;
      for (const e of arr(chosen.env).map(obj))
        if (str(e.name) !== "" && typeof e.value === "string") env[str(e.name)] = e.value;
      if (bootcamp) for (const [k, v] of BOOTCAMP_ENV) env[k] = v;
      env.HOME = "/root";
    }
    const facts: ContainerFacts = {
      namespace: ns,
      pod: target.pod,
      container: name,
      env,
      files: bootcamp ? { "/server.js": SERVER_JS, "/core": "" } : {},
      dirs: ROOT_LISTING.filter((d) => d !== "server.js" && d !== "core").map((d) => `/${d}`),
      workingDir: str(chosen.workingDir) || "/",
    };
    return facts;
  };
}
