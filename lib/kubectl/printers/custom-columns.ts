/** `-o custom-columns=HEADER:.json.path,…`: a table whose cells are JSONPath results. */
import { fail, type Obj } from "../client";
import { tableTabs } from "../tabwriter";
import {
  type JsonPathRegexes,
  jsonPathRegexes,
  jsonPathText,
  jsonPathValues,
  relaxedJsonPath,
} from "./jsonpath";

export interface CustomColumn {
  header: string;
  path: string;
}

export function parseCustomColumns(spec: string): CustomColumn[] {
  if (spec === "") throw fail("custom-columns format specified but no custom columns given");
  return spec.split(",").map((part) => {
    const idx = part.indexOf(":");
    if (idx < 0) throw fail(`unexpected custom-columns spec: ${part}, expected <header>:<json-path-expr>`);
    return { header: part.slice(0, idx), path: relaxedJsonPath(part.slice(idx + 1)) };
  });
}

export function printCustomColumns(
  columns: CustomColumn[],
  items: Obj[],
  noHeaders: boolean,
  regex: JsonPathRegexes = jsonPathRegexes(undefined),
): string {
  const lines: string[] = [];
  if (!noHeaders) lines.push(columns.map((c) => c.header).join("\t"));
  for (const item of items) {
    const cells = columns.map((c) => {
      const vals = jsonPathValues(c.path, item, regex);
      if (vals.length === 0 || vals.every((v) => v === undefined)) return "<none>";
      return vals.map(jsonPathText).join(",");
    });
    lines.push(cells.join("\t"));
  }
  return tableTabs(`${lines.join("\n")}\n`);
}
