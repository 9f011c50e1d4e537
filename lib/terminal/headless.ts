/**
 * A headless session: runs lines through a shell as `bash < script` would (no echo, no prompt
 * unless asked), following `kubectl exec -ti … -- bash` into the container shell until its
 * `exit`. The simulator CLI and tests use it; with `fastForward` virtual time jumps to the next
 * timer instead of waiting, so `sleep 5` is instant but the clock still moves by 5 s.
 *
 * Lines may arrive one by one (an async iterable, e.g. a pipe a driver writes to after reading
 * each marker): each runs as soon as it arrives, exactly as it would in a whole script.
 */
import type { Clock } from "../cluster/types";
import { InterruptSource } from "../shell/interrupt";
import type { ExitCode, InteractiveShell, JournalEntry, RunResult, Scheduler } from "../shell/types";
import { stripAnsi } from "./text";

export interface ScriptOptions {
  shell: InteractiveShell;
  clock: Clock;
  scheduler: Scheduler;
  /** Printed alone on a line after each input line finishes. */
  marker?: string;
  /** Print `prompt + line` before running each line, like a terminal transcript. */
  echo?: boolean;
  columns?: number;
  tty?: boolean;
  tab?: string;
  onOutput?(chunk: string): void;
  onJournal?(entry: JournalEntry): void;
  /** Virtual time (a ManualScheduler): jump to the next timer while a line waits. */
  fastForward?: { nextAt(): number | undefined; advance(ms: number): Promise<void> };
  /** A line still running after this long is interrupted like Ctrl-C (default 60 s). */
  lineTimeoutMs?: number;
  /**
   * Leave the last line running when it would otherwise wait forever (a foreground
   * `kubectl proxy` in a tab the learner leaves open): with fastForward when no timer is due,
   * in real time after `detachAfterMs` (default 1 s) without finishing. The callback receives
   * `stop`, which interrupts the line like Ctrl-C and waits for it to end.
   */
  onDetach?(stop: () => Promise<void>): void;
  detachAfterMs?: number;
  /**
   * Lines that arrive one by one: resolves when no further line has come for a while, so a
   * line that would wait forever counts as the last one for now (see onDetach). Without it a
   * line is the last only when the input has ended.
   */
  inputQuiet?(): Promise<void>;
}

export const MAX_TRANSCRIPT = 8 * 1024 * 1024;

interface Level {
  shell: InteractiveShell;
  leave?: (code: ExitCode) => void;
  /** The line (in the level below) that opened this shell, still running. */
  owner?: PendingLine;
}

interface PendingLine {
  line: string;
  result: Promise<RunResult>;
  settled: boolean;
  captured: string;
  interrupt: InterruptSource;
  timer: unknown;
  /** When the line's timeout fires (its Ctrl-C deadline). */
  deadline: number;
}

