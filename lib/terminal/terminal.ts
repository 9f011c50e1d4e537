/**
 * The server-side line discipline of one terminal tab: echo and line editing, history, Tab
 * completion, Ctrl-C/D/L, typeahead while a program runs, nested shells (`kubectl exec -ti`),
 * and a journal entry per finished line. Pure: output goes to `onOutput`, time to the Clock.
 */
import type { Clock } from "../cluster/types";
import { InterruptSource } from "../shell/interrupt";
import type {
  ExitCode,
  InteractiveShell,
  JournalEntry,
  RunResult,
  Scheduler,
  ScreenApp,
} from "../shell/types";
import { type CompletionSources, candidates, commonPrefix, wordsBeforeCursor } from "./complete";
import { type Key, parseKeys } from "./keys";
import { codePointWidth, displayWidth, stripAnsi, toCrlf } from "./text";

/**
 * The longest line a student can type, as the tty's canonical-mode buffer bounds bash's input:
 * keys beyond it ring the bell and are dropped, so every edit costs at most O(MAX_LINE).
 */
export const MAX_LINE = 4096;
export const JOURNAL_OUTPUT = 4096;
const MAX_TYPEAHEAD_KEYS = 16384;
/** Characters held in typeahead while a line runs (a paste of several lines still replays). */
const MAX_TYPEAHEAD_CHARS = 65536;

/** Cells taken by text typed at the prompt (it never holds escape sequences: keys.ts drops ESC). */
function cells(s: string): number {
  let w = 0;
  for (let i = 0; i < s.length; i++) {
    const cp = s.codePointAt(i) ?? 0;
    if (cp > 0xffff) i++;
    w += codePointWidth(cp);
  }
  return w;
}

/** The cut of `text` that fits in `room` UTF-16 units without splitting a surrogate pair. */
function fitting(text: string, room: number): string {
  if (text.length <= room) return text;
  const c = text.charCodeAt(room - 1);
  return text.slice(0, c >= 0xd800 && c <= 0xdbff ? room - 1 : room);
}

export interface TerminalOptions {
  shell: InteractiveShell;
  onOutput(data: string): void;
  onJournal?(entry: JournalEntry): void;
  clock: Clock;
  scheduler: Scheduler;
  columns?: number;
  rows?: number;
  /** Colour and TTY behaviour for programs (false for the headless simulator). */
  tty?: boolean;
  /** Tab id written into journal entries. */
  tab?: string;
  /** Overrides the shell's own prompt (top-level shell only). */
  prompt?(): string;
  /** Object names etc. for Tab completion (lib/kubectl or the server). */
  complete?(words: string[]): string[];
  /** Extra command names for completion. */
  commands?: string[];
  /** Called when the tab's shell exits (`exit`/`logout`); by default a fresh prompt follows. */
  onExit?(code: ExitCode): void;
  /** Print the first prompt right away (default true). */
  greet?: boolean;
  /**
   * Where lines come from. "keyboard" (default): a person types at a tty — echo, prompt, line
   * editing, Tab completion, and each line runs as typed at an interactive bash. "script": lines
   * arrive as `bash < script` reads them from a pipe — no echo, no prompt, no line editor (every
   * character up to a newline is the line's own, a tab included), output as the programs write
   * it (no CRLF), and lines run non-interactively (`exit` says nothing). Nesting, the journal,
   * typeahead and interrupts are the same in both.
   */
  input?: "keyboard" | "script";
  /**
   * Ctrl-D on an empty line at the top shell exits it, as a container's bash does
   * (`kubectl exec -ti … -- bash` served to the real kubectl). By default the workstation's
   * shell answers as bash with IGNOREEOF: use "logout".
   */
  eofExits?: boolean;
}

