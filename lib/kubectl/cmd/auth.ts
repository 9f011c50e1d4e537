/**
 * `kubectl auth can-i VERB RESOURCE[/NAME]` (and `VERB /nonresource/url`): asks the API server
 * with a SelfSubjectAccessReview and prints `yes` or `no` (exit 0 or 1); `-q` prints nothing.
 */
import { ApiError, asObj, CmdError, str } from "../client";
import type { Command } from "./types";

const KNOWN_VERBS = [
  "get",
  "list",
  "watch",
  "create",
  "update",
  "patch",
  "delete",
  "deletecollection",
  "use",
  "bind",
  "impersonate",
  "*",
  "approve",
  "sign",
  "escalate",
  "attest",
];

const canI: Command = {
  name: "can-i",
  short: "Check whether an action is allowed",
  args: "resource",
  flags: [
    { name: "all-namespaces", short: "A", kind: "bool", def: "false" },
    { name: "quiet", short: "q", kind: "bool", def: "false" },
    { name: "subresource", kind: "string", def: "" },
    { name: "list", kind: "bool", def: "false" },
    { name: "no-headers", kind: "bool", def: "false" },
  ],
  async run(ctx, f) {
    const quiet = f.bool("quiet");
    if (f.bool("list")) {
      const review = ctx.client.json("POST", "/apis/authorization.k8s.io/v1/selfsubjectrulesreviews", {
        body: {
          kind: "SelfSubjectRulesReview",
          apiVersion: "authorization.k8s.io/v1",
          metadata: { creationTimestamp: null },
          spec: { namespace: ctx.namespace },
          status: { resourceRules: null, nonResourceRules: null, incomplete: false },
        },
      });
      return printRules(ctx, review, f.bool("no-headers"));
    }
    if (f.args.length !== 2)
      throw new CmdError(
        "error: you must specify two arguments: verb resource or verb resource/resourceName.\nSee 'kubectl auth can-i -h' for help and examples.\n",
      );
    const [verb = "", target = ""] = f.args;
    const spec: Record<string, unknown> = {};
    if (target.startsWith("/")) {
      spec.nonResourceAttributes = { path: target, verb };
    } else {
      const slash = target.indexOf("/");
      const type = slash >= 0 ? target.slice(0, slash) : target;
      const name = slash >= 0 ? target.slice(slash + 1) : "";
      let group = "";
      let resource = type;
      if (type !== "*") {
        try {
          const info = ctx.client.resolve(type);
          group = info.group;
          resource = info.resource;
        } catch {
          if (!quiet) ctx.err(`Warning: the server doesn't have a resource type '${type}'\n\n`);
          const dot = type.indexOf(".");
          if (dot > 0) {
            resource = type.slice(0, dot);
            group = type.slice(dot + 1);
          }
        }
      }
      if (!KNOWN_VERBS.includes(verb) && !quiet) ctx.err(`Warning: verb '${verb}' is not a known verb\n\n`);
      spec.resourceAttributes = {
        ...(f.bool("all-namespaces") ? {} : { namespace: ctx.namespace }),
        verb,
        ...(group ? { group } : {}),
        resource,
        ...(f.str("subresource") ? { subresource: f.str("subresource") } : {}),
        ...(name ? { name } : {}),
      };
    }
    let review: Record<string, unknown>;
    try {
      review = ctx.client.json("POST", "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews", {
        body: {
          kind: "SelfSubjectAccessReview",
          apiVersion: "authorization.k8s.io/v1",
          metadata: { creationTimestamp: null },
          spec,
          status: { allowed: false },
        },
      });
    } catch (e) {
      if (e instanceof ApiError) throw e.toCmdError();
      throw e;
    }
    const status = asObj(review.status);
    const allowed = status.allowed === true;
    if (!quiet) {
      const reason = str(status.reason);
      ctx.out(allowed ? "yes\n" : reason ? `no - ${reason}\n` : "no\n");
    }
    return allowed ? 0 : 1;
  },
};

/** `auth can-i --list`: the rules as kubectl's table (Resources, Non-Resource URLs, Resource Names, Verbs). */
function printRules(
  ctx: Parameters<NonNullable<Command["run"]>>[0],
  review: Record<string, unknown>,
  noHeaders: boolean,
): number {
  const status = asObj(review.status);
  const list = (v: unknown): string => `[${(Array.isArray(v) ? v : []).map(str).join(" ")}]`;
  const rows: string[][] = [];
  for (const r of Array.isArray(status.resourceRules) ? status.resourceRules : []) {
    const o = asObj(r);
    const groups = Array.isArray(o.apiGroups) ? o.apiGroups.map(str) : [""];
    const resources = Array.isArray(o.resources) ? o.resources.map(str) : [];
    for (const res of resources)
      for (const g of groups)
        rows.push([g ? `${res}.${g}` : res, "[]", list(o.resourceNames), list(o.verbs)]);
  }
  for (const r of Array.isArray(status.nonResourceRules) ? status.nonResourceRules : []) {
    const o = asObj(r);
    for (const url of Array.isArray(o.nonResourceURLs) ? o.nonResourceURLs : [])
      rows.push(["", list([url]), "[]", list(o.verbs)]);
  }
  // by verbs, resource rules before non-resource ones, then by resource and URL (byte order)
  const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
  rows.sort(
    (a, b) =>
      cmp(a[3] ?? "", b[3] ?? "") ||
      Number(a[0] === "") - Number(b[0] === "") ||
      cmp(a[0] ?? "", b[0] ?? "") ||
      cmp(a[1] ?? "", b[1] ?? ""),
  );
  const all = noHeaders ? rows : [["Resources", "Non-Resource URLs", "Resource Names", "Verbs"], ...rows];
  const widths = [0, 1, 2].map((i) => Math.max(...all.map((r) => (r[i] ?? "").length)));
  for (const r of all) ctx.out(`${r.map((c, i) => (i < 3 ? c.padEnd((widths[i] ?? 0) + 3) : c)).join("")}\n`);
  return 0;
}

export const authCommand: Command = {
  name: "auth",
  short: "Inspect authorization",
  flags: [],
  sub: [canI],
};
