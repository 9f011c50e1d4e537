import { describe, expect, it, vi } from "vitest";
import { isJsonResponse, jsonCopy, jsonResponse, responseJson } from "./json-body";
import { call, DEPLOY, newCluster } from "./testing";

const viaText = (v: unknown): unknown => JSON.parse(JSON.stringify(v));

describe("jsonCopy is JSON.parse(JSON.stringify(v)) without the text", () => {
  const cases: Record<string, unknown> = {
    "undefined, functions and symbols left out of objects": {
      a: undefined,
      b: () => 1,
      c: Symbol("s"),
      d: 1,
    },
    "and null in arrays": [undefined, () => 1, Symbol("s"), 2],
    "non-finite numbers and -0": {
      n: Number.NaN,
      i: Number.POSITIVE_INFINITY,
      z: -0,
      list: [-0, Number.NEGATIVE_INFINITY],
    },
    "toJSON with its key": {
      when: new Date(Date.UTC(2026, 11, 3)),
      custom: { toJSON: (k: string) => `key:${k}` },
    },
    "integer-like keys first, then insertion order": { b: 1, 2: "two", a: 2, 1: "one" },
    "a __proto__ key stays data": JSON.parse('{"__proto__":{"polluted":true},"x":1}'),
    "maps and sets become {}": { m: new Map([["a", 1]]), s: new Set([1]) },
    "boxed primitives unbox": { n: Object(3), s: Object("s"), b: Object(false) },
    nested: {
      items: [{ metadata: { name: "p", labels: { app: "x" } }, spec: { containers: [{ image: "i" }] } }],
    },
  };
  for (const [name, v] of Object.entries(cases)) {
    it(name, () => {
      const copy = jsonCopy(v);
      expect(JSON.stringify(copy)).toBe(JSON.stringify(v));
      expect(copy).toStrictEqual(viaText(v));
      expect(Object.getPrototypeOf(copy as object)).toBe(Object.getPrototypeOf(viaText(v) as object));
    });
  }
  it("-0 becomes 0 as the text makes it", () => {
    expect(Object.is((jsonCopy({ z: -0 }) as { z: number }).z, 0)).toBe(true);
  });
  it("shares no object with its source", () => {
    const src = { a: { b: [{ c: 1 }] } };
    const copy = jsonCopy(src) as typeof src;
    copy.a.b[0]!.c = 2;
    (copy.a.b as unknown[]).push(3);
    expect(src).toEqual({ a: { b: [{ c: 1 }] } });
  });
  it("refuses a BigInt as JSON.stringify does", () => {
    expect(() => jsonCopy({ n: 1n })).toThrow(TypeError);
  });
});