export interface Terminal {
  /** Raw keystrokes from xterm.js. */
  input(data: string): void;
  resize(columns: number, rows: number): void;
  /** Re-prints the prompt and the line being edited (a browser reconnected). */
  redraw(): void;
  /** True while a foreground line runs. */
  readonly busy: boolean;
  /** Resolves when no line is running (tests, the simulator). */
  idle(): Promise<void>;
  /** Ctrl-C from outside the keyboard (a driver's timeout): interrupts the foreground line. */
  interrupt(): void;
  /**
   * End of input at a prompt: a nested shell (`kubectl exec -ti … -- bash`) exits as bash does
   * at EOF; the workstation's own shell stays. Nothing happens while a line runs.
   */
  endOfInput(): void;
  /** How many shells deep the tab is: 1 at the workstation's prompt, 2 inside a container shell. */
  readonly depth: number;
  dispose(): void;
}

interface Level {
  shell: InteractiveShell;
  running?: { interrupt: InterruptSource; done: Promise<void> };
  /** Resolves the `enterShell` promise of the program that opened this level. */
  leave?: (code: ExitCode) => void;
  lastExit: ExitCode;
}

export function createTerminal(opts: TerminalOptions): Terminal {
  return new LineDiscipline(opts);
}

/** Characters a command continued over several lines may hold (the typeahead's bound). */
const MAX_CONTINUED = 64 * 1024;

class LineDiscipline implements Terminal {
  private columns: number;
  private rows: number;
  private readonly tty: boolean;
  private readonly levels: Level[];
  private line = "";
  private cursor = 0;
  /** Cell offset (prompt included) where the terminal's cursor is now, within the edited line. */
  private cursorCell = 0;
  private promptWidth = 0;
  private histIndex: number | undefined;
  private draft = "";
  private carry = "";
  private typeahead: Key[] = [];
  /** The bytes of each typeahead key, for a full-screen program that opens before the prompt. */
  private typeaheadRaw: string[] = [];
  /** The bytes of the key being handled. */
  private rawKey = "";
  private typeaheadChars = 0;
  private lastWasTab = false;
  private atLineStart = true;
  private disposed = false;
  private idleWaiters: (() => void)[] = [];
  /** Script input: lines are read from a pipe, not typed (see TerminalOptions.input). */
  private readonly script: boolean;
  /** Script input: the unfinished last line, and whole lines waiting for the running one. */
  private scriptPartial = "";
  private scriptQueue: string[] = [];
  /** The full-screen program (vi, less, watch) that owns the keyboard and the screen now. */
  private screen: ScreenApp | undefined;
  /** Lines typed so far of a command that is not complete yet (`> ` prompt, like bash's PS2). */
  private continued: string | undefined;

  constructor(private readonly opts: TerminalOptions) {
    this.columns = Math.max(10, opts.columns ?? 80);
    this.rows = Math.max(2, opts.rows ?? 24);
    this.tty = opts.tty ?? true;
    this.script = opts.input === "script";
    this.levels = [{ shell: opts.shell, lastExit: 0 }];
    if (opts.greet !== false) this.showPrompt();
  }

  get busy(): boolean {
    return this.top().running !== undefined;
  }

  get depth(): number {
    return this.levels.length;
  }

  private top(): Level {
    return this.levels[this.levels.length - 1] as Level;
  }

  idle(): Promise<void> {
    if (!this.busy) return Promise.resolve();
    return new Promise((r) => this.idleWaiters.push(r));
  }

  resize(columns: number, rows: number): void {
    this.columns = Math.max(10, Math.floor(columns) || 80);
    this.rows = Math.max(2, Math.floor(rows) || 24);
    this.screen?.resize(this.columns, this.rows);
  }

  redraw(): void {
    if (this.busy || this.disposed || this.script) return;
    this.emit(this.atLineStart ? "" : "\r\n");
    this.showPrompt(false);
  }

  dispose(): void {
    this.disposed = true;
    for (const level of this.levels) level.running?.interrupt.fire("kill");
    this.dropTypeahead();
  }

