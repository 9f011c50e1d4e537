/**
 * Golden shapes: the explore-app objects must carry every field a real module-2 minikube
 * returns (fixtures/kubectl-v1.32/api), with the same values except ids, names and times.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { body, call, newCluster } from "./testing";

const MASKED = new Set([
  "uid",
  "resourceVersion",
  "creationTimestamp",
  "lastTransitionTime",
  "lastUpdateTime",
  "lastHeartbeatTime",
  "startedAt",
  "startTime",
  "firstTimestamp",
  "lastTimestamp",
  "eventTime",
  "containerID",
  "podIP",
  "renewTime",
  "minikube.k8s.io/updated_at",
]);

type J = unknown;

function fixture(name: string): { items: J[] } {
  return JSON.parse(
    readFileSync(new URL(`../../fixtures/kubectl-v1.32/api/${name}.json`, import.meta.url), "utf8"),
  );
}

function mask(v: J, names: Array<[string, string]>, key = ""): J {
  if (MASKED.has(key) && v !== null) return "*";
  if (Array.isArray(v)) return v.map((x) => mask(x, names));
  if (v && typeof v === "object") {
    const out: Record<string, J> = {};
    for (const [k, x] of Object.entries(v)) {
      if (key === "metadata" && k === "name" && typeof x === "string" && /\.[0-9a-f]+$/.test(x)) out[k] = "*";
      else out[k] = mask(x, names, k);
    }
    return out;
  }
  if (typeof v === "string") {
    let s = v;
    for (const [from, to] of names) s = s.split(from).join(to);
    if (/^10\.244\.0\.\d+$/.test(s)) return "*";
    return s;
  }
  return v;
}

describe("explore-app matches the shapes of a real minikube", () => {
  const { cluster } = newCluster();
  const pod = body(call(cluster, "GET", "/api/v1/namespaces/default/pods")).items[0];
  const hash = pod.metadata.labels["pod-template-hash"];
  const suffix = pod.metadata.name.split("-").pop();
  const vol = pod.spec.volumes[0].name.split("-").pop();
  const ours: Array<[string, string]> = [
    [hash, "<hash>"],
    [`-${suffix}`, "-<sfx>"],
    [`-${vol}`, "-<vol>"],
  ];
  const theirs: Array<[string, string]> = [
    ["9bc58d867", "<hash>"],
    ["-2tqkn", "-<sfx>"],
    ["-8xk2p", "-<vol>"],
  ];
  const cases: Array<[string, string]> = [
    ["api_v1_namespaces_default_pods", "/api/v1/namespaces/default/pods"],
    ["apis_apps_v1_namespaces_default_deployments", "/apis/apps/v1/namespaces/default/deployments"],
    ["apis_apps_v1_namespaces_default_replicasets", "/apis/apps/v1/namespaces/default/replicasets"],
    ["api_v1_namespaces_default_services", "/api/v1/namespaces/default/services"],
    ["api_v1_namespaces_default_endpoints", "/api/v1/namespaces/default/endpoints"],
    ["api_v1_namespaces", "/api/v1/namespaces"],
    [
      "apis_discovery.k8s.io_v1_namespaces_default_endpointslices",
      "/apis/discovery.k8s.io/v1/namespaces/default/endpointslices",
    ],
    [
      "apis_coordination.k8s.io_v1_namespaces_kube-node-lease_leases",
      "/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases",
    ],
  ];
  for (const [file, path] of cases) {
    it(file, () => {
      const byName = (a: J, b: J) =>
        String((a as { metadata: { name: string } }).metadata.name).localeCompare(
          (b as { metadata: { name: string } }).metadata.name,
        );
      const got = (body(call(cluster, "GET", path)).items as J[]).sort(byName);
      const want = fixture(file).items.sort(byName);
      expect(mask(got, ours)).toEqual(mask(want, theirs));
    });
  }

  it("api_v1_nodes (images: the preloaded ones plus the bootcamp image)", () => {
    const got = body(call(cluster, "GET", "/api/v1/nodes")).items;
    const want = fixture("api_v1_nodes").items as Array<{ status: { images: J } }>;
    const images = got[0].status.images as Array<{ names: string[] }>;
    expect(images.some((i) => i.names.includes("gcr.io/google-samples/kubernetes-bootcamp:v1"))).toBe(true);
    got[0].status.images = want[0]?.status.images;
    expect(mask(got, ours)).toEqual(mask(want, theirs));
  });

  it("api_v1_namespaces_default_events", () => {
    const byReason = (a: { reason: string }, b: { reason: string }) => a.reason.localeCompare(b.reason);
    const got = (
      body(call(cluster, "GET", "/api/v1/namespaces/default/events")).items as Array<{ reason: string }>
    ).sort(byReason);
    const want = (fixture("api_v1_namespaces_default_events").items as Array<{ reason: string }>).sort(
      byReason,
    );
    expect(mask(got, ours)).toEqual(mask(want, theirs));
  });

  it("discovery documents", () => {
    for (const [file, path] of [
      ["version", "/version"],
      ["api", "/api"],
    ]) {
      const want = JSON.parse(
        readFileSync(new URL(`../../fixtures/kubectl-v1.32/api/${file}.json`, import.meta.url), "utf8"),
      );
      expect(body(call(cluster, "GET", path ?? ""))).toEqual(want);
    }
    for (const file of ["api_v1", "apis_apps_v1"]) {
      const want = JSON.parse(
        readFileSync(new URL(`../../fixtures/kubectl-v1.32/api/${file}.json`, import.meta.url), "utf8"),
      );
      const got = body(call(cluster, "GET", file === "api_v1" ? "/api/v1" : "/apis/apps/v1"));
      for (const r of want.resources) expect(got.resources).toContainEqual(r);
    }
  });
});
