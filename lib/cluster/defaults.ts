/**
 * Admission and defaulting, as the API server applies them on create: the fields a real
 * cluster fills in (container defaults, service account volume, tolerations, IPs, ports).
 */
import { invalid } from "./errors";
import type { Sim } from "./kernel";
import type { Container, Deployment, KObject, Pod, PodSpec, PodTemplateSpec, Service } from "./model";
import { NAME_ALPHABET } from "./rng";

/**
 * Copies the fields of `from` that `to` does not have yet, in their order, except `later` (which
 * the caller sets afterwards): the order in which the API server writes an object's fields.
 */
function copyOthers<T extends object>(from: T, to: T, later: readonly string[]): void {
  const out = to as Record<string, unknown>;
  for (const [k, v] of Object.entries(from)) if (!(k in to) && !later.includes(k)) out[k] = v;
}

function containerDefaults(c: Container): Container {
  const tag = (c.image ?? "").split("/").pop() ?? "";
  const latest = !tag.includes(":") || tag.endsWith(":latest");
  const out: Container = { name: c.name };
  if (c.image !== undefined) out.image = c.image;
  if (c.command) out.command = c.command;
  if (c.args) out.args = c.args;
  if (c.ports) out.ports = c.ports.map((p) => ({ ...p, protocol: p.protocol ?? "TCP" }));
  if (c.env) out.env = c.env;
  copyOthers(c, out, [
    "resources",
    "volumeMounts",
    "terminationMessagePath",
    "terminationMessagePolicy",
    "imagePullPolicy",
  ]);
  out.resources = c.resources ?? {};
  if (c.volumeMounts) out.volumeMounts = c.volumeMounts;
  out.terminationMessagePath = c.terminationMessagePath ?? "/dev/termination-log";
  out.terminationMessagePolicy = c.terminationMessagePolicy ?? "File";
  out.imagePullPolicy = c.imagePullPolicy ?? (latest ? "Always" : "IfNotPresent");
  return out;
}

/** Pod-template defaults (what a Deployment's or ReplicaSet's template gets). */
export function templateDefaults(t: PodTemplateSpec): PodTemplateSpec {
  const s = t.spec;
  const spec: PodSpec = { ...s, containers: (s.containers ?? []).map(containerDefaults) };
  const ordered: PodSpec = {
    ...(s.volumes ? { volumes: s.volumes } : {}),
    ...(s.initContainers ? { initContainers: s.initContainers.map(containerDefaults) } : {}),
    containers: spec.containers,
    restartPolicy: s.restartPolicy ?? "Always",
    terminationGracePeriodSeconds: s.terminationGracePeriodSeconds ?? 30,
    dnsPolicy: s.dnsPolicy ?? "ClusterFirst",
  };
  for (const [k, v] of Object.entries(spec)) {
    if (!(k in ordered) && k !== "securityContext" && k !== "schedulerName")
      (ordered as unknown as Record<string, unknown>)[k] = v;
  }
  ordered.securityContext = s.securityContext ?? {};
  ordered.schedulerName = s.schedulerName ?? "default-scheduler";
  return { metadata: { creationTimestamp: null, ...t.metadata }, spec: ordered };
}

function validateContainers(
  kind: string,
  group: string,
  name: string,
  spec: PodSpec | undefined,
  path: string,
) {
  const containers = spec?.containers ?? [];
  if (containers.length === 0) {
    throw invalid(kind, group, name, [
      { field: `${path}.containers`, message: "Required value", reason: "FieldValueRequired" },
    ]);
  }
  containers.forEach((c, i) => {
    if (!c.image) {
      throw invalid(kind, group, name, [
        { field: `${path}.containers[${i}].image`, message: "Required value", reason: "FieldValueRequired" },
      ]);
    }
  });
}