export async function runScript(
  lines: Iterable<string> | AsyncIterable<string>,
  opts: ScriptOptions,
): Promise<string> {
  let transcript = "";
  const write = (s: string): void => {
    if (s === "") return;
    if (transcript.length < MAX_TRANSCRIPT) transcript += s;
    lastChar = s[s.length - 1] ?? lastChar;
    opts.onOutput?.(s);
  };
  let lastChar = "\n";
  const stack: Level[] = [{ shell: opts.shell }];
  let entered: (() => void) | undefined;
  /** A line left running (detached) when the next arrives: Ctrl-C it first, as a user would. */
  let detached: (() => Promise<void>) | undefined;
  const timeout = opts.lineTimeoutMs ?? 60_000;

  const finish = async (p: PendingLine): Promise<void> => {
    const r = await p.result;
    opts.scheduler.clearTimeout(p.timer);
    opts.onJournal?.({
      tab: opts.tab ?? "sim",
      line: p.line,
      commands: r.commands,
      outputs: (r.outputs ?? []).map(stripAnsi),
      exitCode: r.exitCode,
      output: stripAnsi(p.captured).slice(0, 4096),
      at: opts.clock.now(),
    });
    const level = stack[stack.length - 1];
    if (level !== undefined && stack.length > 1 && level.shell.exited) {
      stack.pop();
      level.leave?.(r.exitCode);
      if (level.owner !== undefined) await wait(level.owner, false);
    }
  };

  /**
   * Waits until the line settles, or (when `allowEnter`) it opened a nested shell. A line that
   * `mayDetach` and would wait forever is left running (onDetach) when it is the last line.
   */
  const wait = async (
    p: PendingLine,
    allowEnter: boolean,
    mayDetach?: () => Promise<boolean>,
  ): Promise<boolean> => {
    let nested = false;
    const detach = (): boolean => {
      if (opts.onDetach === undefined) return false;
      // The line outlives this script: its own Ctrl-C deadline no longer applies.
      opts.scheduler.clearTimeout(p.timer);
      let stopped: Promise<void> | undefined;
      const stop = (): Promise<void> => {
        stopped ??= (async () => {
          p.interrupt.fire("user");
          await finish(p);
        })();
        return stopped;
      };
      detached = stop;
      opts.onDetach(stop);
      return true;
    };
    const enteredPromise = new Promise<void>((r) => {
      entered = () => {
        nested = true;
        r();
      };
    });
    for (;;) {
      if (opts.fastForward !== undefined) {
        for (let i = 0; i < 50 && !p.settled && !nested; i++) await Promise.resolve();
        if (p.settled || (nested && allowEnter)) break;
        const at = opts.fastForward.nextAt();
        // Only asked when it matters: with lines arriving one by one the answer may take a while.
        const last = mayDetach !== undefined && (at === undefined || at >= p.deadline) && (await mayDetach());
        if (at === undefined || last) {
          entered = undefined;
          if (last && detach()) return true;
          p.interrupt.fire("user");
          await p.result;
          break;
        }
        await opts.fastForward.advance(Math.max(0, at - opts.clock.now()));
      } else {
        let idle = false;
        let idleTimer: unknown;
        const idlePromise =
          mayDetach !== undefined
            ? new Promise<void>((r) => {
                idleTimer = opts.scheduler.setTimeout(() => {
                  idle = true;
                  r();
                }, opts.detachAfterMs ?? 1000);
              })
            : new Promise<never>(() => {});
        await Promise.race([
          p.result,
          allowEnter ? enteredPromise : new Promise<never>(() => {}),
          idlePromise,
        ]);
        if (idleTimer !== undefined) opts.scheduler.clearTimeout(idleTimer);
        if (idle && !p.settled && !nested && mayDetach !== undefined && (await mayDetach())) {
          entered = undefined;
          if (!p.settled && !nested && detach()) return true;
        }
        break;
      }
    }
    entered = undefined;
    if (nested && allowEnter && !p.settled) return true;
    await finish(p);
    return false;
  };

  const source =
    Symbol.asyncIterator in lines
      ? (lines as AsyncIterable<string>)[Symbol.asyncIterator]()
      : (lines as Iterable<string>)[Symbol.iterator]();
  let upcoming = Promise.resolve(source.next());
  /** Whether the line just read is the last: the input ended, or nothing came for a while. */
  const lastForNow = (): Promise<boolean> => {
    const ended = upcoming.then((r) => r.done === true);
    return opts.inputQuiet === undefined ? ended : Promise.race([ended, opts.inputQuiet().then(() => true)]);
  };
  for (;;) {
    const next = await upcoming;
    if (next.done === true) break;
    const line = next.value;
    upcoming = Promise.resolve(source.next());
    if (detached !== undefined) {
      const stop = detached;
      detached = undefined;
      await stop();
    }
    const level = stack[stack.length - 1] as Level;
    if (opts.echo === true) write(`${level.shell.prompt(false)}${line}\n`);
    if (line.trim() === "") {
      if (opts.marker !== undefined) write(`${opts.marker}\n`);
      continue;
    }
    const interrupt = new InterruptSource();
    const pending: PendingLine = {
      line,
      result: Promise.resolve({ exitCode: 0, commands: [] }),
      settled: false,
      captured: "",
      interrupt,
      timer: undefined,
      deadline: opts.clock.now() + timeout,
    };
    const out = (s: string): void => {
      if (pending.captured.length < 16384) pending.captured += s;
      write(s);
    };
    pending.timer = opts.scheduler.setTimeout(() => interrupt.fire("user"), timeout);
    pending.result = level.shell
      .run(line, {
        stdout: out,
        stderr: out,
        tty: opts.tty ?? false,
        columns: opts.columns ?? 80,
        interrupt,
        enterShell: (nested, commands) =>
          new Promise<ExitCode>((resolve) => {
            opts.onJournal?.({
              tab: opts.tab ?? "sim",
              line,
              commands: commands ?? [],
              // no output is attributed before the line ends
              outputs: (commands ?? []).map(() => ""),
              exitCode: 0,
              output: stripAnsi(pending.captured).slice(0, 4096),
              at: opts.clock.now(),
              inProgress: true,
            });
            stack.push({ shell: nested, leave: resolve, owner: pending });
            opts.scheduler.clearTimeout(pending.timer);
            entered?.();
          }),
      })
      .catch((): RunResult => ({ exitCode: 1, commands: [] }))
      .then((r) => {
        pending.settled = true;
        return r;
      });
    await wait(pending, true, stack.length === 1 ? lastForNow : undefined);
    if (opts.marker !== undefined) write(`${lastChar === "\n" ? "" : "\n"}${opts.marker}\n`);
  }
  // End of input: nested shells see EOF and exit.
  while (stack.length > 1) {
    const level = stack.pop() as Level;
    level.leave?.(0);
    if (level.owner !== undefined) await wait(level.owner, false);
  }
  return transcript;
}
