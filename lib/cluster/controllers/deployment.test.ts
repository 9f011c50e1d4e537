import { describe, expect, it } from "vitest";
import { body, call, newCluster, podStatuses, scaleBootcamp } from "../testing";
import { DEPLOY, events, setImage } from "./testing";

describe("deployment controller: rollouts, revisions, garbage collection", () => {
  it("rolls out a new image with surge 1 / unavailable 1 and records revisions", () => {
    const { cluster, clock } = newCluster();
    scaleBootcamp(cluster, 4);
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
    for (let i = 0; i < 40; i++) {
      clock.advance(1000);
      podStatuses(cluster);
    }
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

describe("controllers sync only what changed (issue 12: a create must not cost O(Deployments))", () => {
  /** `byIndex` reads of each controller's owned objects while `fn` runs (a sync reads them). */
  function ownedReads(
    cluster: ReturnType<typeof newCluster>["cluster"],
    fn: () => void,
  ): Record<string, number> {
    const store = cluster.internals.store;
    const reads: Record<string, number> = { replicasets: 0, pods: 0 };
    const byIndex = store.byIndex.bind(store);
    store.byIndex = ((resource: string, index: string, value: string) => {
      if (index === "owner" && resource in reads) reads[resource] = (reads[resource] ?? 0) + 1;
      return byIndex(resource, index, value);
    }) as typeof store.byIndex;
    try {
      fn();
    } finally {
      store.byIndex = byIndex;
    }
    return reads;
  }

  function createDeployment(cluster: ReturnType<typeof newCluster>["cluster"], name: string): number {
    const labels = { app: name };
    return call(cluster, "POST", "/apis/apps/v1/namespaces/default/deployments", {
      body: {
        apiVersion: "apps/v1",
        kind: "Deployment",
        metadata: { name, labels },
        spec: {
          replicas: 1,
          selector: { matchLabels: labels },
          template: { metadata: { labels }, spec: { containers: [{ name: "nginx", image: "nginx" }] } },
        },
      },
    }).status;
  }

  it("a write that concerns no Deployment reads no Deployment's ReplicaSets and no ReplicaSet's pods", () => {
    const { cluster, clock } = newCluster();
    for (let i = 0; i < 10; i++) expect(createDeployment(cluster, `d${i}`)).toBe(201);
    for (let i = 0; i < 60; i++) {
      clock.advance(1000);
      podStatuses(cluster);
    }
    // the scenario's Deployment completed its rollout long ago: past its progress deadline, with none running
    const reads = ownedReads(cluster, () => {
      const cm = { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "unrelated" }, data: { a: "1" } };
      expect(call(cluster, "POST", "/api/v1/namespaces/default/configmaps", { body: cm }).status).toBe(201);
    });
    expect(reads).toEqual({ replicasets: 0, pods: 0 });
  });

  it("creating a Deployment reads as many owned lists beside 40 Deployments as beside 3", () => {
    const { cluster, clock } = newCluster();
    const create = (name: string) => {
      clock.advance(100);
      expect(createDeployment(cluster, name)).toBe(201);
    };
    // every pod started: what the measured create reads is its own doing
    const settle = () => {
      for (let i = 0; i < 30; i++) {
        clock.advance(2000);
        podStatuses(cluster);
      }
      expect(cluster.nextDueAt() ?? Number.POSITIVE_INFINITY).toBeGreaterThan(clock.now());
    };
    create("first");
    settle();
    const small = ownedReads(cluster, () => create("second"));
    for (let i = 0; i < 38; i++) create(`d${i}`);
    settle();
    const large = ownedReads(cluster, () => create("last"));
    expect(large).toEqual(small);
    // while the controller's rate limiter is empty (30 pods asked for at once), a ReplicaSet
    // that waits for it is synced when its next token comes, not on every pass meanwhile
    const scale = call(cluster, "PATCH", "/apis/apps/v1/namespaces/default/deployments/first/scale", {
      contentType: "application/merge-patch+json",
      body: { spec: { replicas: 40 } },
    });
    expect(scale.status).toBe(200);
    // the touches that finish what the scale began (each does a bounded share), time standing still
    for (let i = 0; i < 20 && !((cluster.nextDueAt() ?? Number.POSITIVE_INFINITY) > clock.now()); i++)
      podStatuses(cluster);
    expect(cluster.nextDueAt()).toBeGreaterThan(clock.now());
    const cm = { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "unrelated" }, data: { a: "1" } };
    const waiting = ownedReads(cluster, () => {
      expect(call(cluster, "POST", "/api/v1/namespaces/default/configmaps", { body: cm }).status).toBe(201);
    });
    expect(waiting).toEqual({ replicasets: 0, pods: 0 });
  });
});
