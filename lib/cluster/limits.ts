/**
 * The limits of a student's cluster, each with the words the real component uses when it is hit:
 * the API server's validation (names, labels, annotations), its request body limit, etcd's
 * request and database size limits, and the classroom's object quota (worded like the
 * ResourceQuota admission plugin). See docs/limits.md and docs/adr/0008-cluster-limits.md.
 */
import { ApiError, forbidden, invalid } from "./errors";
import type { KObject } from "./model";
import { RESOURCES } from "./resources";
import type { StoreQuota } from "./store";

/** kube-apiserver `--max-request-bytes` default (3 MiB): bodies beyond it are refused with 413. */
export const MAX_REQUEST_BYTES = 3 * 1024 * 1024;
/** etcd's `--max-request-bytes` default (1.5 MiB): an object larger than this cannot be stored. */
export const MAX_OBJECT_BYTES = 1.5 * 1024 * 1024;
/** apimachinery's TotalAnnotationSizeLimitB: all annotation keys and values together. */
export const TOTAL_ANNOTATION_BYTES = 256 * 1024;

/**
 * The classroom's storage budget for one cluster: the serialised size of all its objects. Like
 * etcd's backend quota, writes beyond it fail with `etcdserver: mvcc: database space exceeded`
 * until something is deleted. A fresh cluster uses about 60 KB; a full quota of pods about 3 MB.
 */
export const DATABASE_BYTES = 8 * 1024 * 1024;

/** The quota's name as `exceeded quota:` prints it. */
export const QUOTA_NAME = "kubeclass-student-quota";

/**
 * Object counts for the whole cluster (every namespace, system objects included), as
 * `count/<resource>[.<group>]` hard limits of a ResourceQuota would hold them.
 */
export const COUNT_LIMITS: Record<string, number> = {
  pods: 500,
  deployments: 50,
  replicasets: 200,
  daemonsets: 20,
  statefulsets: 20,
  services: 50,
  configmaps: 100,
  secrets: 100,
  serviceaccounts: 100,
  namespaces: 30,
  events: 2000,
};
/** Any other resource a student can create. */
export const DEFAULT_COUNT_LIMIT = 100;

/**
 * Simulated work one touch of the cluster may do before the rest waits: a unit is a store write
 * or a controller pass over 50 pods (Sim.work).
 */
export const WORK_BUDGET = 100;

/** The ReplicaSet controller's `burstReplicas`: at most this many creates/deletes per sync. */
export const BURST_REPLICAS = 500;
/** kube-controller-manager's client rate limit (`--kube-api-qps`, `--kube-api-burst`). */
export const CONTROLLER_QPS = 20;
export const CONTROLLER_BURST = 30;

/** minikube's node capacity (`pods: 110`), used when a node does not say. */
export const NODE_PODS = 110;

export function countLimit(resource: string): number {
  return COUNT_LIMITS[resource] ?? DEFAULT_COUNT_LIMIT;
}

/** `count/pods`, `count/deployments.apps`: the quota's name for a resource. */
export function countKey(resource: string): string {
  const group = RESOURCES.find((r) => r.name === resource)?.group ?? "";
  return `count/${resource}${group ? `.${group}` : ""}`;
}

/** UTF-8 length of a string, as Go's len() counts it. */
export function utf8Length(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff) {
      n += 4;
      i++;
    } else n += 3;
  }
  return n;
}

/** The API server's answer to a body over `--max-request-bytes`. */
export function requestTooLarge(): ApiError {
  return new ApiError(
    413,
    "RequestEntityTooLarge",
    `Request entity too large: limit is ${MAX_REQUEST_BYTES}`,
  );
}

/** An error etcd returns: the API server passes it on as a 500 without a reason. */
export function etcdError(message: string): ApiError {
  return new ApiError(500, "", message);
}

function groupOf(resource: string): string {
  return RESOURCES.find((r) => r.name === resource)?.group ?? "";
}

/** The ResourceQuota admission plugin's refusal (the name is generateName when not yet set). */
export function quotaExceeded(resource: string, name: string, used: number, hard: number): ApiError {
  const k = countKey(resource);
  return forbidden(
    resource,
    groupOf(resource),
    name,
    `exceeded quota: ${QUOTA_NAME}, requested: ${k}=1, used: ${k}=${used}, limited: ${k}=${hard}`,
  );
}

/** The quota and storage budget, as the store checks them on writes that ask for it. */
export const classroomQuota: StoreQuota = {
  create(resource, obj, count, bytes, size) {
    const hard = countLimit(resource);
    if (count + 1 > hard) {
      throw quotaExceeded(resource, obj.metadata.generateName ?? obj.metadata.name ?? "", count, hard);
    }
    if (size > MAX_OBJECT_BYTES) throw etcdError("etcdserver: request is too large");
    if (bytes + size > DATABASE_BYTES) throw etcdError("etcdserver: mvcc: database space exceeded");
  },
  grow(_resource, _obj, bytes, delta, size) {
    if (size > MAX_OBJECT_BYTES) throw etcdError("etcdserver: request is too large");
    if (bytes + delta > DATABASE_BYTES) throw etcdError("etcdserver: mvcc: database space exceeded");
  },
};

// ---- validation (apimachinery's ValidateObjectMeta and the label/annotation rules) ----

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const DNS1035_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const QUALIFIED_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

const SUBDOMAIN_MSG =
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
const LABEL_MSG =
  "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";
const DNS1035_MSG =
  "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')";
const QUALIFIED_MSG =
  "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";
const LABEL_VALUE_MSG =
  "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";