  interrupt(): void {
    const running = this.top().running;
    if (running === undefined || this.disposed) return;
    // the tty echoes ^C; a pipe has no echo
    if (!this.script) this.emit("^C");
    running.interrupt.fire("user");
    this.dropTypeahead();
  }

  endOfInput(): void {
    if (this.busy || this.disposed) return;
    if (this.levels.length === 1 && this.opts.eofExits !== true) return;
    if (!this.script) this.emit("\r\n");
    this.runLine("exit", false);
  }

  // ---- output ----

  private emit(s: string): void {
    if (s === "" || this.disposed) return;
    this.atLineStart = /[\n]$/.test(s) || /\r$/.test(s) || (this.atLineStart && stripAnsi(s) === "");
    this.opts.onOutput(s);
  }

  private promptText(): string {
    if (this.continued !== undefined) return "> ";
    if (this.levels.length === 1 && this.opts.prompt !== undefined) return this.opts.prompt();
    return this.top().shell.prompt(this.tty);
  }

  private showPrompt(resetLine = true): void {
    if (resetLine) {
      this.line = "";
      this.cursor = 0;
      this.histIndex = undefined;
    }
    if (this.script) return;
    const p = this.promptText();
    this.promptWidth = displayWidth(p);
    this.emit(p);
    this.cursorCell = this.promptWidth;
    if (this.line !== "") this.refresh();
  }

  private cellOf(index: number): number {
    return this.promptWidth + cells(this.line.slice(0, index));
  }

  private dropTypeahead(): void {
    this.typeahead = [];
    this.typeaheadRaw = [];
    this.typeaheadChars = 0;
  }

  private moveCells(from: number, to: number): string {
    const cols = this.columns;
    const dr = Math.floor(to / cols) - Math.floor(from / cols);
    let s = "";
    if (dr < 0) s += `\x1b[${-dr}A`;
    if (dr > 0) s += `\x1b[${dr}B`;
    const col = to % cols;
    if (from % cols !== col || dr !== 0) s += col === 0 ? "\r" : `\r\x1b[${col}C`;
    return s;
  }

  /** Rewrites the edited line from the prompt's end and puts the cursor back. */
  private refresh(): void {
    let s = this.moveCells(this.cursorCell, this.promptWidth);
    s += this.line;
    const end = this.cellOf(this.line.length);
    if (end > 0 && end % this.columns === 0) s += " \r";
    s += "\x1b[J";
    s += this.moveCells(end, this.cellOf(this.cursor));
    this.cursorCell = this.cellOf(this.cursor);
    this.emit(s);
  }

  private bell(): void {
    this.emit("\x07");
  }

  // ---- input ----

  input(data: string): void {
    if (this.disposed) return;
    if (this.script) {
      const lines = (this.scriptPartial + data).split("\n");
      this.scriptPartial = lines.pop() ?? "";
      this.scriptQueue.push(...lines);
      this.nextScriptLines();
      return;
    }
    if (this.screen !== undefined) {
      this.screen.input(data);
      return;
    }
    const text = this.carry + data;
    const { keys, rest, ends } = parseKeys(text);
    this.carry = rest.slice(0, 64);
    let start = 0;
    for (let i = 0; i < keys.length; i++) {
      const end = ends[i] ?? text.length;
      this.rawKey = text.slice(start, end);
      start = end;
      this.handleKey(keys[i] as Key);
    }
  }

