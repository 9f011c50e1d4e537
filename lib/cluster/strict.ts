/**
 * Server-side field validation (`?fieldValidation=Strict|Warn|Ignore`, Warn when absent): the
 * unknown and duplicate fields of a request body, found as the API server's strict JSON decoder
 * finds them (sigs.k8s.io/json: in document order, with the field's path such as
 * `spec.template.spec.containers[0].ports[0].protocl`; a field both unknown and repeated is
 * reported once, as unknown). What is known comes from the OpenAPI v3 schema of the kind (the
 * documents the host registers, lib/cluster/openapi.ts): objects with `properties` are Go
 * structs, `additionalProperties` are maps, which take any key. Without a registered document
 * nothing is checked.
 */
import { ApiError, badRequest } from "./errors";
import { openApiSource } from "./openapi";

type Json = Record<string, unknown>;
type Schema = Json;

export type FieldValidation = "Strict" | "Warn" | "Ignore";

export function fieldValidationOf(q: URLSearchParams): FieldValidation {
  const v = q.get("fieldValidation") ?? "";
  if (v === "") return "Warn";
  if (v === "Strict" || v === "Warn" || v === "Ignore") return v;
  throw badRequest(`fieldValidation parameter unsupported: ${v}`);
}

const documents = new Map<string, Schema | undefined>();

function schemasOf(gv: string): Schema | undefined {
  if (documents.has(gv)) return documents.get(gv);
  const text = openApiSource()?.document(gv);
  let schemas: Schema | undefined;
  if (text !== undefined) {
    try {
      schemas = ((JSON.parse(text) as Json)["components"] as Json | undefined)?.["schemas"] as
        | Schema
        | undefined;
    } catch {
      schemas = undefined;
    }
  }
  documents.set(gv, schemas);
  return schemas;
}

/** kindSchema's answers: the documents never change, and finding a kind scans all of one. */
const kinds = new Map<string, { root: Schema; all: Schema } | undefined>();

/**
 * The schema of a kind (`x-kubernetes-group-version-kind`), with the document's schemas. Found
 * once per kind: the scan over every schema of the document was a tenth of each `kubectl create`
 * of a loop (issue 12).
 */
function kindSchema(group: string, version: string, kind: string): { root: Schema; all: Schema } | undefined {
  const key = `${group}/${version}/${kind}`;
  if (kinds.has(key)) return kinds.get(key);
  const found = findKindSchema(group, version, kind);
  kinds.set(key, found);
  return found;
}

function findKindSchema(
  group: string,
  version: string,
  kind: string,
): { root: Schema; all: Schema } | undefined {
  const all = schemasOf(group === "" ? `api/${version}` : `apis/${group}/${version}`);
  if (all === undefined) return undefined;
  for (const s of Object.values(all)) {
    const gvks = (s as Json)["x-kubernetes-group-version-kind"];
    if (
      Array.isArray(gvks) &&
      gvks.some((g: Json) => g["group"] === group && g["version"] === version && g["kind"] === kind)
    )
      return { root: s as Schema, all };
  }
  return undefined;
}

/** Follows `$ref` and `allOf: [{$ref}]` to the schema they name. */
function deref(s: Schema | undefined, all: Schema): Schema | undefined {
  let cur = s;
  for (let i = 0; i < 8 && cur !== undefined; i++) {
    const ref =
      (cur["$ref"] as string | undefined) ??
      ((cur["allOf"] as Json[] | undefined)?.[0]?.["$ref"] as string | undefined);
    if (ref === undefined) return cur;
    cur = all[ref.replace("#/components/schemas/", "")] as Schema | undefined;
  }
  return cur;
}

