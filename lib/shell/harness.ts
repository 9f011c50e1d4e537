/**
 * Test kit for the shell: a workstation on a machine with no network and no cluster, for tests
 * that are about the shell itself (regexes, bounds, budgets, hostile input), and lines run in a
 * shell session with their output collected. Time is the ManualScheduler's. Tests of kubectl
 * alone use lib/kubectl/testing.ts (its program run without a shell); of the terminal,
 * lib/terminal/testing.ts.
 */
import { outputSink } from "../kubectl/testing";
import { InterruptSource } from "./interrupt";
import { ManualScheduler } from "./manual-time";
import type { ExitCode, Machine, Program, ProgramIO } from "./types";
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
  const sink = outputSink();
  const interrupt = opts.interrupt ?? new InterruptSource();
  const done = sh
    .run(line, {
      stdout: sink.stdout,
      stderr: sink.stderr,
      tty: false,
      columns: 80,
      interrupt,
      ...(opts.interactive ? { interactive: true } : {}),
    })
    .then((r) => ({ out: sink.out(), err: sink.err(), all: sink.all(), exitCode: r.exitCode }));
  return { out: sink.out, err: sink.err, all: sink.all, interrupt, done };
}

/** Runs one line and collects its output (no TTY, 80 columns). */
export function runLine(
  sh: ShellSession,
  line: string,
  interrupt = new InterruptSource(),
): Promise<LineResult> {
  return startLine(sh, line, { interrupt }).done;
}

/**
 * A stand-in `kubectl proxy`, for tests about the shell, the terminal or lesson replay rather
 * than kubectl: answers on 127.0.0.1:8001 with `body` (given the request's path) until
 * interrupted; says what kubectl says when the port is taken.
 */
export async function standInProxy(
  io: ProgramIO,
  body: (path: string) => string,
  headers: Record<string, string> = {},
): Promise<ExitCode> {
  const listening = io.machine.listen(8001, (req) => ({
    kind: "response",
    status: 200,
    statusText: "OK",
    headers,
    body: body(req.path),
  }));
  if (!listening) {
    io.stderr("error: listen tcp 127.0.0.1:8001: bind: address already in use\n");
    return 1;
  }
  io.stdout("Starting to serve on 127.0.0.1:8001\n");
  await io.interrupt.promise;
  io.machine.unlisten(8001);
  return 0;
}

/**
 * Runs a session written as a terminal shows it, each `$ line` (with its `> ` continuation
 * lines, as bash prompts for the rest of a here-document or an open quote) followed by what it
 * prints (stdout and stderr as they came), in `sh`; returns the session as it went, equal to
 * `session` when every line printed what the session shows (and the setup lines nothing).
 */
export async function replaySession(sh: ShellSession, session: string): Promise<string> {
  let ran = "";
  const lines = session.split("\n");
  for (const [i, line] of lines.entries()) {
    if (!line.startsWith("$ ")) continue;
    const typed = [line.slice(2)];
    for (const more of lines.slice(i + 1)) {
      if (!more.startsWith("> ")) break;
      typed.push(more.slice(2));
    }
    ran += `$ ${typed.join("\n> ")}\n${(await runLine(sh, typed.join("\n"))).all}`;
  }
  return ran;
}
