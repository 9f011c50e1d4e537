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