/** A scanner over the request's JSON text: keys in order, repeated keys kept. */
class Scanner {
  i = 0;
  constructor(readonly s: string) {}
  ws(): void {
    while (this.i < this.s.length && " \t\n\r".includes(this.s[this.i] as string)) this.i++;
  }
  peek(): string {
    this.ws();
    return this.s[this.i] ?? "";
  }
  string(): string {
    this.ws();
    const start = this.i;
    this.i++;
    while (this.i < this.s.length && this.s[this.i] !== '"') this.i += this.s[this.i] === "\\" ? 2 : 1;
    this.i++;
    return JSON.parse(this.s.slice(start, this.i)) as string;
  }
  skipScalar(): void {
    this.ws();
    if (this.s[this.i] === '"') {
      this.string();
      return;
    }
    while (this.i < this.s.length && !",]} \t\n\r".includes(this.s[this.i] as string)) this.i++;
  }
}

/** The strict decoder's complaints about `body` for the kind, in its order and words. */
export function strictErrors(body: string, group: string, version: string, kind: string): string[] {
  const found = kindSchema(group, version, kind);
  if (found === undefined) return [];
  return scan(body, found.root, found.all);
}

/** Repeated keys anywhere in `body` (a patch decoded into a map: nothing there is unknown). */
export function duplicateErrors(body: string): string[] {
  return scan(body, undefined, {});
}

/**
 * The unknown fields of a decoded object (a patch's result): each struct's known fields first,
 * in the schema's (alphabetical) order, then its own unknown keys, sorted, as the unstructured
 * converter reports them.
 */
export function unknownFields(obj: unknown, group: string, version: string, kind: string): string[] {
  const found = kindSchema(group, version, kind);
  if (found === undefined) return [];
  const errs: string[] = [];
  const walk = (v: unknown, schema: Schema | undefined, path: string): void => {
    const s = deref(schema, found.all);
    if (Array.isArray(v)) {
      for (const [i, item] of v.entries()) walk(item, s?.["items"] as Schema | undefined, `${path}[${i}]`);
      return;
    }
    if (v === null || typeof v !== "object" || s === undefined) return;
    const o = v as Json;
    const props = s["properties"] as Json | undefined;
    const at = (k: string) => (path === "" ? k : `${path}.${k}`);
    if (props === undefined) {
      const map = s["additionalProperties"];
      if (typeof map === "object" && map !== null)
        for (const k of Object.keys(o).sort()) walk(o[k], map as Schema, at(k));
      return;
    }
    for (const k of Object.keys(props).sort()) if (k in o) walk(o[k], props[k] as Schema, at(k));
    for (const k of Object.keys(o).sort()) if (!(k in props)) errs.push(`unknown field "${at(k)}"`);
  };
  walk(obj, found.root, "");
  return errs;
}

/** Drops what the typed decoder drops: the unknown fields of a decoded object, in place. */
export function pruneUnknown<T>(obj: T, group: string, version: string, kind: string): T {
  const found = kindSchema(group, version, kind);
  if (found === undefined) return obj;
  const walk = (v: unknown, schema: Schema | undefined): void => {
    const s = deref(schema, found.all);
    if (Array.isArray(v)) {
      for (const item of v) walk(item, s?.["items"] as Schema | undefined);
      return;
    }
    if (v === null || typeof v !== "object" || s === undefined) return;
    const o = v as Json;
    const props = s["properties"] as Json | undefined;
    if (props === undefined) {
      const map = s["additionalProperties"];
      if (typeof map === "object" && map !== null) for (const k of Object.keys(o)) walk(o[k], map as Schema);
      return;
    }
    for (const k of Object.keys(o)) {
      if (k in props) walk(o[k], props[k] as Schema);
      else delete o[k];
    }
  };
  walk(obj, found.root);
  return obj;
}

