/**
 * A workstation on a machine with no network and no cluster, for tests that are about the
 * shell itself (regexes, bounds, budgets, hostile input). Time is the ManualScheduler's.
 */
import { InterruptSource } from "./interrupt";
import { ManualScheduler } from "./manual-time";
import type { Machine, Program } from "./types";
import { createWorkstation, type ShellSession, type Workstation } from "./workstation";

const offline: Machine = {
  api: () => ({ status: 404, headers: {}, body: "" }),
  net: () => ({ kind: "refused" }),
  listen: () => false,
  unlisten: () => {},
};

export function offlineWorkstation(
  programs: Record<string, Program> = {},
  opts: { scheduler?: ManualScheduler; user?: string; host?: string } = {},
): {
  ws: Workstation;
  sh: ShellSession;
  scheduler: ManualScheduler;
} {
  const scheduler = opts.scheduler ?? new ManualScheduler();
  const ws = createWorkstation({
    machine: offline,
    clock: scheduler.clock,
    scheduler,
    programs,
    ...(opts.user !== undefined ? { user: opts.user } : {}),
    ...(opts.host !== undefined ? { host: opts.host } : {}),
  });
  return { ws, sh: ws.openShell("1"), scheduler };
}

export interface LineResult {
  out: string;
  err: string;
  /** stdout and stderr as they were written, interleaved (what a terminal shows). */
  all: string;
  exitCode: number;
}

/** A line started and not yet awaited: its output so far, its interrupt and its end. */
export interface RunningLine {
  out(): string;
  err(): string;
  all(): string;
  interrupt: InterruptSource;
  done: Promise<LineResult>;
}

/** Starts one line (no TTY, 80 columns) and collects its output as it comes. */
export function startLine(
  sh: ShellSession,
  line: string,
  opts: { interrupt?: InterruptSource; interactive?: boolean } = {},
): RunningLine {
  let out = "";
  let err = "";
  let all = "";
  const interrupt = opts.interrupt ?? new InterruptSource();
  const done = sh
    .run(line, {
      stdout: (s) => {
        out += s;
        all += s;
      },
      stderr: (s) => {
        err += s;
        all += s;
      },
      tty: false,
      columns: 80,
      interrupt,
      ...(opts.interactive ? { interactive: true } : {}),
    })
    .then((r) => ({ out, err, all, exitCode: r.exitCode }));
  return { out: () => out, err: () => err, all: () => all, interrupt, done };
}

/** Runs one line and collects its output (no TTY, 80 columns). */
export function runLine(
  sh: ShellSession,
  line: string,
  interrupt = new InterruptSource(),
): Promise<LineResult> {
  return startLine(sh, line, { interrupt }).done;
}
