/** kubectl describe's PrefixWriter over a tabwriter (minwidth 0, padding 2) with Flush points. */
import { asArr, asObj, type Obj, str } from "../client";
import { describeTabs } from "../tabwriter";
import { humanDuration, parseTime, rfc1123z } from "../time";

export class PrefixWriter {
  private segments: string[] = [];
  private cur = "";
  constructor(readonly now: number) {}
  /** level 0..3 → 0, 2, 4, 6 spaces. */
  write(level: number, text: string): void {
    this.cur += "  ".repeat(level) + text;
  }
  line(text: string): void {
    this.cur += `${text}\n`;
  }
  flush(): void {
    this.segments.push(this.cur);
    this.cur = "";
  }
  toString(): string {
    return [...this.segments, this.cur].map(describeTabs).join("");
  }
  /** The text as written, tabs kept (what a describer writes to a plain writer). */
  raw(): string {
    return [...this.segments, this.cur].join("");
  }
  since(iso: unknown): string {
    const t = parseTime(iso);
    return t === undefined ? "<unknown>" : humanDuration(this.now - t);
  }
}

export const date = (iso: unknown): string => rfc1123z(str(iso));

export function labelsMultiline(w: PrefixWriter, title: string, labels: unknown, initialIndent = ""): void {
  const m = asObj(labels);
  w.write(0, `${initialIndent}${title}:\t`);
  const keys = Object.keys(m).sort();
  if (keys.length === 0) {
    w.line("<none>");
    return;
  }
  keys.forEach((k, i) => {
    if (i !== 0) w.write(0, `${initialIndent}\t`);
    w.write(0, `${k}=${str(m[k])}\n`);
  });
}

const SKIP_ANNOTATIONS = new Set(["kubectl.kubernetes.io/last-applied-configuration"]);
const MAX_ANNOTATION_LEN = 140;

export function annotationsMultiline(w: PrefixWriter, title: string, annotations: unknown): void {
  const m = asObj(annotations);
  w.write(0, `${title}:\t`);
  const keys = Object.keys(m)
    .filter((k) => !SKIP_ANNOTATIONS.has(k))
    .sort();
  if (keys.length === 0) {
    w.line("<none>");
    return;
  }
  keys.forEach((k, i) => {
    if (i !== 0) w.write(0, "\t");
    const value = str(m[k]).replace(/\n$/, "");
    if (value.length + k.length + 2 > MAX_ANNOTATION_LEN || value.includes("\n")) {
      w.write(0, `${k}:\n`);
      for (const s of value.split("\n")) {
        const short = s.length > MAX_ANNOTATION_LEN - 2 ? `${s.slice(0, MAX_ANNOTATION_LEN - 2 - 3)}...` : s;
        w.write(0, `\t  ${short}\n`);
      }
    } else w.write(0, `${k}: ${value}\n`);
  });
}

export function tolerationsMultiline(w: PrefixWriter, title: string, tolerations: unknown): void {
  w.write(0, `${title}:\t`);
  const list = asArr(tolerations).map(asObj);
  if (list.length === 0) {
    w.line("<none>");
    return;
  }
  const sorted = [...list].sort((a, b) => (str(a.key) < str(b.key) ? -1 : str(a.key) > str(b.key) ? 1 : 0));
  sorted.forEach((t, i) => {
    if (i !== 0) w.write(0, "\t");
    let s = str(t.key);
    if (str(t.value)) s += `=${str(t.value)}`;
    if (str(t.effect)) s += `:${str(t.effect)}`;
    if (t.operator === "Exists" && !str(t.value))
      s += str(t.key) || str(t.effect) ? " op=Exists" : "op=Exists";
    if (typeof t.tolerationSeconds === "number") s += ` for ${t.tolerationSeconds}s`;
    w.write(0, `${s}\n`);
  });
}

export function taintsMultiline(w: PrefixWriter, title: string, taints: unknown): void {
  w.write(0, `${title}:\t`);
  const list = asArr(taints).map(asObj);
  if (list.length === 0) {
    w.line("<none>");
    return;
  }
  list.forEach((t, i) => {
    if (i !== 0) w.write(0, "\t");
    const v = str(t.value);
    w.write(0, `${str(t.key)}${v ? `=${v}` : ""}:${str(t.effect)}\n`);
  });
}

export function controllerOf(o: Obj): string {
  const refs = asArr(asObj(o.metadata).ownerReferences).map(asObj);
  const c = refs.find((r) => r.controller === true);
  return c ? `${str(c.kind)}/${str(c.name)}` : "";
}

/** metav1.FormatLabelSelector. */
export function formatLabelSelector(sel: unknown): string {
  const s = asObj(sel);
  const parts: string[] = [];
  const ml = asObj(s.matchLabels);
  for (const k of Object.keys(ml).sort()) parts.push(`${k}=${str(ml[k])}`);
  for (const e of asArr(s.matchExpressions).map(asObj)) {
    const vals = asArr(e.values).map(str).sort().join(",");
    switch (e.operator) {
      case "In":
        parts.push(`${str(e.key)} in (${vals})`);
        break;
      case "NotIn":
        parts.push(`${str(e.key)} notin (${vals})`);
        break;
      case "Exists":
        parts.push(str(e.key));
        break;
      case "DoesNotExist":
        parts.push(`!${str(e.key)}`);
        break;
    }
  }
  const out = parts.join(",");
  return out === "" ? "<none>" : out;
}

export function describeEvents(w: PrefixWriter, events: Obj[] | undefined): void {
  if (!events) return;
  if (events.length === 0) {
    w.write(0, "Events:\t<none>\n");
    return;
  }
  w.flush();
  const sorted = [...events].sort(
    (a, b) => (parseTime(a.lastTimestamp) ?? 0) - (parseTime(b.lastTimestamp) ?? 0),
  );
  w.write(0, "Events:\n  Type\tReason\tAge\tFrom\tMessage\n");
  w.write(1, "----\t------\t----\t----\t-------\n");
  for (const e of sorted) {
    const first = e.eventTime ? w.since(e.eventTime) : w.since(e.firstTimestamp);
    const series = asObj(e.series);
    const count = typeof e.count === "number" ? e.count : 0;
    let interval: string;
    if (e.series)
      interval = `${w.since(series.lastObservedTime)} (x${Number(series.count ?? 0)} over ${first})`;
    else if (count > 1) interval = `${w.since(e.lastTimestamp)} (x${count} over ${first})`;
    else interval = first;
    const source = str(asObj(e.source).component) || str(e.reportingComponent);
    w.write(1, `${str(e.type)}\t${str(e.reason)}\t${interval}\t${source}\t${str(e.message).trim()}\n`);
  }
}
