/**
 * The progress evaluator of one student in one lesson: the lesson's recent journal, each step's
 * tally, and the check engine's verdict after every finished line. Pure (no I/O): the live
 * session feeds it lines and writes what it returns.
 *
 * Checks are evaluated incrementally. A check on the journal (a command was run, an output was
 * seen n times) can only become true through a new line, so each one is asked about the new
 * line alone and remembers when it is met; only checks on the cluster's state are asked again
 * on every line (one in-memory API call each). The cost of a line therefore grows with the
 * lesson's open checks, not with the length of the journal. The full evaluation over the journal
 * (lib/course/checks.ts) runs once, when the lesson is loaded, and the test proves both agree.
 */
import type { ApiHandler } from "../cluster/types";
import { normalizeArgv, programOf } from "../course/argv";
import { type Check, type CheckContext, evaluate, explainCheck } from "../course/checks";
import type { Lesson, Localized } from "../course/schema";
import type { ProgressUpdate } from "../protocol/socket";
import type { JournalEntry } from "../shell/types";
import { type StepTally, tallyLine, tallySolutionShown } from "./progress";

/**
 * What a check still asks for, in words: a function of the check alone, and asked for each
 * open check after every line — built once per check.
 */
const explanations = new WeakMap<Check, Localized>();
function explained(check: Check): Localized {
  let text = explanations.get(check);
  if (text === undefined) {
    text = explainCheck(check);
    explanations.set(check, text);
  }
  return text;
}

/** Lines of a lesson the checks look at (the newest; ≤ 4 KiB of output each). */
export const JOURNAL_LIMIT = 500;

/** Paths whose answer is not part of the object store (and so not covered by its version). */
const SUBRESOURCE = /\/(log|proxy|exec|attach|portforward)(\/|$)/;

/**
 * Asked between pieces of a long check's work (LessonProgress.prepare): `true` to go on now, a
 * promise to wait on first (the host lets other work run and charges what was done to the
 * student, as between a line's slices) resolving to whether to go on, `false` to stop.
 */
export type Pace = () => boolean | Promise<boolean>;

/** Commands read between two questions to the pace (a few µs each). */
const PREPARE_STRIDE = 16;

export interface LineOutcome {
  /** Step rows that changed (absolute values, ready to upsert). */
  changed: StepTally[];
  newlyCompleted: string[];
  /** What the learner's step list shows after this line. */
  update: ProgressUpdate;
}

type CheckNode =
  | { kind: "journal"; check: Check; probe: Check; times: number; hits: number; met: boolean }
  | { kind: "state"; check: Check; cached?: { version: number; met: boolean } }
  | { kind: "anyOf"; check: Check; children: CheckNode[] };

function nodeFor(check: Check): CheckNode {
  switch (check.kind) {
    case "state":
      return { kind: "state", check };
    case "anyOf":
      return { kind: "anyOf", check, children: check.checks.map(nodeFor) };
    case "command":
      return {
        kind: "journal",
        check,
        probe: check,
        times: 1,
        hits: 0,
        met: false,
      };
    case "output":
      return {
        kind: "journal",
        check,
        probe: { ...check, times: 1 },
        times: check.times ?? 1,
        hits: 0,
        met: false,
      };
  }
}

export class LessonProgress {
  private journal: JournalEntry[];
  /** Open steps' checks (a step leaves the map when done). */
  private readonly open = new Map<string, CheckNode[]>();

  constructor(
    readonly lesson: Lesson,
    journal: JournalEntry[],
    private readonly tallies: Map<string, StepTally>,
    api: ApiHandler,
    private readonly limit = JOURNAL_LIMIT,
    /** The cluster's record of pods that existed (`<pod>` patterns; see CheckContext). */
    private readonly podExisted?: (namespace: string, name: string) => boolean,
  ) {
    this.journal = journal.slice(-limit);
    this.rebuild(api);
  }

  /** Check state from the whole journal (on load and after a reset). */
  private rebuild(api: ApiHandler): void {
    this.open.clear();
    const done = this.done;
    for (const step of this.lesson.steps) {
      if (done.has(step.id)) continue;
      const nodes = step.checks.map(nodeFor);
      const visit = (n: CheckNode) => {
        if (n.kind === "anyOf") n.children.forEach(visit);
        if (n.kind !== "journal") return;
        n.met = evaluate({ checks: [n.check] }, this.ctx(this.journal, api)).done;
        if (!n.met && n.times > 1) n.hits = this.journal.filter((e) => this.probe(n, e, api)).length;
      };
      nodes.forEach(visit);
      this.open.set(step.id, nodes);
    }
  }

  get done(): Set<string> {
    const done = new Set<string>();
    for (const t of this.tallies.values()) if (t.completedAt !== null) done.add(t.stepId);
    return done;
  }

  get journalLength(): number {
    return this.journal.length;
  }

  private ctx(journal: readonly JournalEntry[], api: ApiHandler): CheckContext {
    return this.podExisted ? { journal, api, podExisted: this.podExisted } : { journal, api };
  }