describe("a JSON response read in process and over HTTP", () => {
  it("writes the same text, and gives what parsing it gives", () => {
    const res = jsonResponse(200, {}, { a: 1, b: undefined, c: [Number.NaN] });
    expect(res.body).toBe('{"a":1,"c":[null]}\n');
    expect(responseJson(res)).toStrictEqual(JSON.parse(res.body));
  });

  it("hands the cluster's answers over without writing them to text", () => {
    const { cluster } = newCluster();
    const stringify = vi.spyOn(JSON, "stringify");
    try {
      const res = call(cluster, "GET", "/api/v1/namespaces/default/pods", { table: true });
      expect(isJsonResponse(res)).toBe(true);
      stringify.mockClear();
      responseJson(res);
      expect(stringify).not.toHaveBeenCalled();
    } finally {
      stringify.mockRestore();
    }
  });

  const requests: Array<[string, (c: ReturnType<typeof newCluster>["cluster"]) => ReturnType<typeof call>]> =
    [
      ["a table of pods", (c) => call(c, "GET", "/api/v1/namespaces/default/pods", { table: true })],
      ["a list of pods", (c) => call(c, "GET", "/api/v1/namespaces/default/pods")],
      ["a deployment", (c) => call(c, "GET", DEPLOY)],
      ["a deployment as a table", (c) => call(c, "GET", DEPLOY, { table: true })],
      ["a not-found Status", (c) => call(c, "GET", "/api/v1/namespaces/default/pods/nope")],
      [
        "a created config map",
        (c) =>
          call(c, "POST", "/api/v1/namespaces/default/configmaps", {
            body: { metadata: { name: "cm" }, data: { k: "v" } },
          }),
      ],
      [
        "a merge patch",
        (c) =>
          call(c, "PATCH", DEPLOY, {
            contentType: "application/merge-patch+json",
            body: { spec: { replicas: 2 } },
          }),
      ],
      ["pretty text", (c) => call(c, "GET", DEPLOY, { query: { pretty: "true" } })],
    ];
  for (const [name, send] of requests) {
    it(`${name}: the same object as the HTTP body parses to`, () => {
      const a = newCluster().cluster;
      const b = newCluster().cluster;
      const inProcess = send(a);
      const http = send(b);
      const text = http.body;
      expect(responseJson(inProcess)).toStrictEqual(JSON.parse(text));
      expect(inProcess.body).toBe(text);
      expect(inProcess.status).toBe(http.status);
    });
  }

  it("a caller changing what it was handed changes neither the store nor the response's text", () => {
    const { cluster } = newCluster();
    const res = call(cluster, "GET", DEPLOY);
    const mine = responseJson(res) as {
      metadata: { labels: Record<string, string> };
      spec: { replicas: number };
    };
    mine.metadata.labels["stolen"] = "yes";
    mine.spec.replicas = 99;
    expect(res.body).not.toContain("stolen");
    const again = responseJson(call(cluster, "GET", DEPLOY)) as typeof mine;
    expect(again.metadata.labels["stolen"]).toBeUndefined();
    expect(again.spec.replicas).not.toBe(99);
    const table = call(cluster, "GET", "/api/v1/namespaces/default/pods", { table: true });
    const rows = (responseJson(table) as { rows: Array<{ object: { metadata: { name: string } } }> }).rows;
    const name = rows[0]!.object.metadata.name;
    rows[0]!.object.metadata.name = "renamed";
    expect(JSON.parse(table.body).rows[0].object.metadata.name).toBe(name);
    expect(call(cluster, "GET", `/api/v1/namespaces/default/pods/${name}`).status).toBe(200);
    expect(responseJson(res)).not.toBe(responseJson(res));
  });

  it("a response rebuilt by a spread (a warning header added) carries the text, not the value", () => {
    const res = jsonResponse(200, {}, { a: 1, b: undefined });
    const rebuilt = { ...res, headers: { ...res.headers, warning: '299 - "unknown field"' } };
    expect(isJsonResponse(rebuilt)).toBe(false);
    expect(rebuilt.body).toBe('{"a":1}\n');
    expect(responseJson(rebuilt)).toEqual({ a: 1 });
  });

  it("a body set afterwards is what is read, in process too", () => {
    const res = jsonResponse(200, {}, { a: 1 });
    res.body = '{"b":2}';
    expect(responseJson(res)).toEqual({ b: 2 });
    expect(isJsonResponse(res)).toBe(false);
  });
});

describe("discovery answered again from its cached text", () => {
  it("gives the same text for a path asked twice, and /apis still follows the metrics group", () => {
    const { cluster, clock } = newCluster();
    const first = call(cluster, "GET", "/apis/apps/v1").body;
    expect(call(cluster, "GET", "/apis/apps/v1/").body).toBe(first);
    const groups = () =>
      (JSON.parse(call(cluster, "GET", "/apis").body).groups as Array<{ name: string }>).map((g) => g.name);
    expect(groups()).not.toContain("metrics.k8s.io");
    const labels = { "k8s-app": "metrics-server" };
    const created = call(cluster, "POST", "/apis/apps/v1/namespaces/kube-system/deployments", {
      body: {
        metadata: { name: "metrics-server", namespace: "kube-system" },
        spec: {
          replicas: 1,
          selector: { matchLabels: labels },
          template: {
            metadata: { labels },
            spec: {
              containers: [{ name: "m", image: "registry.k8s.io/metrics-server/metrics-server:v0.7.2" }],
            },
          },
        },
      },
    });
    expect(created.status).toBe(201);
    clock.advance(120_000);
    expect(groups()).toContain("metrics.k8s.io");
  });
});
