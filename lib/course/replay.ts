/**
 * Types a lesson's solution lines, keystroke by keystroke, into the production terminal (the line
 * discipline the server gives every student tab, lib/terminal) and runs the check engine after
 * each one — so the solution-replay test proves the path students use: the same echo, nesting
 * of `kubectl exec -ti … -- bash`, Ctrl-C, journal entries (ANSI stripped, output head) and
 * interrupts. Pure: time is the ManualScheduler's ManualClock, moved from here.
 */
import type { ApiHandler, ManualClock } from "../cluster/types";
import type { ManualScheduler } from "../shell/testing";
import type { InteractiveShell, JournalEntry } from "../shell/types";
import { createTerminal, type Terminal } from "../terminal/terminal";
import { evaluateLesson, type StepResult } from "./checks";
import type { Lesson } from "./schema";

export { ManualScheduler } from "../shell/testing";

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

async function flushMicrotasks(): Promise<void> {
  for (let i = 0; i < 200; i++) await Promise.resolve();
}

export async function replayLesson(
  lesson: Pick<Lesson, "steps">,
  opts: ReplayOptions,
): Promise<ReplayResult> {
  const thinkMs = opts.thinkMs ?? 5000;
  const maxWaitMs = opts.maxWaitMs ?? 600_000;
  const { clock, scheduler } = opts;
  const journal: JournalEntry[] = [];
  const completed: string[] = [];
  const terminals = new Map<string, Terminal>();
  let pending: Record<string, StepResult> = {};

  const evaluateNow = () => {
    const ctx = { journal, api: opts.api, ...(opts.podExisted ? { podExisted: opts.podExisted } : {}) };
    const result = evaluateLesson(lesson, ctx, new Set(completed));
    completed.push(...result.newlyCompleted);
    pending = result.results;
    for (const id of result.newlyCompleted) delete pending[id];
  };

  /** Runs the clock until `done()` or until nothing but input/Ctrl-C could move the line on. */
  const settle = async (done: () => boolean) => {
    const start = clock.now();
    for (;;) {
      await flushMicrotasks();
      if (done()) return;
      const due = scheduler.nextAt();
      if (due === undefined || due - start > maxWaitMs) return;
      await scheduler.advance(Math.max(0, due - clock.now()));
    }
  };

  const terminalFor = (tab: string): Terminal => {
    let term = terminals.get(tab);
    if (term === undefined) {
      term = createTerminal({
        shell: opts.openShell(tab),
        tab,
        clock,
        scheduler,
        tty: true,
        columns: 120,
        onOutput: () => {},
        onJournal: (entry) => journal.push(entry),
      });
      terminals.set(tab, term);
    }
    return term;
  };

  for (const step of lesson.steps) {
    for (const { tab, line } of step.solution) {
      await scheduler.advance(thinkMs);
      const term = terminalFor(tab);
      term.input(`${line}\r`);
      // a line that opens a container shell leaves the terminal at that shell's prompt: not busy
      await settle(() => !term.busy);
      await flushMicrotasks();
      evaluateNow();
    }
  }
  // Ctrl-C whatever still runs in the foreground (kubectl proxy), as a learner closing tabs.
  for (const term of terminals.values()) if (term.busy) term.input("\x03");
  await settle(() => [...terminals.values()].every((t) => !t.busy));
  evaluateNow();
  for (const term of terminals.values()) term.dispose();
  return { journal, completed, pending };
}
