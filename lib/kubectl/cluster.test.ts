import { describe, expect, it } from "vitest";
import { Cluster } from "../cluster";
import { ManualClock } from "../cluster/types";
import type { KubectlScheduler as Scheduler } from "./io";
import { fakeMachine, runKubectl } from "./testing";

/** A scheduler that runs timers by advancing the ManualClock (tests never sleep). */
function clockScheduler(clock: ManualClock): Scheduler {
  return {
    setTimeout(fn, ms) {
      queueMicrotask(() => {
        clock.advance(ms);
        fn();
      });
      return 0;
    },
    clearTimeout() {},
  };
}

describe("kubectl against the simulated cluster (explore-app)", () => {
  const setup = () => {
    const clock = new ManualClock(Date.parse("2026-11-30T03:00:00Z"));
    const cluster = Cluster.create({ scenario: "explore-app", seed: 1, clock });
    const machine = fakeMachine(cluster.handle);
    const run = (line: string) =>
      runKubectl(line.split(" ").slice(1), {
        api: cluster.handle,
        clock,
        machine,
        scheduler: clockScheduler(clock),
      });
    return { clock, cluster, machine, run };
  };

  it("get pods / nodes / deploy prints server tables", async () => {
    const { run } = setup();
    const pods = await run("kubectl get pods");
    expect(pods.code).toBe(0);
    expect(pods.stdout).toMatch(/^NAME\s{3,}READY\s{3}STATUS\s{4}RESTARTS\s{3}AGE\n/);
    expect(pods.stdout).toMatch(/kubernetes-bootcamp-\S+\s+1\/1\s+Running/);
    const nodes = await run("kubectl get nodes");
    expect(nodes.stdout).toMatch(/^NAME\s+STATUS\s+ROLES\s+AGE\s+VERSION\nminikube\s+Ready\s+control-plane/);
    const multi = await run("kubectl get deploy,rs");
    expect(multi.stdout).toMatch(/deployment\.apps\/kubernetes-bootcamp/);
    expect(multi.stdout).toMatch(/\n\nNAME\s+DESIRED/);
  });

  it("describe pods shows the pod and its events", async () => {
    const { run } = setup();
    const r = await run("kubectl describe pods");
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Name:\s+kubernetes-bootcamp-/);
    expect(r.stdout).toMatch(/Events:\n {2}Type\s+Reason\s+Age\s+From\s+Message/);
  });

  it("module 4-6 verbs: expose, label, scale, set image, rollout status/undo, delete", async () => {
    const { run } = setup();
    expect(
      (await run("kubectl expose deployment/kubernetes-bootcamp --type=NodePort --port 8080")).stdout,
    ).toBe("service/kubernetes-bootcamp exposed\n");
    const pods = await run("kubectl get pods -o name");
    const pod = pods.stdout.trim().split("\n")[0] ?? "";
    expect((await run(`kubectl label ${pod} version=v1`)).stdout).toBe(`${pod} labeled\n`);
    const again = await run(`kubectl label ${pod} version=v2`);
    expect(again.stderr).toBe("error: 'version' already has a value (v1), and --overwrite is false\n");
    expect((await run("kubectl scale deployments/kubernetes-bootcamp --replicas=4")).stdout).toBe(
      "deployment.apps/kubernetes-bootcamp scaled\n",
    );
    expect(
      (
        await run(
          "kubectl set image deployments/kubernetes-bootcamp kubernetes-bootcamp=jocatalin/kubernetes-bootcamp:v2",
        )
      ).stdout,
    ).toBe("deployment.apps/kubernetes-bootcamp image updated\n");
    const status = await run("kubectl rollout status deployments/kubernetes-bootcamp");
    expect(status.code).toBe(0);
    expect(status.stdout).toMatch(/deployment "kubernetes-bootcamp" successfully rolled out\n$/);
    expect((await run("kubectl rollout undo deployments/kubernetes-bootcamp")).stdout).toBe(
      "deployment.apps/kubernetes-bootcamp rolled back\n",
    );
    expect((await run("kubectl delete service -l app=kubernetes-bootcamp")).stdout).toBe(
      'service "kubernetes-bootcamp" deleted\n',
    );
  });

  it("proxy serves the API on the workstation's port 8001 until interrupted", async () => {
    const { clock, cluster, machine } = setup();
    let stop: () => void = () => {};
    const interrupt = new Promise<void>((r) => {
      stop = r;
    });
    const running = runKubectl(["proxy"], { api: cluster.handle, clock, machine, interrupt });
    await Promise.resolve();
    const serve = machine.listeners.get(8001) as (req: unknown) => {
      kind: string;
      status?: number;
      body?: string;
    };
    expect(serve).toBeTypeOf("function");
    const res = serve({
      method: "GET",
      host: "127.0.0.1",
      port: 8001,
      path: "/version",
      headers: {},
      from: { kind: "workstation" },
    });
    expect(res.status).toBe(200);
    stop();
    const r = await running;
    expect(r.stdout).toBe("Starting to serve on 127.0.0.1:8001\n");
    expect(machine.listeners.has(8001)).toBe(false);
  });
});
