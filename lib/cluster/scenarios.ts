/**
 * Named start states. Each is built by running the simulation forward from the moment the
 * minikube started: objects are created the way their real controllers would, so names,
 * events and timestamps have the same shape as on a real cluster.
 */
import { admit } from "./defaults";
import { SYSTEM_IMAGES } from "./images";
import type { Sim } from "./kernel";
import type { Deployment, KObject, Node, Pod, Service } from "./model";
import { microTime, rfc3339 } from "./time";

export interface ScenarioInfo {
  id: string;
  title: string;
}

const SCENARIOS: ScenarioInfo[] = [
  { id: "empty", title: "A fresh single-node minikube (modules 1–2 start here)" },
  { id: "explore-app", title: "Module 2's end: deployment kubernetes-bootcamp with one Running pod" },
  {
    id: "exposed",
    title: "Module 4's end: kubernetes-bootcamp exposed as a NodePort Service on port 8080",
  },
  { id: "scaled", title: "Module 5's end: the exposed kubernetes-bootcamp scaled to 4 replicas" },
  {
    id: "two-nodes",
    title: "Two nodes (minikube, minikube-m02): the bootcamp pod on the worker; stop a node to see pods move",
  },
  {
    id: "sidecar",
    title: "Module 2's end plus pod bootcamp-with-feeder: the app and a busybox data-feeder container",
  },
];

export function listScenarios(): ScenarioInfo[] {
  return SCENARIOS.map((s) => ({ ...s }));
}

const MINUTE = 60_000;

interface NodeSpec {
  name: string;
  ip: string;
  podCIDR: string;
  controlPlane: boolean;
}

const FIRST_NODE: NodeSpec = {
  name: "minikube",
  ip: "192.168.49.2",
  podCIDR: "10.244.0.0/24",
  controlPlane: true,
};

/** A minikube node's resources (2 CPUs, 4 GB) as its kubelet reports them. */
const NODE_CAPACITY: Record<string, string> = {
  cpu: "2",
  "ephemeral-storage": "102626232Ki",
  "hugepages-1Gi": "0",
  "hugepages-2Mi": "0",
  memory: "3978116Ki",
  pods: "110",
};

