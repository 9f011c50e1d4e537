import { describe, expect, it } from "vitest";
import { body, call, newCluster, scaleBootcamp } from "../testing";

describe("services and endpoints", () => {
  it("tracks ready pods as endpoints", () => {
    const { cluster, clock } = newCluster();
    call(cluster, "POST", "/api/v1/namespaces/default/services", {
      body: {
        apiVersion: "v1",
        kind: "Service",
        metadata: { name: "web" },
        spec: { selector: { app: "kubernetes-bootcamp" }, ports: [{ port: 8080 }] },
      },
    });
    const ep = () =>
      body(call(cluster, "GET", "/api/v1/namespaces/default/endpoints/web", { table: true })).rows[0]
        .cells[1];
    expect(ep()).toMatch(/^10\.244\.0\.\d+:8080$/);
    scaleBootcamp(cluster, 5);
    clock.advance(3000);
    expect(ep()).toMatch(/^(10\.244\.0\.\d+:8080,){2}10\.244\.0\.\d+:8080 \+ 2 more\.\.\.$/);
  });
});
