/** The resource types this API server serves, with the discovery facts real kubectl reads. */

export interface ResourceInfo {
  /** Plural resource name (`pods`). */
  name: string;
  singularName: string;
  kind: string;
  /** "" for the core group. */
  group: string;
  version: string;
  namespaced: boolean;
  shortNames?: string[];
  categories?: string[];
  /** Stored and served by the generic CRUD handler. */
  stored: boolean;
}

const CRUD = ["create", "delete", "get", "list", "patch", "update", "watch"];

function r(
  group: string,
  name: string,
  singularName: string,
  kind: string,
  namespaced: boolean,
  shortNames?: string[],
  categories?: string[],
): ResourceInfo {
  return {
    name,
    singularName,
    kind,
    group,
    version: "v1",
    namespaced,
    stored: true,
    ...(shortNames ? { shortNames } : {}),
    ...(categories ? { categories } : {}),
  };
}

export const RESOURCES: ResourceInfo[] = [
  r("", "pods", "pod", "Pod", true, ["po"], ["all"]),
  r("", "nodes", "node", "Node", false, ["no"]),
  r("", "events", "event", "Event", true, ["ev"]),
  r("", "services", "service", "Service", true, ["svc"], ["all"]),
  r("", "endpoints", "endpoints", "Endpoints", true, ["ep"]),
  r("", "namespaces", "namespace", "Namespace", false, ["ns"]),
  r("", "configmaps", "configmap", "ConfigMap", true, ["cm"]),
  r("", "secrets", "secret", "Secret", true),
  r("", "serviceaccounts", "serviceaccount", "ServiceAccount", true, ["sa"]),
  r("", "resourcequotas", "resourcequota", "ResourceQuota", true, ["quota"]),
  r("", "limitranges", "limitrange", "LimitRange", true, ["limits"]),
  r("", "persistentvolumeclaims", "persistentvolumeclaim", "PersistentVolumeClaim", true, ["pvc"]),
  r("", "persistentvolumes", "persistentvolume", "PersistentVolume", false, ["pv"]),
  r("", "replicationcontrollers", "replicationcontroller", "ReplicationController", true, ["rc"], ["all"]),
  r("apps", "deployments", "deployment", "Deployment", true, ["deploy"], ["all"]),
  r("apps", "replicasets", "replicaset", "ReplicaSet", true, ["rs"], ["all"]),
  r("apps", "daemonsets", "daemonset", "DaemonSet", true, ["ds"], ["all"]),
  r("apps", "statefulsets", "statefulset", "StatefulSet", true, ["sts"], ["all"]),
  r("discovery.k8s.io", "endpointslices", "endpointslice", "EndpointSlice", true),
  r("coordination.k8s.io", "leases", "lease", "Lease", true),
];

const STATUS_VERBS = ["get", "patch", "update"];
const PROXY_VERBS = ["create", "delete", "get", "patch", "update"];

/** A subresource as discovery lists it: no singular name; `group`/`version` when not its parent's. */
function sub(
  name: string,
  kind: string,
  verbs: string[],
  namespaced = true,
  gv?: { group: string; version: string },
): Record<string, unknown> {
  return { name, singularName: "", namespaced, ...gv, kind, verbs };
}

/** `…/scale`: an autoscaling/v1 Scale whatever the parent's group. */
const scale = (name: string) =>
  sub(name, "Scale", STATUS_VERBS, true, { group: "autoscaling", version: "v1" });

/** Subresources listed in discovery (`pods/log`, `deployments/scale`, …). */
const SUBRESOURCES: Record<string, Array<Record<string, unknown>>> = {
  "": [
    sub("pods/log", "Pod", ["get"]),
    sub("pods/exec", "PodExecOptions", ["create", "get"]),
    sub("pods/proxy", "PodProxyOptions", PROXY_VERBS),
    sub("pods/status", "Pod", STATUS_VERBS),
    sub("services/proxy", "ServiceProxyOptions", PROXY_VERBS),
    sub("nodes/status", "Node", STATUS_VERBS, false),
  ],
  apps: [
    scale("deployments/scale"),
    sub("deployments/status", "Deployment", STATUS_VERBS),
    scale("replicasets/scale"),
  ],
};