  private handleKey(key: Key): void {
    if (this.disposed) return;
    const level = this.top();
    if (level.running !== undefined) {
      if (key.kind === "ctrlC") {
        this.interrupt();
        return;
      }
      const size = key.kind === "char" ? key.text.length : 1;
      if (this.typeahead.length < MAX_TYPEAHEAD_KEYS && this.typeaheadChars + size <= MAX_TYPEAHEAD_CHARS) {
        this.typeahead.push(key);
        this.typeaheadRaw.push(this.rawKey);
        this.typeaheadChars += size;
      }
      return;
    }
    const wasTab = this.lastWasTab;
    this.lastWasTab = key.kind === "tab";
    switch (key.kind) {
      case "char":
        this.insert(key.text);
        return;
      case "enter":
        this.submit();
        return;
      case "backspace":
        if (this.cursor === 0) {
          this.bell();
          return;
        }
        this.deleteRange(this.prevCharIndex(this.cursor), this.cursor);
        return;
      case "delete":
        if (this.cursor >= this.line.length) return;
        this.deleteRange(this.cursor, this.nextCharIndex(this.cursor));
        return;
      case "left":
        if (this.cursor > 0) this.moveCursor(this.prevCharIndex(this.cursor));
        return;
      case "right":
        if (this.cursor < this.line.length) this.moveCursor(this.nextCharIndex(this.cursor));
        return;
      case "home":
        this.moveCursor(0);
        return;
      case "end":
        this.moveCursor(this.line.length);
        return;
      case "wordLeft":
        this.moveCursor(this.wordStart(this.cursor));
        return;
      case "wordRight": {
        let i = this.cursor;
        while (i < this.line.length && isSpace(this.line[i])) i++;
        while (i < this.line.length && !isSpace(this.line[i])) i++;
        this.moveCursor(i);
        return;
      }
      case "up":
        this.historyMove(-1);
        return;
      case "down":
        this.historyMove(1);
        return;
      case "ctrlU":
        this.deleteRange(0, this.cursor);
        return;
      case "ctrlK":
        this.deleteRange(this.cursor, this.line.length);
        return;
      case "ctrlW": {
        const start = this.wordStart(this.cursor);
        this.deleteRange(start === this.cursor ? Math.max(0, this.cursor - 1) : start, this.cursor);
        return;
      }
      case "ctrlC":
        this.emit(`${this.moveCells(this.cursorCell, this.cellOf(this.line.length))}^C\r\n`);
        this.continued = undefined;
        this.showPrompt();
        return;
      case "ctrlD":
        if (this.line !== "") {
          if (this.cursor < this.line.length) this.deleteRange(this.cursor, this.nextCharIndex(this.cursor));
          return;
        }
        if (this.continued !== undefined) {
          // end of input inside a construct: bash reports it and forgets the lines
          const text = this.continued;
          this.continued = undefined;
          this.emit("\r\n");
          this.runLine(text, true);
          return;
        }
        if (this.levels.length > 1 || this.opts.eofExits === true) this.endOfInput();
        else {
          this.emit('\r\nUse "logout" to leave the shell.\r\n');
          this.showPrompt();
        }
        return;
      case "ctrlL":
        this.emit("\x1b[H\x1b[2J");
        this.showPrompt(false);
        return;
      case "tab":
        this.complete(wasTab);
        return;
      default:
        return;
    }
  }

  /** Start of the word before `i` (skipping the blanks just before it), by a backward scan. */
  private wordStart(i: number): number {
    let j = i;
    while (j > 0 && isSpace(this.line[j - 1])) j--;
    while (j > 0 && !isSpace(this.line[j - 1])) j--;
    return j;
  }

  private prevCharIndex(i: number): number {
    const c = this.line.charCodeAt(i - 1);
    return c >= 0xdc00 && c <= 0xdfff && i >= 2 ? i - 2 : i - 1;
  }

  private nextCharIndex(i: number): number {
    const c = this.line.charCodeAt(i);
    return c >= 0xd800 && c <= 0xdbff ? i + 2 : i + 1;
  }

  /**
   * Inserts at the cursor in O(text + tail): at the end of the line the text is only echoed; in
   * the middle, the text and the tail after it are rewritten. What does not fit in MAX_LINE
   * rings the bell and is dropped (a paste is one chunk, handled in one pass).
   */
  private insert(text: string): void {
    const kept = fitting(text, MAX_LINE - this.line.length);
    if (kept !== "") {
      const tail = this.line.slice(this.cursor);
      this.line = this.line.slice(0, this.cursor) + kept + tail;
      this.cursor += kept.length;
      const cursorCell = this.cursorCell + cells(kept);
      this.emit(this.writeTail(kept + tail, this.cursorCell, cursorCell, false));
      this.cursorCell = cursorCell;
    }
    if (kept.length < text.length) this.bell();
  }

