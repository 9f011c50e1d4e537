import { describe, expect, it } from "vitest";
import { body, call, newCluster, scaleBootcamp } from "./testing";

// biome-ignore lint/suspicious/noExplicitAny: tests poke into arbitrary JSON.
type Ev = { type: string; object: any };

function open(
  cluster: ReturnType<typeof newCluster>["cluster"],
  query: Record<string, string>,
  table: boolean,
): { events: Ev[]; close(): void } {
  const res = call(cluster, "GET", "/api/v1/namespaces/default/pods", {
    query: { watch: "true", ...query },
    table,
  });
  expect(res.status).toBe(200);
  const stream = res.stream;
  if (!stream) throw new Error("no stream");
  const events: Ev[] = [];
  let buf = "";
  stream.start(
    (chunk) => {
      buf += chunk;
      let i = buf.indexOf("\n");
      while (i >= 0) {
        events.push(JSON.parse(buf.slice(0, i)) as Ev);
        buf = buf.slice(i + 1);
        i = buf.indexOf("\n");
      }
    },
    () => {},
  );
  return { events, close: () => stream.close() };
}

describe("watch", () => {
  it("sends plain objects without the Table Accept header", () => {
    const { cluster } = newCluster();
    const w = open(cluster, {}, false);
    expect(w.events).toHaveLength(1);
    expect(w.events[0]?.type).toBe("ADDED");
    expect(w.events[0]?.object.kind).toBe("Pod");
    expect(w.events[0]?.object.metadata.name).toMatch(/^kubernetes-bootcamp-/);
    w.close();
  });

  it("sends one-row Tables as `kubectl get -w` asks, column definitions on the first event only", () => {
    const { cluster, clock } = newCluster();
    const list = body(call(cluster, "GET", "/api/v1/namespaces/default/pods", { table: true }));
    const w = open(cluster, { resourceVersion: list.metadata.resourceVersion }, true);
    expect(w.events).toHaveLength(0);
    scaleBootcamp(cluster, 2);
    clock.advance(5000);
    cluster.tick();
    expect(w.events.length).toBeGreaterThan(2);
    const [first, ...rest] = w.events;
    expect(first?.type).toBe("ADDED");
    expect(first?.object.kind).toBe("Table");
    expect(first?.object.apiVersion).toBe("meta.k8s.io/v1");
    expect(first?.object.columnDefinitions.map((c: { name: string }) => c.name)).toEqual(
      list.columnDefinitions.map((c: { name: string }) => c.name),
    );
    expect(first?.object.rows).toHaveLength(1);
    expect(first?.object.rows[0].cells[2]).toBe("Pending");
    expect(first?.object.rows[0].object.kind).toBe("PartialObjectMetadata");
    for (const e of rest) {
      expect(e.object.kind).toBe("Table");
      expect(e.object.columnDefinitions).toBeNull();
      expect(e.object.rows).toHaveLength(1);
    }
    const statuses = w.events.map((e) => e.object.rows[0].cells[2]);
    expect(statuses).toContain("ContainerCreating");
    expect(statuses.at(-1)).toBe("Running");
    w.close();
  });

  it("honours includeObject on Table rows", () => {
    const { cluster } = newCluster();
    const full = open(cluster, { includeObject: "Object" }, true);
    expect(full.events[0]?.object.rows[0].object.spec.containers).toHaveLength(1);
    const none = open(cluster, { includeObject: "None" }, true);
    expect(none.events[0]?.object.rows[0].object).toBeUndefined();
    full.close();
    none.close();
  });

  it("keeps ERROR events as Status for a too old resourceVersion", () => {
    const { cluster } = newCluster();
    const w = open(cluster, { resourceVersion: "1" }, true);
    expect(w.events[0]?.type).toBe("ERROR");
    expect(w.events[0]?.object).toMatchObject({ kind: "Status", reason: "Expired", code: 410 });
    w.close();
  });
});
