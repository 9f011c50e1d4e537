/**
 * Streaming and pod-picking behaviour on a ManualClock: `get -w` follows a new pod from
 * ContainerCreating to Running, `logs -f` prints lines as requests arrive, `logs TYPE/NAME`
 * says which of several pods it used, and multi-container pods name the defaulted container.
 */
import { describe, expect, it } from "vitest";
import { Cluster } from "../cluster";
import { createPod } from "../cluster/testing";
import { ManualClock } from "../cluster/types";
import { fakeMachine, runKubectl } from "./testing";

const flush = async (): Promise<void> => {
  for (let i = 0; i < 20; i++) await Promise.resolve();
};

function setup(scenario = "empty") {
  const clock = new ManualClock(Date.parse("2026-11-30T03:00:00Z"));
  const cluster = Cluster.create({ scenario, seed: 4, clock });
  const machine = fakeMachine(cluster.handle);
  let stop: () => void = () => {};
  const interrupt = new Promise<void>((r) => {
    stop = r;
  });
  const run = (line: string, withInterrupt = false) =>
    runKubectl(line.split(" ").slice(1), {
      api: cluster.handle,
      clock,
      machine,
      ...(withInterrupt ? { interrupt } : {}),
    });
  /** Moves virtual time on in 1 s steps, letting the cluster's controllers run. */
  const advance = async (seconds: number) => {
    for (let i = 0; i < seconds; i++) {
      clock.advance(1000);
      cluster.tick();
      await flush();
    }
  };
  return { clock, cluster, run, advance, stop: () => stop() };
}

