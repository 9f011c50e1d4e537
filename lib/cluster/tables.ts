/**
 * Server-side printing: `Table` responses (meta.k8s.io/v1) with the columns and cell logic of
 * Kubernetes' own printers. Columns are data with a priority (`-o wide` shows priority 1).
 */
import type {
  Deployment,
  Endpoints,
  KEvent,
  KObject,
  LabelSelector,
  Node,
  Pod,
  ReplicaSet,
  Service,
} from "./model";
import { selectorString } from "./selectors";
import { humanDuration, parseTime, since } from "./time";

type Cell = string | number | boolean;

interface Column {
  name: string;
  type: "string" | "integer" | "date" | "number" | "boolean";
  format?: "name";
  priority?: number;
  description: string;
}

interface Printer {
  columns: Column[];
  cells(o: KObject, now: number): Cell[];
}

const NAME_COL: Column = {
  name: "Name",
  type: "string",
  format: "name",
  description:
    "Name must be unique within a namespace. Is required when creating resources, although some resources may allow a client to request the generation of an appropriate name automatically. Name is primarily intended for creation idempotence and configuration definition. Cannot be updated. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/names#names",
};
const AGE_COL: Column = {
  name: "Age",
  type: "string",
  description:
    "CreationTimestamp is a timestamp representing the server time when this object was created. It is not guaranteed to be set in happens-before order across separate operations. Clients may not set this value. It is represented in RFC3339 form and is in UTC.\n\nPopulated by the system. Read-only. Null for lists. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata",
};

function col(name: string, description: string, priority = 0, type: Column["type"] = "string"): Column {
  return priority ? { name, type, priority, description } : { name, type, description };
}

/** An integer column of kubectl's default view (a count of replicas, nodes, entries, …). */
const countCol = (name: string, description: string): Column => col(name, description, 0, "integer");

const age = (o: KObject, now: number) => since(o.metadata.creationTimestamp, now);

/** The STATUS column of `kubectl get pods` (printPod). */
export function podStatusReason(p: Pod): {
  reason: string;
  ready: number;
  total: number;
  restarts: number;
  lastRestart?: number;
} {
  let reason = p.status?.reason || p.status?.phase || "";
  const total = p.spec.containers.length;
  let ready = 0;
  let restarts = 0;
  let lastRestart: number | undefined;
  let initializing = false;
  const inits = p.status?.initContainerStatuses ?? [];
  inits.forEach((c, i) => {
    restarts += c.restartCount;
    if (c.state.terminated && c.state.terminated.exitCode === 0) return;
    if (initializing) return;
    initializing = true;
    if (c.state.terminated) {
      reason = c.state.terminated.reason
        ? `Init:${c.state.terminated.reason}`
        : `Init:ExitCode:${c.state.terminated.exitCode}`;
    } else if (c.state.waiting?.reason && c.state.waiting.reason !== "PodInitializing") {
      reason = `Init:${c.state.waiting.reason}`;
    } else {
      reason = `Init:${i}/${p.spec.initContainers?.length ?? 0}`;
    }
  });
  if (!initializing) {
    restarts = 0;
    let hasRunning = false;
    const statuses = p.status?.containerStatuses ?? [];
    for (let i = statuses.length - 1; i >= 0; i--) {
      const c = statuses[i];
      if (!c) continue;
      restarts += c.restartCount;
      const lt = parseTime(c.lastState?.terminated?.finishedAt ?? undefined);
      if (lt !== undefined && (lastRestart === undefined || lt > lastRestart)) lastRestart = lt;
      if (c.state.waiting?.reason) reason = c.state.waiting.reason;
      else if (c.state.terminated?.reason) reason = c.state.terminated.reason;
      else if (c.state.terminated) {
        reason = c.state.terminated.signal
          ? `Signal:${c.state.terminated.signal}`
          : `ExitCode:${c.state.terminated.exitCode}`;
      } else if (c.ready && c.state.running) {
        hasRunning = true;
        ready++;
      }
    }
    if (reason === "Completed" && hasRunning) {
      reason = p.status?.conditions?.some((c) => c.type === "Ready" && c.status === "True")
        ? "Running"
        : "NotReady";
    }
  }
  if (p.metadata.deletionTimestamp && p.status?.reason === "NodeLost") reason = "Unknown";
  else if (p.metadata.deletionTimestamp && p.status?.phase !== "Succeeded" && p.status?.phase !== "Failed") {
    reason = "Terminating";
  }
  return { reason, ready, total, restarts, ...(lastRestart !== undefined ? { lastRestart } : {}) };
}

