/** Picks the printer for `-o` / `--template` (cli-runtime's PrintFlags). */
import { CmdError, fail, type Obj } from "../client";
import type { FlagSpec, ParsedFlags } from "../flags";
import type { RegexCost } from "../re2";
import { parseCustomColumns, printCustomColumns } from "./custom-columns";
import { executeGoTemplate, TemplateError } from "./go-template";
import { printJson } from "./json";
import { executeJsonPath, JsonPathError, jsonPathRegexes, relaxedJsonPath } from "./jsonpath";
import { printYaml } from "./yaml";

export const printFlags: FlagSpec[] = [
  { name: "output", short: "o", kind: "string", def: "" },
  { name: "template", kind: "string", def: "" },
  { name: "show-managed-fields", kind: "bool", def: "false" },
  { name: "allow-missing-template-keys", kind: "bool", def: "true" },
];

export type OutputKind =
  | "table"
  | "wide"
  | "json"
  | "yaml"
  | "name"
  | "jsonpath"
  | "go-template"
  | "custom-columns";

export interface Output {
  kind: OutputKind;
  arg: string;
  /** The calling line's budget, charged by a JSONPath filter's `=~` (KubectlIO.regexCost). */
  regexCost?: RegexCost;
}

const ALLOWED =
  "custom-columns,custom-columns-file,go-template,go-template-file,json,jsonpath,jsonpath-as-json,jsonpath-file,name,template,templatefile,wide,yaml";

export function parseOutput(f: ParsedFlags, allowTable = true, regexCost?: RegexCost): Output {
  const out = outputOf(f, allowTable);
  return regexCost === undefined ? out : { ...out, regexCost };
}

function outputOf(f: ParsedFlags, allowTable: boolean): Output {
  const o = f.str("output");
  const template = f.str("template");
  const eq = o.indexOf("=");
  const name = eq >= 0 ? o.slice(0, eq) : o;
  const arg = eq >= 0 ? o.slice(eq + 1) : template;
  switch (name) {
    case "":
      if (template) return { kind: "go-template", arg: template };
      return { kind: allowTable ? "table" : "json", arg: "" };
    case "wide":
      return { kind: "wide", arg: "" };
    case "json":
    case "yaml":
    case "name":
      return { kind: name, arg: "" };
    case "jsonpath":
    case "jsonpath-as-json":
      if (!arg) throw fail("template format specified but no template given");
      return { kind: "jsonpath", arg };
    case "go-template":
    case "template":
      if (!arg) throw fail("template format specified but no template given");
      return { kind: "go-template", arg };
    case "custom-columns":
      return { kind: "custom-columns", arg };
    default:
      throw fail(
        `unable to match a printer suitable for the output format "${o}", allowed formats are: ${ALLOWED}`,
      );
  }
}

/** Render objects with a non-table output. `single` prints the object itself instead of a List. */
export function printObjects(
  out: Output,
  objs: Obj[],
  single: boolean,
  prefixFor: (o: Obj) => string,
  noHeaders = false,
): string {
  const data: Obj =
    single && objs.length === 1 && objs[0]
      ? objs[0]
      : { apiVersion: "v1", items: objs, kind: "List", metadata: { resourceVersion: "" } };
  try {
    switch (out.kind) {
      case "json":
        return printJson(data);
      case "yaml":
        return printYaml(data);
      case "name":
        return objs
          .map((o) => `${prefixFor(o)}/${String((o.metadata as Obj | undefined)?.name ?? "")}\n`)
          .join("");
      case "jsonpath":
        return executeJsonPath(
          relaxedJsonPath(out.arg).startsWith("{") && !out.arg.includes("{")
            ? relaxedJsonPath(out.arg)
            : out.arg,
          data,
          jsonPathRegexes(out.regexCost),
        );
      case "go-template":
        return executeGoTemplate(out.arg, JSON.parse(JSON.stringify(data)));
      case "custom-columns":
        return printCustomColumns(
          parseCustomColumns(out.arg),
          objs,
          noHeaders,
          jsonPathRegexes(out.regexCost),
        );
      default:
        return printJson(data);
    }
  } catch (e) {
    if (e instanceof CmdError) throw e;
    if (e instanceof JsonPathError) throw fail(`error parsing jsonpath ${out.arg}, ${e.message}`);
    if (e instanceof TemplateError)
      throw fail(`error executing template "${out.arg}": template: output:1: ${e.message}`);
    throw e;
  }
}
