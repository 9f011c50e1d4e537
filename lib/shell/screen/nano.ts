/**
 * `nano`: GNU nano 7.2's screen (title bar, status line, two rows of shortcuts) with typing,
 * arrows, ^K/^U cut and paste, ^O write out and ^X exit with its "Save modified buffer?" prompt.
 */
import { KeyedScreenApp } from "./app";
import { type Cursor, ctrl, drawBand, linesOf, type ScreenKey, scrollTo, typeKey } from "./text";
import type { EditFile } from "./vi";

const MAIN_HELP: [string, string][][] = [
  [
    ["^G", "Help"],
    ["^O", "Write Out"],
    ["^W", "Where Is"],
    ["^K", "Cut"],
    ["^T", "Execute"],
    ["^C", "Location"],
  ],
  [
    ["^X", "Exit"],
    ["^R", "Read File"],
    ["^\\", "Replace"],
    ["^U", "Paste"],
    ["^J", "Justify"],
    ["^/", "Go To Line"],
  ],
];
const SAVE_HELP: [string, string][][] = [
  [[" Y", "Yes"]],
  [
    [" N", "No"],
    ["^C", "Cancel"],
  ],
];
const WRITE_HELP: [string, string][][] = [
  [
    ["^G", "Help"],
    ["M-D", "DOS Format"],
  ],
  [
    ["^C", "Cancel"],
    ["M-M", "Mac Format"],
  ],
];

type Prompt = { kind: "save" } | { kind: "filename"; text: string; thenExit: boolean };

export class Nano extends KeyedScreenApp {
  lines: string[];
  cur: Cursor = { row: 0, col: 0 };
  private top = 0;
  modified = false;
  private name: string | undefined;
  private status: string;
  private prompt: Prompt | undefined;
  private cutBuffer: string[] = [];
  private lastWasCut = false;

  constructor(private readonly file: EditFile) {
    super();
    this.lines = linesOf(file.text ?? "");
    this.name = file.name;
    const n = file.text === undefined || file.text === "" ? 0 : this.lines.length;
    this.status =
      file.text === undefined
        ? file.name === undefined
          ? ""
          : "[ New File ]"
        : `[ Read ${n} line${n === 1 ? "" : "s"} ]`;
  }

  private textRows(): number {
    return Math.max(1, this.screen.rows - 4);
  }

  private helpRows(items: [string, string][][]): string {
    const cols = this.screen.columns;
    const width = Math.max(8, Math.floor(cols / 6));
    let out = "";
    items.forEach((row, i) => {
      let line = "";
      let plain = 0;
      for (const [k, label] of row) {
        if (plain + k.length >= cols) break;
        const text = ` ${label}`.padEnd(width - k.length).slice(0, Math.max(0, cols - plain - k.length));
        line += `\x1b[7m${k}\x1b[0m${text}`;
        plain += k.length + text.length;
      }
      out += `\x1b[${this.screen.rows - 1 + i};1H${line}\x1b[K`;
    });
    return out;
  }