  /**
   * Reads a finished line's commands before `line` checks it: each command of a program an open
   * journal check names is normalized (kept by lib/course/argv.ts, where the check finds it), in
   * pieces that ask `pace` whether to go on. A loop's line records thousands of commands, and
   * reading them all in the turn the line ended held the thread for 7–38 ms (issue 12); paced, the
   * work takes its student's turns and CPU limit like the line did. Returns undefined when it
   * finished without waiting, else a promise for the end. Reads no state of the lesson: `line`
   * answers the same with or without it.
   */
  prepare(entry: JournalEntry, pace: Pace): Promise<void> | undefined {
    const programs = new Set<string>();
    const visit = (n: CheckNode) => {
      if (n.kind === "anyOf") n.children.forEach(visit);
      else if (n.kind === "journal" && !n.met && n.probe.kind !== "state" && n.probe.kind !== "anyOf") {
        if (n.probe.run) programs.add(normalizeArgv(n.probe.run).program);
      }
    };
    for (const nodes of this.open.values()) nodes.forEach(visit);
    const commands = entry.commands;
    if (programs.size === 0) return undefined;
    let i = 0;
    const run = (): Promise<void> | undefined => {
      while (i < commands.length) {
        const argv = commands[i++] as string[];
        if (programs.has(programOf(argv))) normalizeArgv(argv);
        if (i % PREPARE_STRIDE !== 0 || i === commands.length) continue;
        const go = pace();
        if (go === false) return undefined;
        if (go !== true) return go.then((on) => (on ? run() : undefined));
      }
      return undefined;
    };
    return run();
  }

  /** Whether one line meets a journal check. */
  private probe(n: Extract<CheckNode, { kind: "journal" }>, e: JournalEntry, api: ApiHandler): boolean {
    return evaluate({ checks: [n.probe] }, this.ctx([e], api)).done;
  }

  /**
   * Whether a check holds now. A state check is asked again only when the cluster's objects
   * changed since it was last asked (`version`), unless it reads a subresource (logs, proxy).
   */
  private met(n: CheckNode, api: ApiHandler, version: number | undefined): boolean {
    switch (n.kind) {
      case "journal":
        return n.met;
      case "state": {
        const cacheable = version !== undefined && n.check.kind === "state" && !SUBRESOURCE.test(n.check.get);
        if (cacheable && n.cached?.version === version) return n.cached.met;
        const met = evaluate({ checks: [n.check] }, this.ctx(this.journal, api)).done;
        if (cacheable) n.cached = { version, met };
        return met;
      }
      case "anyOf":
        return n.children.some((c) => this.met(c, api, version));
    }
  }

  private advance(n: CheckNode, e: JournalEntry, api: ApiHandler): void {
    if (n.kind === "anyOf") for (const c of n.children) this.advance(c, e, api);
    if (n.kind !== "journal" || n.met) return;
    if (this.probe(n, e, api)) n.hits++;
    n.met = n.hits >= n.times;
  }

  /** A line in progress meets a check that it would complete; it adds no hit (its end will). */
  private peek(n: CheckNode, e: JournalEntry, api: ApiHandler): void {
    if (n.kind === "anyOf") for (const c of n.children) this.peek(c, e, api);
    if (n.kind !== "journal" || n.met) return;
    if (n.hits + 1 >= n.times && this.probe(n, e, api)) n.met = true;
  }

  /** Open steps in lesson order with what each still misses; `done` ones leave `open`. */
  private evaluateOpen(
    api: ApiHandler,
    version: number | undefined,
  ): { newlyCompleted: string[]; missing: Map<string, Localized[]> } {
    const newlyCompleted: string[] = [];
    const missing = new Map<string, Localized[]>();
    for (const [stepId, nodes] of this.open) {
      const unmet = nodes.filter((n) => !this.met(n, api, version)).map((n) => explained(n.check));
      if (unmet.length === 0) newlyCompleted.push(stepId);
      else missing.set(stepId, unmet);
    }
    return { newlyCompleted, missing };
  }

  /**
   * A finished line: counted against the open steps, then the steps are checked again.
   * `version` (the cluster's resourceVersion, when known) lets unchanged state checks be skipped.
   */
  line(entry: JournalEntry, api: ApiHandler, version?: number): LineOutcome {
    // A line still in progress (the student is inside `exec -ti … bash`) can meet a check at
    // once; it joins the journal, and is counted against the open steps, when it ends.
    const inProgress = entry.inProgress === true;
    if (!inProgress) {
      this.journal.push(entry);
      if (this.journal.length > this.limit) this.journal.splice(0, this.journal.length - this.limit);
    }
    for (const nodes of this.open.values())
      for (const n of nodes) inProgress ? this.peek(n, entry, api) : this.advance(n, entry, api);
    const { newlyCompleted, missing } = this.evaluateOpen(api, version);
    const openSteps = inProgress ? newlyCompleted : [...this.open.keys()];
    const changed = tallyLine(this.tallies, {
      openSteps,
      failed: !inProgress && entry.exitCode !== 0,
      completed: newlyCompleted,
      at: entry.at,
    });
    for (const id of newlyCompleted) this.open.delete(id);
    return { changed, newlyCompleted, update: this.updateFrom(missing) };
  }

  view(api: ApiHandler, version?: number): ProgressUpdate {
    return this.updateFrom(this.evaluateOpen(api, version).missing);
  }

  solutionShown(stepId: string, at: number): StepTally | null {
    if (!this.lesson.steps.some((s) => s.id === stepId)) return null;
    return tallySolutionShown(this.tallies, stepId, at);
  }

  /** "Reset this lesson": the checks start over from an empty journal; earned steps stay. */
  clearJournal(api: ApiHandler): void {
    this.journal = [];
    this.rebuild(api);
  }

  private updateFrom(missing: Map<string, Localized[]>): ProgressUpdate {
    const done = this.done;
    const current = this.lesson.steps.find((s) => !done.has(s.id) && missing.has(s.id))?.id ?? null;
    return {
      lessonId: this.lesson.id,
      current,
      steps: this.lesson.steps.map((s) => ({
        id: s.id,
        done: done.has(s.id),
        missing: missing.get(s.id) ?? [],
      })),
    };
  }
}