function nodeObject(t0: number, spec: NodeSpec = FIRST_NODE): Node {
  const t = rfc3339(t0);
  const ready = rfc3339(t0 + 10_000);
  const labelTime = new Date(t0 + 14_000).toISOString().slice(0, 19).replace(/[-:]/g, "_").replace("T", "T");
  const labels: Record<string, string> = {
    "beta.kubernetes.io/arch": "amd64",
    "beta.kubernetes.io/os": "linux",
    "kubernetes.io/arch": "amd64",
    "kubernetes.io/hostname": spec.name,
    "kubernetes.io/os": "linux",
    "minikube.k8s.io/commit": "5883c09216182566a63dff4c326a6fc9ed2982ff",
    "minikube.k8s.io/name": "minikube",
    "minikube.k8s.io/primary": spec.controlPlane ? "true" : "false",
    "minikube.k8s.io/updated_at": `${labelTime}_0000`,
    "minikube.k8s.io/version": "v1.35.0",
  };
  if (spec.controlPlane) {
    labels["node-role.kubernetes.io/control-plane"] = "";
    labels["node.kubernetes.io/exclude-from-external-load-balancers"] = "";
  }
  return {
    apiVersion: "v1",
    kind: "Node",
    metadata: {
      name: spec.name,
      creationTimestamp: t,
      labels,
      annotations: {
        "kubeadm.alpha.kubernetes.io/cri-socket": "unix:///var/run/cri-dockerd.sock",
        "node.alpha.kubernetes.io/ttl": "0",
        "volumes.kubernetes.io/controller-managed-attach-detach": "true",
      },
    },
    spec: { podCIDR: spec.podCIDR, podCIDRs: [spec.podCIDR] },
    status: {
      // minikube reserves nothing for the system: what a node can allocate is all it has
      capacity: { ...NODE_CAPACITY },
      allocatable: { ...NODE_CAPACITY },
      conditions: [
        [
          "MemoryPressure",
          "False",
          t,
          "KubeletHasSufficientMemory",
          "kubelet has sufficient memory available",
        ],
        ["DiskPressure", "False", t, "KubeletHasNoDiskPressure", "kubelet has no disk pressure"],
        ["PIDPressure", "False", t, "KubeletHasSufficientPID", "kubelet has sufficient PID available"],
        ["Ready", "True", ready, "KubeletReady", "kubelet is posting ready status"],
      ].map(([type, status, lastTransitionTime, reason, message]) => ({
        type: type ?? "",
        status: status ?? "",
        lastHeartbeatTime: ready,
        lastTransitionTime: lastTransitionTime ?? "",
        reason: reason ?? "",
        message: message ?? "",
      })),
      addresses: [
        { type: "InternalIP", address: spec.ip },
        { type: "Hostname", address: spec.name },
      ],
      daemonEndpoints: { kubeletEndpoint: { Port: 10250 } },
      nodeInfo: {
        machineID: spec.controlPlane
          ? "b1c7e4a0f5d24e6c9a3b8d2f1e0c4a57"
          : "5f0e9d2c7b1a4e38a6c4d1b9e2f7a063",
        systemUUID: spec.controlPlane
          ? "8e2f5a61-3b7c-4d19-a0e4-6c5b9d8f2e13"
          : "3c9a7e12-6d4b-4f80-b2e5-a17d0c9f4b28",
        bootID: spec.controlPlane
          ? "d4a1f2c3-5e6b-47a8-9c0d-1e2f3a4b5c6d"
          : "9b2e4d6f-1a3c-4e5b-8d7f-0c2a4e6b8d1f",
        kernelVersion: "6.8.0-49-generic",
        osImage: "Ubuntu 22.04.5 LTS",
        containerRuntimeVersion: "docker://27.4.1",
        kubeletVersion: "v1.32.0",
        kubeProxyVersion: "v1.32.0",
        operatingSystem: "linux",
        architecture: "amd64",
      },
      images: (spec.controlPlane
        ? SYSTEM_IMAGES
        : SYSTEM_IMAGES.filter(([ref]) => ref.includes("kube-proxy") || ref.includes("storage-provisioner"))
      ).map(([ref, digest, size]) => ({
        names: [`${ref.slice(0, ref.lastIndexOf(":"))}@${digest}`, ref],
        sizeBytes: size,
      })),
    },
  };
}

function create(sim: Sim, resource: string, obj: KObject): KObject {
  return sim.store.create(resource, admit(sim, resource, obj));
}

function staticPod(sim: Sim, component: string, image: string, node: Node): void {
  const pod: Pod = {
    apiVersion: "v1",
    kind: "Pod",
    metadata: {
      name: `${component}-minikube`,
      namespace: "kube-system",
      labels: { component, tier: "control-plane" },
      annotations: { "kubernetes.io/config.source": "file" },
      ownerReferences: [
        { apiVersion: "v1", kind: "Node", name: "minikube", uid: node.metadata.uid ?? "", controller: true },
      ],
    },
    spec: {
      containers: [{ name: component, image, command: [component] }],
      hostNetwork: true,
      nodeName: "minikube",
      priorityClassName: "system-node-critical",
      priority: 2000001000,
      tolerations: [{ operator: "Exists", effect: "NoExecute" }],
    },
    status: {},
  };
  create(sim, "pods", pod);
}

