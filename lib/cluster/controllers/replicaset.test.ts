import { describe, expect, it } from "vitest";
import { body, call, newCluster, podStatuses, scaleBootcamp } from "../testing";
import { DEPLOY, events } from "./testing";

describe("replicaset controller: scale and self-healing", () => {
  it("scales up with a cached image: ContainerCreating then Running within two seconds", () => {
    const { cluster, clock } = newCluster();
    scaleBootcamp(cluster, 4);
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
});
