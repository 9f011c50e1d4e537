/**
 * `--sort-by`: kubectl evaluates a JSONPath on each object and sorts by the first value —
 * numbers numerically, timestamps by time (their RFC 3339 text orders the same way), strings in
 * natural order (digit runs compared as numbers). It sorts with Go's `sort.Sort`, which is not
 * stable: rows with equal keys come out in the order Go's pdqsort leaves them (see ../gosort).
 */
import { asObj, type Obj, str } from "../client";
import { goSortArray } from "../gosort";
import { jsonPathRegexes, jsonPathValues, relaxedJsonPath } from "../printers/jsonpath";
import type { RegexCost } from "../re2";

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

const SUFFIX: Record<string, [number, number]> = {
  Ki: [0, 10],
  Mi: [0, 20],
  Gi: [0, 30],
  Ti: [0, 40],
  Pi: [0, 50],
  Ei: [0, 60],
  n: [-9, 0],
  u: [-6, 0],
  m: [-3, 0],
  "": [0, 0],
  k: [3, 0],
  M: [6, 0],
  G: [9, 0],
  T: [12, 0],
  P: [15, 0],
  E: [18, 0],
};

/**
 * resource.ParseQuantity's reading of a string (`100m`, `2Gi`, `1.5`, `1e3`) as an exact value:
 * digits × 10^p10 × 2^p2; undefined when it is no quantity.
 */
export function parseQuantity(s: string): { digits: bigint; p10: number; p2: number } | undefined {
  const m = /^([+-]?)(\d*)(?:\.(\d*))?(Ki|Mi|Gi|Ti|Pi|Ei|[numkMGTPE]|[eE][+-]?\d+)?$/.exec(s);
  if (!m) return undefined;
  const whole = m[2] ?? "";
  const frac = m[3] ?? "";
  if (whole === "" && frac === "") return undefined;
  const suffix = m[4] ?? "";
  const [e10, e2] = /^[eE]/.test(suffix) ? [Number(suffix.slice(1)), 0] : (SUFFIX[suffix] ?? [0, 0]);
  const digits = BigInt(`${m[1] === "-" ? "-" : ""}${whole}${frac}` || "0");
  return { digits, p10: e10 - frac.length, p2: e2 };
}

/** Quantity.Cmp: exact, whatever the suffixes. */
function quantityLess(
  a: NonNullable<ReturnType<typeof parseQuantity>>,
  b: NonNullable<ReturnType<typeof parseQuantity>>,
): boolean {
  const p10 = Math.min(a.p10, b.p10);
  const p2 = Math.min(a.p2, b.p2);
  const scale = (q: typeof a): bigint => q.digits * 10n ** BigInt(q.p10 - p10) * 2n ** BigInt(q.p2 - p2);
  return scale(a) < scale(b);
}

function less(a: unknown, b: unknown): boolean {
  if (typeof a === "number" && typeof b === "number") return a < b;
  if (a === undefined || a === null) return b !== undefined && b !== null;
  if (b === undefined || b === null) return false;
  if (typeof a === "string" && typeof b === "string") {
    // kubectl's sorter tries both strings as resource quantities first (`100m` < `1`, `2Gi` < `3000Mi`)
    const qa = parseQuantity(a);
    const qb = qa === undefined ? undefined : parseQuantity(b);
    if (qa !== undefined && qb !== undefined) return quantityLess(qa, qb);
    return naturalLess(a, b);
  }
  return naturalLess(JSON.stringify(a), JSON.stringify(b));
}

/**
 * Sorts `items` by the JSONPath `expr` as kubectl does: Go's `sort.Sort` over a Less where an
 * item without a value is "less" than anything (even another item without one), so equal keys
 * keep no defined order but exactly kubectl's. `objectOf` picks the object of an item.
 */
export function sortByJsonPath<T>(
  items: T[],
  expr: string,
  objectOf: (item: T) => Obj,
  cost?: RegexCost,
): T[] {
  const path = relaxedJsonPath(expr);
  const regex = jsonPathRegexes(cost);
  const keyed = items.map((item) => {
    const values = jsonPathValues(path, objectOf(item), regex);
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
