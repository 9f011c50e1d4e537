import { describe, expect, it } from "vitest";
import { body, call, createPod, newCluster, podStatuses, scaleBootcamp } from "../testing";
import { events } from "./testing";

describe("scheduler", () => {
  it("leaves pods Pending with FailedScheduling while the node is not ready, then schedules them", () => {
    const { cluster, clock } = newCluster();
    cluster.setNodeReady(false);
    const t = body(call(cluster, "GET", "/api/v1/nodes", { table: true }));
    // Kubernetes' node printer shows NotReady for a Ready condition that is False or Unknown.
    expect(t.rows[0].cells[1]).toBe("NotReady");
    createPod(cluster, { name: "p" }, [{ name: "c", image: "jocatalin/kubernetes-bootcamp:v1" }]);
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

  it("spreads a deployment's pods over the Ready nodes, least loaded first", () => {
    const { cluster, clock } = newCluster("two-nodes");
    scaleBootcamp(cluster, 4);
    // minikube pulls the image first (it never ran it), m02 has it cached.
    clock.advance(15_000);
    const nodes = body(call(cluster, "GET", "/api/v1/namespaces/default/pods")).items.map(
      (p: { spec: { nodeName: string } }) => p.spec.nodeName,
    );
    expect(nodes.filter((n: string) => n === "minikube")).toHaveLength(2);
    expect(nodes.filter((n: string) => n === "minikube-m02")).toHaveLength(2);
    expect(podStatuses(cluster).every((s) => s.endsWith(" Running"))).toBe(true);
  });
});
