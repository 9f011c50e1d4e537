/**
 * The step-check engine: decides from the command journal and the cluster's API whether a
 * step is done, and says what is still missing in both languages. Pure: no clock, no I/O
 * besides the injected ApiHandler (which is synchronous and in memory).
 */
import { isJsonResponse, responseJson } from "../cluster/json-body";
import type { ApiHandler } from "../cluster/types";
import type { JournalEntry } from "../shell/types";
import { matchCommand, type NormalizedCommand, normalizeArgv, programOf, type TokenContext } from "./argv";
import type {
  AnyOfCheck,
  Check,
  CommandCheck,
  Lesson,
  Localized,
  OutputCheck,
  StateCheck,
  StateExpect,
  Step,
} from "./schema";

export interface CheckContext {
  /** Finished lines, oldest first (the caller scopes them, e.g. to the current lesson). */
  journal: readonly JournalEntry[];
  api: ApiHandler;
  /** Namespace `<pod>` refers to (default "default"). */
  namespace?: string;
  /**
   * Whether a pod of this name existed in the learner's cluster earlier (the cluster's own
   * record, lib/cluster Cluster.podExisted): `kubectl exec` on a pod since replaced still shows
   * the step was done. Without it only pods that exist now count.
   */
  podExisted?: (namespace: string, name: string) => boolean;
}

export interface StepResult {
  done: boolean;
  /** One message per unmet check, in the order of the checks. */
  missing: Localized[];
}

export interface LessonResult {
  /** Steps that became done in this evaluation (not in `alreadyDone`), in lesson order. */
  newlyCompleted: string[];
  /** The first step not done yet, which the UI highlights; null when the lesson is finished. */
  current: string | null;
  /** Result of every step not already done. */
  results: Record<string, StepResult>;
}

/** Per-evaluation memo so one step (or lesson) asks the API for the pod list once. */
class Evaluation implements TokenContext {
  private pods: Set<string> | null = null;
  private readonly normalized = new Map<readonly string[], NormalizedCommand>();

  constructor(readonly ctx: CheckContext) {}

  /** A name counts as a pod only if the cluster has (or had) such a pod, never from printed text. */
  isPod(name: string): boolean {
    if (this.pods === null) this.pods = this.currentPods();
    return this.pods.has(name) || (this.ctx.podExisted?.(this.namespace, name) ?? false);
  }

  get namespace(): string {
    return this.ctx.namespace ?? "default";
  }

  normalize(argv: readonly string[]): NormalizedCommand {
    let n = this.normalized.get(argv);
    if (n === undefined) {
      n = normalizeArgv(argv);
      this.normalized.set(argv, n);
    }
    return n;
  }

  private currentPods(): Set<string> {
    const names = new Set<string>();
    const list = getJson(this.ctx.api, `/api/v1/namespaces/${this.namespace}/pods`);
    if (list.status === 200) {
      for (const name of fieldValues(list.body, "items[*].metadata.name")) {
        if (typeof name === "string") names.add(name);
      }
    }
    return names;
  }

  /**
   * Whether a command of the line matches. Only commands of the pattern's program are normalized
   * (the rest cannot match): a line of 2,000 `export`s and `printf`s costs a comparison each.
   */
  ranMatching(entry: JournalEntry, pattern: NormalizedCommand, exact: boolean): boolean {
    return entry.commands.some(
      (argv) =>
        programOf(argv) === pattern.program && matchCommand(pattern, this.normalize(argv), this, exact),
    );
  }

  /**
   * The output an output check with a `run` pattern reads: what the matching commands wrote
   * themselves (not an `echo`, `printf` or `cat` elsewhere on the line), leaving out commands
   * told to print text of the learner's choosing (`-o go-template=…`, `curl -w …`). Lines
   * journaled before per-command output existed fall back to the whole line's output.
   */
  attributedOutput(entry: JournalEntry, pattern: NormalizedCommand): string[] {
    const texts: string[] = [];
    entry.commands.forEach((argv, i) => {
      if (programOf(argv) !== pattern.program) return;
      const actual = this.normalize(argv);
      if (!matchCommand(pattern, actual, this, false)) return;
      if (printsChosenText(actual, pattern)) return;
      const own = entry.outputs === undefined ? entry.output : entry.outputs[i];
      if (own) texts.push(own);
    });
    return texts;
  }
}

/**
 * Whether the command was told to print text of the learner's choosing, beyond what the check's
 * own pattern asks for: a kubectl template or custom-columns format (or any `-o` other than the
 * pattern's and `wide`), `--template`; curl's `-w` format or `-v` (which echoes the request's
 * headers back). Such output is the learner's words, not the cluster's.
 */
function printsChosenText(actual: NormalizedCommand, pattern: NormalizedCommand): boolean {
  const wanted = new Set(pattern.flags);
  const extra = actual.flags.filter((f) => !wanted.has(f));
  if (actual.program === "kubectl") {
    return extra.some((f) => {
      if (f.startsWith("--template")) return true;
      if (!f.startsWith("-o=")) return false;
      // go-template, jsonpath, custom-columns print the learner's text; yaml/json print the
      // annotations and labels the learner set
      return f.slice(3) !== "wide";
    });
  }
  if (actual.program === "curl") {
    return extra.some((f) => f.startsWith("-w=") || f === "-v" || f.startsWith("--trace"));
  }
  return false;
}

