/** Turning `TYPE NAME…`, `TYPE/NAME…` and `t1,t2` arguments into resource requests (resource.Builder). */
import { fail, type ResourceInfo, type RestClient } from "../client";

export interface ResourceRequest {
  info: ResourceInfo;
  names: string[];
}

const ALL_ORDER = [
  "pods",
  "replicationcontrollers",
  "services",
  "daemonsets",
  "deployments",
  "replicasets",
  "statefulsets",
  "horizontalpodautoscalers",
  "cronjobs",
  "jobs",
];

function expandType(client: RestClient, t: string): ResourceInfo[] {
  if (t === "all") {
    const all = client.discover();
    const byCategory = all.filter((r) => r.categories.includes("all"));
    if (byCategory.length > 0) return byCategory;
    return ALL_ORDER.flatMap((n) =>
      all.filter((r) => r.resource === n && r.group !== "extensions").slice(0, 1),
    );
  }
  return [client.resolve(t)];
}

export function parseResourceArgs(
  client: RestClient,
  args: string[],
): { requests: ResourceRequest[]; singleItem: boolean; multiKind: boolean } {
  if (args.length === 0) throw fail("you must specify the type of resource to get");
  const slashed = args.filter((a) => a.includes("/"));
  const requests: ResourceRequest[] = [];
  const add = (info: ResourceInfo, name?: string): void => {
    let r = requests.find((x) => x.info === info);
    if (!r) {
      r = { info, names: [] };
      requests.push(r);
    }
    if (name !== undefined) r.names.push(name);
  };
  if (slashed.length > 0) {
    if (slashed.length !== args.length)
      throw fail(
        "there is no need to specify a resource type as a separate argument when passing arguments in resource/name form (e.g. 'kubectl get resource/<resource_name>' instead of 'kubectl get resource resource/<resource_name>'",
      );
    for (const a of args) {
      const idx = a.indexOf("/");
      const type = a.slice(0, idx);
      const name = a.slice(idx + 1);
      if (!name) throw fail(`arguments in resource/name form must have a single resource and name`);
      add(client.resolve(type), name);
    }
    return { requests, singleItem: args.length === 1, multiKind: requests.length > 1 };
  }
  const [types = "", ...names] = args;
  const infos = types
    .split(",")
    .filter((t) => t !== "")
    .flatMap((t) => expandType(client, t));
  if (names.length > 0 && infos.length > 1 && types.includes(","))
    for (const info of infos) for (const n of names) add(info, n);
  else
    for (const info of infos) {
      add(info);
      for (const n of names) add(info, n);
    }
  const multiKind = infos.length > 1 || types === "all" || types.split(",").includes("all");
  return { requests, singleItem: infos.length === 1 && names.length === 1, multiKind };
}

/**
 * resource.Builder refuses names together with a selector (or --all) before it resolves a type
 * or calls the API: `TYPE NAME -l …` and `TYPE/NAME -l …` each have their own words.
 */
export function checkNamesWithSelector(args: readonly string[], selector: boolean): void {
  if (!selector) return;
  if (args.some((a) => a.includes("/")))
    throw fail("selectors and the all flag cannot be used when passing resource/name arguments");
  if (args.length > 1) throw fail("name cannot be provided when a selector is specified");
}