const podPrinter: Printer = {
  columns: [
    NAME_COL,
    col("Ready", "The aggregate readiness state of this pod for accepting traffic."),
    col("Status", "The aggregate status of the containers in this pod."),
    col(
      "Restarts",
      "The number of times the containers in this pod have been restarted and when the last container in this pod has restarted.",
    ),
    AGE_COL,
    col(
      "IP",
      "podIP is the IP address allocated to the pod. Routable at least within the cluster. Empty if not yet allocated.",
      1,
    ),
    col(
      "Node",
      "NodeName indicates in which node this pod is scheduled. If empty, this pod is a candidate for preemption on the node named in nodeName.",
      1,
    ),
    col(
      "Nominated Node",
      "nominatedNodeName is set only when this pod preempts other pods on the node, but it cannot be scheduled right away as preemption victims receive their graceful termination periods.",
      1,
    ),
    col("Readiness Gates", "If specified, all readiness gates will be evaluated for pod readiness.", 1),
  ],
  cells(o, now) {
    const p = o as Pod;
    const s = podStatusReason(p);
    const restarts =
      s.restarts !== 0 && s.lastRestart !== undefined
        ? `${s.restarts} (${humanDuration(now - s.lastRestart)} ago)`
        : String(s.restarts);
    const gates = p.spec.readinessGates ?? [];
    const gateCell = gates.length
      ? `${gates.filter((g) => p.status?.conditions?.some((c) => c.type === g.conditionType && c.status === "True")).length}/${gates.length}`
      : "<none>";
    return [
      p.metadata.name ?? "",
      `${s.ready}/${s.total}`,
      s.reason,
      restarts,
      age(p, now),
      p.status?.podIP || "<none>",
      p.spec.nodeName || "<none>",
      p.status?.nominatedNodeName || "<none>",
      gateCell,
    ];
  },
};

/** The cells of WIDE_WORKLOAD's columns: the template's containers and images, and the selector. */
function wideWorkloadCells(
  spec: { containers: Array<{ name: string; image?: string }> },
  selector: LabelSelector | undefined,
): string[] {
  return [
    spec.containers.map((c) => c.name).join(","),
    spec.containers.map((c) => c.image ?? "").join(","),
    selectorString(selector) || "<none>",
  ];
}

const WIDE_WORKLOAD = [
  col("Containers", "Names of each container in the template.", 1),
  col("Images", "Images referenced by each container in the template.", 1),
  col(
    "Selector",
    "Label selector for pods. Existing ReplicaSets whose pods are selected by this will be the ones affected by this deployment.",
    1,
  ),
];

/**
 * The printer of a workload (deployment, replicaset, daemonset): NAME, the kind's own columns,
 * AGE, then `-o wide`'s containers, images and selector of its pod template.
 */
function workloadPrinter(own: Column[], ownCells: (o: KObject) => Cell[]): Printer {
  return {
    columns: [NAME_COL, ...own, AGE_COL, ...WIDE_WORKLOAD],
    cells: (o, now) => [
      o.metadata.name ?? "",
      ...ownCells(o),
      age(o, now),
      ...wideWorkloadCells(o["spec"]?.template?.spec ?? { containers: [] }, o["spec"]?.selector),
    ],
  };
}

const deploymentPrinter = workloadPrinter(
  [
    col("Ready", "Number of the pod with ready state"),
    countCol(
      "Up-to-date",
      "Total number of non-terminated pods targeted by this deployment that have the desired template spec.",
    ),
    countCol(
      "Available",
      "Total number of available pods (ready for at least minReadySeconds) targeted by this deployment.",
    ),
  ],
  (o) => {
    const d = o as Deployment;
    return [
      `${d.status?.readyReplicas ?? 0}/${d.spec.replicas ?? 0}`,
      d.status?.updatedReplicas ?? 0,
      d.status?.availableReplicas ?? 0,
    ];
  },
);

