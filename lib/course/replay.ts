/**
 * Types a lesson's solution lines into the terminal driver the server gives every student
 * (lib/terminal/driver.ts, keyboard input) and runs the check engine after each one — so the
 * solution-replay test proves the path students use: the same echo, nesting of
 * `kubectl exec -ti … -- bash`, Ctrl-C, journal entries (ANSI stripped, output head) and
 * interrupts. Pure: time is the ManualScheduler's ManualClock, moved by the driver.
 */
import type { ApiHandler, ManualClock } from "../cluster/types";
import type { ManualScheduler } from "../shell/manual-time";
import type { InteractiveShell, JournalEntry } from "../shell/types";
import { TerminalDriver } from "../terminal/driver";
import { evaluateLesson, type StepResult } from "./checks";
import type { Lesson } from "./schema";

export { ManualScheduler } from "../shell/manual-time";

export interface ReplayOptions {
  /** Opens the workstation shell of a terminal tab ("1", "2", …). */
  openShell(tabId: string): InteractiveShell;
  api: ApiHandler;
  /** The cluster's record of pods that existed (CheckContext.podExisted). */
  podExisted?: (namespace: string, name: string) => boolean;
  clock: ManualClock;
  /** Its clock is `clock`. */
  scheduler: ManualScheduler;
  /** Simulated time between two typed lines (default 5 s). */
  thinkMs?: number;
  /** Longest simulated wait for one line to finish before it counts as a foreground program (default 10 min). */
  maxWaitMs?: number;
}

export interface ReplayResult {
  journal: JournalEntry[];
  /** Step ids in the order they completed. */
  completed: string[];
  /** Check results of the steps that never completed. */
  pending: Record<string, StepResult>;
}

export async function replayLesson(
  lesson: Pick<Lesson, "steps">,
  opts: ReplayOptions,
): Promise<ReplayResult> {
  const thinkMs = opts.thinkMs ?? 5000;
  const { clock, scheduler } = opts;
  const journal: JournalEntry[] = [];
  const completed: string[] = [];
  let pending: Record<string, StepResult> = {};

  const evaluateNow = () => {
    const ctx = { journal, api: opts.api, ...(opts.podExisted ? { podExisted: opts.podExisted } : {}) };
    const result = evaluateLesson(lesson, ctx, new Set(completed));
    completed.push(...result.newlyCompleted);
    pending = result.results;
    for (const id of result.newlyCompleted) delete pending[id];
  };

  // The terminal every student tab gets, keys typed as a student types them.
  const driver = new TerminalDriver({
    openShell: opts.openShell,
    clock,
    scheduler,
    input: "keyboard",
    tty: true,
    columns: 120,
    onJournal: (entry) => journal.push(entry),
    virtualTime: scheduler,
    // a line still waiting after this long is a foreground program (kubectl proxy): left running
    lineTimeoutMs: opts.maxWaitMs ?? 600_000,
  });
  const leaveRunning = async () => true;

  try {
    for (const step of lesson.steps) {
      for (const { tab, line } of step.solution) {
        await scheduler.advance(thinkMs);
        await driver.type(tab, line, { leaveRunning });
        evaluateNow();
      }
    }
    // Ctrl-C whatever still runs in the foreground (kubectl proxy), as a learner closing tabs.
    await driver.stopAll();
    evaluateNow();
  } finally {
    driver.dispose();
  }
  return { journal, completed, pending };
}
