/**
 * `minikube addons list|enable|disable NAME`. The one addon that does something here is
 * metrics-server: enabling it creates its Deployment and Service in kube-system through the API,
 * and the API server serves metrics.k8s.io once that deployment is available (`kubectl top`).
 * The others are listed as minikube v1.35 lists them and stay disabled.
 */
import type { ProgramIO } from "./types";

const METRICS_IMAGE = "registry.k8s.io/metrics-server/metrics-server:v0.7.2";

/** minikube v1.35's addons with their maintainers, in its order (alphabetical). */
const ADDONS: Array<[string, string]> = [
  ["ambassador", "3rd party (Ambassador)"],
  ["amd-gpu-device-plugin", "3rd party (AMD)"],
  ["auto-pause", "minikube"],
  ["cloud-spanner", "Google"],
  ["csi-hostpath-driver", "Kubernetes"],
  ["dashboard", "Kubernetes"],
  ["default-storageclass", "Kubernetes"],
  ["efk", "3rd party (Elastic)"],
  ["freshpod", "Google"],
  ["gcp-auth", "Google"],
  ["gvisor", "minikube"],
  ["headlamp", "3rd party (kinvolk.io)"],
  ["inaccel", "3rd party (InAccel [info@inaccel.com])"],
  ["ingress", "Kubernetes"],
  ["ingress-dns", "minikube"],
  ["inspektor-gadget", "3rd party (inspektor-gadget.io)"],
  ["istio", "3rd party (Istio)"],
  ["istio-provisioner", "3rd party (Istio)"],
  ["kong", "3rd party (Kong HQ)"],
  ["kubeflow", "3rd party"],
  ["kubevirt", "3rd party (KubeVirt)"],
  ["logviewer", "3rd party (unknown)"],
  ["metallb", "3rd party (MetalLB)"],
  ["metrics-server", "Kubernetes"],
  ["nvidia-device-plugin", "3rd party (NVIDIA)"],
  ["nvidia-driver-installer", "3rd party (NVIDIA)"],
  ["nvidia-gpu-device-plugin", "3rd party (NVIDIA)"],
  ["olm", "3rd party (Operator Framework)"],
  ["pod-security-policy", "3rd party (unknown)"],
  ["portainer", "3rd party (Portainer.io)"],
  ["registry", "minikube"],
  ["registry-aliases", "3rd party (unknown)"],
  ["registry-creds", "3rd party (UPMC Enterprises)"],
  ["storage-provisioner", "minikube"],
  ["storage-provisioner-gluster", "3rd party (Gluster)"],
  ["storage-provisioner-rancher", "3rd party (Rancher)"],
  ["volcano", "third-party (volcano)"],
  ["volumesnapshots", "Kubernetes"],
  ["yakd", "3rd party (marcnuri.com)"],
];

/** Addons a fresh minikube has enabled. */
const ON_BY_DEFAULT = new Set(["default-storageclass", "storage-provisioner"]);