function getJson(api: ApiHandler, path: string, query?: URLSearchParams): { status: number; body: unknown } {
  const res = api({
    method: "GET",
    path,
    ...(query ? { query } : {}),
    headers: { accept: "application/json" },
  });
  let body: unknown = null;
  try {
    body = isJsonResponse(res) || res.body !== "" ? responseJson(res) : null;
  } catch {
    body = null;
  }
  return { status: res.status, body };
}

type PathSegment = { key: string } | { index: number } | { all: true };

function parsePath(path: string): PathSegment[] {
  const segments: PathSegment[] = [];
  const re = /([^.[\]]+)|\[(\d+)\]|\[\*\]|\["([^"]*)"\]|\['([^']*)'\]/g;
  for (const m of path.matchAll(re)) {
    if (m[1] !== undefined) segments.push({ key: m[1] });
    else if (m[2] !== undefined) segments.push({ index: Number(m[2]) });
    else if (m[3] !== undefined) segments.push({ key: m[3] });
    else if (m[4] !== undefined) segments.push({ key: m[4] });
    else segments.push({ all: true });
  }
  return segments;
}

/** Every value a field path into an API object reaches (`[*]` fans out); missing fields reach nothing. */
export function fieldValues(root: unknown, path: string): unknown[] {
  let current: unknown[] = [root];
  for (const seg of parsePath(path)) {
    const next: unknown[] = [];
    for (const value of current) {
      if ("all" in seg) {
        if (Array.isArray(value)) next.push(...value);
      } else if ("index" in seg) {
        if (Array.isArray(value) && seg.index < value.length) next.push(value[seg.index]);
      } else if (value !== null && typeof value === "object" && !Array.isArray(value)) {
        const record = value as Record<string, unknown>;
        if (Object.hasOwn(record, seg.key)) next.push(record[seg.key]);
      }
    }
    current = next;
  }
  return current;
}

function valueMatches(value: unknown, p: { equals?: unknown; matches?: string | undefined }): boolean {
  if (p.equals !== undefined && value !== p.equals) return false;
  if (p.matches !== undefined) {
    const text = typeof value === "string" ? value : JSON.stringify(value);
    if (text === undefined || !new RegExp(p.matches).test(text)) return false;
  }
  return true;
}

function exitOk(expected: CommandCheck["exitCode"], actual: number): boolean {
  if (expected === undefined) return true;
  return expected === "nonzero" ? actual !== 0 : actual === expected;
}

function commandMet(check: CommandCheck, ev: Evaluation): boolean {
  const pattern = normalizeArgv(check.run);
  const exact = check.exact ?? false;
  // A line still in progress (the learner is inside the shell it opened) has no exit code yet.
  return ev.ctx.journal.some(
    (e) =>
      (e.inProgress === true ? check.exitCode === undefined : exitOk(check.exitCode, e.exitCode)) &&
      ev.ranMatching(e, pattern, exact),
  );
}

function outputMet(check: OutputCheck, ev: Evaluation): boolean {
  const re = new RegExp(check.pattern, "m");
  const pattern = check.run ? normalizeArgv(check.run) : null;
  let hits = 0;
  for (const e of ev.ctx.journal) {
    if (pattern === null ? !re.test(e.output) : !ev.attributedOutput(e, pattern).some((t) => re.test(t)))
      continue;
    hits++;
    if (hits >= (check.times ?? 1)) return true;
  }
  return false;
}

function expectMet(expect: StateExpect, res: { status: number; body: unknown }): boolean {
  if (expect.exists !== undefined) return expect.exists ? res.status === 200 : res.status === 404;
  if (res.status !== 200) return false;
  if (expect.count !== undefined || expect.min !== undefined) {
    const where = expect.where;
    const items = fieldValues(res.body, "items[*]").filter(
      (item) => where === undefined || fieldValues(item, where.path).some((v) => valueMatches(v, where)),
    );
    if (expect.count !== undefined && items.length !== expect.count) return false;
    return expect.min === undefined || items.length >= expect.min;
  }
  const values = fieldValues(res.body, expect.path ?? "");
  if (values.length === 0) return false;
  return expect.some
    ? values.some((v) => valueMatches(v, expect))
    : values.every((v) => valueMatches(v, expect));
}

function stateMet(check: StateCheck, ev: Evaluation): boolean {
  const query = new URLSearchParams();
  if (check.labelSelector !== undefined) query.set("labelSelector", check.labelSelector);
  if (check.fieldSelector !== undefined) query.set("fieldSelector", check.fieldSelector);
  const res = getJson(ev.ctx.api, check.get, query.size > 0 ? query : undefined);
  return expectMet(check.expect, res);
}

function checkMet(check: Check, ev: Evaluation): boolean {
  switch (check.kind) {
    case "command":
      return commandMet(check, ev);
    case "output":
      return outputMet(check, ev);
    case "state":
      return stateMet(check, ev);
    case "anyOf":
      return check.checks.some((c) => checkMet(c, ev));
  }
}