export function admitDeployment(sim: Sim, d: Deployment): Deployment {
  void sim;
  const name = d.metadata.name ?? "";
  validateContainers("Deployment", "apps", name, d.spec?.template?.spec, "spec.template.spec");
  const spec = d.spec;
  const strategy = spec.strategy ?? {};
  const out: Deployment = {
    ...d,
    apiVersion: "apps/v1",
    kind: "Deployment",
    spec: {
      replicas: spec.replicas ?? 1,
      selector: spec.selector ?? { matchLabels: d.spec.template.metadata.labels ?? {} },
      template: templateDefaults(spec.template),
      strategy:
        (strategy.type ?? "RollingUpdate") === "RollingUpdate"
          ? {
              type: "RollingUpdate",
              rollingUpdate: {
                maxUnavailable: strategy.rollingUpdate?.maxUnavailable ?? "25%",
                maxSurge: strategy.rollingUpdate?.maxSurge ?? "25%",
              },
            }
          : { type: "Recreate" },
      ...(spec.minReadySeconds ? { minReadySeconds: spec.minReadySeconds } : {}),
      revisionHistoryLimit: spec.revisionHistoryLimit ?? 10,
      progressDeadlineSeconds: spec.progressDeadlineSeconds ?? 600,
      ...(spec.paused ? { paused: true } : {}),
    },
    status: d.status ?? {},
  };
  return out;
}

export function admitPod(sim: Sim, p: Pod): Pod {
  const name = p.metadata.name ?? p.metadata.generateName ?? "";
  validateContainers("Pod", "", name, p.spec, "spec");
  const volName = `kube-api-access-${sim.rng.chars(NAME_ALPHABET, 5)}`;
  const base = templateDefaults({ metadata: {}, spec: p.spec }).spec;
  const sa = base.serviceAccountName ?? base.serviceAccount ?? "default";
  const mount = { name: volName, readOnly: true, mountPath: "/var/run/secrets/kubernetes.io/serviceaccount" };
  const volumes = [
    ...(base.volumes ?? []),
    {
      name: volName,
      projected: {
        sources: [
          { serviceAccountToken: { expirationSeconds: 3607, path: "token" } },
          { configMap: { name: "kube-root-ca.crt", items: [{ key: "ca.crt", path: "ca.crt" }] } },
          {
            downwardAPI: {
              items: [{ path: "namespace", fieldRef: { apiVersion: "v1", fieldPath: "metadata.namespace" } }],
            },
          },
        ],
        defaultMode: 420,
      },
    },
  ];
  const containers = base.containers.map((c) => {
    const { terminationMessagePath, terminationMessagePolicy, imagePullPolicy, ...head } = c;
    return {
      ...head,
      volumeMounts: [...(c.volumeMounts ?? []), mount],
      terminationMessagePath,
      terminationMessagePolicy,
      imagePullPolicy,
    };
  });
  const tolerations = [...(base.tolerations ?? [])];
  for (const key of ["node.kubernetes.io/not-ready", "node.kubernetes.io/unreachable"]) {
    if (!tolerations.some((t) => t.key === key && t.effect === "NoExecute")) {
      tolerations.push({
        key,
        operator: "Exists",
        effect: "NoExecute",
        tolerationSeconds: sim.tolerationSeconds,
      });
    }
  }
  const spec: PodSpec = {
    volumes,
    containers,
    restartPolicy: base.restartPolicy,
    terminationGracePeriodSeconds: base.terminationGracePeriodSeconds,
    dnsPolicy: base.dnsPolicy,
  };
  copyOthers(base, spec, [
    "serviceAccountName",
    "serviceAccount",
    "nodeName",
    "securityContext",
    "schedulerName",
    "tolerations",
    "priority",
    "enableServiceLinks",
    "preemptionPolicy",
  ]);
  spec.serviceAccountName = sa;
  spec.serviceAccount = sa;
  if (base.nodeName) spec.nodeName = base.nodeName;
  spec.securityContext = base.securityContext;
  spec.schedulerName = base.schedulerName;
  spec.tolerations = tolerations;
  spec.priority = base.priority ?? 0;
  spec.enableServiceLinks = base.enableServiceLinks ?? true;
  spec.preemptionPolicy = base.preemptionPolicy ?? "PreemptLowerPriority";
  return {
    ...p,
    apiVersion: "v1",
    kind: "Pod",
    spec,
    status: { phase: "Pending", qosClass: "BestEffort" },
  };
}

