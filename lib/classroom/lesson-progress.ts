/**
 * The progress evaluator of one student in one lesson: the lesson's recent journal, each step's
 * tally, and the check engine's verdict after every finished line. Pure (no I/O): the live
 * session feeds it lines and writes what it returns.
 */
import type { ApiHandler } from "../cluster/types";
import { evaluateLesson, type LessonResult } from "../course/checks";
import type { Lesson } from "../course/schema";
import type { ProgressUpdate } from "../protocol/socket";
import type { JournalEntry } from "../shell/types";
import { type StepTally, tallyLine, tallySolutionShown } from "./progress";

/** Lines of a lesson the checks look at (the newest; ≤ 4 KiB of output each). */
export const JOURNAL_LIMIT = 500;

export interface LineOutcome {
  /** Step rows that changed (absolute values, ready to upsert). */
  changed: StepTally[];
  newlyCompleted: string[];
  /** What the learner's step list shows after this line. */
  update: ProgressUpdate;
}

export class LessonProgress {
  private journal: JournalEntry[];

  constructor(
    readonly lesson: Lesson,
    journal: JournalEntry[],
    private readonly tallies: Map<string, StepTally>,
    private readonly limit = JOURNAL_LIMIT,
  ) {
    this.journal = journal.slice(-limit);
  }

  get done(): Set<string> {
    const done = new Set<string>();
    for (const t of this.tallies.values()) if (t.completedAt !== null) done.add(t.stepId);
    return done;
  }

  get journalLength(): number {
    return this.journal.length;
  }

  /** A finished line: counted against the open steps, then the steps are checked again. */
  line(entry: JournalEntry, api: ApiHandler): LineOutcome {
    this.journal.push(entry);
    if (this.journal.length > this.limit) this.journal.splice(0, this.journal.length - this.limit);
    const done = this.done;
    const result = evaluateLesson(this.lesson, { journal: this.journal, api }, done);
    const openSteps = this.lesson.steps.filter((s) => !done.has(s.id)).map((s) => s.id);
    const changed = tallyLine(this.tallies, {
      openSteps,
      failed: entry.exitCode !== 0,
      completed: result.newlyCompleted,
      at: entry.at,
    });
    for (const id of result.newlyCompleted) done.add(id);
    return { changed, newlyCompleted: result.newlyCompleted, update: this.updateFrom(done, result) };
  }

  view(api: ApiHandler): ProgressUpdate {
    const done = this.done;
    return this.updateFrom(done, evaluateLesson(this.lesson, { journal: this.journal, api }, done));
  }

  solutionShown(stepId: string, at: number): StepTally | null {
    if (!this.lesson.steps.some((s) => s.id === stepId)) return null;
    return tallySolutionShown(this.tallies, stepId, at);
  }

  /** "Reset this lesson": the checks start over from an empty journal; earned steps stay. */
  clearJournal(): void {
    this.journal = [];
  }

  private updateFrom(done: ReadonlySet<string>, result: LessonResult): ProgressUpdate {
    return {
      lessonId: this.lesson.id,
      current: result.current,
      steps: this.lesson.steps.map((s) => ({
        id: s.id,
        done: done.has(s.id),
        missing: result.results[s.id]?.missing ?? [],
      })),
    };
  }
}
