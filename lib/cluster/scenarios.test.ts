import { describe, expect, it } from "vitest";
import { containerInfo } from "./index";
import { body, call, newCluster, podStatuses } from "./testing";

interface Named {
  metadata: { name: string };
}

function names(items: Named[]): string[] {
  return items.map((i) => i.metadata.name);
}

function pods(cluster: ReturnType<typeof newCluster>["cluster"]) {
  return body(call(cluster, "GET", "/api/v1/namespaces/default/pods")).items;
}

describe("scenario exposed", () => {
  it("has the NodePort Service kubectl expose makes, with endpoints", () => {
    const { cluster } = newCluster("exposed");
    const svc = body(call(cluster, "GET", "/api/v1/namespaces/default/services/kubernetes-bootcamp"));
    expect(svc.metadata.labels).toEqual({ app: "kubernetes-bootcamp" });
    expect(svc.spec.type).toBe("NodePort");
    expect(svc.spec.selector).toEqual({ app: "kubernetes-bootcamp" });
    const port = svc.spec.ports[0];
    expect(port).toMatchObject({ protocol: "TCP", port: 8080, targetPort: 8080 });
    expect(port.nodePort).toBeGreaterThanOrEqual(30000);
    expect(port.nodePort).toBeLessThanOrEqual(32767);
    const ep = body(call(cluster, "GET", "/api/v1/namespaces/default/endpoints/kubernetes-bootcamp"));
    expect(ep.subsets[0].addresses.map((a: { ip: string }) => a.ip)).toEqual([pods(cluster)[0].status.podIP]);
    const r = cluster.net({
      method: "GET",
      host: "192.168.49.2",
      port: port.nodePort,
      path: "/",
      headers: {},
      from: { kind: "workstation" },
    });
    expect(r.kind === "response" && r.body).toMatch(
      /^Hello Kubernetes bootcamp! \| Running on: kubernetes-bootcamp-/,
    );
  });

  it("draws the NodePort and ClusterIP from the seed", () => {
    const port = (seed: number) =>
      body(
        call(
          newCluster("exposed", seed).cluster,
          "GET",
          "/api/v1/namespaces/default/services/kubernetes-bootcamp",
        ),
      ).spec.ports[0].nodePort;
    expect(port(1)).toBe(port(1));
    expect(new Set([port(1), port(2), port(3)]).size).toBeGreaterThan(1);
  });
});

describe("scenario scaled", () => {
  it("has 4 ready replicas behind the Service and a ScalingReplicaSet event", () => {
    const { cluster } = newCluster("scaled");
    expect(podStatuses(cluster).map((s) => s.split(" ")[1])).toEqual([
      "Running",
      "Running",
      "Running",
      "Running",
    ]);
    const d = body(call(cluster, "GET", "/apis/apps/v1/namespaces/default/deployments/kubernetes-bootcamp"));
    expect(d.spec.replicas).toBe(4);
    expect(d.status.readyReplicas).toBe(4);
    const ep = body(call(cluster, "GET", "/api/v1/namespaces/default/endpoints/kubernetes-bootcamp"));
    expect(ep.subsets[0].addresses).toHaveLength(4);
    const events = body(call(cluster, "GET", "/api/v1/namespaces/default/events")).items as Array<{
      reason: string;
      message: string;
    }>;
    expect(events.filter((e) => e.reason === "ScalingReplicaSet").map((e) => e.message)).toEqual([
      expect.stringMatching(/^Scaled up replica set kubernetes-bootcamp-\w+ from 0 to 1$/),
      expect.stringMatching(/^Scaled up replica set kubernetes-bootcamp-\w+ from 1 to 4$/),
    ]);
  });
});

