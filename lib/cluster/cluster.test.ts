import { describe, expect, it } from "vitest";
import { Cluster, containerInfo, listScenarios } from "./index";
import { body, call, newCluster, podStatuses, scaleBootcamp, T0 } from "./testing";
import { humanDuration } from "./time";
import { ManualClock } from "./types";

function bootcampPod(cluster: Cluster) {
  return body(call(cluster, "GET", "/api/v1/namespaces/default/pods")).items[0];
}

describe("scenarios", () => {
  it("lists every scenario with a title", () => {
    expect(listScenarios().map((s) => s.id)).toEqual([
      "empty",
      "explore-app",
      "exposed",
      "scaled",
      "two-nodes",
      "sidecar",
    ]);
    for (const s of listScenarios()) expect(s.title.length).toBeGreaterThan(10);
  });

  it("explore-app has one Running bootcamp pod created five minutes ago", () => {
    const { cluster } = newCluster();
    const pod = bootcampPod(cluster);
    expect(pod.metadata.name).toMatch(
      /^kubernetes-bootcamp-[bcdfghjklmnpqrstvwxz2456789]{9,10}-[bcdfghjklmnpqrstvwxz2456789]{5}$/,
    );
    expect(pod.status.phase).toBe("Running");
    expect(pod.status.podIP).toMatch(/^10\.244\.0\.\d+$/);
    expect(pod.metadata.creationTimestamp).toBe("2026-11-30T02:55:00Z");
    const t = body(call(cluster, "GET", "/api/v1/namespaces/default/pods", { table: true }));
    expect(t.rows[0].cells.slice(1, 5)).toEqual(["1/1", "Running", "0", "5m"]);
  });

  it("is reproducible per seed and differs between seeds", () => {
    const a = newCluster("explore-app", 7).cluster.snapshot();
    const b = newCluster("explore-app", 7).cluster.snapshot();
    expect(a).toBe(b);
    const n1 = bootcampPod(newCluster("explore-app", 1).cluster).metadata.name;
    const n2 = bootcampPod(newCluster("explore-app", 2).cluster).metadata.name;
    expect(n1).not.toBe(n2);
  });

  it("empty has the minikube node, namespaces and kube-system pods but no deployment in default", () => {
    const { cluster } = newCluster("empty");
    expect(body(call(cluster, "GET", "/apis/apps/v1/namespaces/default/deployments")).items).toEqual([]);
    const ns = body(call(cluster, "GET", "/api/v1/namespaces")).items.map(
      (n: { metadata: { name: string } }) => n.metadata.name,
    );
    expect(ns).toEqual(["default", "kube-node-lease", "kube-public", "kube-system"]);
    const sys = podStatuses(cluster, "kube-system").map((s) => s.replace(/-[a-z0-9]{5}(?= )/, "-xxxxx"));
    expect(sys.some((s) => /^coredns-\w+-xxxxx Running$/.test(s))).toBe(true);
    for (const n of [
      "etcd-minikube",
      "kube-apiserver-minikube",
      "kube-scheduler-minikube",
      "storage-provisioner",
    ]) {
      expect(sys).toContain(`${n} Running`);
    }
    expect(() => Cluster.create({ scenario: "nope", clock: new ManualClock(T0) })).toThrow(
      /unknown scenario/,
    );
  });
});

