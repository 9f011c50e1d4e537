import { describe, expect, it } from "vitest";
import { decodeProtobuf } from "./protobuf";

/** A tiny protobuf writer for length-delimited fields and varints (enough for the envelope). */
function varint(n: number): number[] {
  const out: number[] = [];
  let v = n;
  while (v >= 128) {
    out.push((v % 128) | 128);
    v = Math.floor(v / 128);
  }
  out.push(v);
  return out;
}

function field(num: number, value: string | number | number[]): number[] {
  if (typeof value === "number") return [num * 8, ...varint(value)];
  const bytes = typeof value === "string" ? [...new TextEncoder().encode(value)] : value;
  return [num * 8 + 2, ...varint(bytes.length), ...bytes];
}

function envelope(apiVersion: string, kind: string, raw: number[]): string {
  const bytes = [
    0x6b,
    0x38,
    0x73,
    0,
    ...field(1, [...field(1, apiVersion), ...field(2, kind)]),
    ...field(2, raw),
    ...field(3, ""),
    ...field(4, ""),
  ];
  return String.fromCharCode(...bytes);
}

describe("decodeProtobuf", () => {
  it("decodes a Namespace as kubectl create namespace sends it, dropping zero scalars", () => {
    const meta = [...field(1, "demo"), ...field(2, ""), ...field(7, 0), ...field(8, [])];
    const raw = [...field(1, meta), ...field(2, []), ...field(3, field(1, ""))];
    expect(decodeProtobuf(envelope("v1", "Namespace", raw))).toEqual({
      apiVersion: "v1",
      kind: "Namespace",
      metadata: { name: "demo", creationTimestamp: null },
      spec: {},
      status: {},
    });
  });

  it("keeps pointer fields at zero, maps labels and IntOrString ports", () => {
    const labels = field(11, [...field(1, "app"), ...field(2, "web")]);
    const port = [...field(3, 80), ...field(4, [...field(1, 0), ...field(2, 8080), ...field(3, "")])];
    const svc = [
      ...field(1, [...field(1, "web"), ...labels]),
      ...field(2, [...field(1, port), ...field(4, "NodePort")]),
    ];
    expect(decodeProtobuf(envelope("v1", "Service", svc))).toEqual({
      apiVersion: "v1",
      kind: "Service",
      metadata: { name: "web", labels: { app: "web" } },
      spec: { ports: [{ port: 80, targetPort: 8080 }], type: "NodePort" },
    });
    const spec = field(2, [...field(1, 0)]);
    const d = decodeProtobuf(envelope("apps/v1", "Deployment", [...field(1, field(1, "idle")), ...spec]));
    expect(d["spec"]).toEqual({ replicas: 0 });
  });

  it("answers 400 for a body without the k8s prefix or of an unknown kind", () => {
    expect(() => decodeProtobuf("{}")).toThrow(/not a Kubernetes protobuf object/);
    expect(() => decodeProtobuf(envelope("batch/v1", "Job", []))).toThrow(/no kind "Job"/);
  });
});
