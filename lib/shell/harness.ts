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

export function offlineWorkstation(programs: Record<string, Program> = {}): {
  ws: Workstation;
  sh: ShellSession;
  scheduler: ManualScheduler;
} {
  const scheduler = new ManualScheduler();
  const ws = createWorkstation({ machine: offline, clock: scheduler.clock, scheduler, programs });
  return { ws, sh: ws.openShell("1"), scheduler };
}

export interface LineResult {
  out: string;
  err: string;
  exitCode: number;
}

/** Runs one line and collects its output (no TTY, 80 columns). */
export async function runLine(
  sh: ShellSession,
  line: string,
  interrupt = new InterruptSource(),
): Promise<LineResult> {
  let out = "";
  let err = "";
  const r = await sh.run(line, {
    stdout: (s) => {
      out += s;
    },
    stderr: (s) => {
      err += s;
    },
    tty: false,
    columns: 80,
    interrupt,
  });
  return { out, err, exitCode: r.exitCode };
}
