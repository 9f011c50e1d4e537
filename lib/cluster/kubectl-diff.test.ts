/**
 * Differential test against the real kubectl v1.32: serve a simulated cluster over HTTP and run
 * the real client against it. Skipped (with the reason printed) when kubectl is not on PATH.
 */
import { execFile, execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { serveApi } from "../../scripts/api-server";
import { Cluster } from "./index";
import { ManualClock } from "./types";

function kubectlVersion(): string | undefined {
  try {
    return execFileSync("kubectl", ["version", "--client"], {
      encoding: "utf8",
      stdio: ["ignore", "pipe", "ignore"],
    });
  } catch {
    return undefined;
  }
}

const version = kubectlVersion();
if (!version) console.log("kubectl-diff: skipped, no kubectl on PATH");

describe.skipIf(!version)("real kubectl against the simulated API", () => {
  // kubectl computes describe/event ages from the machine's clock, so start the cluster at it.
  const clock = new ManualClock(Date.now());
  const cluster = Cluster.create({ scenario: "explore-app", seed: 3, clock });
  let server: Awaited<ReturnType<typeof serveApi>>;
  let dir: string;
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    server = await serveApi(cluster, "127.0.0.1", 0);
    dir = mkdtempSync(join(tmpdir(), "kubeclass-kubectl-"));
    writeFileSync(join(dir, "config"), "");
    env = { ...process.env, KUBECONFIG: join(dir, "config"), HOME: dir };
  });

  afterAll(async () => {
    await server?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  function kubectl(...args: string[]): Promise<{ code: number; out: string; err: string }> {
    return new Promise((resolve) => {
      execFile(
        "kubectl",
        [`--server=http://127.0.0.1:${server.port}`, `--cache-dir=${join(dir, "cache")}`, ...args],
        { env, timeout: 20_000 },
        (error, stdout, stderr) => {
          const code = error ? (typeof error.code === "number" ? error.code : 1) : 0;
          resolve({ code, out: stdout, err: stderr });
        },
      );
    });
  }

  const podName = () =>
    (
      JSON.parse(cluster.handle({ method: "GET", path: "/api/v1/namespaces/default/pods" }).body) as {
        items: Array<{ metadata: { name: string } }>;
      }
    ).items[0]?.metadata.name ?? "";

  it("get pods", async () => {
    const r = await kubectl("get", "pods");
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE\n/);
    expect(r.out).toContain(`${podName()}   1/1     Running   0          5m`);
  });

  it("get nodes -o wide", async () => {
    const r = await kubectl("get", "nodes", "-o", "wide");
    expect(r.code).toBe(0);
    expect(r.out).toMatch(
      /NAME\s+STATUS\s+ROLES\s+AGE\s+VERSION\s+INTERNAL-IP\s+EXTERNAL-IP\s+OS-IMAGE\s+KERNEL-VERSION\s+CONTAINER-RUNTIME/,
    );
    expect(r.out).toMatch(
      /minikube\s+Ready\s+control-plane\s+65m\s+v1\.32\.0\s+192\.168\.49\.2\s+<none>\s+Ubuntu 22\.04\.5 LTS/,
    );
  });

  it("describe pods", async () => {
    const r = await kubectl("describe", "pods");
    expect(r.code).toBe(0);
    expect(r.out).toContain(`Name:             ${podName()}`);
    expect(r.out).toContain("Node:             minikube/192.168.49.2");
    expect(r.out).toContain("Controlled By:  ReplicaSet/kubernetes-bootcamp-");
    expect(r.out).toContain("QoS Class:                   BestEffort");
    expect(r.out).toMatch(/Normal\s+Scheduled\s+5m\s+default-scheduler\s+Successfully assigned default\//);
    expect(r.out).toContain(
      'Successfully pulled image "gcr.io/google-samples/kubernetes-bootcamp:v1" in 6.777s (6.777s including waiting). Image size: 83642968 bytes.',
    );
  });

  it("logs POD", async () => {
    const r = await kubectl("logs", podName());
    expect(r.code).toBe(0);
    expect(r.out).toMatch(
      new RegExp(
        `^Kubernetes Bootcamp App Started At: \\d{4}-\\d\\d-\\d\\dT[\\d:.]+Z \\| Running On:  ${podName()} \\n\\n$`,
      ),
    );
  });

  it("get deploy,rs,svc", async () => {
    const r = await kubectl("get", "deploy,rs,svc");
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/deployment\.apps\/kubernetes-bootcamp\s+1\/1\s+1\s+1\s+5m/);
    expect(r.out).toMatch(/replicaset\.apps\/kubernetes-bootcamp-\w+\s+1\s+1\s+1\s+5m/);
    expect(r.out).toMatch(/service\/kubernetes\s+ClusterIP\s+10\.96\.0\.1\s+<none>\s+443\/TCP\s+65m/);
  });

  it("get events", async () => {
    const r = await kubectl("get", "events");
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^LAST SEEN\s+TYPE\s+REASON\s+OBJECT\s+MESSAGE\n/);
    for (const reason of [
      "Scheduled",
      "Pulling",
      "Pulled",
      "Created",
      "Started",
      "SuccessfulCreate",
      "ScalingReplicaSet",
    ]) {
      expect(r.out).toMatch(new RegExp(`Normal\\s+${reason}\\s`));
    }
  });

  it("api-resources", async () => {
    const r = await kubectl("api-resources");
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/pods\s+po\s+v1\s+true\s+Pod/);
    expect(r.out).toMatch(/deployments\s+deploy\s+apps\/v1\s+true\s+Deployment/);
  });

  it("get pods -o yaml", async () => {
    const r = await kubectl("get", "pods", "-o", "yaml");
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^apiVersion: v1\nitems:\n- apiVersion: v1\n {2}kind: Pod\n/);
    expect(r.out).toContain("    qosClass: BestEffort");
    expect(r.out).toContain("      tolerationSeconds: 300");
  });

  it("get pod nosuch", async () => {
    const r = await kubectl("get", "pod", "nosuch");
    expect(r.code).toBe(1);
    expect(r.err).toBe('Error from server (NotFound): pods "nosuch" not found\n');
  });

  it("get foo", async () => {
    const r = await kubectl("get", "foo");
    expect(r.code).toBe(1);
    expect(r.err).toContain('error: the server doesn\'t have a resource type "foo"');
  });

  it("scale, then see the new pods", async () => {
    const r = await kubectl("scale", "deployment/kubernetes-bootcamp", "--replicas=2");
    expect(r.out).toBe("deployment.apps/kubernetes-bootcamp scaled\n");
    clock.advance(3000);
    const pods = await kubectl("get", "pods", "--no-headers");
    expect(pods.out.trim().split("\n")).toHaveLength(2);
  });
});
