/**
 * The one driver of a workstation's terminal tabs (docs/adr/0017-one-terminal-driver.md): a
 * production terminal (./terminal.ts) per open tab on one workstation, whatever feeds it. The
 * server passes a student's keystrokes through it (`input`); lesson replay types solution lines
 * into it as a student would (`type`, keyboard input); `npm run sim` pipes a script through it
 * (`type`, script input). Journal entries, nesting into container shells, Ctrl-C and timeouts
 * therefore come from one place: the terminal's line discipline, whose interrupt is the only
 * interrupt source. Pure: time and timers are the Clock and Scheduler it is given.
 */
import type { Clock } from "../cluster/types";
import { settle } from "../shell/manual-time";
import type { InteractiveShell, JournalEntry, Scheduler } from "../shell/types";
import { createTerminal, type Terminal, type TerminalOptions } from "./terminal";

/** Virtual time (a ManualScheduler): a waiting line jumps to the next timer instead of waiting. */
export interface VirtualTime {
  nextAt(): number | undefined;
  advance(ms: number): Promise<void>;
}

export interface DriverOptions {
  /** The tab's shell on the workstation (opened, or the one it already has). */
  openShell(tab: string): InteractiveShell;
  /** Called when a tab is closed (the workstation forgets its shell). */
  closeShell?(tab: string): void;
  clock: Clock;
  scheduler: Scheduler;
  /** See TerminalOptions.input: a person at a tty (default) or a script on a pipe. */
  input?: "keyboard" | "script";
  /** Colour and TTY behaviour for programs. */
  tty?: boolean;
  columns?: number;
  rows?: number;
  complete?: TerminalOptions["complete"];
  onOutput?(tab: string, data: string): void;
  onJournal?(entry: JournalEntry): void;
  /** A tab's shell exited (`exit` at the workstation's prompt); by default a fresh prompt follows. */
  onExit?(tab: string): void;
  /** With virtual time `type` never waits in real time. */
  virtualTime?: VirtualTime;
  /** A typed line still running after this long is interrupted like Ctrl-C (default 60 s). */
  lineTimeoutMs?: number;
  /** Real time: how long a line runs before `leaveRunning` is asked (default 1 s). */
  detachAfterMs?: number;
}

/** How a typed line ended: it finished (or opened a container shell), or it was left running. */
export type TypedLine = "done" | "left-running";

export interface TypeOptions {
  /**
   * Asked when the line would wait for nothing but its own timeout (virtual time) or has run
   * `detachAfterMs` (real time): true leaves it running in the foreground of its tab (a
   * `kubectl proxy` in a tab the learner leaves open); otherwise the line runs on until it ends
   * or its timeout interrupts it.
   */
  leaveRunning?(): Promise<boolean>;
}

export class TerminalDriver {
  private readonly terminals = new Map<string, Terminal>();
  private readonly timeout: number;

  constructor(private readonly opts: DriverOptions) {
    this.timeout = opts.lineTimeoutMs ?? 60_000;
  }

  /** The tab's terminal, opened (with its first prompt) when it is not open yet. */
  open(tab: string, size?: { columns: number; rows: number }): Terminal {
    const existing = this.terminals.get(tab);
    if (existing !== undefined) return existing;
    const o = this.opts;
    const term = createTerminal({
      shell: o.openShell(tab),
      clock: o.clock,
      scheduler: o.scheduler,
      tab,
      input: o.input ?? "keyboard",
      tty: o.tty ?? true,
      columns: size?.columns ?? o.columns ?? 80,
      rows: size?.rows ?? o.rows ?? 24,
      ...(o.complete !== undefined ? { complete: o.complete } : {}),
      onOutput: (data) => o.onOutput?.(tab, data),
      onJournal: (entry) => o.onJournal?.({ ...entry, tab }),
      ...(o.onExit !== undefined ? { onExit: () => o.onExit?.(tab) } : {}),
    });
    this.terminals.set(tab, term);
    return term;
  }

  terminal(tab: string): Terminal | undefined {
    return this.terminals.get(tab);
  }

  tabIds(): string[] {
    return [...this.terminals.keys()];
  }

  /** Raw keystrokes (xterm.js) into an open tab. */
  input(tab: string, data: string): void {
    this.terminals.get(tab)?.input(data);
  }

  resize(tab: string, columns: number, rows: number): void {
    this.terminals.get(tab)?.resize(columns, rows);
  }

  close(tab: string): void {
    this.terminals.get(tab)?.dispose();
    this.terminals.delete(tab);
    this.opts.closeShell?.(tab);
  }

  /**
   * Types `line` into the tab and waits until it has finished or opened a container shell. A
   * line left running earlier in the tab is Ctrl-C'd first, as a learner would before typing.
   */
  async type(tab: string, line: string, o: TypeOptions = {}): Promise<TypedLine> {
    const term = this.open(tab);
    if (term.busy) await this.stop(tab);
    const { clock, scheduler } = this.opts;
    const deadline = clock.now() + this.timeout;
    const timer = scheduler.setTimeout(() => term.interrupt(), this.timeout);
    try {
      term.input(this.opts.input === "script" ? `${line}\n` : `${line}\r`);
      return await this.wait(term, deadline, o.leaveRunning);
    } finally {
      scheduler.clearTimeout(timer);
    }
  }

  /** Ctrl-C the tab's foreground line (one left running) and wait for the prompt. */
  async stop(tab: string): Promise<void> {
    const term = this.terminals.get(tab);
    if (term === undefined || !term.busy) return;
    term.interrupt();
    await this.wait(term, Number.POSITIVE_INFINITY, undefined);
  }

  /** End of input in the tab: its container shells exit as bash does at EOF. */
  async endOfInput(tab: string): Promise<void> {
    const term = this.terminals.get(tab);
    while (term !== undefined && !term.busy && term.depth > 1) {
      term.endOfInput();
      await this.wait(term, Number.POSITIVE_INFINITY, undefined);
    }
  }

  /** Ctrl-C every line still running, in every tab (the session ends). */
  async stopAll(): Promise<void> {
    for (const tab of this.tabIds()) await this.stop(tab);
  }

  dispose(): void {
    for (const t of this.terminals.values()) t.dispose();
    this.terminals.clear();
  }

  private async wait(
    term: Terminal,
    deadline: number,
    leaveRunning: (() => Promise<boolean>) | undefined,
  ): Promise<TypedLine> {
    const { clock, scheduler, virtualTime } = this.opts;
    if (virtualTime !== undefined) {
      for (;;) {
        await settle();
        if (!term.busy) return "done";
        const at = virtualTime.nextAt();
        // Only asked when it matters: with lines arriving one by one the answer may take a while.
        if ((at === undefined || at >= deadline) && leaveRunning !== undefined && (await leaveRunning()))
          return "left-running";
        if (at === undefined) {
          // Nothing will ever move it on: Ctrl-C, and give up on a program that ignores it.
          term.interrupt();
          await settle();
          return term.busy ? "left-running" : "done";
        }
        await virtualTime.advance(Math.max(0, at - clock.now()));
      }
    }
    for (;;) {
      let timer: unknown;
      const quiet =
        leaveRunning === undefined
          ? new Promise<never>(() => {})
          : new Promise<void>((resolve) => {
              timer = scheduler.setTimeout(resolve, this.opts.detachAfterMs ?? 1000);
            });
      await Promise.race([term.idle(), quiet]);
      if (timer !== undefined) scheduler.clearTimeout(timer);
      if (!term.busy) return "done";
      if (leaveRunning !== undefined && (await leaveRunning())) {
        if (!term.busy) return "done";
        return "left-running";
      }
    }
  }
}
