/**
 * A headless session: lines run as `bash < script` would read them (no echo, no prompt),
 * through the production terminal (the TerminalDriver, script input), following
 * `kubectl exec -ti … -- bash` into the container shell until its `exit`. `npm run sim` and
 * tests use it; with `virtualTime` a waiting line jumps to the next timer instead of waiting,
 * so `sleep 5` is instant but the clock still moves by 5 s.
 *
 * Lines may arrive one by one (an async iterable, e.g. a pipe a driver writes to after reading
 * each marker): each runs as soon as it arrives, exactly as it would in a whole script. A line
 * `# tab N` (a comment to bash) switches to terminal tab N, another shell on the same
 * workstation; a foreground command still running when the input leaves its tab (`kubectl
 * proxy`) keeps running there until the input comes back to the tab or ends.
 */
import type { Clock } from "../cluster/types";
import type { InteractiveShell, JournalEntry, Scheduler } from "../shell/types";
import { TerminalDriver, type VirtualTime } from "./driver";

export interface ScriptOptions {
  /** The shell of terminal tab `tab` ("1" first). */
  openShell(tab: string): InteractiveShell;
  clock: Clock;
  scheduler: Scheduler;
  /** Printed alone on a line after each input line finishes. */
  marker?: string;
  columns?: number;
  tty?: boolean;
  onOutput?(chunk: string): void;
  onJournal?(entry: JournalEntry): void;
  /** Virtual time (a ManualScheduler): jump to the next timer while a line waits. */
  virtualTime?: VirtualTime;
  /** A line still running after this long is interrupted like Ctrl-C (default 60 s). */
  lineTimeoutMs?: number;
  /**
   * The last line of a tab's input that would wait forever (a foreground `kubectl proxy`) is
   * left running: with virtual time when no timer but its own timeout is due, in real time after
   * `detachAfterMs` (default 1 s) without finishing.
   */
  detachAfterMs?: number;
  /**
   * Lines that arrive one by one: resolves when no further line has come for a while, so a
   * line that would wait forever counts as the last one for now. Without it a line is the last
   * of its tab only when the input ends or switches tabs.
   */
  inputQuiet?(): Promise<void>;
}

export const MAX_TRANSCRIPT = 8 * 1024 * 1024;

const TAB_LINE = /^#\s*tab\s+(\S+)\s*$/;

export async function runScript(
  lines: Iterable<string> | AsyncIterable<string>,
  opts: ScriptOptions,
): Promise<string> {
  let transcript = "";
  let lastChar = "\n";
  const write = (s: string): void => {
    if (s === "") return;
    if (transcript.length < MAX_TRANSCRIPT) transcript += s;
    lastChar = s[s.length - 1] ?? lastChar;
    opts.onOutput?.(s);
  };
  const driver = new TerminalDriver({
    openShell: opts.openShell,
    clock: opts.clock,
    scheduler: opts.scheduler,
    input: "script",
    tty: opts.tty ?? false,
    columns: opts.columns ?? 80,
    onOutput: (_tab, s) => write(s),
    ...(opts.onJournal !== undefined ? { onJournal: opts.onJournal } : {}),
    ...(opts.virtualTime !== undefined ? { virtualTime: opts.virtualTime } : {}),
    ...(opts.lineTimeoutMs !== undefined ? { lineTimeoutMs: opts.lineTimeoutMs } : {}),
    ...(opts.detachAfterMs !== undefined ? { detachAfterMs: opts.detachAfterMs } : {}),
  });

  const source =
    Symbol.asyncIterator in lines
      ? (lines as AsyncIterable<string>)[Symbol.asyncIterator]()
      : (lines as Iterable<string>)[Symbol.iterator]();
  let upcoming = Promise.resolve(source.next());
  /** Whether the line just read is its tab's last: the input ends or turns to another tab, or nothing came for a while. */
  const lastForNow = (): Promise<boolean> => {
    const ended = upcoming.then((r) => r.done === true || TAB_LINE.test(r.value));
    return opts.inputQuiet === undefined ? ended : Promise.race([ended, opts.inputQuiet().then(() => true)]);
  };
  let tab = "1";
  try {
    for (;;) {
      const next = await upcoming;
      if (next.done === true) break;
      const line = next.value;
      upcoming = Promise.resolve(source.next());
      const to = TAB_LINE.exec(line)?.[1];
      if (to !== undefined) {
        // The tab left sees the end of its input; what runs in its foreground keeps running.
        await driver.endOfInput(tab);
        tab = to;
        // Coming back to a tab whose foreground command still runs: Ctrl-C it first.
        await driver.stop(tab);
        continue;
      }
      if (line.trim() === "") {
        // Nothing runs, but a line left running in the tab is Ctrl-C'd as by any typed line.
        await driver.stop(tab);
        if (opts.marker !== undefined) write(`${opts.marker}\n`);
        continue;
      }
      const atTop = (driver.terminal(tab)?.depth ?? 1) === 1;
      await driver.type(tab, line, atTop ? { leaveRunning: lastForNow } : {});
      if (opts.marker !== undefined) write(`${lastChar === "\n" ? "" : "\n"}${opts.marker}\n`);
    }
    // End of input: container shells see EOF and exit; foreground commands are Ctrl-C'd.
    await driver.endOfInput(tab);
    await driver.stopAll();
  } finally {
    driver.dispose();
  }
  return transcript;
}