function randomClusterIP(sim: Sim): string {
  const used = new Set(sim.store.scan<Service>("services").map((s) => s.spec.clusterIP));
  for (;;) {
    // 10.96.0.0/12 minus the first addresses kept for kubernetes and kube-dns.
    const n = 11 + sim.rng.int((1 << 20) - 20);
    const ip = `10.${96 + (n >> 16)}.${(n >> 8) & 255}.${n & 255}`;
    if (!used.has(ip)) return ip;
  }
}

function randomNodePort(sim: Sim): number {
  const used = new Set<number>();
  for (const s of sim.store.scan<Service>("services"))
    for (const p of s.spec.ports ?? []) if (p.nodePort) used.add(p.nodePort);
  for (;;) {
    const port = 30000 + sim.rng.int(2768);
    if (!used.has(port)) return port;
  }
}

export function admitService(sim: Sim, s: Service): Service {
  const type = s.spec?.type ?? "ClusterIP";
  const name = s.metadata.name ?? "";
  if (type !== "ExternalName" && (!s.spec?.ports || s.spec.ports.length === 0)) {
    throw invalid("Service", "", name, [
      { field: "spec.ports", message: "Required value", reason: "FieldValueRequired" },
    ]);
  }
  const ip = s.spec.clusterIP && s.spec.clusterIP !== "" ? s.spec.clusterIP : randomClusterIP(sim);
  const ports = (s.spec.ports ?? []).map((p) => {
    const out: Record<string, unknown> = {};
    if (p.name) out["name"] = p.name;
    out["protocol"] = p.protocol ?? "TCP";
    out["port"] = p.port;
    out["targetPort"] = p.targetPort ?? p.port;
    if (type === "NodePort" || type === "LoadBalancer") out["nodePort"] = p.nodePort ?? randomNodePort(sim);
    return out as unknown as import("./model").ServicePort;
  });
  const spec: Service["spec"] = { ports };
  if (s.spec.selector) spec.selector = s.spec.selector;
  spec.clusterIP = ip;
  spec.clusterIPs = [ip];
  spec.type = type;
  if (s.spec.externalIPs) spec.externalIPs = s.spec.externalIPs;
  spec.sessionAffinity = s.spec.sessionAffinity ?? "None";
  if (type === "NodePort" || type === "LoadBalancer")
    spec.externalTrafficPolicy = s.spec.externalTrafficPolicy ?? "Cluster";
  spec.ipFamilies = ["IPv4"];
  spec.ipFamilyPolicy = "SingleStack";
  spec.internalTrafficPolicy = "Cluster";
  return { ...s, apiVersion: "v1", kind: "Service", spec, status: { loadBalancer: {} } };
}

/** Fill kind/apiVersion and admission defaults for a create request. */
export function admit(sim: Sim, resource: string, obj: KObject): KObject {
  if (resource === "pods") return admitPod(sim, obj as Pod);
  if (resource === "deployments") return admitDeployment(sim, obj as Deployment);
  if (resource === "services") return admitService(sim, obj as Service);
  if (resource === "namespaces") {
    const name = obj.metadata.name ?? "";
    return {
      ...obj,
      apiVersion: "v1",
      kind: "Namespace",
      metadata: {
        ...obj.metadata,
        labels: { ...(obj.metadata.labels ?? {}), "kubernetes.io/metadata.name": name },
      },
      spec: { finalizers: ["kubernetes"] },
      status: { phase: "Active" },
    };
  }
  return obj;
}