describe("scenario two-nodes", () => {
  it("has a Ready worker minikube-m02 without the control-plane role, running the bootcamp pod", () => {
    const { cluster } = newCluster("two-nodes");
    const nodes = body(call(cluster, "GET", "/api/v1/nodes")).items;
    expect(names(nodes)).toEqual(["minikube", "minikube-m02"]);
    const m02 = nodes[1];
    expect(m02.spec.podCIDR).toBe("10.244.1.0/24");
    expect(m02.status.addresses[0]).toEqual({ type: "InternalIP", address: "192.168.49.3" });
    expect(m02.metadata.labels["node-role.kubernetes.io/control-plane"]).toBeUndefined();
    const table = body(call(cluster, "GET", "/api/v1/nodes", { table: true }));
    expect(table.rows.map((r: { cells: string[] }) => r.cells.slice(0, 3))).toEqual([
      ["minikube", "Ready", "control-plane"],
      ["minikube-m02", "Ready", "<none>"],
    ]);
    const [pod] = pods(cluster);
    expect(pod.spec.nodeName).toBe("minikube-m02");
    expect(pod.status.hostIP).toBe("192.168.49.3");
    expect(pod.status.podIP).toMatch(/^10\.244\.1\.\d+$/);
    const proxies = podStatuses(cluster, "kube-system").filter((s) => s.startsWith("kube-proxy-"));
    expect(proxies).toHaveLength(2);
  });

  it("a stopped node goes NotReady; after the 30 s toleration its pod is replaced on the Ready node", () => {
    const { cluster, clock } = newCluster("two-nodes");
    const [before] = pods(cluster);
    cluster.setNodeReady("minikube-m02", false);
    const node = body(call(cluster, "GET", "/api/v1/nodes/minikube-m02"));
    expect(node.spec.taints.map((t: { key: string; effect: string }) => `${t.key}:${t.effect}`)).toEqual([
      "node.kubernetes.io/unreachable:NoSchedule",
      "node.kubernetes.io/unreachable:NoExecute",
    ]);
    expect(
      before.spec.tolerations.find((t: { key: string }) => t.key === "node.kubernetes.io/unreachable")
        .tolerationSeconds,
    ).toBe(30);
    clock.advance(29_000);
    expect(names(pods(cluster))).toEqual([before.metadata.name]);
    clock.advance(2_000);
    clock.advance(10_000);
    const after = pods(cluster);
    expect(after).toHaveLength(2);
    const old = after.find((p: Named) => p.metadata.name === before.metadata.name);
    expect(old.metadata.deletionTimestamp).toBeDefined();
    const fresh = after.find((p: Named) => p.metadata.name !== before.metadata.name);
    expect(fresh.spec.nodeName).toBe("minikube");
    expect(fresh.status.phase).toBe("Running");
    // The node comes back: its kubelet kills the pod once the grace period ends.
    cluster.setNodeReady("minikube-m02", true);
    clock.advance(30_000);
    expect(names(pods(cluster))).toEqual([fresh.metadata.name]);
  });

  it("keeps the single-argument form for the first node and rejects unknown nodes", () => {
    const { cluster } = newCluster("two-nodes");
    cluster.setNodeReady(false);
    const n = body(call(cluster, "GET", "/api/v1/nodes/minikube"));
    expect(n.status.conditions.find((c: { type: string }) => c.type === "Ready").status).toBe("Unknown");
    expect(() => cluster.setNodeReady("nope", false)).toThrow(/node "nope" not found/);
  });
});

describe("scenario sidecar", () => {
  it("runs bootcamp-with-feeder with two containers; the feeder logs a line every 5 s", () => {
    const { cluster, clock } = newCluster("sidecar");
    const pod = body(call(cluster, "GET", "/api/v1/namespaces/default/pods/bootcamp-with-feeder"));
    expect(pod.spec.containers.map((c: { name: string }) => c.name)).toEqual([
      "kubernetes-bootcamp",
      "data-feeder",
    ]);
    expect(pod.status.containerStatuses.every((s: { ready: boolean }) => s.ready)).toBe(true);
    const log = (q: Record<string, string>) =>
      call(cluster, "GET", "/api/v1/namespaces/default/pods/bootcamp-with-feeder/log", { query: q });
    expect(log({}).status).toBe(400);
    expect(body(log({})).message).toBe(
      "a container name must be specified for pod bootcamp-with-feeder, choose one of: [kubernetes-bootcamp data-feeder]",
    );
    const first = log({ container: "data-feeder" }).body.split("\n").filter(Boolean);
    expect(first.length).toBeGreaterThan(10);
    expect(first[0]).toMatch(
      /^\w{3} \w{3} \d\d \d\d:\d\d:\d\d UTC 2026 data-feeder: fed one record to the bootcamp$/,
    );
    clock.advance(10_000);
    const later = log({ container: "data-feeder" }).body.split("\n").filter(Boolean);
    expect(later.length - first.length).toBe(2);
    expect(log({ container: "kubernetes-bootcamp" }).body).toMatch(/^Kubernetes Bootcamp App Started At: /);
    expect(containerInfo(cluster, "default", "bootcamp-with-feeder", "data-feeder")).toMatchObject({
      container: "data-feeder",
      image: "busybox",
    });
  });
});

describe("images as data", () => {
  it("nginx:1.27 serves its welcome page on 80 and writes nginx's access log", () => {
    const { cluster, clock } = newCluster("explore-app");
    const res = call(cluster, "POST", "/api/v1/namespaces/default/pods", {
      body: { metadata: { name: "web" }, spec: { containers: [{ name: "web", image: "nginx:1.27" }] } },
    });
    expect(res.status).toBe(201);
    clock.advance(10_000);
    const ip = body(call(cluster, "GET", "/api/v1/namespaces/default/pods/web")).status.podIP;
    const r = cluster.net({
      method: "GET",
      host: ip,
      port: 80,
      path: "/",
      headers: { "user-agent": "curl/8.5.0" },
      from: { kind: "workstation" },
    });
    expect(r.kind === "response" && r.body).toContain("<title>Welcome to nginx!</title>");
    expect(r.kind === "response" && r.body.length).toBe(615);
    const log = call(cluster, "GET", "/api/v1/namespaces/default/pods/web/log").body.trimEnd().split("\n");
    expect(log[0]).toBe(
      "/docker-entrypoint.sh: /docker-entrypoint.d/ is not empty, will attempt to perform configuration",
    );
    expect(log.at(-1)).toMatch(
      /^10\.244\.0\.1 - - \[30\/Nov\/2026:03:00:\d\d \+0000\] "GET \/ HTTP\/1\.1" 200 615 "-" "curl\/8\.5\.0" "-"$/,
    );
  });
});
