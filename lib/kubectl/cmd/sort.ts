/**
 * `--sort-by`: kubectl evaluates a JSONPath on each object and sorts by the first value —
 * numbers numerically, timestamps by time (their RFC 3339 text orders the same way), strings in
 * natural order (digit runs compared as numbers). It sorts with Go's `sort.Sort`, which is not
 * stable: rows with equal keys come out in the order Go's pdqsort leaves them (see ../gosort).
 */
import { asObj, type Obj, str } from "../client";
import { goSortArray } from "../gosort";
import { jsonPathValues, relaxedJsonPath } from "../printers/jsonpath";

function isDigit(c: string | undefined): boolean {
  return c !== undefined && c >= "0" && c <= "9";
}

/**
 * Natural "less than" as kubectl's (the sortorder package's NaturalLess): `pod-2` < `pod-10`;
 * a digit sorts before any other character; equal numbers with fewer leading zeros first;
 * otherwise bytes compare as they are, and a prefix sorts first.
 */
export function naturalLess(a: string, b: string): boolean {
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const da = isDigit(a[i]);
    const db = isDigit(b[j]);
    if (da !== db) return da;
    if (!da) {
      if (a[i] !== b[j]) return (a[i] as string) < (b[j] as string);
      i++;
      j++;
      continue;
    }
    while (i < a.length && a[i] === "0") i++;
    while (j < b.length && b[j] === "0") j++;
    const nzA = i;
    const nzB = j;
    while (isDigit(a[i])) i++;
    while (isDigit(b[j])) j++;
    if (i - nzA !== j - nzB) return i - nzA < j - nzB;
    const na = a.slice(nzA, i);
    const nb = b.slice(nzB, j);
    if (na !== nb) return na < nb;
    if (nzA !== nzB) return nzA < nzB;
  }
  return a.length < b.length;
}

function less(a: unknown, b: unknown): boolean {
  if (typeof a === "number" && typeof b === "number") return a < b;
  if (a === undefined || a === null) return b !== undefined && b !== null;
  if (b === undefined || b === null) return false;
  if (typeof a === "string" && typeof b === "string") return naturalLess(a, b);
  return naturalLess(JSON.stringify(a), JSON.stringify(b));
}

/**
 * Sorts `items` by the JSONPath `expr` as kubectl does: Go's `sort.Sort` over a Less where an
 * item without a value is "less" than anything (even another item without one), so equal keys
 * keep no defined order but exactly kubectl's. `objectOf` picks the object of an item.
 */
export function sortByJsonPath<T>(items: T[], expr: string, objectOf: (item: T) => Obj): T[] {
  const path = relaxedJsonPath(expr);
  const keyed = items.map((item) => {
    const values = jsonPathValues(path, objectOf(item));
    return { item, found: values.length > 0, key: values[0] };
  });
  goSortArray(keyed, (x, y) => {
    if (!x.found) return true;
    if (!y.found) return false;
    return less(x.key, y.key);
  });
  return keyed.map((k) => k.item);
}

/** namespace/name of an object, to match table rows with full objects. */
export function objectKey(o: Obj): string {
  const m = asObj(o.metadata);
  return `${str(m.namespace)}/${str(m.name)}`;
}
