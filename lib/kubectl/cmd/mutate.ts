/** Shared bits of the verbs that change objects: resolving targets, patching, kubectl's result lines. */
import { asArr, asObj, type CmdError, fail, kindPrefix, type Obj, type ResourceInfo, str } from "../client";
import { checkNamesWithSelector, parseResourceArgs } from "./resources";
import { type Ctx, reportObjectError } from "./types";

/** resource.Builder's error for a verb given neither a resource argument nor `-f` (every verb words it alike). */
export const noResources = (): CmdError =>
  fail(
    "You must provide one or more resources by argument or filename.\nExample resource specifications include:\n   '-f rsrc.yaml'\n   '--filename=rsrc.json'\n   '<resource> <name>'\n   '<resource>'",
  );

export interface Target {
  info: ResourceInfo;
  obj: Obj;
  name: string;
  namespace: string | undefined;
}

/** `TYPE NAME…` / `TYPE/NAME…` / `TYPE -l sel` / `TYPE --all` → existing objects. Errors for missing ones are printed. */
export function resolveTargets(
  ctx: Ctx,
  args: string[],
  opts: { selector?: string; all?: boolean; allNamespaces?: boolean },
): { targets: Target[]; failed: boolean } {
  checkNamesWithSelector(args, Boolean(opts.selector) || opts.all === true);
  const { requests } = parseResourceArgs(ctx.client, args);
  const targets: Target[] = [];
  let failed = false;
  for (const r of requests) {
    const ns = r.info.namespaced && !opts.allNamespaces ? ctx.namespace : undefined;
    if (r.names.length === 0) {
      const q: Record<string, string> = { limit: "500" };
      if (opts.selector) q.labelSelector = opts.selector;
      for (const it of asArr(ctx.client.get(ctx.client.resourcePath(r.info, ns), q).items).map(asObj)) {
        const m = asObj(it.metadata);
        targets.push({ info: r.info, obj: it, name: str(m.name), namespace: str(m.namespace) || undefined });
      }
      continue;
    }
    for (const name of r.names) {
      try {
        const obj = ctx.client.get(ctx.client.resourcePath(r.info, ns, name));
        targets.push({ info: r.info, obj, name, namespace: ns });
      } catch (e) {
        if (reportObjectError(ctx, e)) failed = true;
      }
    }
  }
  return { targets, failed };
}

export const ref = (t: { info: ResourceInfo; name: string }): string => `${kindPrefix(t.info)}/${t.name}`;

export function patch(
  ctx: Ctx,
  t: Target,
  body: unknown,
  type: "merge" | "strategic" | "json",
  sub?: string,
  query: Record<string, string> = {},
): Obj {
  const contentType =
    type === "merge"
      ? "application/merge-patch+json"
      : type === "strategic"
        ? "application/strategic-merge-patch+json"
        : "application/json-patch+json";
  return ctx.client.json("PATCH", ctx.client.resourcePath(t.info, t.namespace, t.name, sub), {
    body,
    contentType,
    query: { ...query, fieldManager: "kubectl-edit" },
  });
}
