/**
 * Types a lesson's solution lines into shells as a learner would, journals every finished
 * line like the terminal does, and runs the check engine after each one. Used by the
 * solution-replay test (every step of every lesson must complete) and usable by the sim CLI
 * or a bench. Pure: time is a ManualClock, timers a ManualScheduler driven from here.
 */
import type { ApiHandler, ManualClock } from "../cluster/types";
import type { ExitCode, InteractiveShell, Interrupt, JournalEntry, RunIO, Scheduler } from "../shell/types";
import { evaluateLesson, type StepResult } from "./checks";
import type { Lesson } from "./schema";

/** A Scheduler whose timers fire only when the replay moves the ManualClock. */
export class ManualScheduler implements Scheduler {
  private timers = new Map<number, { at: number; fn: () => void }>();
  private nextId = 1;

  constructor(private readonly clock: ManualClock) {}

  setTimeout(fn: () => void, ms: number): unknown {
    const id = this.nextId++;
    this.timers.set(id, { at: this.clock.now() + Math.max(0, ms), fn });
    return id;
  }

  clearTimeout(handle: unknown): void {
    if (typeof handle === "number") this.timers.delete(handle);
  }

  /** When the earliest timer is due, or undefined without timers. */
  nextDue(): number | undefined {
    let min: number | undefined;
    for (const t of this.timers.values()) if (min === undefined || t.at < min) min = t.at;
    return min;
  }

  /** Fires every timer due at the current time (earliest first). */
  fireDue(): void {
    for (;;) {
      let best: [number, { at: number; fn: () => void }] | undefined;
      for (const entry of this.timers) {
        if (entry[1].at <= this.clock.now() && (best === undefined || entry[1].at < best[1].at)) best = entry;
      }
      if (best === undefined) return;
      this.timers.delete(best[0]);
      best[1].fn();
    }
  }
}

class ReplayInterrupt implements Interrupt {
  interrupted = false;
  private resolveFn: () => void = () => {};
  readonly promise = new Promise<void>((r) => {
    this.resolveFn = r;
  });
  fire(): void {
    this.interrupted = true;
    this.resolveFn();
  }
}

export interface ReplayOptions {
  /** Opens the workstation shell of a terminal tab ("1", "2", …). */
  openShell(tabId: string): InteractiveShell;
  api: ApiHandler;
  clock: ManualClock;
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

const OUTPUT_HEAD = 4096;

interface Tab {
  /** Shells of the tab, the innermost (e.g. `kubectl exec -ti … -- bash`) last. */
  stack: InteractiveShell[];
  /** Resolves the `enterShell` promise of a shell when it exits. */
  exits: Map<InteractiveShell, (code: ExitCode) => void>;
  lastExit: ExitCode;
  interrupts: ReplayInterrupt[];
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
  const tabs = new Map<string, Tab>();
  let pending: Record<string, StepResult> = {};

  const evaluateNow = () => {
    const result = evaluateLesson(lesson, { journal, api: opts.api }, new Set(completed));
    completed.push(...result.newlyCompleted);
    pending = result.results;
    for (const id of result.newlyCompleted) delete pending[id];
  };

  const advanceTo = (t: number) => {
    while (true) {
      const due = scheduler.nextDue();
      if (due === undefined || due > t) break;
      clock.set(Math.max(clock.now(), due));
      scheduler.fireDue();
    }
    clock.set(Math.max(clock.now(), t));
  };

  /** Runs the clock until `done()` or until nothing but input/Ctrl-C could move the line on. */
  const settle = async (done: () => boolean) => {
    const start = clock.now();
    for (;;) {
      await flushMicrotasks();
      if (done()) return;
      const due = scheduler.nextDue();
      if (due === undefined || due - start > maxWaitMs) return;
      advanceTo(due);
    }
  };

  const tabFor = (tabId: string): Tab => {
    let tab = tabs.get(tabId);
    if (tab === undefined) {
      tab = { stack: [opts.openShell(tabId)], exits: new Map(), lastExit: 0, interrupts: [] };
      tabs.set(tabId, tab);
    }
    return tab;
  };

  const typeLine = async (tabId: string, line: string) => {
    const tab = tabFor(tabId);
    const shell = tab.stack[tab.stack.length - 1];
    if (shell === undefined) throw new Error(`tab ${tabId} has no shell left for: ${line}`);
    let output = "";
    const write = (chunk: string) => {
      if (output.length < OUTPUT_HEAD) output = (output + chunk).slice(0, OUTPUT_HEAD);
    };
    const interrupt = new ReplayInterrupt();
    tab.interrupts.push(interrupt);
    const io: RunIO = {
      stdout: write,
      stderr: write,
      tty: true,
      columns: 120,
      interrupt,
      enterShell: (inner) =>
        new Promise<ExitCode>((resolve) => {
          tab.stack.push(inner);
          tab.exits.set(inner, resolve);
        }),
    };
    let finished = false;
    void shell.run(line, io).then((result) => {
      finished = true;
      tab.lastExit = result.exitCode;
      journal.push({
        tab: tabId,
        line,
        commands: result.commands,
        exitCode: result.exitCode,
        // The terminal journals what the learner saw, without colour.
        output: output.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, ""),
        at: clock.now(),
      });
      if (shell.exited) {
        tab.stack.pop();
        const resolveExit = tab.exits.get(shell);
        tab.exits.delete(shell);
        resolveExit?.(result.exitCode);
      }
    });
    await settle(() => finished || tab.stack[tab.stack.length - 1] !== shell);
    // Lines finishing later (an outer `exec -ti` after `exit`) are journaled when they do.
    await flushMicrotasks();
    evaluateNow();
  };

  for (const step of lesson.steps) {
    for (const { tab, line } of step.solution) {
      advanceTo(clock.now() + thinkMs);
      await typeLine(tab, line);
    }
  }
  // Ctrl-C whatever still runs in the foreground (kubectl proxy), as a learner closing tabs.
  for (const tab of tabs.values()) for (const i of tab.interrupts) i.fire();
  await settle(() => false);
  evaluateNow();
  return { journal, completed, pending };
}
