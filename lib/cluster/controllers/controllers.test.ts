import { describe, expect, it } from "vitest";
import { body, call, newCluster, podStatuses } from "../testing";

const DEPLOY = "/apis/apps/v1/namespaces/default/deployments/kubernetes-bootcamp";

function setImage(cluster: ReturnType<typeof newCluster>["cluster"], image: string) {
  return call(cluster, "PATCH", DEPLOY, {
    contentType: "application/strategic-merge-patch+json",
    body: {
      spec: {
        template: {
          spec: {
            $setElementOrder_containers: undefined,
            containers: [{ name: "kubernetes-bootcamp", image }],
          },
        },
      },
    },
  });
}

function events(cluster: ReturnType<typeof newCluster>["cluster"], reason: string): string[] {
  return body(
    call(cluster, "GET", "/api/v1/namespaces/default/events", {
      query: { fieldSelector: `reason=${reason}` },
    }),
  ).items.map(
    (e: { message: string; count?: number }) => `${e.message}${e.count && e.count > 1 ? ` x${e.count}` : ""}`,
  );
}

describe("deployment + replicaset controllers", () => {
  it("scales up with a cached image: ContainerCreating then Running within two seconds", () => {
    const { cluster, clock } = newCluster();
    call(cluster, "PATCH", `${DEPLOY}/scale`, {
      contentType: "application/merge-patch+json",
      body: { spec: { replicas: 4 } },
    });
    expect(
      podStatuses(cluster)
        .map((s) => s.split(" ")[1])
        .sort(),
    ).toEqual(["ContainerCreating", "ContainerCreating", "ContainerCreating", "Running"]);
    clock.advance(2000);
    expect(podStatuses(cluster).every((s) => s.endsWith(" Running"))).toBe(true);
    expect(events(cluster, "ScalingReplicaSet").at(-1)).toMatch(
      /^Scaled up replica set kubernetes-bootcamp-\w+ from 1 to 4$/,
    );
    expect(events(cluster, "Pulled").filter((m) => m.includes("already present"))).toHaveLength(3);
    const d = body(call(cluster, "GET", DEPLOY));
    expect(d.status).toMatchObject({
      replicas: 4,
      updatedReplicas: 4,
      readyReplicas: 4,
      availableReplicas: 4,
    });
  });

  it("self-heals: a deleted pod is replaced and the old one terminates after its grace period", () => {
    const { cluster, clock } = newCluster();
    const [name] = podStatuses(cluster)[0]?.split(" ") ?? [];
    const del = call(cluster, "DELETE", `/api/v1/namespaces/default/pods/${name}`, {
      body: { propagationPolicy: "Background" },
    });
    expect(body(del).metadata.deletionTimestamp).toBe("2026-11-30T03:00:30Z");
    const now = podStatuses(cluster);
    expect(now).toContain(`${name} Terminating`);
    expect(now.filter((s) => s.endsWith("ContainerCreating"))).toHaveLength(1);
    clock.advance(29_000);
    expect(podStatuses(cluster)).toContain(`${name} Terminating`);
    clock.advance(1_000);
    expect(podStatuses(cluster).map((s) => s.split(" ")[1])).toEqual(["Running"]);
    expect(events(cluster, "Killing")).toEqual(["Stopping container kubernetes-bootcamp"]);
  });

  it("rolls out a new image with surge 1 / unavailable 1 and records revisions", () => {
    const { cluster, clock } = newCluster();
    call(cluster, "PATCH", `${DEPLOY}/scale`, {
      contentType: "application/merge-patch+json",
      body: { spec: { replicas: 4 } },
    });
    clock.advance(5000);
    expect(setImage(cluster, "jocatalin/kubernetes-bootcamp:v2").status).toBe(200);
    const rs = body(call(cluster, "GET", "/apis/apps/v1/namespaces/default/replicasets")).items;
    expect(rs).toHaveLength(2);
    const byRev = Object.fromEntries(
      rs.map((r: { metadata: { annotations: Record<string, string> }; spec: { replicas: number } }) => [
        r.metadata.annotations["deployment.kubernetes.io/revision"],
        r.spec.replicas,
      ]),
    );
    expect(byRev).toEqual({ "1": 3, "2": 2 });
    for (let i = 0; i < 40; i++) clock.advance(1000), podStatuses(cluster);
    const d = body(call(cluster, "GET", DEPLOY));
    expect(d.metadata.annotations["deployment.kubernetes.io/revision"]).toBe("2");
    expect(d.status).toMatchObject({ replicas: 4, updatedReplicas: 4, availableReplicas: 4 });
    expect(d.status.conditions.find((c: { type: string }) => c.type === "Progressing").reason).toBe(
      "NewReplicaSetAvailable",
    );
    expect(
      events(cluster, "Pulled").some((m) =>
        m.startsWith('Successfully pulled image "jocatalin/kubernetes-bootcamp:v2" in 6.244s'),
      ),
    ).toBe(true);
    const pod = podStatuses(cluster)[0]?.split(" ")[0];
    const hello = call(cluster, "GET", `/api/v1/namespaces/default/pods/${pod}:8080/proxy/`).body;
    expect(hello).toMatch(/\| v=2\n$/);
  });

  it("a missing tag fails to pull, backs off, and rollout undo (a JSON patch of the template) recovers", () => {
    const { cluster, clock } = newCluster();
    setImage(cluster, "gcr.io/google-samples/kubernetes-bootcamp:v10");
    clock.advance(1000);
    podStatuses(cluster);
    clock.advance(1500);
    expect(podStatuses(cluster).some((s) => s.endsWith(" ErrImagePull"))).toBe(true);
    clock.advance(1000);
    expect(podStatuses(cluster).some((s) => s.endsWith(" ImagePullBackOff"))).toBe(true);
    expect(events(cluster, "Failed")).toContain(
      'Failed to pull image "gcr.io/google-samples/kubernetes-bootcamp:v10": Error response from daemon: manifest for gcr.io/google-samples/kubernetes-bootcamp:v10 not found: manifest unknown: manifest unknown',
    );
    clock.advance(60_000);
    podStatuses(cluster);
    expect(events(cluster, "BackOff")[0]).toMatch(
      /^Back-off pulling image "gcr.io\/google-samples\/kubernetes-bootcamp:v10" x\d$/,
    );
    const rs = body(call(cluster, "GET", "/apis/apps/v1/namespaces/default/replicasets")).items;
    const old = rs.find(
      (r: { metadata: { annotations: Record<string, string> } }) =>
        r.metadata.annotations["deployment.kubernetes.io/revision"] === "1",
    );
    const template = structuredClone(old.spec.template);
    delete template.metadata.labels["pod-template-hash"];
    const undo = call(cluster, "PATCH", DEPLOY, {
      contentType: "application/json-patch+json",
      body: [
        { op: "replace", path: "/spec/template", value: template },
        { op: "replace", path: "/metadata/annotations", value: { "deployment.kubernetes.io/revision": "1" } },
      ],
    });
    expect(undo.status).toBe(200);
    clock.advance(1000);
    const statuses = podStatuses(cluster);
    expect(statuses.map((s) => s.split(" ")[1])).toEqual(["Running"]);
    const d = body(call(cluster, "GET", DEPLOY));
    expect(d.metadata.annotations["deployment.kubernetes.io/revision"]).toBe("3");
  });

  it("deleting the deployment garbage-collects its replicaset and pods (background)", () => {
    const { cluster, clock } = newCluster();
    const r = call(cluster, "DELETE", DEPLOY, { body: { propagationPolicy: "Background" } });
    expect(body(r)).toMatchObject({
      kind: "Status",
      status: "Success",
      details: { name: "kubernetes-bootcamp", group: "apps", kind: "deployments" },
    });
    expect(body(call(cluster, "GET", "/apis/apps/v1/namespaces/default/replicasets")).items).toEqual([]);
    expect(podStatuses(cluster).map((s) => s.split(" ")[1])).toEqual(["Terminating"]);
    clock.advance(30_000);
    expect(podStatuses(cluster)).toEqual([]);
  });
});

