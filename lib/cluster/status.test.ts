import { describe, expect, it } from "vitest";
import { body, call, failureStatus, newCluster } from "./testing";

/** Status objects as a real API server (v1.32) writes them for the mistakes students make. */
describe("Status errors", () => {
  it("NotFound for get, delete and scale of a missing object", () => {
    const { cluster } = newCluster();
    const pod = { name: "nosuch", kind: "pods" };
    for (const method of ["GET", "DELETE"] as const) {
      const r = call(cluster, method, "/api/v1/namespaces/default/pods/nosuch");
      expect(r.status).toBe(404);
      expect(body(r)).toEqual(failureStatus(404, "NotFound", 'pods "nosuch" not found', pod));
    }
    const s = call(cluster, "PATCH", "/apis/apps/v1/namespaces/default/deployments/nosuch/scale", {
      body: { spec: { replicas: 2 } },
      contentType: "application/merge-patch+json",
    });
    expect(body(s)).toMatchObject({
      message: 'deployments.apps "nosuch" not found',
      reason: "NotFound",
      details: { name: "nosuch", group: "apps", kind: "deployments" },
      code: 404,
    });
  });

  it("BadRequest for logs of a container the pod does not have", () => {
    const { cluster } = newCluster();
    const pod = body(call(cluster, "GET", "/api/v1/namespaces/default/pods")).items[0].metadata.name;
    const r = call(cluster, "GET", `/api/v1/namespaces/default/pods/${pod}/log`, {
      query: { container: "nosuch" },
    });
    expect(r.status).toBe(400);
    expect(body(r)).toEqual(failureStatus(400, "BadRequest", `container nosuch is not valid for pod ${pod}`));
  });

  it("AlreadyExists on a server dry run names the group", () => {
    const { cluster } = newCluster();
    const r = call(cluster, "POST", "/apis/apps/v1/namespaces/default/deployments", {
      query: { dryRun: "All" },
      body: {
        metadata: { name: "kubernetes-bootcamp" },
        spec: {
          selector: { matchLabels: { a: "b" } },
          template: { metadata: { labels: { a: "b" } }, spec: { containers: [{ name: "c", image: "x" }] } },
        },
      },
    });
    expect(r.status).toBe(409);
    expect(body(r)).toMatchObject({
      message: 'deployments.apps "kubernetes-bootcamp" already exists',
      reason: "AlreadyExists",
      details: { name: "kubernetes-bootcamp", group: "apps", kind: "deployments" },
    });
  });

  it("Invalid without a name: kind.group, no empty name in details", () => {
    const { cluster } = newCluster();
    const r = call(cluster, "POST", "/apis/apps/v1/namespaces/default/deployments", {
      body: { metadata: {}, spec: {} },
    });
    expect(r.status).toBe(422);
    expect(body(r)).toMatchObject({
      message:
        'Deployment.apps "" is invalid: metadata.name: Required value: name or generateName is required',
      reason: "Invalid",
      details: {
        group: "apps",
        kind: "Deployment",
        causes: [
          {
            reason: "FieldValueRequired",
            message: "Required value: name or generateName is required",
            field: "metadata.name",
          },
        ],
      },
    });
    expect(body(r).details.name).toBeUndefined();
  });

  it("Forbidden for deleting the default namespace", () => {
    const { cluster } = newCluster();
    const r = call(cluster, "DELETE", "/api/v1/namespaces/default");
    expect(r.status).toBe(403);
    expect(body(r)).toMatchObject({
      message: 'namespaces "default" is forbidden: this namespace may not be deleted',
      reason: "Forbidden",
      details: { name: "default", kind: "namespaces" },
    });
  });

  it("Invalid for a negative scale, with its cause", () => {
    const { cluster } = newCluster();
    const r = call(
      cluster,
      "PATCH",
      "/apis/apps/v1/namespaces/default/deployments/kubernetes-bootcamp/scale",
      {
        body: { spec: { replicas: -1 } },
        contentType: "application/merge-patch+json",
      },
    );
    expect(r.status).toBe(422);
    expect(body(r).details).toEqual({
      name: "kubernetes-bootcamp",
      group: "autoscaling",
      kind: "Scale",
      causes: [
        {
          reason: "FieldValueInvalid",
          message: "Invalid value: -1: must be greater than or equal to 0",
          field: "spec.replicas",
        },
      ],
    });
  });

  it("pods/exec without an upgrade is refused as by the API server", () => {
    const { cluster } = newCluster();
    const pod = body(call(cluster, "GET", "/api/v1/namespaces/default/pods")).items[0].metadata.name;
    const r = call(cluster, "POST", `/api/v1/namespaces/default/pods/${pod}/exec`, {
      query: { command: "env", stdout: "true" },
    });
    expect(r.status).toBe(400);
    expect(body(r)).toMatchObject({ message: "Upgrade request required", reason: "BadRequest" });
  });
});
