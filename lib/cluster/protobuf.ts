/**
 * Request bodies in Kubernetes' protobuf encoding (`application/vnd.kubernetes.protobuf`), as
 * kubectl's typed clients send them (`kubectl create deployment|namespace|service|configmap|
 * secret`). The body is the 4-byte magic `k8s\0` and a runtime.Unknown envelope whose `raw`
 * field holds the object. We decode it into the same JSON shape the API server's JSON decoder
 * would produce, from a table of field numbers (facts of the k8s.io/api generated.proto files)
 * for the kinds kubectl creates that way. Fields outside the table are skipped.
 *
 * Go's JSON `omitempty` drops zero scalars, while gogo-protobuf always writes non-pointer fields;
 * so zero scalars are dropped unless the Go field is a pointer (marked `?`), and messages
 * always decode (an empty struct is `{}` in Go's JSON too).
 */
import { ApiError, badRequest } from "./errors";
import messages from "./protobuf-schema.json" with { type: "json" };

export const PROTOBUF = "application/vnd.kubernetes.protobuf";

type Scalar = "string" | "int" | "bool" | "bytes";
/** [json name, type, repeated]; type is a scalar, `time`, `intstr`, `map:<value type>` or a message name. */
type Field = [string, string, boolean?];
type Schema = Record<number, Field>;

/**
 * The messages we decode, by name: field number → [json name, type, repeated]. Kept as data in
 * protobuf-schema.json (facts of k8s.io/api's generated.proto files, not logic); JSON has no
 * tuples, so its arrays are read as the Field tuples they are.
 */
const S = messages as unknown as Record<string, Schema>;

/** Kinds whose protobuf bodies we decode. */
export const PROTOBUF_KINDS = [
  "Deployment",
  "Namespace",
  "Service",
  "ConfigMap",
  "Secret",
  "SelfSubjectAccessReview",
  "SelfSubjectRulesReview",
];

class Reader {
  i = 0;
  constructor(readonly b: Uint8Array) {}
  done(): boolean {
    return this.i >= this.b.length;
  }
  varint(): number {
    let r = 0;
    let mul = 1;
    for (let n = 0; n < 10; n++) {
      const x = this.b[this.i++];
      if (x === undefined) throw new Error("truncated varint");
      r += (x & 127) * mul;
      if (!(x & 128)) return r;
      mul *= 128;
    }
    throw new Error("varint too long");
  }
  bytes(): Uint8Array {
    const n = this.varint();
    if (this.i + n > this.b.length) throw new Error("truncated field");
    const out = this.b.subarray(this.i, this.i + n);
    this.i += n;
    return out;
  }
  skip(wire: number): void {
    if (wire === 0) this.varint();
    else if (wire === 2) this.bytes();
    else if (wire === 1) this.i += 8;
    else if (wire === 5) this.i += 4;
    else throw new Error(`unsupported wire type ${wire}`);
  }
}

const utf8 = new TextDecoder();

/** int64/int32 varints arrive as two's complement in 64 bits. */
function signed(n: number): number {
  return n >= 2 ** 63 ? n - 2 ** 64 : n;
}

function base64(b: Uint8Array): string {
  let s = "";
  for (const x of b) s += String.fromCharCode(x);
  return btoa(s);
}

function rfc3339(seconds: number, nanos: number): string {
  const iso = new Date(seconds * 1000).toISOString().slice(0, 19);
  return nanos ? `${iso}.${String(nanos).padStart(9, "0").replace(/0+$/, "")}Z` : `${iso}Z`;
}