/** A fresh minikube: node, namespaces, control plane, kube-dns, kube-proxy, storage-provisioner. */
export function buildEmpty(sim: Sim, t0: number): void {
  sim.t = t0;
  const node = sim.store.create("nodes", nodeObject(t0)) as Node;
  for (const ns of ["default", "kube-node-lease", "kube-public", "kube-system"]) {
    create(sim, "namespaces", { apiVersion: "v1", kind: "Namespace", metadata: { name: ns } });
  }
  create(sim, "services", {
    apiVersion: "v1",
    kind: "Service",
    metadata: {
      name: "kubernetes",
      namespace: "default",
      labels: { component: "apiserver", provider: "kubernetes" },
    },
    spec: {
      ports: [{ name: "https", protocol: "TCP", port: 443, targetPort: 8443 }],
      clusterIP: "10.96.0.1",
    },
  } as Service);
  sim.store.create("endpoints", {
    apiVersion: "v1",
    kind: "Endpoints",
    metadata: {
      name: "kubernetes",
      namespace: "default",
      labels: { "endpointslice.kubernetes.io/skip-mirror": "true" },
    },
    subsets: [
      { addresses: [{ ip: "192.168.49.2" }], ports: [{ name: "https", port: 8443, protocol: "TCP" }] },
    ],
  });
  sim.store.create("endpointslices", {
    apiVersion: "discovery.k8s.io/v1",
    kind: "EndpointSlice",
    metadata: {
      name: "kubernetes",
      namespace: "default",
      generation: 1,
      labels: { "kubernetes.io/service-name": "kubernetes" },
    },
    addressType: "IPv4",
    endpoints: [{ addresses: ["192.168.49.2"], conditions: { ready: true } }],
    ports: [{ name: "https", protocol: "TCP", port: 8443 }],
  });
  sim.store.create("leases", {
    apiVersion: "coordination.k8s.io/v1",
    kind: "Lease",
    metadata: { name: "minikube", namespace: "kube-node-lease" },
    spec: { holderIdentity: "minikube", leaseDurationSeconds: 40, renewTime: microTime(t0 + 10_000) },
  });
  sim.t = t0 + 10_000;
  for (const [component, image] of [
    ["etcd", "registry.k8s.io/etcd:3.5.16-0"],
    ["kube-apiserver", "registry.k8s.io/kube-apiserver:v1.32.0"],
    ["kube-controller-manager", "registry.k8s.io/kube-controller-manager:v1.32.0"],
    ["kube-scheduler", "registry.k8s.io/kube-scheduler:v1.32.0"],
  ] as const) {
    staticPod(sim, component, image, node);
  }
  sim.advanceTo(t0 + 15_000, sim.onDue);
  create(sim, "services", {
    apiVersion: "v1",
    kind: "Service",
    metadata: {
      name: "kube-dns",
      namespace: "kube-system",
      labels: {
        "k8s-app": "kube-dns",
        "kubernetes.io/cluster-service": "true",
        "kubernetes.io/name": "CoreDNS",
      },
      annotations: { "prometheus.io/port": "9153", "prometheus.io/scrape": "true" },
    },
    spec: {
      selector: { "k8s-app": "kube-dns" },
      clusterIP: "10.96.0.10",
      ports: [
        { name: "dns", protocol: "UDP", port: 53, targetPort: 53 },
        { name: "dns-tcp", protocol: "TCP", port: 53, targetPort: 53 },
        { name: "metrics", protocol: "TCP", port: 9153, targetPort: 9153 },
      ],
    },
  } as Service);
  create(sim, "deployments", {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name: "coredns", namespace: "kube-system", labels: { "k8s-app": "kube-dns" } },
    spec: {
      replicas: 1,
      selector: { matchLabels: { "k8s-app": "kube-dns" } },
      strategy: { type: "RollingUpdate", rollingUpdate: { maxUnavailable: 1, maxSurge: "25%" } },
      template: {
        metadata: { labels: { "k8s-app": "kube-dns" } },
        spec: {
          containers: [
            {
              name: "coredns",
              image: "registry.k8s.io/coredns/coredns:v1.11.3",
              args: ["-conf", "/etc/coredns/Corefile"],
              ports: [
                { name: "dns", containerPort: 53, protocol: "UDP" },
                { name: "dns-tcp", containerPort: 53, protocol: "TCP" },
                { name: "metrics", containerPort: 9153, protocol: "TCP" },
              ],
            },
          ],
          dnsPolicy: "Default",
          serviceAccountName: "coredns",
          priorityClassName: "system-cluster-critical",
          priority: 2000000000,
          tolerations: [
            { key: "CriticalAddonsOnly", operator: "Exists" },
            { key: "node-role.kubernetes.io/control-plane", effect: "NoSchedule" },
          ],
        },
      },
    },
    status: {},
  } as Deployment);
  const ds: KObject = sim.store.create<KObject>("daemonsets", {
    apiVersion: "apps/v1",
    kind: "DaemonSet",
    metadata: { name: "kube-proxy", namespace: "kube-system", labels: { "k8s-app": "kube-proxy" } },
    spec: {
      selector: { matchLabels: { "k8s-app": "kube-proxy" } },
      template: {
        metadata: { creationTimestamp: null, labels: { "k8s-app": "kube-proxy" } },
        spec: {
          containers: [{ name: "kube-proxy", image: "registry.k8s.io/kube-proxy:v1.32.0" }],
          hostNetwork: true,
        },
      },
      updateStrategy: { type: "RollingUpdate", rollingUpdate: { maxUnavailable: 1, maxSurge: 0 } },
      revisionHistoryLimit: 10,
    },
    status: {
      currentNumberScheduled: 1,
      numberMisscheduled: 0,
      desiredNumberScheduled: 1,
      numberReady: 1,
      observedGeneration: 1,
      updatedNumberScheduled: 1,
      numberAvailable: 1,
    },
  });
  create(sim, "pods", kubeProxyPod(ds));
  create(sim, "pods", {
    apiVersion: "v1",
    kind: "Pod",
    metadata: {
      name: "storage-provisioner",
      namespace: "kube-system",
      labels: { "addonmanager.kubernetes.io/mode": "Reconcile", "integration-test": "storage-provisioner" },
    },
    spec: {
      containers: [
        {
          name: "storage-provisioner",
          image: "gcr.io/k8s-minikube/storage-provisioner:v5",
          command: ["/storage-provisioner"],
        },
      ],
      hostNetwork: true,
      serviceAccountName: "storage-provisioner",
    },
    status: {},
  } as Pod);
  sim.nextPodIP = 2;
  sim.advanceTo(t0 + 60_000, sim.onDue);
}

