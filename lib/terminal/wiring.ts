/**
 * Wires a workstation to a simulated cluster: `kubectl exec` into a container gets that
 * container's facts (env, filesystem, working directory) from lib/cluster.
 */
import { type Cluster, containerInfo } from "../cluster";
import type { ApiRequest, ApiResponse, Clock } from "../cluster/types";
import { kubectl } from "../kubectl";
import { findCommand, RESOURCE_TYPE_NAMES } from "../kubectl/commands";
import type { ContainerFacts, ContainerResolver } from "../shell/container";
import { DEBIAN_ROOT } from "../shell/container";
import { clusterNodes } from "../shell/minikube";
import type { Machine, Scheduler } from "../shell/types";
import { createWorkstation, type Workstation } from "../shell/workstation";

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

/** Entries of `/` that are files rather than directories. */
const ROOT_FILES = new Set(["server.js", "core"]);

export function containerResolver(cluster: Cluster): ContainerResolver {
  return (target) => {
    const info = containerInfo(cluster, target.namespace, target.pod, target.container);
    if (typeof info === "string") return info;
    const files: Record<string, string> = { ...info.files };
    if (info.rootListing.includes("core") && files["/core"] === undefined) files["/core"] = "";
    const dirs = [
      ...info.rootListing.filter((n) => !ROOT_FILES.has(n)).map((n) => `/${n}`),
      ...DEBIAN_ROOT.filter((d) => d.split("/").length > 2),
    ];
    const facts: ContainerFacts = {
      namespace: info.namespace,
      pod: info.pod,
      container: info.container,
      hostname: info.hostname,
      env: info.env,
      files,
      dirs,
      workingDir: info.workingDir,
      user: info.user,
    };
    return facts;
  };
}

/**
 * Object names for Tab completion of `kubectl VERB TYPE <Tab>` / `kubectl logs <Tab>` /
 * `TYPE/<Tab>`, listed through the cluster's API (pass as `complete` to createTerminal).
 */
export function kubectlCompleter(api: (req: ApiRequest) => ApiResponse): (words: string[]) => string[] {
  return (words) => {
    if (words[0] !== "kubectl") return [];
    const prefix = words[words.length - 1] ?? "";
    let ns = "default";
    const args: string[] = [];
    for (let i = 1; i < words.length - 1; i++) {
      const w = words[i] ?? "";
      if (w === "-n" || w === "--namespace") ns = words[++i] ?? ns;
      else if (w.startsWith("--namespace=")) ns = w.slice(12);
      else if (!w.startsWith("-")) args.push(w);
    }
    const found = findCommand(args);
    const cmd = found.path[found.path.length - 1];
    if (cmd === undefined) return [];
    const typed = found.rest;
    let typeName: string | undefined;
    let namePrefix = "";
    const slash = prefix.indexOf("/");
    if (slash > 0) {
      typeName = prefix.slice(0, slash);
      namePrefix = `${typeName}/`;
    } else if (cmd.args === "pod" && typed.length === 0) typeName = "pods";
    else if (cmd.args === "resource" && typed.length === 1) typeName = typed[0];
    if (typeName === undefined) return [];
    const type = RESOURCE_TYPE_NAMES.get(typeName.toLowerCase());
    if (type === undefined) return [];
    const base = type.group === "" ? `/api/${type.version}` : `/apis/${type.group}/${type.version}`;
    try {
      const res = api({
        method: "GET",
        path: `${base}${type.namespaced ? `/namespaces/${ns}` : ""}/${type.name}`,
        query: new URLSearchParams({ limit: "500" }),
        headers: { accept: "application/json" },
      });
      if (res.status !== 200) return [];
      const items = arr(parse(res)?.items);
      return items
        .map((it) => `${namePrefix}${str(obj(obj(it).metadata).name)}`)
        .filter((n) => n !== namePrefix);
    } catch {
      return [];
    }
  };
}

/**
 * A student's workstation wired to a simulated cluster: kubectl on PATH talking to the cluster's
 * API, curl on its virtual network, container shells for `kubectl exec`, and minikube's node
 * commands. The one wiring used by the server, the simulator CLI, the tests and the bench.
 */
export function clusterWorkstation(
  cluster: Cluster,
  opts: { clock: Clock; scheduler: Scheduler; user?: string; host?: string },
): Workstation {
  const machine: Machine = {
    api: (req) => cluster.handle(req),
    net: (req) => cluster.net(req),
    nodes: clusterNodes(cluster),
    listen: () => false,
    unlisten: () => {},
  };
  return createWorkstation({
    machine,
    clock: opts.clock,
    scheduler: opts.scheduler,
    programs: { kubectl },
    user: opts.user ?? "student",
    host: opts.host ?? "minikube",
    containers: containerResolver(cluster),
  });
}
