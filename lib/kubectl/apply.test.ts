/**
 * kubectl apply/create/delete -f through the workstation shell (files in the virtual home,
 * stdin), against a simulated cluster: the words kubectl v1.32 prints (checked against the real
 * client by hand and in differential.int.test.ts) and the last-applied annotation.
 */
import { describe, expect, it } from "vitest";
import { Cluster } from "../cluster";
import { runLine } from "../shell/harness";
import { ManualScheduler } from "../shell/manual-time";
import { clusterWorkstation } from "../terminal/wiring";

const DEPLOY = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: hello
spec:
  replicas: 2
  selector:
    matchLabels:
      app: hello
  template:
    metadata:
      labels:
        app: hello
    spec:
      containers:
      - name: hello
        image: gcr.io/google-samples/kubernetes-bootcamp:v1
---
apiVersion: v1
kind: Service
metadata:
  name: hello
spec:
  selector:
    app: hello
  ports:
  - port: 8080
`;

function session() {
  const scheduler = new ManualScheduler();
  const cluster = Cluster.create({ scenario: "explore-app", seed: 7, clock: scheduler.clock });
  const ws = clusterWorkstation(cluster, { clock: scheduler.clock, scheduler });
  const shell = ws.openShell("1");
  const run = async (line: string): Promise<{ out: string; code: number }> => {
    const r = await runLine(shell, line);
    return { out: r.all, code: r.exitCode };
  };
  const write = (name: string, text: string): void => {
    ws.files.write(`/home/student/${name}`, text, false);
  };
  return { run, write, cluster };
}

describe("kubectl apply -f", () => {
  it("creates, then leaves unchanged, then configures what changed", async () => {
    const s = session();
    s.write("d.yaml", DEPLOY);
    expect(await s.run("kubectl apply -f d.yaml")).toEqual({
      out: "deployment.apps/hello created\nservice/hello created\n",
      code: 0,
    });
    expect((await s.run("kubectl apply -f d.yaml")).out).toBe(
      "deployment.apps/hello unchanged\nservice/hello unchanged\n",
    );
    s.write("d.yaml", DEPLOY.replace("replicas: 2", "replicas: 3"));
    expect((await s.run("kubectl apply -f d.yaml")).out).toBe(
      "deployment.apps/hello configured\nservice/hello unchanged\n",
    );
    const live = JSON.parse(
      s.cluster.handle({
        method: "GET",
        path: "/apis/apps/v1/namespaces/default/deployments/hello",
        headers: {},
      }).body,
    );
    expect(live.metadata.annotations["kubectl.kubernetes.io/last-applied-configuration"]).toBe(
      '{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"annotations":{},"name":"hello","namespace":"default"},"spec":{"replicas":3,"selector":{"matchLabels":{"app":"hello"}},"template":{"metadata":{"labels":{"app":"hello"}},"spec":{"containers":[{"image":"gcr.io/google-samples/kubernetes-bootcamp:v1","name":"hello"}]}}}}\n',
    );
  });

  it("puts back a field changed by hand (kubectl scale) and drops removed labels", async () => {
    const s = session();
    s.write("d.yaml", DEPLOY);
    await s.run("kubectl apply -f d.yaml");
    await s.run("kubectl scale deploy hello --replicas=5");
    expect((await s.run("kubectl apply -f d.yaml")).out).toContain("deployment.apps/hello configured");
    expect((await s.run("kubectl get deploy hello -o jsonpath='{.spec.replicas}'")).out).toBe("2");
    s.write("c.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n  labels:\n    a: b\n");
    await s.run("kubectl apply -f c.yaml");
    s.write("c.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n");
    expect((await s.run("kubectl apply -f c.yaml")).out).toBe("configmap/c configured\n");
    expect((await s.run("kubectl get cm c --show-labels --no-headers")).out).toMatch(/<none>\n$/);
  });

  it("reads stdin with -f - and every YAML file of a directory", async () => {
    const s = session();
    s.write("d.yaml", DEPLOY);
    expect((await s.run("cat d.yaml | kubectl apply -f -")).out).toBe(
      "deployment.apps/hello created\nservice/hello created\n",
    );
    s.write("m/a.yaml", "");
    expect((await s.run("mkdir m2")).code).toBe(0);
    s.write("m2/a.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n");
    s.write("m2/notes.txt", "not yaml");
    expect((await s.run("kubectl apply -f m2/")).out).toBe("configmap/a created\n");
  });

  it("reports kubectl's errors: no -f, a missing file, bad YAML, unknown kind, missing apiVersion", async () => {
    const s = session();
    expect(await s.run("kubectl apply")).toEqual({ out: "error: must specify one of -f and -k\n", code: 1 });
    expect((await s.run("kubectl apply -f nope.yaml")).out).toBe(
      'error: the path "nope.yaml" does not exist\n',
    );
    s.write("bad.yaml", "apiVersion: v1\nkind: Pod\nmetadata:\n  name: x\n spec: 1\n");
    expect((await s.run("kubectl apply -f bad.yaml")).out).toBe(
      "error: error parsing bad.yaml: error converting YAML to JSON: yaml: line 4: did not find expected key\n",
    );
    s.write(
      "mix.yaml",
      "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c1\n---\napiVersion: v1\nkind: Podd\nmetadata:\n  name: x\n",
    );
    expect(await s.run("kubectl apply -f mix.yaml")).toEqual({
      out: 'configmap/c1 created\nerror: resource mapping not found for name: "x" namespace: "" from "mix.yaml": no matches for kind "Podd" in version "v1"\nensure CRDs are installed first\n',
      code: 1,
    });
    s.write("p.yaml", "kind: Pod\nmetadata:\n  name: x\n");
    expect((await s.run("kubectl apply -f p.yaml")).out).toBe(
      'error: error validating "p.yaml": error validating data: apiVersion not set; if you choose to ignore these errors, turn validation off with --validate=false\n',
    );
  });
});

describe("kubectl create -f / delete -f", () => {
  it("creates once, then AlreadyExists per object; delete -f deletes and then NotFound", async () => {
    const s = session();
    s.write("d.yaml", DEPLOY);
    expect((await s.run("kubectl create -f d.yaml")).out).toBe(
      "deployment.apps/hello created\nservice/hello created\n",
    );
    expect(await s.run("kubectl create -f d.yaml")).toEqual({
      out: 'Error from server (AlreadyExists): error when creating "d.yaml": deployments.apps "hello" already exists\nError from server (AlreadyExists): error when creating "d.yaml": services "hello" already exists\n',
      code: 1,
    });
    expect((await s.run("kubectl delete -f d.yaml --wait=false")).out).toBe(
      'deployment.apps "hello" deleted\nservice "hello" deleted\n',
    );
    expect((await s.run("kubectl delete -f d.yaml")).out).toBe(
      'Error from server (NotFound): error when deleting "d.yaml": deployments.apps "hello" not found\nError from server (NotFound): error when deleting "d.yaml": services "hello" not found\n',
    );
  });
});
