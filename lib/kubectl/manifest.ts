/**
 * kubectl's resource builder for `-f`: reads files, directories and stdin (`-f -`), splits
 * multi-document YAML (and `kind: List`), maps each object's apiVersion/kind to a resource
 * through discovery, and checks what client-side validation checks — in kubectl's words.
 * Also the error aggregation cmdutil.CheckErr prints at the end of apply/create/delete -f.
 */
import { parseAllDocuments } from "yaml";
import { ApiError, asArr, asObj, CmdError, fail, type Obj, type ResourceInfo, str } from "./client";
import type { Ctx } from "./cmd/types";

export interface ManifestObject {
  /** The file as kubectl names it in messages (`deploy.yaml`, `STDIN`). */
  source: string;
  obj: Obj;
  info: ResourceInfo;
  name: string;
  /** The object's namespace, or the command's (-n / default) for a namespaced kind. */
  namespace: string | undefined;
}

export interface Manifests {
  objects: ManifestObject[];
  /** Errors of the builder (unparsable files, unknown kinds): the valid objects still run. */
  errors: string[];
}

const YAML_EXT = /\.(ya?ml|json)$/;

/** go-yaml's words for the parse errors learners make (indentation, tabs). */
function yamlError(e: { code?: string; message: string; linePos?: { line: number }[] }): string {
  const line = e.linePos?.[0]?.line ?? 1;
  switch (e.code) {
    case "TAB_AS_INDENT":
      return `yaml: line ${line}: found character that cannot start any token`;
    case "BAD_INDENT":
    case "MISSING_CHAR":
      return `yaml: line ${Math.max(1, line - 1)}: did not find expected key`;
    case "MULTILINE_IMPLICIT_KEY":
      return `yaml: line ${e.linePos?.[1]?.line ?? line}: mapping values are not allowed in this context`;
    case "UNEXPECTED_TOKEN":
    case "BLOCK_AS_IMPLICIT_KEY":
      return `yaml: line ${e.linePos?.[1]?.line ?? line}: mapping values are not allowed in this context`;
    case "DUPLICATE_KEY":
      return `yaml: unmarshal errors:\n  line ${line}: mapping key already defined`;
    default:
      return `yaml: line ${line}: ${e.message.split("\n")[0] ?? ""}`;
  }
}

/** The documents of one file, or a parse error in kubectl's words. */
function parseDocs(text: string, source: string, validate: boolean): Obj[] | string {
  // sigs.k8s.io/yaml reads YAML 1.1 (`yes`, `on`, `y` are booleans) and keeps the last of duplicate keys
  const docs = parseAllDocuments(text, { uniqueKeys: false, version: "1.1" });
  if (!Array.isArray(docs)) return [];
  const out: Obj[] = [];
  for (const doc of docs) {
    // a plain scalar running onto the next line ends at the `:` go-yaml stops on
    const err = doc.errors.find((e) => e.code === "MULTILINE_IMPLICIT_KEY") ?? doc.errors[0];
    if (err !== undefined)
      return `error parsing ${source}: error converting YAML to JSON: ${yamlError(err as never)}`;
    const value: unknown = doc.toJS({ maxAliasCount: 100 });
    if (value === null || value === undefined) continue;
    // client-side validation looks at the document before the decoder does
    if (validate && (typeof value !== "object" || Array.isArray(value)))
      return `error validating "${source}": error validating data: invalid object to validate; if you choose to ignore these errors, turn validation off with --validate=false`;
    if (typeof value !== "object" || Array.isArray(value))
      return `unable to decode "${source}": json: cannot unmarshal ${Array.isArray(value) ? "array" : typeof value === "string" ? "string" : typeof value === "boolean" ? "bool" : "number"} into Go value of type unstructured.detector`;
    const o = value as Obj;
    if (typeof o.kind === "string" && o.kind.endsWith("List") && Array.isArray(o.items))
      for (const item of o.items) out.push(asObj(item));
    else out.push(o);
  }
  return out;
}

