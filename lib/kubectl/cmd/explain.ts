/**
 * `kubectl explain TYPE[.FIELD…]`: as kubectl v1.32 does it, from the server's OpenAPI v3
 * documents (`/openapi/v3`, then the group-version's document) rendered as its plaintext
 * template renders them: the GROUP/KIND/VERSION header, `FIELD: name <type>`, the description
 * (the field's, then its type's) word-wrapped at 76 columns, and the FIELDS list (with
 * `-required-`), or with --recursive the field tree without descriptions.
 */
import { ApiError, asArr, asObj, CmdError, fail, type Obj, str } from "../client";
import type { Command } from "./types";

const REF_PREFIX = "#/components/schemas/";

/** github.com/mitchellh/go-wordwrap's WrapString: break at spaces so a line holds at most `lim` runes. */
export function wrapString(s: string, lim: number): string {
  let out = "";
  let current = 0;
  let word = "";
  let space = "";
  const wlen = (x: string): number => [...x].length;
  for (const ch of s) {
    if (ch === "\n") {
      if (word === "") {
        if (current + wlen(space) > lim) current = 0;
        else out += space;
      } else {
        out += space + word;
      }
      space = "";
      word = "";
      out += ch;
      current = 0;
    } else if (/\s/.test(ch) && ch !== "\u00a0") {
      if (space === "" || word !== "") {
        current += wlen(space) + wlen(word);
        out += space + word;
        space = "";
        word = "";
      }
      space += ch;
    } else {
      word += ch;
      const wl = wlen(word);
      if (current + wlen(space) + wl > lim && wl < lim) {
        out += "\n";
        current = 0;
        space = "";
      }
    }
  }
  if (word === "") {
    if (current + wlen(space) <= lim) out += space;
  } else out += space + word;
  return out;
}

const indent = (s: string, n: number): string =>
  s
    .split("\n")
    .map((l) => " ".repeat(n) + l)
    .join("\n");

interface Doc {
  schemas: Record<string, Obj>;
}

function resolveRef(doc: Doc, ref: unknown): Obj | undefined {
  const r = str(ref);
  return r.startsWith(REF_PREFIX) ? doc.schemas[r.slice(REF_PREFIX.length)] : undefined;
}

/** The schema a field's type stands for: through `allOf: [{$ref}]` and `$ref`. */
function deref(doc: Doc, s: Obj): Obj {
  const allOf = asArr(s["allOf"]);
  if (allOf.length === 1 && !s["properties"]) return deref(doc, asObj(allOf[0]));
  if (s["$ref"]) return resolveRef(doc, s["$ref"]) ?? {};
  return s;
}

/** What the template prints between `<` and `>`: `string`, `[]Container`, `map[string]string`, `PodSpec`. */
function typeGuess(doc: Doc, s: Obj): string {
  if (s["items"]) return `[]${typeGuess(doc, asObj(s["items"]))}`;
  if (s["additionalProperties"] && typeof s["additionalProperties"] === "object")
    return `map[string]${typeGuess(doc, asObj(s["additionalProperties"]))}`;
  const allOf = asArr(s["allOf"]);
  if (allOf.length === 1 && !s["properties"]) return typeGuess(doc, asObj(allOf[0]));
  if (s["$ref"]) {
    const target = resolveRef(doc, s["$ref"]) ?? {};
    const t = str(target["type"]);
    if (t && t !== "object") return typeGuess(doc, target);
    return str(s["$ref"]).split(".").pop() ?? "Object";
  }
  const t = str(s["type"]);
  return !t || t === "object" ? "Object" : t;
}

/** The element schema a field path walks into: arrays' items and maps' values. */
function elementOf(doc: Doc, s: Obj): Obj {
  const d = deref(doc, s);
  if (d["items"]) return elementOf(doc, asObj(d["items"]));
  if (d["additionalProperties"] && typeof d["additionalProperties"] === "object" && !d["properties"])
    return elementOf(doc, asObj(d["additionalProperties"]));
  return d;
}