function scan(body: string, root: Schema | undefined, all: Schema): string[] {
  const found = { root, all };
  const errs: string[] = [];
  const sc = new Scanner(body);
  const walk = (schema: Schema | undefined, path: string): void => {
    const s = deref(schema, found.all);
    const c = sc.peek();
    if (c === "{") {
      sc.i++;
      const props = s?.["properties"] as Json | undefined;
      const isStruct = props !== undefined;
      const map = s?.["additionalProperties"] as Schema | undefined;
      const seen = new Set<string>();
      const unknown = new Set<string>();
      while (sc.peek() !== "}" && sc.peek() !== "") {
        const key = sc.string();
        sc.peek();
        sc.i++; // the colon
        const at = path === "" ? key : `${path}.${key}`;
        if (isStruct && !(key in props)) {
          if (!unknown.has(key)) errs.push(`unknown field "${at}"`);
          unknown.add(key);
          walk(undefined, at);
        } else {
          if (seen.has(key)) errs.push(`duplicate field "${at}"`);
          seen.add(key);
          walk(isStruct ? (props[key] as Schema) : typeof map === "object" ? map : undefined, at);
        }
        if (sc.peek() === ",") sc.i++;
      }
      sc.i++;
      return;
    }
    if (c === "[") {
      sc.i++;
      const items = s?.["items"] as Schema | undefined;
      for (let n = 0; sc.peek() !== "]" && sc.peek() !== ""; n++) {
        walk(items, `${path}[${n}]`);
        if (sc.peek() === ",") sc.i++;
      }
      sc.i++;
      return;
    }
    sc.skipScalar();
  };
  try {
    walk(found.root, "");
  } catch {
    return errs;
  }
  return errs;
}

/** `strict decoding error: unknown field "spec.replica", …` (runtime.NewStrictDecodingError). */
export const strictDecodingError = (errs: string[]): string => `strict decoding error: ${errs.join(", ")}`;

/** The 400 a create or update answers in Strict mode (the handlers' transformDecodeError). */
export function strictBadRequest(kind: string, version: string, errs: string[]): ApiError {
  return badRequest(
    `${kind} in version "${version}" cannot be handled as a ${kind}: ${strictDecodingError(errs)}`,
  );
}

/** Go's `%+v` of a decoded JSON value: `map[k:v …]` with sorted keys, `[a b]`, `<nil>`. */
export function goValue(v: unknown): string {
  if (v === null || v === undefined) return "<nil>";
  if (Array.isArray(v)) return `[${v.map(goValue).join(" ")}]`;
  if (typeof v === "object")
    return `map[${Object.keys(v as Json)
      .sort()
      .map((k) => `${k}:${goValue((v as Json)[k])}`)
      .join(" ")}]`;
  return String(v);
}

/** Go's strconv.Quote. */
export function goQuote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const cp = ch.codePointAt(0) ?? 0;
    if (ch === '"' || ch === "\\") out += `\\${ch}`;
    else if (ch === "\n") out += "\\n";
    else if (ch === "\t") out += "\\t";
    else if (ch === "\r") out += "\\r";
    else if (ch === "\x07") out += "\\a";
    else if (ch === "\b") out += "\\b";
    else if (ch === "\f") out += "\\f";
    else if (ch === "\v") out += "\\v";
    else if (cp < 0x20 || cp === 0x7f) out += `\\x${cp.toString(16).padStart(2, "0")}`;
    else out += ch;
  }
  return `${out}"`;
}

/**
 * The 422 a patch answers in Strict mode (the patch handler's applyPatchToObject): an Invalid
 * with no kind and no name whose one cause is the field `patch`, its value the decoded patch.
 */
export function strictPatchInvalid(patch: unknown, errs: string[]): ApiError {
  const message = `Invalid value: ${goQuote(goValue(patch))}: ${strictDecodingError(errs)}`;
  return new ApiError(422, "Invalid", ` "" is invalid: patch: ${message}`, {
    causes: [{ reason: "FieldValueInvalid", message, field: "patch" }],
  } as never);
}

/** The Warning header carrying each complaint (`299 - "unknown field \"spec.replica\""`). */
export function warningHeader(errs: string[]): string {
  return errs.map((e) => `299 - ${JSON.stringify(e)}`).join(", ");
}