const replicaSetPrinter = workloadPrinter(
  [
    countCol(
      "Desired",
      "Number of desired pods. This is a pointer to distinguish between explicit zero and unspecified. Defaults to 1.",
    ),
    countCol("Current", "Replicas is the most recently observed number of replicas."),
    countCol(
      "Ready",
      "readyReplicas is the number of pods targeted by this ReplicaSet with a Ready Condition.",
    ),
  ],
  (o) => {
    const rs = o as ReplicaSet;
    return [rs.spec.replicas ?? 0, rs.status?.replicas ?? 0, rs.status?.readyReplicas ?? 0];
  },
);

const daemonSetPrinter = workloadPrinter(
  [
    countCol("Desired", "The total number of nodes that should be running the daemon pod."),
    countCol("Current", "The number of nodes that are running at least 1 daemon pod."),
    countCol(
      "Ready",
      "The number of nodes that should be running the daemon pod and have one or more ready.",
    ),
    countCol("Up-to-date", "The total number of nodes that are running updated daemon pod"),
    countCol(
      "Available",
      "The number of nodes that should be running the daemon pod and have one or more available.",
    ),
    col("Node Selector", "NodeSelector is a selector which must be true for the pod to fit on a node."),
  ],
  (o) => {
    const s = o["status"] ?? {};
    const nodeSelector = Object.entries(o["spec"]?.template?.spec?.nodeSelector ?? {})
      .map(([k, v]) => `${k}=${v}`)
      .join(",");
    return [
      s.desiredNumberScheduled ?? 0,
      s.currentNumberScheduled ?? 0,
      s.numberReady ?? 0,
      s.updatedNumberScheduled ?? 0,
      s.numberAvailable ?? 0,
      nodeSelector || "<none>",
    ];
  },
);

function servicePorts(s: Service): string {
  const ports = s.spec.ports ?? [];
  if (ports.length === 0) return "<none>";
  return ports
    .map((p) =>
      p.nodePort ? `${p.port}:${p.nodePort}/${p.protocol ?? "TCP"}` : `${p.port}/${p.protocol ?? "TCP"}`,
    )
    .join(",");
}

function externalIP(s: Service): string {
  const type = s.spec.type ?? "ClusterIP";
  const ext = s.spec.externalIPs ?? [];
  if (type === "ClusterIP" || type === "NodePort") return ext.length ? ext.join(",") : "<none>";
  if (type === "LoadBalancer") {
    const lb = (s.status?.loadBalancer?.ingress ?? []).map((i) => i.ip || i.hostname || "");
    const all = [...lb, ...ext];
    return all.length ? all.join(",") : "<pending>";
  }
  if (type === "ExternalName") return s.spec.externalName ?? "";
  return "<unknown>";
}

const servicePrinter: Printer = {
  columns: [
    NAME_COL,
    col("Type", "type determines how the Service is exposed."),
    col("Cluster-IP", "clusterIP is the IP address of the service and is usually assigned randomly."),
    col(
      "External-IP",
      "externalIPs is a list of IP addresses for which nodes in the cluster will also accept traffic for this service.",
    ),
    col("Port(s)", "The list of ports that are exposed by this service."),
    AGE_COL,
    col("Selector", "Route service traffic to pods with label keys and values matching this selector.", 1),
  ],
  cells(o, now) {
    const s = o as Service;
    const sel = Object.entries(s.spec.selector ?? {})
      .map(([k, v]) => `${k}=${v}`)
      .join(",");
    return [
      s.metadata.name ?? "",
      s.spec.type ?? "ClusterIP",
      s.spec.clusterIP || "<none>",
      externalIP(s),
      servicePorts(s),
      age(s, now),
      sel || "<none>",
    ];
  },
};

