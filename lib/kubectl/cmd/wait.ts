/**
 * `kubectl wait --for=condition=C[=V] | --for=delete | --for=create | --for=jsonpath={…}[=V]`:
 * finds the objects (names, `-l`, `--all`), then polls each until its condition holds, all
 * within one `--timeout` (default 30s), printing `KIND/NAME condition met` for each.
 */
import { asArr, asObj, fail, kindPrefix, type Obj, type ResourceInfo, str } from "../client";
import { FlagError, type ParsedFlags } from "../flags";
import {
  executeJsonPath,
  JsonPathError,
  type JsonPathRegexes,
  jsonPathRegexes,
  relaxedJsonPath,
} from "../printers/jsonpath";
import { noResources } from "./mutate";
import { checkNamesWithSelector, parseResourceArgs } from "./resources";
import { type Command, type Ctx, reportObjectError, sleep } from "./types";

const UNITS: Record<string, number> = {
  ns: 1e-6,
  us: 1e-3,
  µs: 1e-3,
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
};

/** Go's time.ParseDuration, in milliseconds; the error text is Go's. */
export function parseGoDuration(s: string): number {
  const invalid = (): Error => new Error(`time: invalid duration "${s}"`);
  let rest = s;
  let sign = 1;
  if (rest.startsWith("-") || rest.startsWith("+")) {
    if (rest.startsWith("-")) sign = -1;
    rest = rest.slice(1);
  }
  if (rest === "0") return 0;
  if (rest === "") throw invalid();
  let total = 0;
  while (rest !== "") {
    const m = /^(\d*\.?\d*)/.exec(rest);
    const num = m?.[1] ?? "";
    if (num === "" || num === ".") throw invalid();
    rest = rest.slice(num.length);
    const u = /^(ns|us|µs|ms|s|m|h)/.exec(rest)?.[1];
    if (!u) {
      if (rest === "" || /^\d/.test(rest)) throw new Error(`time: missing unit in duration "${s}"`);
      throw new Error(`time: unknown unit "${/^[^\d.]*/.exec(rest)?.[0] ?? rest}" in duration "${s}"`);
    }
    rest = rest.slice(u.length);
    total += Number(num) * (UNITS[u] ?? 0);
  }
  return sign * total;
}

type Condition =
  | { kind: "delete" }
  | { kind: "create" }
  | { kind: "condition"; name: string; value: string }
  | { kind: "jsonpath"; path: string; value?: string };

function parseFor(s: string): Condition {
  const lower = s.toLowerCase();
  if (lower === "delete") return { kind: "delete" };
  if (lower === "create") return { kind: "create" };
  if (lower.startsWith("condition=")) {
    const body = s.slice("condition=".length);
    const i = body.indexOf("=");
    return i < 0
      ? { kind: "condition", name: body, value: "true" }
      : { kind: "condition", name: body.slice(0, i), value: body.slice(i + 1) };
  }
  if (lower.startsWith("jsonpath=")) {
    const body = s.slice("jsonpath=".length);
    // `{.a.b}=value` or `{.a.b}`: the value follows the closing brace
    const close = body.lastIndexOf("}");
    const rest = close >= 0 ? body.slice(close + 1) : "";
    if (close >= 0 && rest.startsWith("="))
      return { kind: "jsonpath", path: body.slice(0, close + 1), value: rest.slice(1) };
    if (close < 0 && body.includes("=")) {
      const i = body.indexOf("=");
      return { kind: "jsonpath", path: relaxedJsonPath(body.slice(0, i)), value: body.slice(i + 1) };
    }
    return { kind: "jsonpath", path: close >= 0 ? body : relaxedJsonPath(body) };
  }
  throw fail(`unrecognized condition: "${s}"`);
}

function conditionMet(c: Condition, o: Obj, regex: JsonPathRegexes): boolean {
  if (c.kind === "condition") {
    return asArr(asObj(o.status).conditions)
      .map(asObj)
      .some(
        (x) =>
          str(x.type).toLowerCase() === c.name.toLowerCase() &&
          str(x.status).toLowerCase() === c.value.toLowerCase(),
      );
  }
  if (c.kind === "jsonpath") {
    try {
      const got = executeJsonPath(c.path, o, regex);
      return c.value === undefined ? got !== "" : got === c.value;
    } catch (e) {
      if (e instanceof JsonPathError) return false;
      throw e;
    }
  }
  return true;
}

interface Item {
  info: ResourceInfo;
  namespace: string | undefined;
  name: string;
}

