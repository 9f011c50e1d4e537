/**
 * `kubectl apply -f`, `kubectl create -f` and `kubectl delete -f`: client-side apply as kubectl
 * v1.32 does it — GET, then POST with the last-applied-configuration annotation (`created`), or
 * a strategic merge patch from the three-way diff of last-applied, the file and the live object
 * (`configured`), or nothing when that patch is empty (`unchanged`).
 */
import { ApiError, asObj, fail, kindPrefix, type Obj } from "../client";
import type { FlagSpec, ParsedFlags } from "../flags";
import {
  aggregate,
  type ManifestObject,
  readManifests,
  reportErrors,
  type VisitFailure,
  visitError,
} from "../manifest";
import { type DryRun, dryRunFlag, dryRunOf, dryRunQuery, dryRunSuffix } from "./dryrun";
import { type Command, type Ctx, sleep } from "./types";

export const LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration";

const isPlain = (v: unknown): v is Obj => v !== null && typeof v === "object" && !Array.isArray(v);

/** Go's encoding/json of a map: keys sorted, no spaces. */
export function goJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(goJson).join(",")}]`;
  if (isPlain(v))
    return `{${Object.keys(v)
      .sort()
      .filter((k) => v[k] !== undefined)
      .map((k) => `${JSON.stringify(k)}:${goJson(v[k])}`)
      .join(",")}}`;
  return JSON.stringify(v) ?? "null";
}

/** Every field `want` sets has that value in `have` (the live object carries defaults besides). */
function contains(have: unknown, want: unknown): boolean {
  if (isPlain(want)) {
    if (!isPlain(have)) return Object.keys(want).length === 0 && have === undefined;
    return Object.entries(want).every(([k, v]) => contains(have[k], v));
  }
  if (Array.isArray(want)) {
    if (!Array.isArray(have) || have.length !== want.length) return false;
    return want.every((w, i) => contains(have[i], w));
  }
  if (want === null) return have === undefined || have === null;
  // YAML `8080` and a live `8080`, `"1"` and `"1"`
  return have === want;
}

/**
 * The three-way patch: fields of `modified` the live object lacks or differs in, and fields of
 * `original` (the last applied) that `modified` no longer has, set to null.
 */
function threeWay(original: unknown, modified: Obj, current: unknown): Obj {
  const patch: Obj = {};
  const cur = isPlain(current) ? current : {};
  const orig = isPlain(original) ? original : {};
  for (const [k, v] of Object.entries(modified)) {
    if (contains(cur[k], v)) continue;
    if (isPlain(v) && isPlain(cur[k])) {
      const sub = threeWay(orig[k], v, cur[k]);
      if (Object.keys(sub).length > 0) patch[k] = sub;
    } else patch[k] = v;
  }
  for (const k of Object.keys(orig)) if (!(k in modified) && cur[k] !== undefined) patch[k] = null;
  return patch;
}

/** The object as kubectl keeps it in the annotation: its own annotations, the namespace filled in. */
function lastApplied(m: ManifestObject): Obj {
  const metadata = { ...asObj(m.obj.metadata) };
  const annotations = { ...asObj(metadata.annotations) };
  delete annotations[LAST_APPLIED];
  metadata.annotations = annotations;
  if (m.namespace !== undefined) metadata.namespace = m.namespace;
  return { ...m.obj, metadata };
}

function withAnnotation(m: ManifestObject, applied: string): Obj {
  const metadata = { ...asObj(m.obj.metadata) };
  metadata.annotations = { ...asObj(metadata.annotations), [LAST_APPLIED]: applied };
  if (m.namespace !== undefined) metadata.namespace = m.namespace;
  return { ...m.obj, metadata };
}

function filenames(ctx: Ctx, f: ParsedFlags): string[] {
  const files = f.list("filename");
  if (files.length === 0) throw fail("must specify one of -f and -k");
  void ctx;
  return files;
}

/** kubectl's GetValidationDirective: `--validate` as the server's `fieldValidation`. */
export function validationDirective(f: ParsedFlags): "Strict" | "Warn" | "Ignore" {
  const v = f.str("validate");
  // strconv.ParseBool's spellings first
  if (["1", "t", "T", "TRUE", "true", "True"].includes(v)) return "Strict";
  if (["0", "f", "F", "FALSE", "false", "False"].includes(v)) return "Ignore";
  if (v === "strict") return "Strict";
  if (v === "warn") return "Warn";
  if (v === "ignore") return "Ignore";
  throw fail(`invalid - validate option "${v}"; must be one of: strict (or true), warn, ignore (or false)`);
}

const validateOf = (f: ParsedFlags): boolean => validationDirective(f) !== "Ignore";

const FILE_FLAGS: FlagSpec[] = [
  { name: "filename", short: "f", kind: "strings", def: "" },
  { name: "recursive", short: "R", kind: "bool", def: "false" },
  { name: "validate", kind: "string", def: "strict" },
  dryRunFlag,
  { name: "output", short: "o", kind: "string", def: "" },
  { name: "field-manager", kind: "string", def: "kubectl-client-side-apply" },
];

function applyOne(ctx: Ctx, m: ManifestObject, mode: DryRun, fieldValidation: string): string {
  const prefix = `${kindPrefix(m.info)}/${m.name}`;
  const path = ctx.client.resourcePath(m.info, m.namespace, m.name);
  const applied = `${goJson(lastApplied(m))}\n`;
  const query: Record<string, string> = {
    fieldManager: "kubectl-client-side-apply",
    fieldValidation,
    ...dryRunQuery(mode),
  };
  let current: Obj | undefined;
  try {
    current = ctx.client.get(path);
  } catch (e) {
    if (!(e instanceof ApiError) || e.status !== 404) throw e;
  }
  if (current === undefined) {
    if (mode !== "client")
      ctx.client.json("POST", ctx.client.resourcePath(m.info, m.namespace), {
        body: withAnnotation(m, applied),
        query,
      });
    return `${prefix} created${dryRunSuffix(mode)}`;
  }
  const originalText = asObj(asObj(current.metadata).annotations)[LAST_APPLIED];
  if (originalText === undefined)
    ctx.err(
      `Warning: resource ${m.info.resource}/${m.name} is missing the ${LAST_APPLIED} annotation which is required by kubectl apply. kubectl apply should only be used on resources created declaratively by either kubectl create --save-config or kubectl apply. The missing annotation will be patched automatically.\n`,
    );
  let original: unknown;
  try {
    original = typeof originalText === "string" ? JSON.parse(originalText) : undefined;
  } catch {
    original = undefined;
  }
  const patch = threeWay(original, withAnnotation(m, applied), current);
  if (Object.keys(patch).length === 0) return `${prefix} unchanged${dryRunSuffix(mode)}`;
  if (mode !== "client")
    ctx.client.json("PATCH", path, {
      body: patch,
      query,
      contentType: "application/strategic-merge-patch+json",
    });
  return `${prefix} configured${dryRunSuffix(mode)}`;
}

/**
 * Reads the files' objects and visits each as kubectl's resource visitor does: a failure is
 * noted as `error when <verb> "<file>": …` and the next object is still visited.
 */
function visitManifests(
  ctx: Ctx,
  files: string[],
  opts: { recursive: boolean; validate: boolean; verb: string },
  visit: (m: ManifestObject) => void,
): { errors: string[]; failed: VisitFailure[] } {
  const { objects, errors } = readManifests(ctx, files, opts);
  const failed: VisitFailure[] = [];
  for (const m of objects) {
    try {
      visit(m);
    } catch (e) {
      failed.push(visitError(e, opts.verb, m.source));
    }
  }
  return { errors, failed };
}

export const applyCommand: Command = {
  name: "apply",
  short: "Apply a configuration to a resource by file name or stdin",
  flags: [...FILE_FLAGS, { name: "prune", kind: "bool", def: "false" }],
  async run(ctx, f) {
    const mode = dryRunOf(ctx, f);
    const fieldValidation = validationDirective(f);
    const { errors, failed } = visitManifests(
      ctx,
      filenames(ctx, f),
      { recursive: f.bool("recursive"), validate: validateOf(f), verb: "creating" },
      (m) => ctx.out(`${applyOne(ctx, m, mode, fieldValidation)}\n`),
    );
    return reportErrors(ctx, [...aggregate(errors), ...failed]);
  },
};

/** `kubectl create -f`: POST each object; an existing one is AlreadyExists. */
export async function createFromFiles(ctx: Ctx, f: ParsedFlags): Promise<number> {
  const mode = dryRunOf(ctx, f);
  const fieldValidation = validationDirective(f);
  const { errors, failed } = visitManifests(
    ctx,
    filenames(ctx, f),
    { recursive: f.bool("recursive"), validate: validateOf(f), verb: "creating" },
    (m) => {
      if (mode !== "client") {
        const metadata = { ...asObj(m.obj.metadata) };
        if (m.namespace !== undefined) metadata.namespace = m.namespace;
        ctx.client.json("POST", ctx.client.resourcePath(m.info, m.namespace), {
          body: { ...m.obj, metadata },
          query: {
            fieldManager: "kubectl-create",
            fieldValidation,
            ...dryRunQuery(mode),
          },
        });
      }
      ctx.out(`${kindPrefix(m.info)}/${m.name} created${dryRunSuffix(mode)}\n`);
    },
  );
  return reportErrors(ctx, [...failed, ...errors]);
}

/** The flags `kubectl create` needs for `-f` (besides its own). */
export const CREATE_FILE_FLAGS = FILE_FLAGS.filter(
  (x) => x.name !== "filename" && x.name !== "field-manager",
);

/** `kubectl delete -f`: DELETE each object named in the files. */
export async function deleteFromFiles(
  ctx: Ctx,
  f: ParsedFlags,
  body: Record<string, unknown>,
  mode: DryRun,
): Promise<number> {
  const deleted: ManifestObject[] = [];
  const { errors, failed } = visitManifests(
    ctx,
    f.list("filename"),
    { recursive: f.bool("recursive"), validate: false, verb: "deleting" },
    (m) => {
      try {
        if (mode !== "client")
          ctx.client.json("DELETE", ctx.client.resourcePath(m.info, m.namespace, m.name), {
            // kubectl asks for a server dry run in the DeleteOptions body
            body: mode === "server" ? { ...body, dryRun: ["All"] } : body,
          });
      } catch (e) {
        if (e instanceof ApiError && e.status === 404 && f.bool("ignore-not-found")) return;
        throw e;
      }
      ctx.out(
        f.str("output") === "name"
          ? `${kindPrefix(m.info)}/${m.name}\n`
          : `${kindPrefix(m.info)} "${m.name}" deleted${dryRunSuffix(mode)}\n`,
      );
      deleted.push(m);
    },
  );
  // --wait: until the objects are gone (pods terminate gracefully)
  if (f.bool("wait") && mode === "none")
    for (const m of deleted)
      for (let i = 0; i < 120; i++) {
        const res = ctx.client.send("GET", ctx.client.resourcePath(m.info, m.namespace, m.name));
        if (res.status === 404) break;
        if (!(await sleep(ctx.io, 1000))) return 130;
      }
  return reportErrors(ctx, [...failed, ...errors]);
}
