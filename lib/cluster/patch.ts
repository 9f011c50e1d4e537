/** The three patch formats kubectl sends: JSON merge patch, strategic merge patch, JSON patch. */
import { ApiError, badRequest } from "./errors";

type Json = unknown;

function isObject(v: Json): v is Record<string, Json> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** RFC 7386. */
export function mergePatch(target: Json, patch: Json): Json {
  if (!isObject(patch)) return patch;
  const out: Record<string, Json> = isObject(target) ? { ...target } : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else out[k] = mergePatch(out[k], v);
  }
  return out;
}

/** Merge keys of the list fields kubectl patches (from the Kubernetes API's patch strategies). */
const MERGE_KEYS: Record<string, string> = {
  containers: "name",
  initContainers: "name",
  ephemeralContainers: "name",
  env: "name",
  volumes: "name",
  volumeMounts: "mountPath",
  imagePullSecrets: "name",
  ports: "containerPort",
  conditions: "type",
  ownerReferences: "uid",
  hostAliases: "ip",
  tolerations: "",
};

function strategicList(target: Json[], patch: Json[], key: string, field: string, order?: Json[]): Json[] {
  // Service ports merge by `port`, container ports by `containerPort`.
  const k =
    field === "ports" && patch.some((p) => isObject(p) && "port" in p && !("containerPort" in p))
      ? "port"
      : key;
  const out = target.map((x) => x);
  for (const item of patch) {
    if (!isObject(item)) {
      out.push(item);
      continue;
    }
    const directive = item["$patch"];
    const idx = out.findIndex((x) => isObject(x) && x[k] === item[k]);
    if (directive === "delete") {
      if (idx >= 0) out.splice(idx, 1);
      continue;
    }
    if (idx >= 0) out[idx] = strategicMerge(out[idx], item);
    else out.push(strategicMerge({}, item));
  }
  if (order) {
    const rank = (x: Json) => order.findIndex((o) => isObject(o) && isObject(x) && o[k] === x[k]);
    out.sort((a, b) => {
      const ra = rank(a);
      const rb = rank(b);
      return (ra < 0 ? Number.MAX_SAFE_INTEGER : ra) - (rb < 0 ? Number.MAX_SAFE_INTEGER : rb);
    });
  }
  return out;
}

/** Strategic merge patch for the fields kubectl sends (labels, replicas, containers, image, …). */
export function strategicMerge(target: Json, patch: Json): Json {
  if (!isObject(patch)) return patch;
  if (patch["$patch"] === "replace") {
    const { $patch: _drop, ...rest } = patch;
    return rest;
  }
  const out: Record<string, Json> = isObject(target) ? { ...target } : {};
  for (const [k, v] of Object.entries(patch)) {
    if (k.startsWith("$setElementOrder/") || k === "$retainKeys" || k === "$patch") continue;
    if (k.startsWith("$deleteFromPrimitiveList/")) {
      const field = k.slice("$deleteFromPrimitiveList/".length);
      const cur = out[field];
      if (Array.isArray(cur) && Array.isArray(v)) out[field] = cur.filter((x) => !v.includes(x));
      continue;
    }
    if (v === null) {
      delete out[k];
      continue;
    }
    const key = MERGE_KEYS[k];
    if (Array.isArray(v) && key) {
      const cur = out[k];
      const order = patch[`$setElementOrder/${k}`];
      out[k] = strategicList(
        Array.isArray(cur) ? cur : [],
        v,
        key,
        k,
        Array.isArray(order) ? order : undefined,
      );
    } else if (isObject(v)) {
      out[k] = strategicMerge(out[k], v);
    } else {
      out[k] = v;
    }
  }
  return out;
}

function pointer(path: string): string[] {
  if (path === "") return [];
  if (!path.startsWith("/"))
    throw badRequest(`the server rejected our request due to an error in our request`);
  return path
    .slice(1)
    .split("/")
    .map((s) => s.replace(/~1/g, "/").replace(/~0/g, "~"));
}

/** RFC 6902 (add, remove, replace, test, move, copy). */
export function jsonPatch(doc: Json, ops: Json): Json {
  if (!Array.isArray(ops))
    throw badRequest("json: cannot unmarshal object into Go value of type jsonpatch.Patch");
  let root = JSON.parse(JSON.stringify(doc)) as Json;
  const get = (parts: string[]): Json => {
    let cur: Json = root;
    for (const p of parts) {
      if (Array.isArray(cur)) cur = cur[Number(p)];
      else if (isObject(cur)) cur = cur[p];
      else return undefined;
    }
    return cur;
  };
  const set = (parts: string[], value: Json, mode: "add" | "replace" | "remove") => {
    if (parts.length === 0) {
      root = value;
      return;
    }
    const parent = get(parts.slice(0, -1));
    const last = parts[parts.length - 1] ?? "";
    if (Array.isArray(parent)) {
      const i = last === "-" ? parent.length : Number(last);
      if (mode === "add") parent.splice(i, 0, value);
      else if (mode === "replace") parent[i] = value;
      else parent.splice(i, 1);
    } else if (isObject(parent)) {
      if (mode === "remove") {
        if (!(last in parent))
          throw new ApiError(
            422,
            "Invalid",
            `the server rejected our request: remove operation does not apply: doc is missing path: "/${parts.join("/")}": missing value`,
          );
        delete parent[last];
      } else if (mode === "replace" && !(last in parent)) {
        throw new ApiError(
          422,
          "Invalid",
          `replace operation does not apply: doc is missing key: /${parts.join("/")}: missing value`,
        );
      } else parent[last] = value;
    } else {
      throw new ApiError(422, "Invalid", `doc is missing path: "/${parts.join("/")}": missing value`);
    }
  };
  for (const op of ops) {
    if (!isObject(op)) continue;
    const path = pointer(String(op["path"] ?? ""));
    switch (op["op"]) {
      case "add":
        set(path, op["value"], "add");
        break;
      case "replace":
        set(path, op["value"], "replace");
        break;
      case "remove":
        set(path, undefined, "remove");
        break;
      case "test":
        if (JSON.stringify(get(path)) !== JSON.stringify(op["value"]))
          throw new ApiError(422, "Invalid", "testing value failed");
        break;
      case "copy":
      case "move": {
        const from = pointer(String(op["from"] ?? ""));
        const v = JSON.parse(JSON.stringify(get(from) ?? null));
        if (op["op"] === "move") set(from, undefined, "remove");
        set(path, v, "add");
        break;
      }
    }
  }
  return root;
}
