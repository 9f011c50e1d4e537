/**
 * Differential test against the real kubectl v1.32: serve a simulated cluster over HTTP and run
 * the real client against it. Skipped (with the reason printed) without a trusted v1.32 client
 * (scripts/real-kubectl.ts picks it and prints which binary is the oracle).
 */
import { describe, expect, it } from "vitest";
import { clusterForRealKubectl, oracleSuite } from "../../scripts/real-kubectl";

const available = oracleSuite("kubectl-diff");

// each case runs the real client a few times: a loaded machine needs more than the default 5 s
describe.skipIf(!available)("real kubectl against the simulated API", { timeout: 30_000 }, () => {
  const { clock, cluster, real } = clusterForRealKubectl("explore-app", 3, "kubectl");
  const kubectl = (...args: string[]) => real.run(args);

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
    // the real client measures ages on the wall clock, which runs on while the suite starts up
    expect(r.out).toMatch(
      /Normal\s+Scheduled\s+5m(\d+s)?\s+default-scheduler\s+Successfully assigned default\//,
    );
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

describe.skipIf(!available)("real kubectl write paths against the simulated API", { timeout: 30_000 }, () => {
  // Typed clients (create deployment|namespace|service|configmap|secret) send protobuf bodies;
  // the rest send JSON or patches. Each must be accepted as the API server accepts it.
  const { clock, cluster, real } = clusterForRealKubectl("explore-app", 5, "kubectl-w");
  const kubectl = (...args: string[]) => real.run(args);

  const get = (path: string) => JSON.parse(cluster.handle({ method: "GET", path }).body);

  it("create deployment (protobuf body, fieldManager and fieldValidation query)", async () => {
    const r = await kubectl(
      "create",
      "deployment",
      "hello",
      "--image=gcr.io/google-samples/kubernetes-bootcamp:v1",
    );
    expect(r).toMatchObject({ code: 0, out: "deployment.apps/hello created\n" });
    const d = get("/apis/apps/v1/namespaces/default/deployments/hello");
    expect(d.spec.replicas).toBe(1);
    expect(d.spec.selector).toEqual({ matchLabels: { app: "hello" } });
    expect(d.spec.template.spec.containers[0]).toMatchObject({
      name: "kubernetes-bootcamp",
      image: "gcr.io/google-samples/kubernetes-bootcamp:v1",
      resources: {},
    });
    const zero = await kubectl(
      "create",
      "deployment",
      "idle",
      "--image=nginx:1.27",
      "--replicas=0",
      "--port=80",
    );
    expect(zero.code).toBe(0);
    const idle = get("/apis/apps/v1/namespaces/default/deployments/idle");
    expect(idle.spec.replicas).toBe(0);
    expect(idle.spec.template.spec.containers[0].ports).toEqual([{ containerPort: 80, protocol: "TCP" }]);
    clock.advance(10_000);
    const pods = await kubectl("get", "pods", "-l", "app=hello", "--no-headers");
    expect(pods.out).toMatch(/^hello-\w+-\w{5}\s+1\/1\s+Running/);
  });

  it("create namespace, service nodeport, configmap, secret (protobuf)", async () => {
    expect((await kubectl("create", "namespace", "demo")).out).toBe("namespace/demo created\n");
    expect((await kubectl("create", "service", "nodeport", "web", "--tcp=80:8080")).out).toBe(
      "service/web created\n",
    );
    const svc = get("/api/v1/namespaces/default/services/web");
    expect(svc.spec.ports[0]).toMatchObject({ name: "80-8080", port: 80, targetPort: 8080, protocol: "TCP" });
    expect(svc.spec.ports[0].nodePort).toBeGreaterThanOrEqual(30000);
    expect((await kubectl("create", "configmap", "cm", "--from-literal=a=b")).out).toBe(
      "configmap/cm created\n",
    );
    expect(get("/api/v1/namespaces/default/configmaps/cm").data).toEqual({ a: "b" });
    expect((await kubectl("create", "secret", "generic", "s1", "--from-literal=p=q")).code).toBe(0);
    expect(get("/api/v1/namespaces/default/secrets/s1").data).toEqual({ p: btoa("q") });
  });

  it("expose (JSON body), then the NodePort answers", async () => {
    const r = await kubectl("expose", "deployment/kubernetes-bootcamp", "--type=NodePort", "--port", "8080");
    expect(r).toMatchObject({ code: 0, out: "service/kubernetes-bootcamp exposed\n" });
    const svc = get("/api/v1/namespaces/default/services/kubernetes-bootcamp");
    const net = cluster.net({
      method: "GET",
      host: "192.168.49.2",
      port: svc.spec.ports[0].nodePort,
      path: "/",
      headers: {},
      from: { kind: "workstation" },
    });
    expect(net.kind === "response" && net.body).toMatch(/^Hello Kubernetes bootcamp!/);
  });

  it("scale (merge patch on /scale), set image (strategic merge), rollout undo (JSON patch), rollout restart", async () => {
    expect((await kubectl("scale", "deployment/kubernetes-bootcamp", "--replicas=2")).out).toBe(
      "deployment.apps/kubernetes-bootcamp scaled\n",
    );
    clock.advance(5_000);
    const set = await kubectl(
      "set",
      "image",
      "deployment/kubernetes-bootcamp",
      "kubernetes-bootcamp=docker.io/jocatalin/kubernetes-bootcamp:v2",
    );
    expect(set.out).toBe("deployment.apps/kubernetes-bootcamp image updated\n");
    clock.advance(60_000);
    const image = () =>
      get("/apis/apps/v1/namespaces/default/deployments/kubernetes-bootcamp").spec.template.spec.containers[0]
        .image;
    expect(image()).toBe("docker.io/jocatalin/kubernetes-bootcamp:v2");
    const undo = await kubectl("rollout", "undo", "deployment/kubernetes-bootcamp");
    expect(undo).toMatchObject({ code: 0, out: "deployment.apps/kubernetes-bootcamp rolled back\n" });
    expect(image()).toBe("gcr.io/google-samples/kubernetes-bootcamp:v1");
    clock.advance(60_000);
    const restart = await kubectl("rollout", "restart", "deployment/kubernetes-bootcamp");
    expect(restart.out).toBe("deployment.apps/kubernetes-bootcamp restarted\n");
    const tpl = get("/apis/apps/v1/namespaces/default/deployments/kubernetes-bootcamp").spec.template;
    expect(tpl.metadata.annotations["kubectl.kubernetes.io/restartedAt"]).toMatch(/^\d{4}-/);
  });

  it("label and annotate (merge patches)", async () => {
    const l = await kubectl("label", "deployment", "kubernetes-bootcamp", "tier=web");
    expect(l.out).toBe("deployment.apps/kubernetes-bootcamp labeled\n");
    const a = await kubectl("annotate", "deployment", "kubernetes-bootcamp", "note=hi");
    expect(a.out).toBe("deployment.apps/kubernetes-bootcamp annotated\n");
    const d = get("/apis/apps/v1/namespaces/default/deployments/kubernetes-bootcamp");
    expect(d.metadata.labels["tier"]).toBe("web");
    expect(d.metadata.annotations["note"]).toBe("hi");
  });

  it("delete (DeleteOptions body)", async () => {
    expect((await kubectl("delete", "service", "web")).out).toBe('service "web" deleted\n');
    expect((await kubectl("delete", "deployment", "hello")).out).toBe('deployment.apps "hello" deleted\n');
    const r = await kubectl("delete", "deployment", "hello");
    expect(r.err).toBe('Error from server (NotFound): deployments.apps "hello" not found\n');
  });
});
