/**
 * The limits as the real kubectl v1.32 shows them, against the simulated API over HTTP (as the
 * differential tests do). Skipped, with the reason printed, when no trusted kubectl v1.32 is found.
 */
import { describe, expect, it } from "vitest";
import { clusterForRealKubectl, oracleSuite } from "../../scripts/real-kubectl";

const available = oracleSuite("limits-kubectl");

describe.skipIf(!available)("cluster limits through the real kubectl", { timeout: 30_000 }, () => {
  const { clock, cluster, real } = clusterForRealKubectl("explore-app", 7, "kubectl-limits");
  const kubectl = (args: string[], stdin?: string) => real.run(args, stdin);
  /** Let simulated time pass, touching the cluster as a watching terminal would. */
  const wait = (seconds: number) => {
    for (let i = 0; i < seconds; i++) {
      clock.advance(1000);
      for (let j = 0; j < 20; j++) {
        const due = cluster.nextDueAt();
        if (due === undefined || due > clock.now()) break;
        cluster.tick();
      }
    }
  };

  it("an invalid name: the API server's Invalid, as kubectl prints it", async () => {
    const r = await kubectl(["create", "deployment", "Web", "--image=nginx"]);
    expect(r.code).toBe(1);
    // `create deployment` wraps the server's message; `apply`/`annotate` print it as it is.
    expect(r.err).toBe(
      `error: failed to create deployment: Deployment.apps "Web" is invalid: metadata.name: Invalid value: "Web": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')\n`,
    );
  }, 30_000);

  it("annotations over 256 KiB", async () => {
    const chunk = "x".repeat(100_000);
    const r = await kubectl([
      "annotate",
      "deploy/kubernetes-bootcamp",
      `a=${chunk}`,
      `b=${chunk}`,
      `c=${chunk}`,
    ]);
    expect(r.code).toBe(1);
    expect(r.err).toBe(
      `The Deployment "kubernetes-bootcamp" is invalid: metadata.annotations: Too long: must have at most 262144 bytes\n`,
    );
  }, 30_000);

  it("a body over 3 MiB is refused with 413", async () => {
    const manifest = JSON.stringify({
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: { name: "huge" },
      data: { v: "x".repeat(3_200_000) },
    });
    // This API serves no OpenAPI document, so the client-side schema check is off.
    const r = await kubectl(["create", "--validate=false", "-f", "-"], manifest);
    expect(r.code).toBe(1);
    expect(r.err).toContain("Request entity too large: limit is 3145728");
  }, 30_000);

  it("110 pods per node: Pending pods show the scheduler's message in describe", async () => {
    const s = await kubectl(["scale", "deploy/kubernetes-bootcamp", "--replicas=120"]);
    expect(s.out).toBe("deployment.apps/kubernetes-bootcamp scaled\n");
    wait(20);
    const pending = await kubectl(["get", "pods", "--field-selector=status.phase=Pending", "-o", "name"]);
    const names = pending.out.trim().split("\n");
    expect(names).toHaveLength(120 - 103);
    const d = await kubectl(["describe", names[0] ?? ""]);
    expect(d.out).toMatch(
      /Warning\s+FailedScheduling\s+\S+\s+default-scheduler\s+0\/1 nodes are available: 1 Too many pods\. preemption: 0\/1 nodes are available: 1 No preemption victims found for incoming pod\.\n/,
    );
    expect(d.out).toMatch(/PodScheduled\s+False/);
  }, 60_000);

  it("the pod quota: the ReplicaSet reports FailedCreate in ResourceQuota's words", async () => {
    await kubectl(["scale", "deploy/kubernetes-bootcamp", "--replicas=600"]);
    wait(60);
    const d = await kubectl(["describe", "rs"]);
    expect(d.out).toMatch(/ReplicaFailure\s+True\s+FailedCreate/);
    expect(d.out).toMatch(
      /Warning\s+FailedCreate\s+.*replicaset-controller\s+Error creating: pods "kubernetes-bootcamp-\w+-" is forbidden: exceeded quota: kubeclass-student-quota, requested: count\/pods=1, used: count\/pods=500, limited: count\/pods=500/,
    );
    expect(d.out).toContain("(combined from similar events): Created pod: kubernetes-bootcamp-");
  }, 90_000);
});