/** The texts behind `-f` arguments: [source name, text] pairs, or a fatal error. */
function readSources(ctx: Ctx, filenames: string[], recursive: boolean): [string, string][] {
  const out: [string, string][] = [];
  const io = ctx.io;
  for (const f of filenames) {
    if (f === "-") {
      out.push(["STDIN", io.stdin]);
      continue;
    }
    const url = /^https?:\/\/([^/:?#]+)/.exec(f);
    // the classroom's workstation has no way out to the internet: Go's http.Get fails on DNS
    if (url !== null) throw fail(`Get "${f}": dial tcp: lookup ${url[1]}: no such host`);
    const text = io.readFile?.(f);
    if (text !== undefined) {
      out.push([f, text]);
      continue;
    }
    const entries = io.listDir?.(f);
    if (entries === undefined) throw fail(`the path "${f}" does not exist`);
    const walk = (dir: string, names: string[]): void => {
      for (const n of [...names].sort()) {
        // filepath.Join: `-f .` names the files without `./`
        const base = dir.replace(/\/+$/, "");
        const p = base === "." || base === "" ? n : `${base}/${n}`;
        const t = io.readFile?.(p);
        if (t !== undefined) {
          if (YAML_EXT.test(n)) out.push([p, t]);
        } else if (recursive) {
          const sub = io.listDir?.(p);
          if (sub !== undefined) walk(p, sub);
        }
      }
    };
    walk(f, entries);
  }
  return out;
}

/** Builds the objects of `-f` arguments; throws what aborts the command (validation, namespace). */
export function readManifests(
  ctx: Ctx,
  filenames: string[],
  opts: { recursive?: boolean; validate?: boolean } = {},
): Manifests {
  const sources = readSources(ctx, filenames, opts.recursive ?? false);
  const objects: ManifestObject[] = [];
  const errors: string[] = [];
  const docs: [string, Obj][] = [];
  for (const [source, text] of sources) {
    const parsed = parseDocs(text, source, opts.validate !== false);
    if (typeof parsed === "string") errors.push(parsed);
    else for (const o of parsed) docs.push([source, o]);
  }
  if (opts.validate !== false) {
    for (const [source, o] of docs) {
      const missing = ["apiVersion", "kind"].filter((k) => str(o[k]) === "").map((k) => `${k} not set`);
      if (missing.length > 0)
        throw fail(
          `error validating "${source}": error validating data: ${missing.length === 1 ? missing[0] : `[${missing.join(", ")}]`}; if you choose to ignore these errors, turn validation off with --validate=false`,
        );
    }
  }
  if (docs.length === 0 && errors.length === 0) throw fail("no objects passed to apply");
  for (const [source, o] of docs) {
    const apiVersion = str(o.apiVersion);
    const kind = str(o.kind);
    const metadata = asObj(o.metadata);
    const name = str(metadata.name);
    const [group, version] = apiVersion.includes("/") ? apiVersion.split("/", 2) : ["", apiVersion];
    const info = ctx.client
      .discover()
      .find((r) => r.group === group && r.version === version && r.kind === kind);
    if (info === undefined) {
      errors.push(
        `resource mapping not found for name: "${name}" namespace: "${str(metadata.namespace)}" from "${source}": no matches for kind "${kind}" in version "${apiVersion}"\nensure CRDs are installed first`,
      );
      continue;
    }
    const own = str(metadata.namespace);
    if (info.namespaced && own !== "" && ctx.namespaceExplicit && own !== ctx.namespace)
      throw fail(
        `the namespace from the provided object "${own}" does not match the namespace "${ctx.namespace}". You must pass '--namespace=${own}' to perform this operation.`,
      );
    objects.push({
      source,
      obj: o,
      info,
      name,
      namespace: info.namespaced ? own || ctx.namespace : undefined,
    });
  }
  return { objects, errors };
}

/** `Error from server (Reason): error when VERB "FILE": message` */
/** An error of one object; `alone` is how CheckErr prints it when it is the only one. */
export type VisitFailure = string | { text: string; alone: string };

/**
 * cmdutil.CheckErr's words for an Invalid: `The Deployment "x" is invalid: FIELD: WHY`, or
 * `The request is invalid: …` when the Status names no object (a patch the server refused).
 */
export function invalidText(e: ApiError): string {
  const details = e.body?.["details"];
  if (details === undefined || details === null || typeof details !== "object")
    return `The request is invalid${e.message ? `: ${e.message}` : ""}\n`;
  const d = asObj(details);
  const kind = str(d["kind"]);
  const name = str(d["name"]);
  const head = kind || name ? `The ${kind} "${name}" is invalid` : "The request is invalid";
  const causes = asArr(d["causes"]).map((c) => {
    const o = asObj(c);
    return str(o["field"]) ? `${str(o["field"])}: ${str(o["message"])}` : str(o["message"]);
  });
  if (causes.length === 0) return `${head}\n`;
  if (causes.length === 1) return `${head}: ${causes[0]}\n`;
  return `${head}: \n${causes.map((c) => `* ${c}\n`).join("")}`;
}

export function visitError(e: unknown, verb: string, source: string): VisitFailure {
  if (e instanceof ApiError) {
    const text = `Error from server${e.reason ? ` (${e.reason})` : ""}: error when ${verb} "${source}": ${e.message}`;
    return e.reason === "Invalid" ? { text, alone: invalidText(e) } : text;
  }
  if (e instanceof CmdError) return e.text.replace(/^error: /, "").replace(/\n$/, "");
  return e instanceof Error ? e.message : String(e);
}

/**
 * What cmdutil.CheckErr prints for the errors a -f command gathered: one error alone in its
 * own voice (`error: …` unless it came from the server), several one per line as they are.
 */
export function reportErrors(ctx: Ctx, errors: VisitFailure[]): number {
  if (errors.length === 0) return 0;
  if (errors.length === 1) {
    const only = errors[0] ?? "";
    if (typeof only !== "string") ctx.err(only.alone);
    else ctx.err(only.startsWith("Error from server") ? `${only}\n` : `error: ${only}\n`);
    return 1;
  }
  for (const e of errors) ctx.err(`${typeof e === "string" ? e : e.text}\n`);
  return 1;
}

/** Several builder errors are one aggregate: `[a, b]`. */
export function aggregate(errors: string[]): string[] {
  if (errors.length <= 1) return errors;
  return [`[${errors.join(", ")}]`];
}