const nodePrinter: Printer = {
  columns: [
    NAME_COL,
    col("Status", "The status of the node"),
    col("Roles", "The roles of the node"),
    AGE_COL,
    col("Version", "Kubelet Version reported by the node."),
    col(
      "Internal-IP",
      "List of addresses reachable to the node. Queried from cloud provider, if available.",
      1,
    ),
    col(
      "External-IP",
      "List of addresses reachable to the node. Queried from cloud provider, if available.",
      1,
    ),
    col(
      "OS-Image",
      "OS Image reported by the node from /etc/os-release (e.g. Debian GNU/Linux 7 (wheezy)).",
      1,
    ),
    col(
      "Kernel-Version",
      "Kernel Version reported by the node from 'uname -r' (e.g. 3.16.0-0.bpo.4-amd64).",
      1,
    ),
    col(
      "Container-Runtime",
      "ContainerRuntime Version reported by the node through runtime remote API (e.g. containerd://1.4.2).",
      1,
    ),
  ],
  cells(o, now) {
    const n = o as Node;
    const ready = n.status.conditions.find((c) => c.type === "Ready");
    // Kubernetes' node printer: "Not" + the condition type for False and Unknown alike.
    let status = ready ? (ready.status === "True" ? "Ready" : "NotReady") : "Unknown";
    if (n.spec.unschedulable) status += ",SchedulingDisabled";
    const roles = Object.keys(n.metadata.labels ?? {})
      .filter((k) => k.startsWith("node-role.kubernetes.io/"))
      .map((k) => k.slice("node-role.kubernetes.io/".length))
      .filter((r) => r !== "")
      .sort();
    const addr = (t: string) => n.status.addresses.find((a) => a.type === t)?.address ?? "<none>";
    return [
      n.metadata.name ?? "",
      status,
      roles.length ? roles.join(",") : "<none>",
      age(n, now),
      n.status.nodeInfo["kubeletVersion"] ?? "",
      addr("InternalIP"),
      addr("ExternalIP"),
      n.status.nodeInfo["osImage"] ?? "<unknown>",
      n.status.nodeInfo["kernelVersion"] ?? "<unknown>",
      n.status.nodeInfo["containerRuntimeVersion"] ?? "<unknown>",
    ];
  },
};

const namespacePrinter: Printer = {
  columns: [NAME_COL, col("Status", "The status of the namespace"), AGE_COL],
  cells: (o, now) => [o.metadata.name ?? "", o["status"]?.phase ?? "", age(o, now)],
};

function formatEndpoints(e: Endpoints): string {
  const list: string[] = [];
  let count = 0;
  for (const ss of e.subsets ?? []) {
    for (const port of ss.ports ?? [{ port: 0, protocol: "TCP" }]) {
      for (const a of ss.addresses ?? []) {
        count++;
        if (list.length < 3) list.push(port.port ? `${a.ip}:${port.port}` : a.ip);
      }
    }
  }
  if (count === 0) return "<none>";
  return count > 3 ? `${list.join(",")} + ${count - 3} more...` : list.join(",");
}

const endpointsPrinter: Printer = {
  columns: [NAME_COL, col("Endpoints", "Endpoints is the list of endpoints in the object."), AGE_COL],
  cells: (o, now) => [o.metadata.name ?? "", formatEndpoints(o as Endpoints), age(o, now)],
};

function eventSince(ts: string | null | undefined, now: number): string {
  return since(ts, now);
}

const eventPrinter: Printer = {
  columns: [
    col("Last Seen", "The time at which the most recent occurrence of this event was recorded."),
    col("Type", "Type of this event (Normal, Warning), new types could be added in the future"),
    col(
      "Reason",
      "This should be a short, machine understandable string that gives the reason for the transition into the object's current status.",
    ),
    col("Object", "The object that this event is about."),
    col("Subobject", "The subobject that this event is about.", 1),
    col("Source", "The component reporting this event. Should be a short machine understandable string.", 1),
    col("Message", "A human-readable description of the status of this operation."),
    col(
      "First Seen",
      "The time at which the event was first recorded. (Time of server receipt is in TypeMeta.)",
      1,
    ),
    col("Count", "The number of times this event has occurred.", 1),
    { ...NAME_COL, priority: 1 },
  ],
  cells(o, now) {
    const e = o as KEvent;
    const first = e.firstTimestamp ? eventSince(e.firstTimestamp, now) : eventSince(e.eventTime, now);
    const last = e.lastTimestamp ? eventSince(e.lastTimestamp, now) : first;
    const target = e.involvedObject.name
      ? `${e.involvedObject.kind.toLowerCase()}/${e.involvedObject.name}`
      : e.involvedObject.kind.toLowerCase();
    const component = e.source?.component || e.reportingComponent || "";
    const instance = e.source?.host || e.reportingInstance || "";
    const source = component ? (instance ? `${component}, ${instance}` : component) : "<unknown>";
    return [
      last,
      e.type,
      e.reason,
      target,
      e.involvedObject.fieldPath ?? "",
      source,
      e.message.trim(),
      first,
      e.count || 1,
      e.metadata.name ?? "",
    ];
  },
};