  /**
   * Output that writes `text` from cell `from` to the end of the line, clears what an older,
   * longer line left (`clear`), and puts the cursor on cell `cursorCell`.
   */
  private writeTail(text: string, from: number, cursorCell: number, clear: boolean): string {
    const end = from + cells(text);
    let s = text;
    if (end > 0 && end % this.columns === 0 && text !== "") s += " \r";
    if (clear) s += "\x1b[J";
    return s + this.moveCells(end, cursorCell);
  }

  /** Deletes [from, to) with from ≤ cursor ≤ to, rewriting only the tail: O(deleted + tail). */
  private deleteRange(from: number, to: number): void {
    if (from >= to) return;
    const fromCell = this.cursorCell - cells(this.line.slice(from, this.cursor));
    this.line = this.line.slice(0, from) + this.line.slice(to);
    this.cursor = from;
    const move = this.moveCells(this.cursorCell, fromCell);
    this.emit(move + this.writeTail(this.line.slice(from), fromCell, fromCell, true));
    this.cursorCell = fromCell;
  }

  /** Moves the cursor in O(distance). */
  private moveCursor(index: number): void {
    const cell =
      index >= this.cursor
        ? this.cursorCell + cells(this.line.slice(this.cursor, index))
        : this.cursorCell - cells(this.line.slice(index, this.cursor));
    this.cursor = index;
    this.emit(this.moveCells(this.cursorCell, cell));
    this.cursorCell = cell;
  }

  private historyMove(dir: -1 | 1): void {
    const history = this.top().shell.history;
    if (history.length === 0) return;
    if (this.histIndex === undefined) {
      if (dir === 1) return;
      this.draft = this.line;
      this.histIndex = history.length;
    }
    const next = this.histIndex + dir;
    if (next < 0) {
      this.bell();
      return;
    }
    if (next >= history.length) {
      this.histIndex = undefined;
      this.line = this.draft;
    } else {
      this.histIndex = next;
      this.line = fitting(history[next] ?? "", MAX_LINE);
    }
    this.cursor = this.line.length;
    this.refresh();
  }

  private complete(secondTab: boolean): void {
    const before = this.line.slice(0, this.cursor);
    const typed = wordsBeforeCursor(before);
    const shell = this.top().shell;
    // `complete -F __start_kubectl k`: after `k`, Tab offers what it offers after kubectl
    const spec = typed.length > 1 ? shell.completionSpec?.(typed[0] ?? "") : undefined;
    const words = spec?.as !== undefined ? [spec.as, ...typed.slice(1)] : typed;
    const sources: CompletionSources = {
      commands: this.opts.commands,
      complete: this.levels.length === 1 ? this.opts.complete : undefined,
      completePath: shell.completePath === undefined ? undefined : (p) => shell.completePath?.(p) ?? [],
      ...(spec?.words !== undefined ? { wordList: { words: spec.words, files: spec.files } } : {}),
    };
    let list: string[];
    try {
      list = candidates(words, sources).slice(0, 1000);
    } catch {
      list = [];
    }
    const prefix = words[words.length - 1] ?? "";
    if (list.length === 0) {
      this.bell();
      return;
    }
    if (list.length === 1) {
      const only = list[0] ?? "";
      this.insert(only.slice(prefix.length) + (only.endsWith("/") || only.endsWith("=") ? "" : " "));
      return;
    }
    const common = commonPrefix(list);
    if (common.length > prefix.length) {
      this.insert(common.slice(prefix.length));
      return;
    }
    if (!secondTab) {
      this.bell();
      return;
    }
    const width = Math.max(...list.map((c) => displayWidth(c))) + 2;
    const perRow = Math.max(1, Math.floor(this.columns / width));
    const rows: string[] = [];
    for (let i = 0; i < list.length; i += perRow) {
      rows.push(
        list
          .slice(i, i + perRow)
          .map((c) => c.padEnd(width))
          .join("")
          .trimEnd(),
      );
    }
    this.emit(
      `${this.moveCells(this.cursorCell, this.cellOf(this.line.length))}\r\n${rows.join("\r\n")}\r\n`,
    );
    const line = this.line;
    const cursor = this.cursor;
    this.showPrompt(false);
    this.line = line;
    this.cursor = cursor;
    this.refresh();
  }

