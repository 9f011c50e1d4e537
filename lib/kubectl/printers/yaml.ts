/**
 * `-o yaml`: the output of sigs.k8s.io/yaml (JSON → go-yaml v2): keys sorted with go-yaml's
 * natural order, two-space indent, list items at the parent's indentation, and go-yaml's rules for
 * when a string must be quoted.
 */

function isLetter(c: string): boolean {
  return /\p{L}/u.test(c);
}
function isDigit(c: string): boolean {
  return c >= "0" && c <= "9";
}

/** go-yaml v2 keyList.Less for string keys. */
export function yamlKeyLess(a: string, b: string): boolean {
  const ar = [...a];
  const br = [...b];
  for (let i = 0; i < ar.length && i < br.length; i++) {
    const ac = ar[i] ?? "";
    const bc = br[i] ?? "";
    if (ac === bc) continue;
    const al = isLetter(ac);
    const bl = isLetter(bc);
    if (al && bl) return ac < bc;
    if (al || bl) return bl;
    let an = 0;
    let bn = 0;
    if (ac === "0" || bc === "0") {
      for (let j = i - 1; j >= 0 && isDigit(ar[j] ?? ""); j--) {
        if (ar[j] !== "0") {
          an = 1;
          bn = 1;
          break;
        }
      }
    }
    let ai = i;
    for (; ai < ar.length && isDigit(ar[ai] ?? ""); ai++) an = an * 10 + Number(ar[ai]);
    let bi = i;
    for (; bi < br.length && isDigit(br[bi] ?? ""); bi++) bn = bn * 10 + Number(br[bi]);
    if (an !== bn) return an < bn;
    if (ai !== bi) return ai < bi;
    return ac < bc;
  }
  return ar.length < br.length;
}

const SPECIAL_WORDS = new Set([
  "y",
  "Y",
  "yes",
  "Yes",
  "YES",
  "n",
  "N",
  "no",
  "No",
  "NO",
  "true",
  "True",
  "TRUE",
  "false",
  "False",
  "FALSE",
  "on",
  "On",
  "ON",
  "off",
  "Off",
  "OFF",
  "~",
  "null",
  "Null",
  "NULL",
  ".nan",
  ".NaN",
  ".NAN",
  ".inf",
  ".Inf",
  ".INF",
  "+.inf",
  "+.Inf",
  "+.INF",
  "-.inf",
  "-.Inf",
  "-.INF",
  "<<",
  "",
]);

/** Would go-yaml v2 resolve this plain scalar to something other than a string? */
function resolvesToNonString(s: string): boolean {
  if (SPECIAL_WORDS.has(s)) return true;
  const c = s[0] ?? "";
  if (!(isDigit(c) || c === "+" || c === "-" || c === ".")) return false;
  const plain = s.replace(/_/g, "");
  if (/^[-+]?(0|[1-9][0-9]*)$/.test(plain)) return true;
  if (/^[-+]?0[0-7]+$/.test(plain)) return true;
  if (/^[-+]?0[xX][0-9a-fA-F]+$/.test(plain)) return true;
  if (/^[-+]?0[bB][01]+$/.test(plain)) return true;
  if (/^[-+]?0[oO][0-7]+$/.test(plain)) return true;
  if (/^[-+]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][-+]?[0-9]+)?$/.test(plain)) return true;
  if (/^[-+]?[0-9][0-9_]*(:[0-5]?[0-9])+(\.[0-9_]*)?$/.test(s)) return true;
  // timestamps (yaml 1.1): 2006-1-2, 2006-1-2T15:4:5Z, 2006-1-2 15:4:5
  if (/^[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}$/.test(s)) return true;
  if (
    /^[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}[Tt ][0-9]{1,2}:[0-9]{1,2}:[0-9]{1,2}(\.[0-9]+)?(Z|[-+][0-9]{2}:[0-9]{2})?$/.test(
      s,
    )
  )
    return true;
  return false;
}

/** libyaml's analyze_scalar: may this text be written as a plain block scalar? */
function plainAllowed(s: string): boolean {
  if (s.length === 0) return false;
  if (s.startsWith("---") || s.startsWith("...")) return false;
  const first = s[0] ?? "";
  if ("#,[]{}&*!|>'\"%@`".includes(first)) return false;
  if ((first === "-" || first === "?" || first === ":") && (s.length === 1 || /\s/.test(s[1] ?? "")))
    return false;
  if (/^\s|\s$/.test(s)) return false;
  if (s.includes(": ") || s.includes(" #") || s.endsWith(":")) return false;
  if (/[\t\r\u0085\u2028\u2029]/.test(s)) return false;
  if (/[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]/.test(s)) return false;
  return true;
}

