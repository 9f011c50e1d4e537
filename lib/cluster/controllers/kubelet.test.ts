import { describe, expect, it } from "vitest";
import { body, call, newCluster, podStatuses } from "../testing";
import { DEPLOY, events, setImage } from "./testing";

describe("kubelet: image pulls, back-off and recovery", () => {
  it("a missing tag fails to pull, backs off, and rollout undo (a JSON patch of the template) recovers", () => {
    const { cluster, clock } = newCluster();
    setImage(cluster, "gcr.io/google-samples/kubernetes-bootcamp:v10");
    clock.advance(1000);
    podStatuses(cluster);
    clock.advance(1500);
    expect(podStatuses(cluster).some((s) => s.endsWith(" ErrImagePull"))).toBe(true);
    clock.advance(1000);
    expect(podStatuses(cluster).some((s) => s.endsWith(" ImagePullBackOff"))).toBe(true);
    expect(events(cluster, "Failed")).toContain(
      'Failed to pull image "gcr.io/google-samples/kubernetes-bootcamp:v10": Error response from daemon: manifest for gcr.io/google-samples/kubernetes-bootcamp:v10 not found: manifest unknown: manifest unknown',
    );
    clock.advance(60_000);
    podStatuses(cluster);
    expect(events(cluster, "BackOff")[0]).toMatch(
      /^Back-off pulling image "gcr.io\/google-samples\/kubernetes-bootcamp:v10" x\d$/,
    );
    const rs = body(call(cluster, "GET", "/apis/apps/v1/namespaces/default/replicasets")).items;
    const old = rs.find(
      (r: { metadata: { annotations: Record<string, string> } }) =>
        r.metadata.annotations["deployment.kubernetes.io/revision"] === "1",
    );
    const template = structuredClone(old.spec.template);
    delete template.metadata.labels["pod-template-hash"];
    const undo = call(cluster, "PATCH", DEPLOY, {
      contentType: "application/json-patch+json",
      body: [
        { op: "replace", path: "/spec/template", value: template },
        { op: "replace", path: "/metadata/annotations", value: { "deployment.kubernetes.io/revision": "1" } },
      ],
    });
    expect(undo.status).toBe(200);
    clock.advance(1000);
    const statuses = podStatuses(cluster);
    expect(statuses.map((s) => s.split(" ")[1])).toEqual(["Running"]);
    const d = body(call(cluster, "GET", DEPLOY));
    expect(d.metadata.annotations["deployment.kubernetes.io/revision"]).toBe("3");
  });
});