function request(io: ProgramIO, method: "GET" | "POST" | "DELETE", path: string, body?: unknown): number {
  const res = io.machine.api({
    method,
    path,
    headers: { accept: "application/json", "content-type": "application/json" },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  return res.status;
}

const DEPLOYMENT_PATH = "/apis/apps/v1/namespaces/kube-system/deployments";
const SERVICE_PATH = "/api/v1/namespaces/kube-system/services";

function metricsServerEnabled(io: ProgramIO): boolean {
  return request(io, "GET", `${DEPLOYMENT_PATH}/metrics-server`) === 200;
}

function enableMetricsServer(io: ProgramIO): void {
  const labels = { "k8s-app": "metrics-server" };
  request(io, "POST", DEPLOYMENT_PATH, {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: {
      name: "metrics-server",
      namespace: "kube-system",
      labels: {
        ...labels,
        "addonmanager.kubernetes.io/mode": "Reconcile",
        "kubernetes.io/minikube-addons": "metrics-server",
      },
    },
    spec: {
      replicas: 1,
      selector: { matchLabels: labels },
      template: {
        metadata: { name: "metrics-server", labels },
        spec: {
          priorityClassName: "system-cluster-critical",
          serviceAccountName: "metrics-server",
          containers: [
            {
              name: "metrics-server",
              image: METRICS_IMAGE,
              imagePullPolicy: "IfNotPresent",
              args: [
                "--cert-dir=/tmp",
                "--secure-port=4443",
                "--kubelet-preferred-address-types=InternalIP,ExternalIP,Hostname",
                "--kubelet-use-node-status-port",
                "--metric-resolution=60s",
                "--kubelet-insecure-tls",
              ],
              ports: [{ name: "https", containerPort: 4443, protocol: "TCP" }],
              resources: { requests: { cpu: "100m", memory: "200Mi" } },
            },
          ],
        },
      },
    },
  });
  request(io, "POST", SERVICE_PATH, {
    apiVersion: "v1",
    kind: "Service",
    metadata: {
      name: "metrics-server",
      namespace: "kube-system",
      labels: {
        ...labels,
        "kubernetes.io/minikube-addons": "metrics-server",
        "kubernetes.io/name": "Metrics-server",
      },
    },
    spec: { selector: labels, ports: [{ name: "https", port: 443, protocol: "TCP", targetPort: "https" }] },
  });
}

function list(io: ProgramIO): number {
  const enabled = metricsServerEnabled(io);
  const rows = ADDONS.map(([name, maintainer]) => {
    const on = name === "metrics-server" ? enabled : ON_BY_DEFAULT.has(name);
    return [name, "minikube", on ? "enabled ✅" : "disabled", maintainer];
  });
  const header = ["ADDON NAME", "PROFILE", "STATUS", "MAINTAINER"];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => [...(r[i] ?? "")].length)));
  const line = (cells: string[]): string =>
    `| ${cells.map((c, i) => c + " ".repeat((widths[i] ?? 0) - [...c].length)).join(" | ")} |\n`;
  const rule = `|${widths.map((w) => "-".repeat(w + 2)).join("|")}|\n`;
  io.stdout(rule + line(header) + rule + rows.map(line).join("") + rule);
  return 0;
}

export function addonsCommand(io: ProgramIO): number {
  const args = io.argv.slice(2).filter((a) => !a.startsWith("-"));
  const [verb, name] = args;
  if (verb === "list") return list(io);
  if (verb !== "enable" && verb !== "disable") {
    io.stderr(
      'addons modifies minikube addons files using subcommands like "minikube addons enable dashboard"\n\nIn this classroom: minikube addons list | enable NAME | disable NAME\n',
    );
    return verb === undefined ? 0 : 1;
  }
  if (name === undefined) {
    io.stderr(`❌  Exiting due to MK_USAGE: usage: minikube addons ${verb} ADDON_NAME\n`);
    return 64;
  }
  const known = ADDONS.find(([n]) => n === name);
  if (!known) {
    io.stderr(
      `❌  Exiting due to MK_ADDON_${verb === "enable" ? "ENABLE" : "DISABLE"}: run callbacks: ${name} is not a valid addon\n`,
    );
    return 69;
  }
  if (name !== "metrics-server") {
    io.stderr(`hint: (kubeclass) only the metrics-server addon can be ${verb}d in this classroom\n`);
    return 1;
  }
  const enabled = metricsServerEnabled(io);
  if (verb === "enable") {
    if (!enabled) enableMetricsServer(io);
    io.stdout(
      `💡  metrics-server is an addon maintained by Kubernetes. For any concerns contact minikube on GitHub.\nYou can view the list of minikube maintainers at: https://github.com/kubernetes/minikube/blob/master/OWNERS\n    ▪ Using image ${METRICS_IMAGE}\n🌟  The 'metrics-server' addon is enabled\n`,
    );
    return 0;
  }
  if (enabled) {
    request(io, "DELETE", `${DEPLOYMENT_PATH}/metrics-server`);
    request(io, "DELETE", `${SERVICE_PATH}/metrics-server`);
  }
  io.stdout("🌑  \"The 'metrics-server' addon is disabled\"\n");
  return 0;
}