/** `kubectl create deployment kubernetes-bootcamp --image=gcr.io/google-samples/kubernetes-bootcamp:v1`. */
export function createBootcamp(sim: Sim): void {
  create(sim, "deployments", {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name: "kubernetes-bootcamp", namespace: "default", labels: { app: "kubernetes-bootcamp" } },
    spec: {
      replicas: 1,
      selector: { matchLabels: { app: "kubernetes-bootcamp" } },
      template: {
        metadata: { labels: { app: "kubernetes-bootcamp" } },
        spec: {
          containers: [
            {
              name: "kubernetes-bootcamp",
              image: "gcr.io/google-samples/kubernetes-bootcamp:v1",
              resources: {},
            },
          ],
        },
      },
      strategy: {},
    },
    status: {},
  } as Deployment);
}

/** `kubectl expose deployment/kubernetes-bootcamp --type=NodePort --port 8080`. */
export function exposeBootcamp(sim: Sim): void {
  create(sim, "services", {
    apiVersion: "v1",
    kind: "Service",
    metadata: { name: "kubernetes-bootcamp", namespace: "default", labels: { app: "kubernetes-bootcamp" } },
    spec: {
      ports: [{ port: 8080, protocol: "TCP", targetPort: 8080 }],
      selector: { app: "kubernetes-bootcamp" },
      type: "NodePort",
    },
  } as Service);
}

/** `kubectl scale deployments/kubernetes-bootcamp --replicas=N`. */
export function scaleBootcamp(sim: Sim, replicas: number): void {
  sim.store.mutate<Deployment>("deployments", "default", "kubernetes-bootcamp", (d) => {
    d.spec.replicas = replicas;
  });
}

/** A kube-proxy pod of the DaemonSet `ds`; on an added node the DaemonSet controller binds it itself. */
function kubeProxyPod(ds: KObject, nodeName?: string): Pod {
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: {
      generateName: "kube-proxy-",
      namespace: "kube-system",
      labels: {
        "controller-revision-hash": "64b9dbc74b",
        "k8s-app": "kube-proxy",
        "pod-template-generation": "1",
      },
      ownerReferences: [
        {
          apiVersion: "apps/v1",
          kind: "DaemonSet",
          name: "kube-proxy",
          uid: ds.metadata.uid ?? "",
          controller: true,
          blockOwnerDeletion: true,
        },
      ],
    },
    spec: {
      containers: [{ name: "kube-proxy", image: "registry.k8s.io/kube-proxy:v1.32.0" }],
      hostNetwork: true,
      ...(nodeName ? { nodeName } : {}),
      serviceAccountName: "kube-proxy",
      priorityClassName: "system-node-critical",
      priority: 2000001000,
    },
    status: {},
  } as Pod;
}