describe("scheduler and node lifecycle", () => {
  it("leaves pods Pending with FailedScheduling while the node is not ready, then schedules them", () => {
    const { cluster, clock } = newCluster();
    cluster.setNodeReady(false);
    const t = body(call(cluster, "GET", "/api/v1/nodes", { table: true }));
    expect(t.rows[0].cells[1]).toBe("Unknown");
    call(cluster, "POST", "/api/v1/namespaces/default/pods", {
      body: {
        apiVersion: "v1",
        kind: "Pod",
        metadata: { name: "p" },
        spec: { containers: [{ name: "c", image: "jocatalin/kubernetes-bootcamp:v1" }] },
      },
    });
    expect(podStatuses(cluster)).toContain("p Pending");
    expect(events(cluster, "FailedScheduling")).toHaveLength(1);
    cluster.setNodeReady(true);
    clock.advance(1000);
    expect(
      events(cluster, "Scheduled").some((m) => m === "Successfully assigned default/p to minikube"),
    ).toBe(true);
    clock.advance(10_000);
    expect(podStatuses(cluster)).toContain("p Running");
  });
});

describe("services and endpoints", () => {
  it("tracks ready pods as endpoints", () => {
    const { cluster, clock } = newCluster();
    call(cluster, "POST", "/api/v1/namespaces/default/services", {
      body: {
        apiVersion: "v1",
        kind: "Service",
        metadata: { name: "web" },
        spec: { selector: { app: "kubernetes-bootcamp" }, ports: [{ port: 8080 }] },
      },
    });
    const ep = () =>
      body(call(cluster, "GET", "/api/v1/namespaces/default/endpoints/web", { table: true })).rows[0]
        .cells[1];
    expect(ep()).toMatch(/^10\.244\.0\.\d+:8080$/);
    call(cluster, "PATCH", `${DEPLOY}/scale`, {
      contentType: "application/merge-patch+json",
      body: { spec: { replicas: 5 } },
    });
    clock.advance(3000);
    expect(ep()).toMatch(/^(10\.244\.0\.\d+:8080,){2}10\.244\.0\.\d+:8080 \+ 2 more\.\.\.$/);
  });
});

describe("node lifecycle", () => {
  it("evicts pods 300s after the node became unreachable; they stay Terminating until it returns", () => {
    const { cluster, clock } = newCluster();
    cluster.setNodeReady(false);
    const pod = podStatuses(cluster)[0]?.split(" ")[0] ?? "";
    const ready = () =>
      body(call(cluster, "GET", `/api/v1/namespaces/default/pods/${pod}`)).status.conditions.find(
        (c: { type: string }) => c.type === "Ready",
      ).status;
    expect(ready()).toBe("False");
    clock.advance(299_000);
    expect(podStatuses(cluster)).toEqual([`${pod} Running`]);
    clock.advance(1_000);
    const now = podStatuses(cluster);
    expect(now).toContain(`${pod} Terminating`);
    expect(now.filter((s) => s.endsWith(" Pending"))).toHaveLength(1);
    clock.advance(60_000);
    expect(podStatuses(cluster)).toContain(`${pod} Terminating`);
    cluster.setNodeReady(true);
    clock.advance(10_000);
    const after = podStatuses(cluster);
    expect(after.map((s) => s.split(" ")[1])).toEqual(["Running"]);
    expect(after[0]).not.toContain(pod);
  });
});
