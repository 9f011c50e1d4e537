import { describe, expect, it } from "vitest";
import { body, call, newCluster, podStatuses } from "../testing";

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