function doubleQuoted(s: string): string {
  let out = '"';
  for (const ch of s) {
    const code = ch.codePointAt(0) ?? 0;
    if (ch === '"') out += '\\"';
    else if (ch === "\\") out += "\\\\";
    else if (ch === "\n") out += "\\n";
    else if (ch === "\t") out += "\\t";
    else if (ch === "\r") out += "\\r";
    else if (code < 0x20 || code === 0x7f) out += `\\x${code.toString(16).toUpperCase().padStart(2, "0")}`;
    else out += ch;
  }
  return `${out}"`;
}

function scalarString(s: string, indent: string): string {
  if (s.includes("\n")) {
    // literal block scalar; chomping indicator from the trailing newlines
    const keep = s.endsWith("\n\n") ? "+" : s.endsWith("\n") ? "" : "-";
    const lead = /^\s/.test(s) ? "2" : "";
    const body = s.endsWith("\n") ? s.slice(0, keep === "+" ? undefined : -1) : s;
    const lines = body.split("\n");
    if (keep === "+") lines.pop();
    return `|${lead}${keep}\n${lines.map((l) => (l === "" ? "" : indent + l)).join("\n")}`;
  }
  if (resolvesToNonString(s)) return doubleQuoted(s);
  if (!plainAllowed(s)) return `'${s.replace(/'/g, "''")}'`;
  return s;
}

function scalar(v: unknown, indent: string): string {
  if (v === null || v === undefined) return "null";
  if (typeof v === "boolean") return v ? "true" : "false";
  if (typeof v === "number") return Number.isInteger(v) ? String(v) : String(v);
  return scalarString(String(v), indent);
}

function isEmptyCollection(v: unknown): string | undefined {
  if (Array.isArray(v) && v.length === 0) return "[]";
  if (v !== null && typeof v === "object" && !Array.isArray(v) && Object.keys(v).length === 0) return "{}";
  return undefined;
}

function emitMap(o: Record<string, unknown>, level: number, lines: string[]): void {
  const ind = "  ".repeat(level);
  const keys = Object.keys(o)
    .filter((k) => o[k] !== undefined)
    .sort((a, b) => (yamlKeyLess(a, b) ? -1 : yamlKeyLess(b, a) ? 1 : 0));
  for (const k of keys) {
    const v = o[k];
    const key = scalarString(k, ind);
    const empty = isEmptyCollection(v);
    if (empty) lines.push(`${ind}${key}: ${empty}`);
    else if (Array.isArray(v)) {
      lines.push(`${ind}${key}:`);
      emitList(v, level, lines);
    } else if (v !== null && typeof v === "object") {
      lines.push(`${ind}${key}:`);
      emitMap(v as Record<string, unknown>, level + 1, lines);
    } else lines.push(`${ind}${key}: ${scalar(v, `${ind}  `)}`);
  }
}

function emitList(a: unknown[], level: number, lines: string[]): void {
  const ind = "  ".repeat(level);
  for (const item of a) {
    const empty = isEmptyCollection(item);
    if (empty) lines.push(`${ind}- ${empty}`);
    else if (Array.isArray(item)) {
      const sub: string[] = [];
      emitList(item, level + 1, sub);
      const first = sub[0] ?? "";
      lines.push(`${ind}- ${first.slice((level + 1) * 2)}`, ...sub.slice(1));
    } else if (item !== null && typeof item === "object") {
      const sub: string[] = [];
      emitMap(item as Record<string, unknown>, level + 1, sub);
      const first = sub[0] ?? "";
      lines.push(`${ind}- ${first.slice((level + 1) * 2)}`, ...sub.slice(1));
    } else lines.push(`${ind}- ${scalar(item, `${ind}  `)}`);
  }
}

export function toYaml(v: unknown): string {
  const empty = isEmptyCollection(v);
  if (empty) return `${empty}\n`;
  const lines: string[] = [];
  if (Array.isArray(v)) emitList(v, 0, lines);
  else if (v !== null && typeof v === "object") emitMap(v as Record<string, unknown>, 0, lines);
  else return `${scalar(v, "")}\n`;
  return `${lines.join("\n")}\n`;
}

export function printYaml(v: unknown): string {
  return toYaml(v);
}
