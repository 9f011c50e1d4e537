/**
 * `kubectl edit TYPE/NAME`: the live object as YAML under kubectl's comment header in a
 * temporary file, `$KUBE_EDITOR` / `$EDITOR` (default vi) run on it through the calling shell,
 * then a patch of what changed — `edited`, or `Edit cancelled, no changes made.`
 */
import { parse as parseYaml } from "yaml";
import { ApiError, asObj, fail, kindPrefix, type Obj } from "../client";
import { toYaml } from "../printers/yaml";
import { noResources, resolveTargets } from "./mutate";
import type { Command } from "./types";

const HEADER =
  "# Please edit the object below. Lines beginning with a '#' will be ignored,\n# and an empty file will abort the edit. If an error occurs while saving this file will be\n# reopened with the relevant failures.\n#\n";

const isPlain = (v: unknown): v is Obj => v !== null && typeof v === "object" && !Array.isArray(v);

/** The two-way merge patch from `before` to `after` (a removed field is null). */
export function twoWay(before: unknown, after: Obj): Obj {
  const patch: Obj = {};
  const b = isPlain(before) ? before : {};
  for (const [k, v] of Object.entries(after)) {
    if (JSON.stringify(b[k]) === JSON.stringify(v)) continue;
    patch[k] = isPlain(v) && isPlain(b[k]) ? twoWay(b[k], v) : v;
  }
  for (const k of Object.keys(b)) if (!(k in after)) patch[k] = null;
  return patch;
}

/** Without managedFields, as `--show-managed-fields=false` prints it. */
function shown(obj: Obj): Obj {
  const metadata = { ...asObj(obj.metadata) };
  delete metadata.managedFields;
  return { ...obj, metadata };
}

function stripComments(text: string): string {
  return text
    .split("\n")
    .filter((l) => !l.startsWith("#"))
    .join("\n");
}

export const editCommand: Command = {
  name: "edit",
  args: "resource",
  short: "Edit a resource on the server",
  flags: [
    { name: "filename", short: "f", kind: "strings", def: "" },
    { name: "output", short: "o", kind: "string", def: "" },
    { name: "output-patch", kind: "bool", def: "false" },
    { name: "windows-line-endings", kind: "bool", def: "false" },
    { name: "save-config", kind: "bool", def: "false" },
    { name: "validate", kind: "string", def: "strict" },
    { name: "subresource", kind: "string", def: "" },
    { name: "show-managed-fields", kind: "bool", def: "false" },
  ],
  async run(ctx, f) {
    if (f.args.length === 0) throw noResources();
    const { targets, failed } = resolveTargets(ctx, f.args, {});
    if (failed) return 1;
    const io = ctx.io;
    if (io.spawn === undefined || io.writeFile === undefined || io.readFile === undefined)
      throw fail('there was a problem with the editor "vi"');
    for (const t of targets) {
      const original = shown(t.obj);
      const text = `${HEADER}${toYaml(original)}`;
      const file = `/tmp/kubectl-edit-${String(io.clock.now() % 10_000_000_000).padStart(10, "0")}.yaml`;
      const werr = io.writeFile(file, text);
      if (werr !== undefined) throw fail(`open ${file}: ${werr.toLowerCase()}`);
      const editor = (io.env.get("KUBE_EDITOR") || io.env.get("EDITOR") || "vi").trim();
      const code = await io.spawn([...editor.split(/\s+/), file]);
      if (code !== 0) throw fail(`there was a problem with the editor "${editor}"`);
      const edited = io.readFile(file) ?? "";
      if (edited === text) {
        ctx.err("Edit cancelled, no changes made.\n");
        continue;
      }
      const body = stripComments(edited);
      if (body.trim() === "") {
        ctx.err("Edit cancelled, saved file was empty.\n");
        continue;
      }
      let after: unknown;
      try {
        after = parseYaml(body);
      } catch {
        const resource = t.info.group ? `${t.info.resource}.${t.info.group}` : t.info.resource;
        ctx.err(
          `error: ${resource} "${t.name}" is invalid\nA copy of your changes has been stored to "${file}"\n`,
        );
        throw fail("Edit cancelled, no valid changes were saved.");
      }
      const patch = twoWay(original, asObj(after));
      if (Object.keys(patch).length === 0) {
        ctx.err("Edit cancelled, no changes made.\n");
        continue;
      }
      try {
        ctx.client.json("PATCH", ctx.client.resourcePath(t.info, t.namespace, t.name), {
          body: patch,
          contentType: "application/strategic-merge-patch+json",
          query: { fieldManager: "kubectl-edit", fieldValidation: "Strict" },
        });
      } catch (e) {
        if (!(e instanceof ApiError)) throw e;
        ctx.err(`error: ${e.message}\nA copy of your changes has been stored to "${file}"\n`);
        throw fail("Edit cancelled, no valid changes were saved.");
      }
      ctx.out(`${kindPrefix(t.info)}/${t.name} edited\n`);
    }
    return 0;
  },
};