type NameRule = "subdomain" | "label" | "dns1035";

/** Which name rule the API server applies to a kind's `metadata.name`. */
const NAME_RULES: Record<string, NameRule> = {
  namespaces: "label",
  services: "dns1035",
};

export interface Cause {
  field: string;
  message: string;
  reason?: string;
}

/** Go's `%q` of a string value, as `Invalid value: "…"` shows it. */
function quote(s: string): string {
  return JSON.stringify(s);
}

function nameErrors(value: string, rule: NameRule): string[] {
  const errs: string[] = [];
  if (rule === "subdomain") {
    if (value.length > 253) errs.push("must be no more than 253 characters");
    if (!DNS1123_SUBDOMAIN.test(value)) errs.push(SUBDOMAIN_MSG);
  } else {
    if (value.length > 63) errs.push("must be no more than 63 characters");
    if (!(rule === "label" ? DNS1123_LABEL : DNS1035_LABEL).test(value)) {
      errs.push(rule === "label" ? LABEL_MSG : DNS1035_MSG);
    }
  }
  return errs;
}

/** `prefix/name` label and annotation keys (IsQualifiedName). */
function qualifiedNameErrors(key: string): string[] {
  const parts = key.split("/");
  let name = key;
  const errs: string[] = [];
  if (parts.length === 2) {
    const prefix = parts[0] ?? "";
    name = parts[1] ?? "";
    if (prefix.length === 0) errs.push(`prefix part must be non-empty`);
    else {
      if (prefix.length > 253) errs.push("prefix part must be no more than 253 characters");
      if (!DNS1123_SUBDOMAIN.test(prefix)) errs.push(`prefix part ${SUBDOMAIN_MSG}`);
    }
  } else if (parts.length > 2) {
    return [
      `a qualified name ${QUALIFIED_MSG.replace("name part must consist", "must consist")} with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')`,
    ];
  }
  if (name.length === 0) errs.push("name part must be non-empty");
  else if (name.length > 63) errs.push("name part must be no more than 63 characters");
  if (!QUALIFIED_NAME.test(name)) errs.push(QUALIFIED_MSG);
  return errs;
}

function labelValueErrors(v: string): string[] {
  const errs: string[] = [];
  if (v.length > 63) errs.push("must be no more than 63 characters");
  if (!LABEL_VALUE.test(v)) errs.push(LABEL_VALUE_MSG);
  return errs;
}

function labelCauses(labels: unknown, path: string): Cause[] {
  const out: Cause[] = [];
  if (!labels || typeof labels !== "object") return out;
  for (const [k, v] of Object.entries(labels as Record<string, unknown>)) {
    for (const m of qualifiedNameErrors(k))
      out.push({ field: path, message: `Invalid value: ${quote(k)}: ${m}` });
    const value = typeof v === "string" ? v : String(v);
    for (const m of labelValueErrors(value)) {
      out.push({ field: path, message: `Invalid value: ${quote(value)}: ${m}` });
    }
  }
  return out;
}

function annotationCauses(annotations: unknown, path: string): Cause[] {
  const out: Cause[] = [];
  if (!annotations || typeof annotations !== "object") return out;
  let total = 0;
  for (const [k, v] of Object.entries(annotations as Record<string, unknown>)) {
    // Annotation keys are lower-cased before the check (ValidateAnnotations).
    for (const m of qualifiedNameErrors(k.toLowerCase())) {
      out.push({ field: path, message: `Invalid value: ${quote(k)}: ${m}` });
    }
    total += utf8Length(k) + utf8Length(typeof v === "string" ? v : String(v));
  }
  if (total > TOTAL_ANNOTATION_BYTES) {
    out.push({
      field: path,
      message: `Too long: must have at most ${TOTAL_ANNOTATION_BYTES} bytes`,
      reason: "FieldValueTooLong",
    });
  }
  return out;
}

/**
 * The API server's metadata validation for a create or update of `resource`, plus the pod
 * template metadata of workloads. Throws `Invalid` with every cause, as the real one lists them.
 */
export function validateMeta(resource: string, obj: KObject): void {
  const info = RESOURCES.find((r) => r.name === resource);
  const kind = info?.kind ?? obj.kind ?? "";
  const group = info?.group ?? "";
  const meta = obj.metadata;
  const causes: Cause[] = [];
  const rule = NAME_RULES[resource] ?? "subdomain";
  if (meta.name) {
    for (const m of nameErrors(meta.name, rule)) {
      causes.push({ field: "metadata.name", message: `Invalid value: ${quote(meta.name)}: ${m}` });
    }
  } else if (meta.generateName) {
    // A generated name adds 5 characters; the prefix is checked with its trailing dash masked.
    const masked = meta.generateName.replace(/-$/, "a");
    for (const m of nameErrors(masked, rule)) {
      causes.push({
        field: "metadata.generateName",
        message: `Invalid value: ${quote(meta.generateName)}: ${m}`,
      });
    }
  }
  causes.push(...labelCauses(meta.labels, "metadata.labels"));
  causes.push(...annotationCauses(meta.annotations, "metadata.annotations"));
  const tpl = obj["spec"]?.template?.metadata;
  if (tpl && (resource === "deployments" || resource === "replicasets" || resource === "daemonsets")) {
    causes.push(...labelCauses(tpl.labels, "spec.template.metadata.labels"));
    causes.push(...annotationCauses(tpl.annotations, "spec.template.metadata.annotations"));
  }
  if (causes.length > 0) {
    throw invalid(kind, group, meta.name ?? meta.generateName ?? "", causes);
  }
}