  private submit(): void {
    const line = this.line;
    this.emit(`${this.moveCells(this.cursorCell, this.cellOf(line.length))}\r\n`);
    this.line = "";
    this.cursor = 0;
    this.histIndex = undefined;
    if (this.continued === undefined && line.trim() === "") {
      this.showPrompt();
      return;
    }
    const text = this.continued === undefined ? line : `${this.continued}\n${line}`;
    // `cat <<EOF`, `for … do`, an open quote: read more lines (bounded like the typeahead)
    if (text.length < MAX_CONTINUED && this.top().shell.incomplete?.(text) === true) {
      this.continued = text;
      this.showPrompt();
      return;
    }
    this.continued = undefined;
    this.runLine(text, true);
  }

  private runLine(line: string, journal: boolean): void {
    const level = this.top();
    const interrupt = new InterruptSource();
    let captured = "";
    let capturing = true;
    const write = (chunk: string): void => {
      if (capturing && captured.length < JOURNAL_OUTPUT * 4) captured += chunk;
      this.emit(this.script ? chunk : toCrlf(chunk));
    };
    const enterShell = (nested: InteractiveShell, commands?: string[][]): Promise<ExitCode> =>
      new Promise<ExitCode>((resolve) => {
        // The learner is in the nested shell from now on: checks may see it before its `exit`.
        if (journal)
          this.opts.onJournal?.({
            tab: this.opts.tab ?? "1",
            line,
            commands: commands ?? [],
            // no output is attributed before the line ends
            outputs: (commands ?? []).map(() => ""),
            exitCode: 0,
            output: stripAnsi(captured).slice(0, JOURNAL_OUTPUT),
            at: this.opts.clock.now(),
            inProgress: true,
          });
        this.levels.push({ shell: nested, leave: resolve, lastExit: 0 });
        this.afterLine();
      });
    let result: Promise<RunResult>;
    try {
      result = level.shell.run(line, {
        stdout: write,
        stderr: write,
        tty: this.tty,
        columns: this.columns,
        interrupt,
        enterShell,
        // a person types these lines at the prompt; a script's are read from a pipe, which is
        // no terminal to take over (vi, less, watch)
        interactive: !this.script,
        ...(this.script ? {} : { fullScreen: (app: ScreenApp) => this.openScreen(app, interrupt) }),
      });
    } catch (e) {
      result = Promise.resolve({ exitCode: 1, commands: [] });
      write(`bash: internal error: ${e instanceof Error ? e.message : String(e)}\n`);
    }
    const done = result
      .catch((e: unknown): RunResult => {
        write(`bash: internal error: ${e instanceof Error ? e.message : String(e)}\n`);
        return { exitCode: 1, commands: [] };
      })
      .then((r) => {
        capturing = false;
        level.running = undefined;
        level.lastExit = r.exitCode;
        if (journal) {
          this.opts.onJournal?.({
            tab: this.opts.tab ?? "1",
            line,
            commands: r.commands,
            outputs: (r.outputs ?? []).map(stripAnsi),
            exitCode: r.exitCode,
            output: stripAnsi(captured).slice(0, JOURNAL_OUTPUT),
            at: this.opts.clock.now(),
          });
        }
        if (interrupt.interrupted && !this.atLineStart && !this.script) this.emit("\r\n");
        this.lineFinished(level, r.exitCode);
      });
    level.running = { interrupt, done };
  }