/** Served but not stored (lib/cluster/extra-apis.ts): listed in discovery after the stored ones. */
const UNSTORED: Record<string, Array<Record<string, unknown>>> = {
  "": [
    {
      name: "componentstatuses",
      singularName: "componentstatus",
      namespaced: false,
      kind: "ComponentStatus",
      verbs: ["get", "list"],
      shortNames: ["cs"],
    },
  ],
  "authorization.k8s.io": [
    {
      name: "selfsubjectaccessreviews",
      singularName: "selfsubjectaccessreview",
      namespaced: false,
      kind: "SelfSubjectAccessReview",
      verbs: ["create"],
    },
    {
      name: "selfsubjectrulesreviews",
      singularName: "selfsubjectrulesreview",
      namespaced: false,
      kind: "SelfSubjectRulesReview",
      verbs: ["create"],
    },
  ],
};

const byName = new Map<string, ResourceInfo>();
for (const info of RESOURCES) byName.set(`${info.group}/${info.name}`, info);

export function resourceInfo(group: string, name: string): ResourceInfo | undefined {
  return byName.get(`${group}/${name}`);
}

export function apiVersionOf(info: ResourceInfo): string {
  return info.group ? `${info.group}/${info.version}` : info.version;
}

export const GROUPS = ["apps", "discovery.k8s.io", "coordination.k8s.io", "authorization.k8s.io"];

export function apiResourceList(group: string): Record<string, unknown> | undefined {
  if (group !== "" && !GROUPS.includes(group)) return undefined;
  const resources: Array<Record<string, unknown>> = [];
  for (const info of RESOURCES) {
    if (info.group !== group) continue;
    resources.push({
      name: info.name,
      singularName: info.singularName,
      namespaced: info.namespaced,
      kind: info.kind,
      verbs: CRUD,
      ...(info.shortNames ? { shortNames: info.shortNames } : {}),
      ...(info.categories ? { categories: info.categories } : {}),
    });
    for (const sub of SUBRESOURCES[group] ?? []) {
      if (String(sub["name"]).startsWith(`${info.name}/`)) resources.push(sub);
    }
  }
  resources.push(...(UNSTORED[group] ?? []));
  return { kind: "APIResourceList", groupVersion: group ? `${group}/v1` : "v1", resources };
}

export function apiGroupList(): Record<string, unknown> {
  return {
    kind: "APIGroupList",
    apiVersion: "v1",
    groups: GROUPS.map((name) => ({
      name,
      versions: [{ groupVersion: `${name}/v1`, version: "v1" }],
      preferredVersion: { groupVersion: `${name}/v1`, version: "v1" },
    })),
  };
}

export function apiGroup(group: string): Record<string, unknown> | undefined {
  if (!GROUPS.includes(group)) return undefined;
  return {
    kind: "APIGroup",
    apiVersion: "v1",
    name: group,
    versions: [{ groupVersion: `${group}/v1`, version: "v1" }],
    preferredVersion: { groupVersion: `${group}/v1`, version: "v1" },
  };
}

export const API_VERSIONS = {
  kind: "APIVersions",
  versions: ["v1"],
  serverAddressByClientCIDRs: [{ clientCIDR: "0.0.0.0/0", serverAddress: "192.168.49.2:8443" }],
};

export const VERSION = {
  major: "1",
  minor: "32",
  gitVersion: "v1.32.0",
  gitCommit: "70d3cc986aa8221cd1dfb1121852688902d3bf53",
  gitTreeState: "clean",
  buildDate: "2024-12-11T17:59:15Z",
  goVersion: "go1.23.3",
  compiler: "gc",
  platform: "linux/amd64",
};