describe("API errors and discovery", () => {
  const { cluster } = newCluster();
  it("renders NotFound as a Status", () => {
    const r = call(cluster, "GET", "/api/v1/namespaces/default/pods/x");
    expect(r.status).toBe(404);
    expect(r.body).toBe(
      '{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"pods \\"x\\" not found","reason":"NotFound","details":{"name":"x","kind":"pods"},"code":404}\n',
    );
    const d = body(call(cluster, "GET", "/apis/apps/v1/namespaces/default/deployments/x"));
    expect(d.message).toBe('deployments.apps "x" not found');
    expect(d.details).toEqual({ name: "x", group: "apps", kind: "deployments" });
  });

  it("writes JSON as the API server does: compact with a newline, indented for curl and ?pretty", () => {
    const compact = call(cluster, "GET", "/api/v1/namespaces/default/pods");
    expect(compact.body).toMatch(/^\{"kind":"PodList",.*\}\n$/s);
    const curl = cluster.handle({
      method: "GET",
      path: "/api/v1/namespaces/default/pods",
      headers: { "user-agent": "curl/8.5.0" },
    });
    expect(curl.body).toMatch(/^\{\n {2}"kind": "PodList",\n {2}"apiVersion": "v1",\n/);
    expect(curl.body.endsWith("}")).toBe(true);
    const q = cluster.handle({
      method: "GET",
      path: "/api/v1/namespaces/default/pods",
      query: new URLSearchParams("pretty=true"),
    });
    expect(q.body).toBe(curl.body);
    const version = call(cluster, "GET", "/version").body;
    expect(version).toMatch(/^\{\n {2}"major": "1",\n {2}"minor": "32",\n/);
    expect(version.endsWith('"platform": "linux/amd64"\n}\n')).toBe(true);
  });

  it("answers /version, /api, /apis and resource lists", () => {
    expect(body(call(cluster, "GET", "/version")).gitVersion).toBe("v1.32.0");
    expect(body(call(cluster, "GET", "/api")).versions).toEqual(["v1"]);
    const groups = body(call(cluster, "GET", "/apis")).groups.map((g: { name: string }) => g.name);
    expect(groups).toContain("apps");
    const v1 = body(call(cluster, "GET", "/api/v1")).resources;
    expect(v1.find((r: { name: string }) => r.name === "pods")).toMatchObject({
      shortNames: ["po"],
      categories: ["all"],
    });
    const apps = body(call(cluster, "GET", "/apis/apps/v1")).resources;
    expect(apps.find((r: { name: string }) => r.name === "deployments")).toMatchObject({
      shortNames: ["deploy"],
    });
    expect(call(cluster, "GET", "/api/v1/foos").status).toBe(404);
  });

  it("answers / with the paths it serves, indented as the API server writes its index", () => {
    const root = call(cluster, "GET", "/");
    expect(root.status).toBe(200);
    expect(root.headers["content-type"]).toBe("application/json");
    expect(root.body).toMatch(
      /^\{\n {2}"paths": \[\n {4}"\/api",\n {4}"\/api\/v1",\n {4}"\/apis",\n {4}"\/apis\/",\n/,
    );
    expect(root.body.endsWith('    "/version"\n  ]\n}\n')).toBe(true);
    const paths: string[] = body(root).paths;
    expect(paths).toEqual([...paths].sort());
    for (const p of ["/apis/apps", "/apis/apps/v1", "/healthz", "/livez", "/readyz", "/metrics", "/version"])
      expect(paths).toContain(p);
    // every listed path answers
    for (const p of paths) expect(call(cluster, "GET", p).status, p).toBe(200);
    for (const p of ["/healthz", "/livez", "/readyz", "/healthz/ping", "/readyz/shutdown"])
      expect(call(cluster, "GET", p).body, p).toBe("ok");
    expect(call(cluster, "GET", "/healthz/nosuch").status).toBe(404);
    const metrics = call(cluster, "GET", "/metrics").body;
    expect(metrics).toContain("# TYPE apiserver_storage_objects gauge\n");
    expect(metrics).toMatch(/^apiserver_storage_objects\{resource="deployments\.apps"\} 2$/m);
  });

  it("rejects a duplicate create with AlreadyExists", () => {
    const r = call(cluster, "POST", "/api/v1/namespaces/default/services", {
      body: {
        apiVersion: "v1",
        kind: "Service",
        metadata: { name: "kubernetes" },
        spec: { ports: [{ port: 1 }] },
      },
    });
    expect(r.status).toBe(409);
    expect(body(r).reason).toBe("AlreadyExists");
  });
});

describe("lists, selectors and tables", () => {
  const { cluster } = newCluster();
  it("filters with label and field selectors and pages with limit", () => {
    const q = (query: Record<string, string>) =>
      body(call(cluster, "GET", "/api/v1/pods", { query })).items.length;
    expect(q({ labelSelector: "app=kubernetes-bootcamp" })).toBe(1);
    expect(q({ labelSelector: "app!=kubernetes-bootcamp" })).toBe(7);
    expect(q({ labelSelector: "app in (kubernetes-bootcamp,x)" })).toBe(1);
    expect(q({ fieldSelector: "metadata.namespace=kube-system" })).toBe(7);
    expect(q({ fieldSelector: "status.phase=Running,spec.nodeName=minikube" })).toBe(8);
    const page = body(call(cluster, "GET", "/api/v1/pods", { query: { limit: "3" } }));
    expect(page.items).toHaveLength(3);
    expect(page.metadata.continue).toBeTruthy();
    const rest = body(
      call(cluster, "GET", "/api/v1/pods", { query: { limit: "10", continue: page.metadata.continue } }),
    );
    expect(rest.items).toHaveLength(5);
  });

  /**
   * A Table's column names (`*`: shown only with -o wide) and its first row, each as `a | b | c`.
   * Every cell is of the type its column declares (integers are numbers).
   */
  const printed = (path: string) => {
    const t = body(call(cluster, "GET", path, { table: true }));
    const columns: { name: string; type: string; priority?: number }[] = t.columnDefinitions;
    const row: unknown[] = t.rows[0].cells;
    expect(row.map((cell) => typeof cell)).toEqual(
      columns.map((c) => (c.type === "integer" ? "number" : "string")),
    );
    return {
      head: columns.map((c) => c.name + (c.priority ? "*" : "")).join(" | "),
      row: row.join(" | "),
    };
  };
  it.each([
    [
      "/api/v1/nodes",
      "Name | Status | Roles | Age | Version | Internal-IP* | External-IP* | OS-Image* | Kernel-Version* | Container-Runtime*",
      "minikube | Ready | control-plane | 65m | v1.32.0 | 192.168.49.2 | <none> | Ubuntu 22.04.5 LTS | 6.8.0-49-generic | docker://27.4.1",
    ],
    [
      "/apis/apps/v1/namespaces/default/deployments",
      "Name | Ready | Up-to-date | Available | Age | Containers* | Images* | Selector*",
      "kubernetes-bootcamp | 1/1 | 1 | 1 | 5m | kubernetes-bootcamp | gcr.io/google-samples/kubernetes-bootcamp:v1 | app=kubernetes-bootcamp",
    ],
    [
      "/apis/apps/v1/namespaces/default/replicasets",
      "Name | Desired | Current | Ready | Age | Containers* | Images* | Selector*",
      "kubernetes-bootcamp-dgbkgllhlg | 1 | 1 | 1 | 5m | kubernetes-bootcamp | gcr.io/google-samples/kubernetes-bootcamp:v1 | app=kubernetes-bootcamp,pod-template-hash=dgbkgllhlg",
    ],
    [
      "/api/v1/namespaces/default/services",
      "Name | Type | Cluster-IP | External-IP | Port(s) | Age | Selector*",
      "kubernetes | ClusterIP | 10.96.0.1 | <none> | 443/TCP | 65m | <none>",
    ],
    [
      "/api/v1/namespaces/default/pods",
      "Name | Ready | Status | Restarts | Age | IP* | Node* | Nominated Node* | Readiness Gates*",
      "kubernetes-bootcamp-dgbkgllhlg-fh82w | 1/1 | Running | 0 | 5m | 10.244.0.4 | minikube | <none> | <none>",
    ],
  ])("prints %s like the Kubernetes printers", (path, head, row) => {
    expect(printed(path)).toEqual({ head, row });
  });

  it("carries metadata or the whole object in rows as asked", () => {
    const t = body(call(cluster, "GET", "/api/v1/namespaces/default/pods", { table: true }));
    expect(t.rows[0].object.kind).toBe("PartialObjectMetadata");
    expect(t.rows[0].object.metadata.labels.app).toBe("kubernetes-bootcamp");
    const full = body(
      call(cluster, "GET", "/api/v1/namespaces/default/pods", {
        table: true,
        query: { includeObject: "Object" },
      }),
    );
    expect(full.rows[0].object.spec.containers[0].name).toBe("kubernetes-bootcamp");
  });

  it("formats ages like HumanDuration", () => {
    const s = 1000;
    expect([
      humanDuration(45 * s),
      humanDuration(301 * s),
      humanDuration(89 * 60 * s),
      humanDuration((3 * 3600 + 4 * 60) * s),
    ]).toEqual(["45s", "5m1s", "89m", "3h4m"]);
    expect(humanDuration(50 * 3600 * s)).toBe("2d2h");
  });
});

describe("logs, proxy and the network", () => {
  it("counts requests through the pod proxy and logs them", () => {
    const { cluster, clock } = newCluster();
    const pod = bootcampPod(cluster);
    const name = pod.metadata.name;
    const started = call(cluster, "GET", `/api/v1/namespaces/default/pods/${name}/log`).body;
    expect(started).toMatch(
      new RegExp(
        `^Kubernetes Bootcamp App Started At: 2026-11-30T02:55:08\\.\\d{3}Z \\| Running On:  ${name} \\n\\n$`,
      ),
    );
    const noPort = call(cluster, "GET", `/api/v1/namespaces/default/pods/${name}/proxy/`);
    expect(noPort.status).toBe(503);
    expect(body(noPort).message).toBe(
      `error trying to reach service: dial tcp ${pod.status.podIP}:80: connect: connection refused`,
    );
    clock.advance(1000);
    const ok = call(cluster, "GET", `/api/v1/namespaces/default/pods/${name}:8080/proxy/`);
    expect(ok.status).toBe(200);
    expect(ok.body).toBe(`Hello Kubernetes bootcamp! | Running on: ${name} | v=1\n`);
    const log = call(cluster, "GET", `/api/v1/namespaces/default/pods/${name}/log`, {
      query: { tailLines: "1" },
    }).body;
    expect(log).toMatch(
      new RegExp(
        `^Running On: ${name} \\| Total Requests: 1 \\| App Uptime: 292\\.\\d+ seconds \\| Log Time: 2026-11-30T03:00:01\\.000Z\\n$`,
      ),
    );
    const again = cluster.net({
      method: "GET",
      host: pod.status.podIP,
      port: 8080,
      path: "/",
      headers: {},
      from: { kind: "workstation" },
    });
    expect(again.kind).toBe("response");
    expect(
      call(cluster, "GET", `/api/v1/namespaces/default/pods/${name}/log`, { query: { tailLines: "1" } }).body,
    ).toContain("Total Requests: 2");
    const missing = call(cluster, "GET", "/api/v1/namespaces/default/pods/nosuch/log");
    expect(body(missing).message).toBe('pods "nosuch" not found');
  });

  it("follows logs as a stream", () => {
    const { cluster } = newCluster();
    const name = bootcampPod(cluster).metadata.name;
    const r = call(cluster, "GET", `/api/v1/namespaces/default/pods/${name}/log`, {
      query: { follow: "true" },
    });
    const chunks: string[] = [];
    r.stream?.start(
      (c) => chunks.push(c),
      () => {},
    );
    call(cluster, "GET", `/api/v1/namespaces/default/pods/${name}:8080/proxy/`);
    r.stream?.close();
    call(cluster, "GET", `/api/v1/namespaces/default/pods/${name}:8080/proxy/`);
    expect(chunks.join("")).toMatch(/Started At[\s\S]*Total Requests: 1 /);
    expect(chunks.join("")).not.toMatch(/Total Requests: 2/);
  });

  it("reaches the app through a NodePort service and a ClusterIP, by DNS only from pods", () => {
    const { cluster } = newCluster();
    const svc = body(
      call(cluster, "POST", "/api/v1/namespaces/default/services", {
        body: {
          apiVersion: "v1",
          kind: "Service",
          metadata: { name: "kubernetes-bootcamp", labels: { app: "kubernetes-bootcamp" } },
          spec: {
            type: "NodePort",
            selector: { app: "kubernetes-bootcamp" },
            ports: [{ port: 8080, protocol: "TCP", targetPort: 8080 }],
          },
        },
      }),
    );
    const nodePort = svc.spec.ports[0].nodePort;
    expect(nodePort).toBeGreaterThanOrEqual(30000);
    expect(nodePort).toBeLessThanOrEqual(32767);
    expect(svc.spec.clusterIP).toMatch(/^10\.(9[6-9]|10[0-9]|110|111)\./);
    const ws = { kind: "workstation" as const };
    const viaNode = cluster.net({
      method: "GET",
      host: "192.168.49.2",
      port: nodePort,
      path: "/",
      headers: {},
      from: ws,
    });
    expect(viaNode.kind === "response" && viaNode.body).toMatch(/^Hello Kubernetes bootcamp!/);
    const viaIP = cluster.net({
      method: "GET",
      host: svc.spec.clusterIP,
      port: 8080,
      path: "/",
      headers: {},
      from: ws,
    });
    expect(viaIP.kind).toBe("response");
    expect(
      cluster.net({
        method: "GET",
        host: "kubernetes-bootcamp",
        port: 8080,
        path: "/",
        headers: {},
        from: ws,
      }).kind,
    ).toBe("unresolved");
    const pod = bootcampPod(cluster).metadata.name;
    const fromPod = { kind: "pod" as const, namespace: "default", pod };
    expect(
      cluster.net({
        method: "GET",
        host: "kubernetes-bootcamp.default.svc.cluster.local",
        port: 8080,
        path: "/",
        headers: {},
        from: fromPod,
      }).kind,
    ).toBe("response");
    expect(
      cluster.net({ method: "GET", host: "localhost", port: 8080, path: "/", headers: {}, from: fromPod })
        .kind,
    ).toBe("response");
    expect(
      cluster.net({ method: "GET", host: "10.244.0.250", port: 8080, path: "/", headers: {}, from: ws }).kind,
    ).toBe("timeout");
    expect(
      cluster.net({
        method: "GET",
        host: "192.168.49.2",
        port: 31999 === nodePort ? 31998 : 31999,
        path: "/",
        headers: {},
        from: ws,
      }).kind,
    ).toBe("refused");
    const svcProxy = call(
      cluster,
      "GET",
      "/api/v1/namespaces/default/services/kubernetes-bootcamp:8080/proxy/",
    );
    expect(svcProxy.body).toMatch(/^Hello Kubernetes bootcamp!/);
  });

  it("exposes container facts for exec, with service links captured at start", () => {
    const { cluster } = newCluster();
    const name = bootcampPod(cluster).metadata.name;
    const info = containerInfo(cluster, "default", name);
    if (typeof info === "string") throw new Error(info);
    expect(info.hostname).toBe(name);
    expect(Object.keys(info.env)).toEqual(
      expect.arrayContaining([
        "PATH",
        "HOSTNAME",
        "KUBERNETES_SERVICE_HOST",
        "KUBERNETES_PORT_443_TCP",
        "NODE_VERSION",
        "HOME",
      ]),
    );
    expect(info.env["KUBERNETES_SERVICE_HOST"]).toBe("10.96.0.1");
    expect(info.files["/server.js"]).toContain("8080");
    expect(info.rootListing).toContain("server.js");
    expect(containerInfo(cluster, "default", "nosuch")).toBe(
      'Error from server (NotFound): pods "nosuch" not found',
    );
  });
});

describe("lazy time and snapshots", () => {
  it("holds no timers and advances due transitions when touched", () => {
    const { cluster, clock } = newCluster();
    expect(cluster.nextDueAt()).toBeUndefined();
    scaleBootcamp(cluster, 2);
    expect(podStatuses(cluster).filter((s) => s.endsWith("ContainerCreating"))).toHaveLength(1);
    expect(cluster.nextDueAt()).toBe(T0 + 1000);
    const snap = cluster.snapshot();
    clock.advance(3000);
    expect(podStatuses(cluster).every((s) => s.endsWith("Running"))).toBe(true);
    const restored = Cluster.restore(snap, new ManualClock(T0));
    expect(restored.snapshot()).toBe(snap);
    const clock2 = new ManualClock(T0 + 3000);
    const again = Cluster.restore(snap, clock2);
    expect(podStatuses(again)).toEqual(podStatuses(cluster));
    expect(again.snapshot()).toBe(cluster.snapshot());
  });
});

describe("pods the cluster had (the step checks' <pod>)", () => {
  it("remembers deleted pods, across a snapshot, and nothing it never had", () => {
    const { cluster, clock } = newCluster();
    const names = () =>
      (
        JSON.parse(call(cluster, "GET", "/api/v1/namespaces/default/pods").body) as {
          items: { metadata: { name: string } }[];
        }
      ).items.map((p) => p.metadata.name);
    const [first] = names();
    expect(first).toBeDefined();
    expect(cluster.podExisted("default", first ?? "")).toBe(true);
    call(cluster, "DELETE", `/api/v1/namespaces/default/pods/${first}`, {
      query: { gracePeriodSeconds: "0" },
    });
    clock.advance(60_000);
    expect(names()).not.toContain(first);
    expect(cluster.podExisted("default", first ?? "")).toBe(true);
    const restored = Cluster.restore(cluster.snapshot(), new ManualClock(clock.now()));
    expect(restored.podExisted("default", first ?? "")).toBe(true);
    expect(restored.podExisted("default", "kubernetes-bootcamp-fake-abcde")).toBe(false);
    expect(restored.podExisted("kube-system", first ?? "")).toBe(false);
  });
});