// ---- messages ------------------------------------------------------------------------------

/** How a pattern reads to a learner: `kubectl exec $POD_NAME -- env`. */
export function displayPattern(run: readonly string[]): string {
  return run
    .filter((t) => t !== "...")
    .map((t) => t.replace(/<pod>/g, "$POD_NAME").replace(/<any>|<\*>/g, "…"))
    .join(" ");
}

function describeResource(path: string): string {
  const parts = path.split("/").filter(Boolean);
  const name = parts[parts.length - 1] ?? path;
  const type = parts[parts.length - 2];
  const listTypes = new Set([
    "pods",
    "services",
    "deployments",
    "replicasets",
    "nodes",
    "events",
    "endpoints",
  ]);
  if (listTypes.has(name)) return name;
  return type !== undefined && listTypes.has(type) ? `${type}/${name}` : path;
}

function describeValue(p: { equals?: unknown; matches?: string | undefined }): { ja: string; en: string } {
  if (p.equals !== undefined) {
    const v = JSON.stringify(p.equals);
    return { ja: `${v} になっていません`, en: `is not ${v} yet` };
  }
  return { ja: `/${p.matches}/ に一致していません`, en: `does not match /${p.matches}/ yet` };
}

export function explainCheck(check: Check): Localized {
  if (check.explain) return check.explain;
  switch (check.kind) {
    case "command": {
      const cmd = `\`${displayPattern(check.run)}\``;
      if (check.exitCode === "nonzero") {
        return { ja: `${cmd} が失敗することをまだ確かめていません`, en: `You have not yet seen ${cmd} fail` };
      }
      const ok = check.exitCode === 0;
      return {
        ja: `${cmd} をまだ${ok ? "成功させていません" : "実行していません"}`,
        en: `Run ${cmd}${ok ? " successfully" : ""}`,
      };
    }
    case "output": {
      const where = check.run ? `\`${displayPattern(check.run)}\`` : null;
      const times = check.times && check.times > 1 ? check.times : null;
      return {
        ja: `${where ? `${where} の出力に` : "コマンドの出力に"} /${check.pattern}/ が${times ? `${times}回` : ""}まだ現れていません`,
        en: `No output${where ? ` of ${where}` : ""} has shown /${check.pattern}/${times ? ` ${times} times` : ""} yet`,
      };
    }
    case "state": {
      const what = describeResource(check.get);
      const sel = check.labelSelector ? ` (-l ${check.labelSelector})` : "";
      const e = check.expect;
      if (e.exists !== undefined) {
        return e.exists
          ? { ja: `${what} がまだクラスタにありません`, en: `${what} does not exist in the cluster yet` }
          : { ja: `${what} がまだクラスタに残っています`, en: `${what} still exists in the cluster` };
      }
      if (e.count !== undefined || e.min !== undefined) {
        const filter = e.where ? ` ${e.where.path}=${e.where.equals ?? `/${e.where.matches}/`}` : "";
        const n = e.count !== undefined ? `${e.count}` : `${e.min}+`;
        return {
          ja: `${what}${sel}${filter} の数がまだ ${n} になっていません`,
          en: `The number of ${what}${sel}${filter} is not ${n} yet`,
        };
      }
      const v = describeValue(e);
      return { ja: `${what}${sel} の ${e.path} が${v.ja}`, en: `${what}${sel}: ${e.path} ${v.en}` };
    }
    case "anyOf": {
      const parts = check.checks.map(explainCheck);
      return { ja: parts.map((p) => p.ja).join(" または "), en: parts.map((p) => p.en).join(", or ") };
    }
  }
}

// ---- entry points --------------------------------------------------------------------------

function evaluateWith(step: Pick<Step, "checks">, ev: Evaluation): StepResult {
  const missing = step.checks.filter((c) => !checkMet(c, ev)).map(explainCheck);
  return { done: missing.length === 0, missing };
}

export function evaluate(step: Pick<Step, "checks">, ctx: CheckContext): StepResult {
  return evaluateWith(step, new Evaluation(ctx));
}

/**
 * Steps may be completed in any order (a learner who explores ahead is not punished); the UI
 * highlights `current`, the first step not done. A step once done stays done, so state checks
 * that later stop holding (the lesson moves on) do not undo it: pass completed ids back in.
 */
export function evaluateLesson(
  lesson: Pick<Lesson, "steps">,
  ctx: CheckContext,
  alreadyDone: ReadonlySet<string>,
): LessonResult {
  const ev = new Evaluation(ctx);
  const newlyCompleted: string[] = [];
  const results: Record<string, StepResult> = {};
  let current: string | null = null;
  for (const step of lesson.steps) {
    if (alreadyDone.has(step.id)) continue;
    const result = evaluateWith(step, ev);
    results[step.id] = result;
    if (result.done) newlyCompleted.push(step.id);
    else current ??= step.id;
  }
  return { newlyCompleted, current, results };
}

export type { AnyOfCheck, Check, CommandCheck, OutputCheck, StateCheck };