function fieldLines(doc: Doc, s: Obj, recursive: boolean, depth: number, seen: string[]): string {
  const props = asObj(s["properties"]);
  const required = asArr(s["required"]).map(str);
  let out = "";
  for (const name of Object.keys(props).sort()) {
    const p = asObj(props[name]);
    const pad = "  ".repeat(depth);
    out += `${pad}${name}\t<${typeGuess(doc, p)}>${required.includes(name) ? " -required-" : ""}\n`;
    if (recursive) {
      const el = elementOf(doc, p);
      const key = JSON.stringify(el);
      if (el["properties"] && !seen.includes(key))
        out += fieldLines(doc, el, true, depth + 1, [...seen, key]);
    } else {
      const desc = str(p["description"]);
      out += `${indent(wrapString(desc, 76), 4)}\n\n`;
    }
  }
  return out;
}

/**
 * Group-version documents already read, by their URL (which carries the document's hash), as
 * kubectl keeps them in its discovery cache: a document with another hash is another URL, so
 * nothing stale is served, and a 1.6 MB document is not fetched and parsed on every explain.
 */
const documents = new Map<string, Obj>();

export const explainCommand: Command = {
  name: "explain",
  args: "resource",
  short: "Get documentation for a resource",
  flags: [
    { name: "recursive", kind: "bool", def: "false" },
    { name: "api-version", kind: "string", def: "" },
    { name: "output", short: "o", kind: "string", def: "plaintext" },
  ],
  async run(ctx, f) {
    const arg = f.args[0];
    if (!arg)
      throw fail(
        'You must specify the type of resource to explain. Use "kubectl api-resources" for a complete list of supported resources.\n',
      );
    const [type = "", ...fieldPath] = arg.split(".");
    const info = ctx.client.resolve(type);
    let group = info.group;
    let version = info.version;
    const apiVersion = f.str("api-version");
    if (apiVersion) {
      const i = apiVersion.lastIndexOf("/");
      group = i < 0 ? "" : apiVersion.slice(0, i);
      version = i < 0 ? apiVersion : apiVersion.slice(i + 1);
    }
    const gvPath = group ? `apis/${group}/${version}` : `api/${version}`;
    let document: Obj;
    try {
      const index = asObj(ctx.client.get("/openapi/v3")["paths"]);
      const url = str(asObj(index[gvPath])["serverRelativeURL"]);
      if (!url)
        throw fail(
          `couldn't find resource for "${group ? `${group}/` : ""}${version}, Resource=${info.resource}"`,
        );
      const cached = documents.get(url);
      if (cached !== undefined) document = cached;
      else {
        const [p = "", q = ""] = url.split("?");
        document = ctx.client.get(p, Object.fromEntries(new URLSearchParams(q)));
        documents.set(url, document);
      }
    } catch (e) {
      if (e instanceof ApiError) throw fail(`failed to download openapi: ${e.message}`);
      throw e;
    }
    const doc: Doc = { schemas: asObj(asObj(document["components"])["schemas"]) as Record<string, Obj> };
    const schema = Object.values(doc.schemas).find((s) =>
      asArr(s["x-kubernetes-group-version-kind"]).some((g) => {
        const o = asObj(g);
        return str(o["group"]) === group && str(o["version"]) === version && str(o["kind"]) === info.kind;
      }),
    );
    if (!schema)
      throw fail(
        `couldn't find resource for "${group ? `${group}/` : ""}${version}, Resource=${info.resource}"`,
      );

    let out = group ? `GROUP:      ${group}\n` : "";
    out += `KIND:       ${info.kind}\nVERSION:    ${version}\n\n`;
    let current = schema;
    let field: Obj | undefined;
    for (const name of fieldPath) {
      const props = asObj(current["properties"]);
      if (!Object.hasOwn(props, name)) {
        ctx.out(out);
        throw new CmdError(`error: field "${name}" does not exist\n`);
      }
      field = asObj(props[name]);
      current = elementOf(doc, field);
    }
    let description: string;
    if (field) {
      out += `FIELD: ${fieldPath[fieldPath.length - 1]} <${typeGuess(doc, field)}>\n\n\n`;
      const typeDesc = str(current["description"]);
      description = [str(field["description"]), current !== field ? typeDesc : ""]
        .filter((d) => d !== "")
        .join("\n");
    } else description = str(schema["description"]);
    out += `DESCRIPTION:\n${indent(wrapString(description, 76), 4)}\n    \n`;
    if (current["properties"]) {
      out += "FIELDS:\n";
      out += fieldLines(doc, current, f.bool("recursive"), 1, [JSON.stringify(current)]);
    }
    ctx.out(`${out}\n`);
    return 0;
  },
};
