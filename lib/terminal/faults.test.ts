/**
 * Faults a teacher injects (lib/cluster/faults.ts), seen as the student sees them: through our
 * kubectl in a shell on the same cluster, events included.
 */
import { describe, expect, it } from "vitest";
import { Cluster } from "../cluster";
import { applyFault, parseFault } from "../cluster/faults";
import { ManualScheduler } from "../shell/manual-time";
import { runScript } from "./headless";
import { stripAnsi } from "./text";
import { clusterWorkstation } from "./wiring";

function session(scenario = "explore-app") {
  const scheduler = new ManualScheduler();
  const cluster = Cluster.create({ scenario, seed: 3, clock: scheduler.clock });
  const ws = clusterWorkstation(cluster, { clock: scheduler.clock, scheduler, user: "u", host: "h" });
  const shell = ws.openShell("t");
  const run = async (...lines: string[]) =>
    stripAnsi(
      await runScript(lines, {
        openShell: () => shell,
        clock: scheduler.clock,
        scheduler,
        virtualTime: scheduler,
      }),
    );
  return { cluster, scheduler, run };
}

describe("faults", () => {
  it("a node goes NotReady and back, with the node controller's and kubelet's events", async () => {
    const { cluster, run } = session();
    expect(applyFault(cluster, { kind: "node-not-ready" })).toMatchObject({ ok: true, target: "minikube" });
    expect(await run("kubectl get nodes")).toMatch(/minikube\s+NotReady\s+control-plane/);
    const described = await run("kubectl describe node minikube");
    expect(described).toMatch(
      /Normal\s+NodeNotReady\s+\S+\s+node-controller\s+Node minikube status is now: NodeNotReady/,
    );
    expect(applyFault(cluster, { kind: "node-ready", target: "minikube" }).ok).toBe(true);
    expect(await run("kubectl get nodes")).toMatch(/minikube\s+Ready\s+control-plane/);
    expect(await run("kubectl describe node minikube")).toMatch(
      /NodeReady\s+\S+\s+kubelet\s+Node minikube status is now: NodeReady/,
    );
  });

  it("picks the worker on a two-node cluster and refuses an unknown node", () => {
    const { cluster } = session("two-nodes");
    expect(applyFault(cluster, { kind: "node-not-ready" }).target).toBe("minikube-m02");
    expect(applyFault(cluster, { kind: "node-not-ready", target: "nope" })).toMatchObject({ ok: false });
  });

  it("cordons a node: SchedulingDisabled and a NodeNotSchedulable event", async () => {
    const { cluster, run } = session();
    expect(applyFault(cluster, { kind: "cordon" }).ok).toBe(true);
    expect(await run("kubectl get nodes")).toMatch(/minikube\s+Ready,SchedulingDisabled/);
    expect(await run("kubectl describe node minikube")).toMatch(/NodeNotSchedulable/);
    applyFault(cluster, { kind: "uncordon" });
    expect(await run("kubectl get nodes")).not.toMatch(/SchedulingDisabled/);
  });

  it("deletes a pod; its ReplicaSet replaces it", async () => {
    const { cluster, run, scheduler } = session();
    const before = await run("kubectl get pods -o name");
    const r = applyFault(cluster, { kind: "delete-pod" });
    expect(r.ok).toBe(true);
    expect(before).toContain(`pod/${r.target}`);
    await scheduler.advance(60_000);
    const after = await run("kubectl get pods -o name");
    expect(after).not.toContain(`pod/${r.target}`);
    expect(after).toMatch(/pod\/kubernetes-bootcamp-/);
    expect(await run("kubectl get events")).toMatch(/Killing/);
  });

  it("a broken image ends in ErrImagePull / ImagePullBackOff", async () => {
    const { cluster, run, scheduler } = session();
    const r = applyFault(cluster, { kind: "broken-image" });
    expect(r).toMatchObject({ ok: true, target: "kubernetes-bootcamp" });
    await scheduler.advance(20_000);
    expect(await run("kubectl get pods")).toMatch(/ErrImagePull|ImagePullBackOff/);
  });

  it("scales a deployment to zero", async () => {
    const { cluster, run, scheduler } = session();
    expect(applyFault(cluster, { kind: "scale-zero" }).ok).toBe(true);
    await scheduler.advance(60_000);
    expect(await run("kubectl get deploy")).toMatch(/kubernetes-bootcamp\s+0\/0/);
    expect(await run("kubectl describe deploy kubernetes-bootcamp")).toMatch(/Scaled down replica set/);
  });

  it("reports a fault with nothing to act on, and validates faults from outside", () => {
    const { cluster } = session("empty");
    expect(applyFault(cluster, { kind: "scale-zero" })).toEqual({
      ok: false,
      detail: "no deployment in namespace default",
    });
    expect(parseFault({ kind: "cordon", target: "minikube" })).toEqual({
      kind: "cordon",
      target: "minikube",
    });
    expect(parseFault({ kind: "rm -rf" })).toBeNull();
    expect(parseFault({ kind: "cordon", target: "../x" })).toBeNull();
  });
});