  protected draw(): void {
    const cols = this.screen.columns;
    const rows = this.screen.rows;
    const height = this.textRows();
    this.top = scrollTo(this.lines, Math.min(this.top, this.cur.row), this.cur.row, height, cols);
    const left = "  GNU nano 7.2";
    const title = this.name ?? "New Buffer";
    const right = this.modified ? "Modified  " : "";
    const mid = Math.max(left.length + 1, Math.floor((cols - title.length) / 2));
    let bar = left.padEnd(mid) + title;
    bar = bar.padEnd(Math.max(bar.length, cols - right.length)) + right;
    let out = `\x1b[?25l\x1b[1;1H\x1b[7m${bar.slice(0, cols).padEnd(cols)}\x1b[0m`;
    const band = drawBand(this.lines, this.top, 2, height, cols, "", this.cur);
    out += band.out;
    let cursor = band.at === undefined ? "" : `\x1b[${band.at.row};${band.at.col}H`;
    const statusRow = rows - 2;
    if (this.prompt === undefined) {
      const s = this.status === "" ? "" : this.status.slice(0, cols);
      const pad = Math.max(0, Math.floor((cols - s.length) / 2));
      out += `\x1b[${statusRow};1H\x1b[K${s === "" ? "" : `\x1b[${statusRow};${pad + 1}H\x1b[7m${s}\x1b[0m`}`;
      out += this.helpRows(MAIN_HELP);
    } else if (this.prompt.kind === "save") {
      const q = "Save modified buffer? ";
      out += `\x1b[${statusRow};1H\x1b[7m${q.padEnd(cols).slice(0, cols)}\x1b[0m`;
      out += this.helpRows(SAVE_HELP);
      cursor = `\x1b[${statusRow};${Math.min(cols, q.length + 1)}H`;
    } else {
      const q = `File Name to Write: ${this.prompt.text}`;
      out += `\x1b[${statusRow};1H\x1b[7m${q.padEnd(cols).slice(0, cols)}\x1b[0m`;
      out += this.helpRows(WRITE_HELP);
      cursor = `\x1b[${statusRow};${Math.min(cols, q.length + 1)}H`;
    }
    this.screen.write(`${out}${cursor}\x1b[?25h`);
  }

  private line(): string {
    return this.lines[this.cur.row] ?? "";
  }

  protected key(k: ScreenKey): void {
    if (this.prompt !== undefined) {
      this.promptKey(this.prompt, k);
      return;
    }
    const wasCut = this.lastWasCut;
    this.lastWasCut = false;
    if (typeKey(this, k)) return;
    const line = this.line();
    const { col } = this.cur;
    switch (k.kind) {
      case "left":
        if (col > 0) this.cur.col--;
        else if (this.cur.row > 0)
          this.cur = { row: this.cur.row - 1, col: (this.lines[this.cur.row - 1] ?? "").length };
        return;
      case "right":
        if (col < line.length) this.cur.col++;
        else if (this.cur.row + 1 < this.lines.length) this.cur = { row: this.cur.row + 1, col: 0 };
        return;
      case "up":
      case "down": {
        const row = this.cur.row + (k.kind === "up" ? -1 : 1);
        if (row >= 0 && row < this.lines.length)
          this.cur = { row, col: Math.min(col, (this.lines[row] ?? "").length) };
        return;
      }
      case "home":
        this.cur.col = 0;
        return;
      case "end":
        this.cur.col = line.length;
        return;
      case "pageDown":
      case "pageUp": {
        const d = this.textRows() * (k.kind === "pageUp" ? -1 : 1);
        const row = Math.max(0, Math.min(this.lines.length - 1, this.cur.row + d));
        this.cur = { row, col: Math.min(col, (this.lines[row] ?? "").length) };
        return;
      }
      case "ctrl":
        this.control(k.code, wasCut);
        return;
      default:
        return;
    }
  }

  private control(code: number, wasCut: boolean): void {
    switch (code) {
      case ctrl("X"):
        if (!this.modified) this.exit();
        else this.prompt = { kind: "save" };
        return;
      case ctrl("O"):
        this.prompt = { kind: "filename", text: this.name ?? "", thenExit: false };
        return;
      case ctrl("K"): {
        const [cut = ""] = this.lines.splice(this.cur.row, 1);
        this.cutBuffer = wasCut ? [...this.cutBuffer, cut] : [cut];
        if (this.lines.length === 0) this.lines.push("");
        if (this.cur.row >= this.lines.length) this.cur.row = this.lines.length - 1;
        this.cur.col = 0;
        this.modified = true;
        this.lastWasCut = true;
        return;
      }
      case ctrl("U"):
        if (this.cutBuffer.length > 0) {
          this.lines.splice(this.cur.row, 0, ...this.cutBuffer);
          this.cur = { row: this.cur.row + this.cutBuffer.length, col: 0 };
          this.modified = true;
        }
        return;
      case ctrl("C"): {
        const total = this.lines.length;
        const len = this.line().length;
        const pct = (a: number, b: number): number => Math.round((100 * a) / Math.max(1, b));
        let chars = 0;
        for (let i = 0; i < this.cur.row; i++) chars += (this.lines[i] ?? "").length + 1;
        chars += this.cur.col;
        const all = this.lines.reduce((n, l) => n + l.length + 1, 0);
        this.status = `[ line ${this.cur.row + 1}/${total} (${pct(this.cur.row + 1, total)}%), col ${this.cur.col + 1}/${len + 1} (${pct(this.cur.col + 1, len + 1)}%), char ${chars}/${all} (${pct(chars, all)}%) ]`;
        return;
      }
      case ctrl("A"):
        this.cur.col = 0;
        return;
      case ctrl("E"):
        this.cur.col = this.line().length;
        return;
      default:
        return;
    }
  }

  private promptKey(p: Prompt, k: ScreenKey): void {
    if (k.kind === "ctrl" && k.code === ctrl("C")) {
      this.prompt = undefined;
      this.status = "[ Cancelled ]";
      return;
    }
    if (p.kind === "save") {
      if (k.kind !== "char") return;
      const c = k.text.toLowerCase();
      if (c === "y") this.prompt = { kind: "filename", text: this.name ?? "", thenExit: true };
      else if (c === "n") this.exit();
      return;
    }
    if (k.kind === "char") p.text += k.text;
    else if (k.kind === "backspace") p.text = p.text.slice(0, -1);
    else if (k.kind === "enter") {
      if (p.text === "") {
        this.prompt = undefined;
        this.status = "[ Cancelled ]";
        return;
      }
      const text = `${this.lines.join("\n")}\n`;
      const error = this.file.save(p.text, text);
      this.prompt = undefined;
      if (error !== undefined) {
        this.status = `[ Error writing ${p.text}: ${error} ]`;
        return;
      }
      this.name = p.text;
      this.modified = false;
      const n = this.lines.length;
      this.status = `[ Wrote ${n} line${n === 1 ? "" : "s"} ]`;
      if (p.thenExit) this.exit();
    }
  }

  private exit(): void {
    this.done = true;
    this.screen.close();
  }
}
