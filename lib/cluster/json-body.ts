/**
 * JSON responses that an in-process caller can read without the JSON round trip.
 *
 * Our kubectl and the step checks call the API handler in the same thread: serialising each
 * answer to text only for them to parse it back was a third of the garbage a plain line made
 * (ADR 0050). A response made by `jsonResponse` keeps the value it was made from and writes its
 * `body` only when someone reads it (the HTTP API server, `kubectl get --raw`, curl): the text
 * is the very `JSON.stringify` it always was. `responseJson` gives an in-process caller what
 * `JSON.parse(body)` would give — a fresh copy made without the text, owned by the caller, so
 * neither side can change what the other sees (the store is copy-on-write, and the copy shares
 * nothing with it).
 *
 * The value is kept beside the response, not on it: a response rebuilt by a spread (`{ ...res,
 * headers }`) reads the body, carries the text and falls back to parsing it.
 */
import type { ApiResponse } from "./types";

const values = new WeakMap<ApiResponse, unknown>();

/** A response whose body is `JSON.stringify(value)` plus `suffix`, written when first read. */
export function jsonResponse(
  status: number,
  headers: Record<string, string>,
  value: object,
  suffix = "\n",
): ApiResponse {
  let text: string | undefined;
  const res = { status, headers } as ApiResponse;
  Object.defineProperty(res, "body", {
    enumerable: true,
    configurable: true,
    get: () => {
      text ??= `${JSON.stringify(value)}${suffix}`;
      return text;
    },
    set: (v: string) => {
      values.delete(res);
      text = v;
    },
  });
  values.set(res, value);
  return res;
}

/** Whether the response was made by `jsonResponse` (its body is JSON, never empty). */
export function isJsonResponse(res: ApiResponse): boolean {
  return values.has(res);
}

/**
 * What `JSON.parse(res.body)` returns, without the text when the response was made by
 * `jsonResponse` in this thread; throws what JSON.parse throws otherwise.
 */
export function responseJson(res: ApiResponse): unknown {
  return values.has(res) ? jsonCopy(values.get(res)) : JSON.parse(res.body);
}

/**
 * `JSON.parse(JSON.stringify(v))` without the text, for the values JSON.stringify accepts
 * (no cycles, no BigInt): `toJSON` is called, undefined, functions and symbols are left out of
 * objects and become null in arrays, non-finite numbers become null, -0 becomes 0, and keys keep
 * their order. The copy shares no object with `v`.
 */
export function jsonCopy(v: unknown, key = ""): unknown {
  if (v !== null && typeof v === "object" && typeof (v as { toJSON?: unknown }).toJSON === "function") {
    v = (v as { toJSON: (k: string) => unknown }).toJSON(key);
  }
  switch (typeof v) {
    case "string":
    case "boolean":
      return v;
    case "number":
      return Number.isFinite(v) ? (v === 0 ? 0 : v) : null;
    case "bigint":
      throw new TypeError("Do not know how to serialize a BigInt");
    case "object": {
      if (v === null) return null;
      if (v instanceof Number || v instanceof String || v instanceof Boolean) return jsonCopy(v.valueOf());
      if (Array.isArray(v)) {
        const out = new Array<unknown>(v.length);
        for (let i = 0; i < v.length; i++) {
          const c = jsonCopy(v[i], String(i));
          out[i] = c === undefined ? null : c;
        }
        return out;
      }
      const out: Record<string, unknown> = {};
      // for…in over a plain object visits its own keys in Object.keys order, without the array
      for (const k in v) {
        if (!Object.hasOwn(v, k)) continue;
        const c = jsonCopy((v as Record<string, unknown>)[k], k);
        if (c === undefined) continue;
        if (k === "__proto__") {
          Object.defineProperty(out, k, { value: c, enumerable: true, writable: true, configurable: true });
        } else out[k] = c;
      }
      return out;
    }
    default:
      return undefined;
  }
}