/** `minikube node add`: a worker node `minikube-m02` with its kube-proxy pod. */
function addWorker(sim: Sim): void {
  const spec: NodeSpec = {
    name: "minikube-m02",
    ip: "192.168.49.3",
    podCIDR: "10.244.1.0/24",
    controlPlane: false,
  };
  const node = nodeObject(sim.now(), spec);
  sim.store.create("nodes", node);
  sim.store.create("leases", {
    apiVersion: "coordination.k8s.io/v1",
    kind: "Lease",
    metadata: { name: spec.name, namespace: "kube-node-lease" },
    spec: { holderIdentity: spec.name, leaseDurationSeconds: 40, renewTime: microTime(sim.now() + 10_000) },
  });
  const ds = sim.store.peek<KObject>("daemonsets", "kube-system", "kube-proxy");
  if (ds) {
    sim.store.mutate<KObject>("daemonsets", "kube-system", "kube-proxy", (x) => {
      for (const k of [
        "currentNumberScheduled",
        "desiredNumberScheduled",
        "numberReady",
        "updatedNumberScheduled",
        "numberAvailable",
      ]) {
        x["status"][k] = 2;
      }
    });
    create(sim, "pods", kubeProxyPod(ds, spec.name));
  }
}

/** A standalone pod running the bootcamp app and a busybox sidecar that logs every 5 s. */
function createFeederPod(sim: Sim): void {
  create(sim, "pods", {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name: "bootcamp-with-feeder", namespace: "default", labels: { app: "bootcamp-with-feeder" } },
    spec: {
      containers: [
        { name: "kubernetes-bootcamp", image: "gcr.io/google-samples/kubernetes-bootcamp:v1" },
        {
          name: "data-feeder",
          image: "busybox",
          command: [
            "sh",
            "-c",
            'while true; do echo "$(date) data-feeder: fed one record to the bootcamp"; sleep 5; done',
          ],
        },
      ],
    },
    status: {},
  } as Pod);
}

/** The eviction window lessons use on multi-node clusters (`--default-unreachable-toleration-seconds`). */
const LESSON_TOLERATION_SECONDS = 30;

/** Build scenario `id` so that it ends at `now`. Returns false for an unknown id. */
export function buildScenario(sim: Sim, id: string, now: number): boolean {
  if (id === "empty") {
    buildEmpty(sim, now - 5 * MINUTE);
    sim.advanceTo(now, sim.onDue);
    return true;
  }
  const steps: Record<string, () => void> = {
    "explore-app": () => {
      buildEmpty(sim, now - 65 * MINUTE);
      sim.advanceTo(now - 5 * MINUTE, sim.onDue);
      // Other pods came and went while the learner explored modules 1–2.
      sim.nextPodIP = 3 + sim.rng.int(6);
      createBootcamp(sim);
    },
    exposed: () => {
      buildEmpty(sim, now - 75 * MINUTE);
      sim.advanceTo(now - 15 * MINUTE, sim.onDue);
      sim.nextPodIP = 3 + sim.rng.int(6);
      createBootcamp(sim);
      sim.advanceTo(now - 4 * MINUTE, sim.onDue);
      exposeBootcamp(sim);
    },
    scaled: () => {
      steps["exposed"]?.();
      sim.advanceTo(now - 2 * MINUTE, sim.onDue);
      scaleBootcamp(sim, 4);
    },
    "two-nodes": () => {
      sim.tolerationSeconds = LESSON_TOLERATION_SECONDS;
      buildEmpty(sim, now - 65 * MINUTE);
      sim.advanceTo(now - 62 * MINUTE, sim.onDue);
      addWorker(sim);
      sim.advanceTo(now - 5 * MINUTE, sim.onDue);
      sim.nextPodIP = 3 + sim.rng.int(6);
      createBootcamp(sim);
    },
    sidecar: () => {
      steps["explore-app"]?.();
      sim.advanceTo(now - 2 * MINUTE, sim.onDue);
      createFeederPod(sim);
    },
  };
  const build = steps[id];
  if (!build) return false;
  build();
  sim.advanceTo(now, sim.onDue);
  return true;
}