  /**
   * Gives the alternate screen and every key to `app` until it closes (or the tab goes away),
   * then restores the normal screen as it was (xterm's 1049 mode saves the cursor with it).
   */
  private openScreen(app: ScreenApp, interrupt: InterruptSource): Promise<void> {
    if (this.screen !== undefined || this.disposed) return Promise.resolve();
    return new Promise<void>((resolve) => {
      let open = true;
      const close = (): void => {
        if (!open) return;
        open = false;
        if (this.screen === app) this.screen = undefined;
        this.emit("\x1b[?1049l");
        this.atLineStart = true;
        resolve();
      };
      // a killed line (the tab closed) takes its screen with it
      void interrupt.promise.then(() => {
        if (interrupt.reason === "kill") close();
      });
      this.screen = app;
      this.emit("\x1b[?1049h\x1b[H\x1b[2J");
      const typed = this.typeaheadRaw.join("");
      this.dropTypeahead();
      const self = this;
      app.start({
        get columns() {
          return self.columns;
        },
        get rows() {
          return self.rows;
        },
        write: (data) => {
          if (open) this.emit(data);
        },
        close,
      });
      if (typed !== "" && open) app.input(typed);
    });
  }

  private lineFinished(level: Level, code: ExitCode): void {
    if (this.disposed) return;
    if (level.shell.exited) {
      const idx = this.levels.indexOf(level);
      if (idx > 0) {
        this.levels.splice(idx);
        level.leave?.(code);
        // The program that opened the nested shell now finishes; its line prints the prompt.
        return;
      }
      const revivable = level.shell as InteractiveShell & { revive?: () => void };
      this.opts.onExit?.(code);
      revivable.revive?.();
    }
    this.afterLine();
  }

  /** Script input: runs the queued lines one after another (blank ones run nothing). */
  private nextScriptLines(): void {
    while (!this.busy && !this.disposed && this.scriptQueue.length > 0) {
      const line = this.scriptQueue.shift() as string;
      if (this.continued === undefined && line.trim() === "") continue;
      // a here-document, an open loop or quote reads on, as `bash < script` does
      const text = this.continued === undefined ? line : `${this.continued}\n${line}`;
      if (text.length < MAX_CONTINUED && this.top().shell.incomplete?.(text) === true) {
        this.continued = text;
        continue;
      }
      this.continued = undefined;
      this.runLine(text, true);
    }
  }

  /** Prompt, then replay keys typed while the line ran. */
  private afterLine(): void {
    if (this.disposed) return;
    if (this.busy) return;
    this.showPrompt();
    for (const w of this.idleWaiters.splice(0)) w();
    if (this.script) {
      this.nextScriptLines();
      return;
    }
    // Replayed by index (Array#shift would make a long typeahead quadratic); keys left when a
    // replayed line starts stay queued for the next prompt.
    const pending = this.typeahead;
    const pendingRaw = this.typeaheadRaw;
    this.dropTypeahead();
    let i = 0;
    while (i < pending.length && !this.busy) {
      this.rawKey = pendingRaw[i] ?? "";
      this.handleKey(pending[i++] as Key);
    }
    if (i < pending.length && this.screen !== undefined) {
      // typed ahead for the full-screen program the replayed line opened
      this.screen.input(pendingRaw.slice(i).join("") + this.typeaheadRaw.join(""));
      this.dropTypeahead();
      return;
    }
    if (i < pending.length) {
      this.typeaheadRaw = pendingRaw.slice(i).concat(this.typeaheadRaw);
      this.typeahead = pending.slice(i).concat(this.typeahead);
      this.typeaheadChars = this.typeahead.reduce((n, k) => n + (k.kind === "char" ? k.text.length : 1), 0);
    }
  }
}

function isSpace(ch: string | undefined): boolean {
  return ch === " " || ch === "\t";
}
