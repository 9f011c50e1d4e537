/**
 * Differential test: the real kubectl v1.32 (on PATH) and ours, against the same simulated
 * cluster served over HTTP. Ages are masked (real kubectl measures them with the wall clock).
 */
import { execFile } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { serveApi } from "../../scripts/api-server";
import { Cluster } from "../cluster";
import { ManualClock } from "../cluster/types";
import { runKubectl } from "./testing";

const mask = (s: string): string =>
  s
    .replace(/^E\d{4} [\d:.]+ +\d+ /gm, "E<klog> ")
    .replace(/\b\d+[smhd](\d+[smh])?\b/g, "<age>")
    // an age one second apart can change a column's width: compare the text after it loosely
    .replace(/<age> +/g, "<age> ");

function realKubectl(port: number, args: string[]): Promise<{ output: string; code: number }> {
  return new Promise((resolve) => {
    execFile(
      "kubectl",
      [`--server=http://127.0.0.1:${port}`, ...args],
      { env: { ...process.env, KUBECONFIG: "/dev/null", TZ: "UTC" } },
      (err, stdout, stderr) => {
        const code = err ? Number((err as { code?: number }).code ?? 1) : 0;
        resolve({ output: stdout + stderr, code });
      },
    );
  });
}

let available = true;
let server: { close(): Promise<void>; port: number } | undefined;
const clock = new ManualClock(Date.now());
const cluster = Cluster.create({ scenario: "explore-app", seed: 7, clock });

beforeAll(async () => {
  available = await new Promise((r) => execFile("kubectl", ["version", "--client"], (e) => r(!e)));
  server = await serveApi(cluster, "127.0.0.1", 0);
});
afterAll(async () => {
  await server?.close();
});

const commands = [
  "get pods",
  "get pods -o wide",
  "get nodes",
  "get deploy,rs",
  "get all",
  "get svc",
  "get pods --show-labels",
  "get pods -A",
  "describe pods",
  "describe nodes",
  "describe deployment kubernetes-bootcamp",
  "describe rs",
  "describe svc kubernetes",
  "describe ns default",
  "get pods -o yaml",
  "get pods -o json",
  "get deploy kubernetes-bootcamp -o yaml",
  "get nodes -o name",
  "api-versions",
  "get pod nosuch",
  "get pods -o jsonpath={.items[*].metadata.name}",
  'get pods -o go-template={{range.items}}{{.metadata.name}}{{"\\n"}}{{end}}',
  "get pods -o custom-columns=NAME:.metadata.name,IP:.status.podIP",
  "describe endpoints kubernetes",
  "get ns",
  "get events",
  "api-resources",
  "get foo",
  // not "get --foo": this machine's client build prints cobra's "Error:"; kubectl v1.32 prints "error:"
  "logs",
  "exec",
  "logs nosuch",
];

describe("ours vs real kubectl over HTTP (ages masked)", () => {
  for (const c of commands) {
    it(c, async () => {
      if (!available || !server) return;
      // same wall-clock instant for both, so ages (and so column widths) agree
      clock.set(Date.now());
      cluster.tick();
      const real = await realKubectl(server.port, c.split(" "));
      const ours = await runKubectl(c.split(" "), { api: cluster.handle, clock });
      expect(mask(ours.output)).toBe(mask(real.output));
      expect(ours.code).toBe(real.code);
    });
  }
});

/** Mutating commands: the real client on one cluster, ours on a twin (same seed, same clock). */
describe("mutations: real kubectl vs ours on twin clusters", () => {
  const twinClock = new ManualClock(Date.now());
  const a = Cluster.create({ scenario: "explore-app", seed: 9, clock: twinClock });
  const b = Cluster.create({ scenario: "explore-app", seed: 9, clock: twinClock });
  let srv: { close(): Promise<void>; port: number } | undefined;
  beforeAll(async () => {
    srv = await serveApi(a, "127.0.0.1", 0);
  });
  afterAll(async () => {
    await srv?.close();
  });
  const steps = [
    "expose deployment/kubernetes-bootcamp --type=NodePort --port 8080",
    "expose deployment/kubernetes-bootcamp --type=NodePort --port 8080",
    "describe services/kubernetes-bootcamp",
    "label deployment kubernetes-bootcamp version=v1",
    "label deployment kubernetes-bootcamp version=v2",
    "scale deployments/kubernetes-bootcamp --replicas=4",
    "set image deployments/kubernetes-bootcamp kubernetes-bootcamp=jocatalin/kubernetes-bootcamp:v2",
    "rollout history deployments/kubernetes-bootcamp",
    "annotate deployment kubernetes-bootcamp note=x",
    "delete service -l app=kubernetes-bootcamp --wait=false",
    // not "create deployment": the simulated API cannot decode the real client's create body yet
    "scale deployments/kubernetes-bootcamp",
  ];
  it("prints the same for each step", async () => {
    if (!available || !srv) return;
    for (const step of steps) {
      twinClock.set(Date.now());
      const real = await realKubectl(srv.port, step.split(" "));
      const ours = await runKubectl(step.split(" "), { api: b.handle, clock: twinClock });
      expect(`${step}\n${mask(ours.output)}[exit ${ours.code}]`).toBe(
        `${step}\n${mask(real.output)}[exit ${real.code}]`,
      );
    }
  });
});