const configMapPrinter: Printer = {
  columns: [NAME_COL, countCol("Data", "Data contains the configuration data."), AGE_COL],
  cells: (o, now) => [
    o.metadata.name ?? "",
    Object.keys(o["data"] ?? {}).length + Object.keys(o["binaryData"] ?? {}).length,
    age(o, now),
  ],
};

const secretPrinter: Printer = {
  columns: [
    NAME_COL,
    col("Type", "The type of the secret"),
    countCol("Data", "The number of entries in the secret"),
    AGE_COL,
  ],
  cells: (o, now) => [
    o.metadata.name ?? "",
    o["type"] ?? "Opaque",
    Object.keys(o["data"] ?? {}).length,
    age(o, now),
  ],
};

const serviceAccountPrinter: Printer = {
  columns: [
    NAME_COL,
    countCol(
      "Secrets",
      "Secrets is a list of the secrets in the same namespace that pods running using this ServiceAccount are allowed to use.",
    ),
    AGE_COL,
  ],
  cells: (o, now) => [o.metadata.name ?? "", (o["secrets"] ?? []).length, age(o, now)],
};

const leasePrinter: Printer = {
  columns: [
    NAME_COL,
    col("Holder", "holderIdentity contains the identity of the holder of a current lease."),
    AGE_COL,
  ],
  cells: (o, now) => [o.metadata.name ?? "", o["spec"]?.holderIdentity ?? "", age(o, now)],
};

const endpointSlicePrinter: Printer = {
  columns: [
    NAME_COL,
    col("AddressType", "addressType specifies the type of address carried by this EndpointSlice."),
    col("Ports", "ports specifies the list of network ports exposed by each endpoint in this slice."),
    col("Endpoints", "endpoints is a list of unique endpoints in this slice."),
    AGE_COL,
  ],
  cells(o, now) {
    const ports = (o["ports"] ?? []) as Array<{ port?: number }>;
    const eps = (o["endpoints"] ?? []) as Array<{ addresses: string[] }>;
    const addrs = eps.flatMap((e) => e.addresses);
    const shown = addrs.slice(0, 3).join(",");
    return [
      o.metadata.name ?? "",
      o["addressType"] ?? "",
      ports.length ? ports.map((p) => String(p.port ?? "<unset>")).join(",") : "<unset>",
      addrs.length === 0 ? "<unset>" : addrs.length > 3 ? `${shown} + ${addrs.length - 3} more...` : shown,
      age(o, now),
    ];
  },
};

const defaultPrinter: Printer = {
  columns: [NAME_COL, { name: "Created At", type: "date", description: AGE_COL.description }],
  cells: (o) => [o.metadata.name ?? "", o.metadata.creationTimestamp ?? ""],
};

const PRINTERS: Record<string, Printer> = {
  pods: podPrinter,
  deployments: deploymentPrinter,
  replicasets: replicaSetPrinter,
  daemonsets: daemonSetPrinter,
  services: servicePrinter,
  nodes: nodePrinter,
  namespaces: namespacePrinter,
  endpoints: endpointsPrinter,
  events: eventPrinter,
  configmaps: configMapPrinter,
  secrets: secretPrinter,
  serviceaccounts: serviceAccountPrinter,
  leases: leasePrinter,
  endpointslices: endpointSlicePrinter,
};

export type IncludeObject = "None" | "Metadata" | "Object";

export function toTable(
  resource: string,
  objects: KObject[],
  now: number,
  include: IncludeObject,
  listMeta: Record<string, unknown>,
): Record<string, unknown> {
  const printer = PRINTERS[resource] ?? defaultPrinter;
  return {
    kind: "Table",
    apiVersion: "meta.k8s.io/v1",
    metadata: listMeta,
    columnDefinitions: printer.columns.map((c) => ({
      name: c.name,
      type: c.type,
      format: c.format ?? "",
      description: c.description,
      priority: c.priority ?? 0,
    })),
    rows: objects.map((o) => {
      const row: Record<string, unknown> = { cells: printer.cells(o, now) };
      if (include === "Object") row["object"] = o;
      else if (include === "Metadata") {
        row["object"] = { kind: "PartialObjectMetadata", apiVersion: "meta.k8s.io/v1", metadata: o.metadata };
      }
      return row;
    }),
  };
}