function findItems(ctx: Ctx, f: ParsedFlags, c: Condition): { items: Item[]; failed: boolean } {
  const selector = f.str("selector");
  const all = f.bool("all");
  checkNamesWithSelector(f.args, selector !== "" || all);
  const hasNames = f.args.length > 1 || f.args.some((a) => a.includes("/"));
  if (!hasNames && !selector && !all && !f.str("field-selector"))
    throw fail("resource(s) were provided, but no name was specified");
  const { requests } = parseResourceArgs(ctx.client, f.args);
  const allNs = f.bool("all-namespaces");
  const items: Item[] = [];
  let failed = false;
  for (const r of requests) {
    const ns = r.info.namespaced && !allNs ? ctx.namespace : undefined;
    if (r.names.length === 0) {
      const q: Record<string, string> = {};
      if (selector) q.labelSelector = selector;
      if (f.str("field-selector")) q.fieldSelector = f.str("field-selector");
      const list = asArr(ctx.client.get(ctx.client.resourcePath(r.info, ns), q).items).map(asObj);
      for (const o of list) {
        const m = asObj(o.metadata);
        items.push({ info: r.info, namespace: str(m.namespace) || undefined, name: str(m.name) });
      }
      continue;
    }
    for (const name of r.names) {
      if (c.kind === "create") {
        items.push({ info: r.info, namespace: ns, name });
        continue;
      }
      try {
        ctx.client.get(ctx.client.resourcePath(r.info, ns, name));
        items.push({ info: r.info, namespace: ns, name });
      } catch (e) {
        // what is already gone has nothing to wait for
        if (reportObjectError(ctx, e, c.kind === "delete")) failed = true;
      }
    }
  }
  return { items, failed };
}

export const waitCommand: Command = {
  name: "wait",
  args: "resource",
  short: "Experimental: Wait for a specific condition on one or many resources",
  flags: [
    { name: "for", kind: "string", def: "" },
    { name: "timeout", kind: "string", def: "30s" },
    { name: "selector", short: "l", kind: "string", def: "" },
    { name: "field-selector", kind: "string", def: "" },
    { name: "all", kind: "bool", def: "false" },
    { name: "all-namespaces", short: "A", kind: "bool", def: "false" },
    { name: "filename", short: "f", kind: "strings", def: "" },
    { name: "recursive", short: "R", kind: "bool", def: "false" },
    { name: "local", kind: "bool", def: "false" },
    { name: "output", short: "o", kind: "string", def: "" },
    { name: "template", kind: "string", def: "" },
  ],
  async run(ctx, f) {
    let timeoutMs: number;
    try {
      timeoutMs = parseGoDuration(f.str("timeout"));
    } catch (e) {
      throw new FlagError(
        `invalid argument "${f.str("timeout")}" for "--timeout" flag: ${(e as Error).message}`,
      );
    }
    // a negative timeout waits a week, as kubectl does
    if (timeoutMs < 0) timeoutMs = 7 * 24 * 3_600_000;
    if (f.args.length === 0 && f.list("filename").length === 0) throw noResources();
    const cond = parseFor(f.str("for"));
    const { items, failed } = findItems(ctx, f, cond);
    if (failed) return 1;
    if (items.length === 0) {
      if (cond.kind === "delete") return 0;
      throw fail("no matching resources found");
    }
    const deadline = ctx.io.clock.now() + timeoutMs;
    const regex = jsonPathRegexes(ctx.io.regexCost);
    for (const it of items) {
      const path = ctx.client.resourcePath(it.info, it.namespace, it.name);
      for (;;) {
        const res = ctx.client.send("GET", path);
        let done = false;
        if (cond.kind === "delete") done = res.status === 404;
        else if (res.status === 404) done = false;
        else if (res.status >= 300) {
          ctx.client.json("GET", path);
        } else done = cond.kind === "create" || conditionMet(cond, JSON.parse(res.body) as Obj, regex);
        if (done) break;
        if (ctx.io.clock.now() >= deadline) {
          if (cond.kind === "create") throw fail("timed out waiting for the condition");
          throw fail(`timed out waiting for the condition on ${it.info.resource}/${it.name}`);
        }
        if (!(await sleep(ctx.io, Math.min(500, Math.max(1, deadline - ctx.io.clock.now()))))) return 130;
      }
      ctx.out(
        f.str("output") === "name"
          ? `${kindPrefix(it.info)}/${it.name}\n`
          : `${kindPrefix(it.info)}/${it.name} condition met\n`,
      );
    }
    return 0;
  },
};