function decodeValue(type: string, raw: Uint8Array | number): unknown {
  const base = type.replace(/\?$/, "") as Scalar | string;
  if (typeof raw === "number") {
    if (base === "bool") return raw !== 0;
    return signed(raw);
  }
  switch (base) {
    case "string":
      return utf8.decode(raw);
    case "bytes":
      return base64(raw);
    case "time": {
      const t = decodeMessage(raw, { 1: ["seconds", "int?"], 2: ["nanos", "int"] });
      if (t["seconds"] === undefined) return null;
      return rfc3339(Number(t["seconds"]), Number(t["nanos"] ?? 0));
    }
    case "intstr": {
      const v = decodeMessage(raw, { 1: ["type", "int"], 2: ["intVal", "int?"], 3: ["strVal", "string?"] });
      return v["type"] === 1 ? (v["strVal"] ?? "") : (v["intVal"] ?? 0);
    }
    case "Quantity":
      return decodeMessage(raw, { 1: ["string", "string?"] })["string"] ?? "0";
  }
  const schema = S[base];
  if (!schema) throw new Error(`no schema for ${base}`);
  return decodeMessage(raw, schema);
}

function isZero(v: unknown): boolean {
  return v === "" || v === 0 || v === false;
}

function decodeMessage(b: Uint8Array, schema: Schema): Record<string, unknown> {
  const r = new Reader(b);
  const out: Record<string, unknown> = {};
  while (!r.done()) {
    const key = r.varint();
    const num = Math.floor(key / 8);
    const wire = key % 8;
    const field = schema[num];
    if (!field) {
      r.skip(wire);
      continue;
    }
    const [name, type, repeated] = field;
    if (type.startsWith("map:")) {
      const entry = decodeMessage(r.bytes(), { 1: ["key", "string?"], 2: ["value", "bytes?"] });
      const map = (out[name] ?? {}) as Record<string, unknown>;
      // Re-decode the value with its real type (the entry was read as bytes above).
      map[String(entry["key"] ?? "")] = mapValue(type.slice(4), String(entry["value"] ?? ""));
      out[name] = map;
      continue;
    }
    let value: unknown;
    if (wire === 0) value = decodeValue(type, r.varint());
    else if (wire === 2) {
      // Packed repeated scalars do not occur in the kinds above; strings and messages do.
      value = decodeValue(type, r.bytes());
    } else {
      r.skip(wire);
      continue;
    }
    if (repeated) {
      const list = (out[name] ?? []) as unknown[];
      list.push(value);
      out[name] = list;
    } else if (type.endsWith("?") || !isZero(value)) {
      out[name] = value;
    }
  }
  return out;
}

/** A map value was read as base64 bytes; turn it into its declared type. */
function mapValue(type: string, b64: string): unknown {
  const bin = atob(b64);
  const bytes = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
  return decodeValue(type, bytes);
}

/**
 * Decode a protobuf request body (one byte per char, as the HTTP edge hands binary bodies over)
 * into the object JSON the API server would see. Throws the 400 the API server sends for a body
 * it cannot decode.
 */
export function decodeProtobuf(body: string): Record<string, unknown> {
  const bytes = new Uint8Array(body.length);
  for (let i = 0; i < body.length; i++) bytes[i] = body.charCodeAt(i) & 255;
  if (bytes[0] !== 0x6b || bytes[1] !== 0x38 || bytes[2] !== 0x73 || bytes[3] !== 0) {
    throw badRequest("provided value is not a Kubernetes protobuf object (missing prefix)");
  }
  try {
    const env = decodeMessage(bytes.subarray(4), {
      1: ["typeMeta", "TypeMeta"],
      2: ["raw", "bytes?"],
      3: ["contentEncoding", "string"],
      4: ["contentType", "string"],
    });
    const tm = (env["typeMeta"] ?? {}) as { apiVersion?: string; kind?: string };
    const kind = tm.kind ?? "";
    if (!PROTOBUF_KINDS.includes(kind)) {
      throw badRequest(`no kind "${kind}" is registered for the protobuf encoding in this simulation`);
    }
    const raw = String(env["raw"] ?? "");
    const obj = mapValue(kind, raw) as Record<string, unknown>;
    return { apiVersion: tm.apiVersion, kind, ...obj };
  } catch (e) {
    if (e instanceof ApiError) throw e;
    throw badRequest(`proto: ${e instanceof Error ? e.message : String(e)}`);
  }
}
