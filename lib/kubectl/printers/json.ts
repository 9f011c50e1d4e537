/** `-o json`: Go's json.MarshalIndent(obj, "", "    ") of an unstructured object (map keys sorted). */

function goString(s: string): string {
  return JSON.stringify(s)
    .replace(/</g, "\\u003c")
    .replace(/>/g, "\\u003e")
    .replace(/&/g, "\\u0026")
    .replace(/\u2028/g, "\\u2028")
    .replace(/\u2029/g, "\\u2029");
}

const byteOrder = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

export function goJson(v: unknown, indent = "    ", level = 0, sorted = true): string {
  if (v === null || v === undefined) return "null";
  if (typeof v === "string") return goString(v);
  if (typeof v === "number") return Number.isFinite(v) ? String(v) : "null";
  if (typeof v === "boolean") return v ? "true" : "false";
  const pad = indent.repeat(level + 1);
  const end = indent.repeat(level);
  if (Array.isArray(v)) {
    if (v.length === 0) return "[]";
    return `[\n${v.map((x) => pad + goJson(x, indent, level + 1, sorted)).join(",\n")}\n${end}]`;
  }
  const o = v as Record<string, unknown>;
  const present = Object.keys(o).filter((k) => o[k] !== undefined);
  const keys = sorted ? present.sort(byteOrder) : present;
  if (keys.length === 0) return "{}";
  return `{\n${keys.map((k) => `${pad}${goString(k)}: ${goJson(o[k], indent, level + 1, sorted)}`).join(",\n")}\n${end}}`;
}

export function printJson(v: unknown): string {
  return `${goJson(v)}\n`;
}

/** `-o json` of a typed Go object (what kubectl built itself): fields in the struct's order, as given. */
export function printJsonTyped(v: unknown): string {
  return `${goJson(v, "    ", 0, false)}\n`;
}

/** Go's json.Marshal (compact, sorted keys). */
export function goJsonCompact(v: unknown): string {
  if (v === null || v === undefined || typeof v !== "object") return goJson(v);
  if (Array.isArray(v)) return `[${v.map(goJsonCompact).join(",")}]`;
  const o = v as Record<string, unknown>;
  const keys = Object.keys(o)
    .filter((k) => o[k] !== undefined)
    .sort(byteOrder);
  return `{${keys.map((k) => `${goJson(k)}:${goJsonCompact(o[k])}`).join(",")}}`;
}
