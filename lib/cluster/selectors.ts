/** Label and field selectors as the API server parses them from `labelSelector` / `fieldSelector`. */
import { badRequest } from "./errors";
import type { KObject, LabelSelector } from "./model";

type Requirement =
  | { key: string; op: "=" | "!="; value: string }
  | { key: string; op: "in" | "notin"; values: string[] }
  | { key: string; op: "exists" | "!" };

export type Selector = (labels: Record<string, string> | undefined) => boolean;

function splitTopLevel(s: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let cur = "";
  for (const ch of s) {
    if (ch === "(") depth++;
    if (ch === ")") depth--;
    if (ch === "," && depth === 0) {
      parts.push(cur);
      cur = "";
    } else cur += ch;
  }
  if (cur.trim() !== "") parts.push(cur);
  return parts.map((p) => p.trim()).filter((p) => p !== "");
}

export function parseLabelSelector(text: string): Selector {
  const reqs: Requirement[] = [];
  for (const part of splitTopLevel(text)) {
    let m = /^([^\s!=()]+)\s+(in|notin)\s+\(([^)]*)\)$/.exec(part);
    if (m) {
      const values = (m[3] ?? "")
        .split(",")
        .map((v) => v.trim())
        .filter((v) => v !== "");
      reqs.push({ key: m[1] ?? "", op: m[2] as "in" | "notin", values });
      continue;
    }
    m = /^([^\s!=]+)\s*(==|=|!=)\s*([^\s,]*)$/.exec(part);
    if (m) {
      reqs.push({ key: m[1] ?? "", op: m[2] === "!=" ? "!=" : "=", value: m[3] ?? "" });
      continue;
    }
    m = /^!\s*([^\s!=]+)$/.exec(part);
    if (m) {
      reqs.push({ key: m[1] ?? "", op: "!" });
      continue;
    }
    m = /^([^\s!=()]+)$/.exec(part);
    if (m) {
      reqs.push({ key: m[1] ?? "", op: "exists" });
      continue;
    }
    throw badRequest(`unable to parse requirement: found '${part}', expected: identifier`);
  }
  return (labels) => reqs.every((r) => matches(r, labels ?? {}));
}

function matches(r: Requirement, labels: Record<string, string>): boolean {
  const has = Object.hasOwn(labels, r.key);
  const v = labels[r.key];
  switch (r.op) {
    case "=":
      return has && v === r.value;
    case "!=":
      return !has || v !== r.value;
    case "in":
      return has && r.values.includes(v ?? "");
    case "notin":
      return !has || !r.values.includes(v ?? "");
    case "exists":
      return has;
    case "!":
      return !has;
  }
}

/** A `metav1.LabelSelector` (matchLabels + matchExpressions) as a predicate. */
export function labelSelectorMatcher(sel: LabelSelector | undefined): Selector {
  if (!sel) return () => false;
  const reqs: Requirement[] = [];
  for (const [key, value] of Object.entries(sel.matchLabels ?? {})) reqs.push({ key, op: "=", value });
  for (const e of sel.matchExpressions ?? []) {
    const op = e.operator;
    if (op === "In") reqs.push({ key: e.key, op: "in", values: e.values ?? [] });
    else if (op === "NotIn") reqs.push({ key: e.key, op: "notin", values: e.values ?? [] });
    else if (op === "Exists") reqs.push({ key: e.key, op: "exists" });
    else if (op === "DoesNotExist") reqs.push({ key: e.key, op: "!" });
  }
  if (reqs.length === 0) return () => true;
  return (labels) => reqs.every((r) => matches(r, labels ?? {}));
}

export function selectorString(sel: LabelSelector | undefined): string {
  const parts = Object.entries(sel?.matchLabels ?? {}).map(([k, v]) => `${k}=${v}`);
  for (const e of sel?.matchExpressions ?? []) {
    const vals = (e.values ?? []).join(",");
    if (e.operator === "In") parts.push(`${e.key} in (${vals})`);
    else if (e.operator === "NotIn") parts.push(`${e.key} notin (${vals})`);
    else if (e.operator === "Exists") parts.push(e.key);
    else if (e.operator === "DoesNotExist") parts.push(`!${e.key}`);
  }
  return parts.join(",");
}

export type FieldSelector = (obj: KObject) => boolean;

/** Fields the API server indexes for field selectors, per resource. */
function fieldValue(resource: string, obj: KObject, field: string): string | undefined {
  if (field === "metadata.name") return obj.metadata.name ?? "";
  if (field === "metadata.namespace") return obj.metadata.namespace ?? "";
  if (resource === "pods") {
    if (field === "status.phase") return obj["status"]?.phase ?? "";
    if (field === "spec.nodeName") return obj["spec"]?.nodeName ?? "";
    if (field === "spec.restartPolicy") return obj["spec"]?.restartPolicy ?? "";
    if (field === "spec.schedulerName") return obj["spec"]?.schedulerName ?? "";
    if (field === "spec.serviceAccountName") return obj["spec"]?.serviceAccountName ?? "";
    if (field === "status.podIP") return obj["status"]?.podIP ?? "";
  }
  if (resource === "events") {
    const m = /^involvedObject\.(kind|namespace|name|uid|apiVersion|resourceVersion|fieldPath)$/.exec(field);
    if (m) return String(obj["involvedObject"]?.[m[1] ?? ""] ?? "");
    if (field === "reason") return obj["reason"] ?? "";
    if (field === "type") return obj["type"] ?? "";
    if (field === "source") return obj["source"]?.component ?? "";
  }
  if (resource === "nodes" && field === "spec.unschedulable")
    return String(obj["spec"]?.unschedulable ?? false);
  if (resource === "namespaces" && field === "status.phase") return obj["status"]?.phase ?? "";
  if (resource === "secrets" && field === "type") return obj["type"] ?? "";
  return undefined;
}

export function parseFieldSelector(resource: string, text: string, kind: string): FieldSelector {
  const reqs: Array<{ field: string; neg: boolean; value: string }> = [];
  for (const part of splitTopLevel(text)) {
    const m = /^([^!=]+?)\s*(==|=|!=)\s*(.*)$/.exec(part);
    if (!m) throw badRequest(`invalid selector: '${text}'; can't understand '${part}'`);
    reqs.push({ field: m[1] ?? "", neg: m[2] === "!=", value: m[3] ?? "" });
  }
  for (const r of reqs) {
    if (fieldValue(resource, { metadata: {} }, r.field) === undefined) {
      throw badRequest(`field label not supported: ${r.field}`);
    }
  }
  void kind;
  return (obj) =>
    reqs.every((r) => {
      const v = fieldValue(resource, obj, r.field) ?? "";
      return r.neg ? v !== r.value : v === r.value;
    });
}
