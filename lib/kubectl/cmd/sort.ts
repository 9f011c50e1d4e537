/**
 * `--sort-by`: kubectl evaluates a JSONPath on each object and sorts stably by the first value —
 * numbers numerically, timestamps by time (their RFC 3339 text orders the same way), strings in
 * natural order (digit runs compared as numbers).
 */
import { asObj, type Obj, str } from "../client";
import { jsonPathValues, relaxedJsonPath } from "../printers/jsonpath";

function isDigit(c: string | undefined): boolean {
  return c !== undefined && c >= "0" && c <= "9";
}

/** Natural "less than": `pod-2` < `pod-10`. */
export function naturalLess(a: string, b: string): boolean {
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    if (isDigit(a[i]) && isDigit(b[j])) {
      let ei = i;
      while (isDigit(a[ei])) ei++;
      let ej = j;
      while (isDigit(b[ej])) ej++;
      const na = a.slice(i, ei).replace(/^0+/, "");
      const nb = b.slice(j, ej).replace(/^0+/, "");
      if (na.length !== nb.length) return na.length < nb.length;
      if (na !== nb) return na < nb;
      i = ei;
      j = ej;
      continue;
    }
    if (a[i] !== b[j]) return (a[i] ?? "") < (b[j] ?? "");
    i++;
    j++;
  }
  return a.length - i < b.length - j;
}

function less(a: unknown, b: unknown): boolean {
  if (typeof a === "number" && typeof b === "number") return a < b;
  if (a === undefined || a === null) return b !== undefined && b !== null;
  if (b === undefined || b === null) return false;
  if (typeof a === "string" && typeof b === "string") return naturalLess(a, b);
  return naturalLess(JSON.stringify(a), JSON.stringify(b));
}

/** Sorts `items` by the JSONPath `expr` (stable); `objectOf` picks the object of an item. */
export function sortByJsonPath<T>(items: T[], expr: string, objectOf: (item: T) => Obj): T[] {
  const path = relaxedJsonPath(expr);
  const keyed = items.map((item) => ({ item, key: jsonPathValues(path, objectOf(item))[0] }));
  keyed.sort((x, y) => (less(x.key, y.key) ? -1 : less(y.key, x.key) ? 1 : 0));
  return keyed.map((k) => k.item);
}

/** namespace/name of an object, to match table rows with full objects. */
export function objectKey(o: Obj): string {
  const m = asObj(o.metadata);
  return `${str(m.namespace)}/${str(m.name)}`;
}