describe("kubectl streams on a ManualClock", () => {
  it("get pods -w: ContainerCreating → Running after create deployment", async () => {
    const s = setup();
    const created = await s.run(
      "kubectl create deployment kubernetes-bootcamp --image=gcr.io/google-samples/kubernetes-bootcamp:v1",
    );
    expect(created.output).toBe("deployment.apps/kubernetes-bootcamp created\n");
    s.cluster.tick();
    const watching = s.run("kubectl get pods -w", true);
    await flush();
    await s.advance(30);
    s.stop();
    const r = await watching;
    expect(r.code).toBe(130);
    const lines = r.stdout.trimEnd().split("\n");
    expect(lines[0]).toMatch(/^NAME +READY +STATUS +RESTARTS +AGE$/);
    const statuses = lines.slice(1).map((l) => l.split(/ {3,}/)[2]);
    expect(statuses).toContain("ContainerCreating");
    expect(statuses[statuses.length - 1]).toBe("Running");
    expect(statuses.indexOf("ContainerCreating")).toBeLessThan(statuses.lastIndexOf("Running"));
    // every row is aligned with the header (remembered column widths)
    const col = (lines[0] ?? "").indexOf("STATUS");
    for (const l of lines.slice(1)) expect(l.slice(col - 3, col)).toBe("   ");
  });

  it("get pods -w prints the list once, then only changes (watch from the list's resourceVersion)", async () => {
    const s = setup("explore-app");
    const pod = (await s.run("kubectl get pods -o name")).stdout.trim().replace("pod/", "");
    const watching = s.run("kubectl get pods -w", true);
    await flush();
    await s.advance(2);
    await s.run("kubectl scale deployment kubernetes-bootcamp --replicas=2");
    await s.advance(10);
    s.stop();
    const lines = (await watching).stdout.trimEnd().split("\n");
    const names = lines.slice(1).map((l) => l.split(" ")[0]);
    // the running pod is printed once, by the list; its synthetic ADDED event is not replayed
    expect(names.filter((n) => n === pod)).toHaveLength(1);
    expect(lines.slice(2).every((l) => !l.startsWith(pod))).toBe(true);
    expect(lines[lines.length - 1]).toMatch(/ 1\/1 +Running +0 +\d+s$/);
  });

  it("get pod NAME -w skips the watch's synthetic ADDED; --watch-only prints the header with the first change", async () => {
    const s = setup("explore-app");
    const pod = (await s.run("kubectl get pods -o name")).stdout.trim().replace("pod/", "");
    const named = s.run(`kubectl get pod ${pod} -w`, true);
    const only = s.run("kubectl get pods --watch-only", true);
    await flush();
    await s.advance(2);
    expect((await s.run(`kubectl label pod ${pod} foo=bar`)).code).toBe(0);
    await s.advance(1);
    s.stop();
    const a = (await named).stdout.trimEnd().split("\n");
    expect(a).toHaveLength(3);
    expect(a[0]).toMatch(/^NAME +READY +STATUS +RESTARTS +AGE$/);
    expect(a[1]).toMatch(new RegExp(`^${pod} +1/1 +Running +0 +5m$`));
    expect(a[2]).toMatch(new RegExp(`^${pod} +1/1 +Running +0 +5m2s$`));
    const b = (await only).stdout.trimEnd().split("\n");
    expect(b).toHaveLength(2);
    expect(b[0]).toMatch(/^NAME +READY +STATUS +RESTARTS +AGE$/);
    expect(b[1]).toMatch(new RegExp(`^${pod} +1/1 +Running +0 +5m2s$`));
  });

  it("logs -f prints request lines as they arrive, until Ctrl-C", async () => {
    const s = setup("explore-app");
    const pod = (await s.run("kubectl get pods -o name")).stdout.trim().replace("pod/", "");
    const following = s.run(`kubectl logs -f ${pod}`, true);
    await flush();
    const proxied = () =>
      s.cluster.handle({
        method: "GET",
        path: `/api/v1/namespaces/default/pods/${pod}:8080/proxy/`,
        query: new URLSearchParams(),
        headers: {},
      });
    expect(proxied().body).toContain("Hello Kubernetes bootcamp!");
    await s.advance(2);
    proxied();
    await s.advance(2);
    s.stop();
    const r = await following;
    expect(r.code).toBe(130);
    const lines = r.stdout.split("\n");
    expect(lines[0]).toMatch(
      /^Kubernetes Bootcamp App Started At: .* \| Running On: {2}kubernetes-bootcamp-/,
    );
    expect(r.stdout).toMatch(/Total Requests: 1 \|/);
    expect(r.stdout).toMatch(/Total Requests: 2 \|/);
  });

  it("logs deployment/x with several pods says which pod it used (the longest ready)", async () => {
    const s = setup("explore-app");
    const first = (await s.run("kubectl get pods -o name")).stdout.trim();
    await s.run("kubectl scale deployments/kubernetes-bootcamp --replicas=4");
    await s.advance(60);
    const r = await s.run("kubectl logs deployment/kubernetes-bootcamp");
    expect(r.stderr).toBe(`Found 4 pods, using ${first}\n`);
    expect(r.stdout).toMatch(/^Kubernetes Bootcamp App Started At: /);
    const one = await s.run("kubectl logs deployment/kubernetes-bootcamp --tail=0");
    expect(one.stderr).toBe(`Found 4 pods, using ${first}\n`);
  });

  it("a single-container pod never prints Defaulted container; a two-container pod does", async () => {
    const s = setup("explore-app");
    const single = await s.run("kubectl logs deployment/kubernetes-bootcamp");
    expect(single.stderr).toBe("");
    const res = createPod(s.cluster, { name: "sidecar", labels: { app: "sidecar" } }, [
      { name: "app", image: "gcr.io/google-samples/kubernetes-bootcamp:v1" },
      { name: "helper", image: "gcr.io/google-samples/kubernetes-bootcamp:v1" },
    ]);
    expect(res.status).toBe(201);
    await s.advance(30);
    const logs = await s.run("kubectl logs sidecar");
    expect(logs.stderr).toBe('Defaulted container "app" out of: app, helper\n');
    const picked = await s.run("kubectl logs sidecar -c helper");
    expect(picked.stderr).toBe("");
    const wrong = await s.run("kubectl logs sidecar -c nosuch");
    expect(wrong.stderr).toBe("error: container nosuch is not valid for pod sidecar\n");
  });
});
