/**
 * `vi`/`vim`: a small Vim on the alternate screen — normal mode (h j k l, 0 $ w b, gg G, i a A I
 * o O, x dd D yy p, u), insert mode, and the ex commands :w :q :wq :x :q! :N, with Vim's
 * messages ("deploy.yaml" [New] 5L, 120B written; E37; E492 …).
 */
import { KeyedScreenApp } from "./app";
import { byteCount, type Cursor, drawBand, linesOf, type ScreenKey, scrollTo, typeKey } from "./text";

export interface EditFile {
  /** The name as typed (what Vim shows in quotes); undefined for `vi` without a file. */
  name?: string;
  /** Current contents; undefined when the file does not exist yet. */
  text?: string;
  /** Writes the file; returns an error text or undefined. */
  save(name: string, text: string): string | undefined;
}

type Mode = "normal" | "insert" | "command";

const MAX_UNDO = 100;

export class Vi extends KeyedScreenApp {
  lines: string[];
  cur: Cursor = { row: 0, col: 0 };
  private top = 0;
  private mode: Mode = "normal";
  private cmdline = "";
  /** `:` for an ex command, `/` or `?` for a search. */
  private cmdPrefix = ":";
  private lastSearch: { text: string; forward: boolean } | undefined;
  private message = "";
  private messageIsError = false;
  modified = false;
  private isNew: boolean;
  private name: string | undefined;
  /** Keys of a pending normal-mode command (d, g, y, a count). */
  private pending = "";
  private register: string[] | undefined;
  private undo: { lines: string[]; cur: Cursor }[] = [];
  /** `:set number` */
  private numbers = false;

  constructor(private readonly file: EditFile) {
    super();
    this.lines = linesOf(file.text ?? "");
    this.isNew = file.text === undefined;
    this.name = file.name;
    if (file.name !== undefined)
      this.message = this.isNew
        ? `"${file.name}" [New]`
        : `"${file.name}" ${this.lines.length}L, ${byteCount(file.text === "" ? [] : this.lines)}B`;
  }

  // ---- drawing ----

  private textRows(): number {
    return Math.max(1, this.screen.rows - 1);
  }

  protected draw(): void {
    const cols = this.screen.columns;
    const height = this.textRows();
    const gutter = this.numbers ? Math.max(3, String(this.lines.length).length) + 1 : 0;
    this.top = scrollTo(this.lines, Math.min(this.top, this.cur.row), this.cur.row, height, cols - gutter);
    const band = drawBand(this.lines, this.top, 1, height, cols, "\x1b[94m~\x1b[0m", this.cur, gutter);
    let out = `\x1b[?25l${band.out}\x1b[${this.screen.rows};1H`;
    let status: string;
    if (this.mode === "command") status = `${this.cmdPrefix}${this.cmdline}`;
    else if (this.mode === "insert") status = "\x1b[1m-- INSERT --\x1b[0m";
    else status = this.messageIsError ? `\x1b[97;41m${this.message}\x1b[0m` : this.message;
    out += `${status.slice(0, cols + 20)}\x1b[K`;
    if (this.mode === "command")
      out += `\x1b[${this.screen.rows};${Math.min(cols, this.cmdline.length + 2)}H`;
    else if (band.at !== undefined) out += `\x1b[${band.at.row};${band.at.col}H`;
    this.screen.write(`${out}\x1b[?25h`);
  }

  private say(text: string, error = false): void {
    this.message = text;
    this.messageIsError = error;
  }

  // ---- editing helpers ----

  private line(): string {
    return this.lines[this.cur.row] ?? "";
  }

  private setLine(s: string): void {
    this.lines[this.cur.row] = s;
    this.modified = true;
  }

  private snapshot(): void {
    this.undo.push({ lines: [...this.lines], cur: { ...this.cur } });
    if (this.undo.length > MAX_UNDO) this.undo.shift();
  }

  /** Normal mode keeps the cursor on a character. */
  private clampNormal(): void {
    this.cur.row = Math.max(0, Math.min(this.cur.row, this.lines.length - 1));
    const len = this.line().length;
    this.cur.col = Math.max(0, Math.min(this.cur.col, Math.max(0, len - 1)));
  }

  private enterInsert(): void {
    this.snapshot();
    this.mode = "insert";
    this.message = "";
  }

  // ---- keys ----

  protected key(k: ScreenKey): void {
    if (this.mode === "insert") this.insertKey(k);
    else if (this.mode === "command") this.commandKey(k);
    else this.normalKey(k);
  }

  private insertKey(k: ScreenKey): void {
    if (typeKey(this, k)) return;
    const { col } = this.cur;
    switch (k.kind) {
      case "esc":
        this.mode = "normal";
        this.cur.col = Math.max(0, col - 1);
        this.clampNormal();
        return;
      case "ctrl":
        if (k.code === 3) {
          // Ctrl-C leaves insert mode like Esc
          this.insertKey({ kind: "esc" });
        }
        return;
      default:
        this.move(k);
        this.cur.col = Math.min(this.cur.col, this.line().length);
    }
  }

  /** Arrow keys and Home/End, in any mode. */
  private move(k: ScreenKey): boolean {
    switch (k.kind) {
      case "left":
        this.cur.col = Math.max(0, this.cur.col - 1);
        return true;
      case "right":
        this.cur.col = Math.min(this.line().length - (this.mode === "insert" ? 0 : 1), this.cur.col + 1);
        return true;
      case "up":
        if (this.cur.row > 0) this.cur.row--;
        return true;
      case "down":
        if (this.cur.row + 1 < this.lines.length) this.cur.row++;
        return true;
      case "home":
        this.cur.col = 0;
        return true;
      case "end":
        this.cur.col = this.line().length;
        return true;
      case "pageDown":
        this.cur.row = Math.min(this.lines.length - 1, this.cur.row + this.textRows());
        return true;
      case "pageUp":
        this.cur.row = Math.max(0, this.cur.row - this.textRows());
        return true;
      default:
        return false;
    }
  }

  private normalKey(k: ScreenKey): void {
    if (this.move(k)) {
      this.pending = "";
      this.clampNormal();
      return;
    }
    if (k.kind === "ctrl" && k.code === 3) {
      this.pending = "";
      this.say("Type  :qa!  and press <Enter> to abandon all changes and exit Vim");
      return;
    }
    if (k.kind === "esc") {
      this.pending = "";
      return;
    }
    if (k.kind === "enter") {
      if (this.cur.row + 1 < this.lines.length) this.cur = { row: this.cur.row + 1, col: 0 };
      return;
    }
    if (k.kind === "backspace") {
      this.cur.col = Math.max(0, this.cur.col - 1);
      return;
    }
    if (k.kind !== "char") return;
    const seq = this.pending + k.text;
    const m = /^(\d*)(.*)$/.exec(seq) ?? [];
    const countText = m[1] ?? "";
    const cmd = m[2] ?? "";
    if (cmd === "" || (countText === "" && cmd === "0" && seq === "0")) {
      if (seq === "0") {
        this.cur.col = 0;
        this.pending = "";
      } else this.pending = seq;
      return;
    }
    const count = Math.max(1, Number(countText || "1"));
    this.pending = "";
    const line = this.line();
    switch (cmd) {
      case "h":
        this.cur.col = Math.max(0, this.cur.col - count);
        break;
      case "l":
      case " ":
        this.cur.col = Math.min(Math.max(0, line.length - 1), this.cur.col + count);
        break;
      case "j":
        this.cur.row = Math.min(this.lines.length - 1, this.cur.row + count);
        break;
      case "k":
        this.cur.row = Math.max(0, this.cur.row - count);
        break;
      case "$":
        this.cur.col = line.length - 1;
        break;
      case "^":
        this.cur.col = line.length - line.trimStart().length;
        break;
      case "w": {
        const re = /\s+\S|\b\w|[^\w\s]/g;
        re.lastIndex = this.cur.col + 1;
        const hit = re.exec(line);
        if (hit) this.cur.col = hit.index + (/\s/.test(hit[0][0] ?? "") ? hit[0].length - 1 : 0);
        else if (this.cur.row + 1 < this.lines.length) this.cur = { row: this.cur.row + 1, col: 0 };
        break;
      }
      case "b": {
        let c = this.cur.col - 1;
        while (c > 0 && /\s/.test(line[c] ?? "")) c--;
        while (c > 0 && /\w/.test(line[c - 1] ?? "")) c--;
        this.cur.col = Math.max(0, c);
        break;
      }
      case "G":
        this.cur = { row: countText === "" ? this.lines.length - 1 : count - 1, col: 0 };
        break;
      case "g":
      case "d":
      case "y":
      case "Z":
        this.pending = seq;
        return;
      case "gg":
        this.cur = { row: countText === "" ? 0 : count - 1, col: 0 };
        break;
      case "i":
        this.enterInsert();
        return;
      case "a":
        this.enterInsert();
        this.cur.col = Math.min(line.length, this.cur.col + 1);
        return;
      case "A":
        this.enterInsert();
        this.cur.col = line.length;
        return;
      case "I":
        this.enterInsert();
        this.cur.col = line.length - line.trimStart().length;
        return;
      case "o":
      case "O": {
        this.enterInsert();
        const at = cmd === "o" ? this.cur.row + 1 : this.cur.row;
        this.lines.splice(at, 0, "");
        this.modified = true;
        this.cur = { row: at, col: 0 };
        return;
      }
      case "x":
        if (line.length > 0) {
          this.snapshot();
          this.setLine(line.slice(0, this.cur.col) + line.slice(this.cur.col + count));
        }
        break;
      case "D":
        this.snapshot();
        this.setLine(line.slice(0, this.cur.col));
        break;
      case "dd": {
        this.snapshot();
        this.register = this.lines.splice(this.cur.row, count);
        if (this.lines.length === 0) this.lines.push("");
        this.modified = true;
        if (count >= 3) this.say(`${this.register.length} fewer lines`);
        break;
      }
      case "yy":
        this.register = this.lines.slice(this.cur.row, this.cur.row + count);
        break;
      case "p":
      case "P":
        if (this.register !== undefined) {
          this.snapshot();
          const at = cmd === "p" ? this.cur.row + 1 : this.cur.row;
          this.lines.splice(at, 0, ...this.register);
          this.modified = true;
          this.cur = { row: at, col: 0 };
        }
        break;
      case "u": {
        const prev = this.undo.pop();
        if (prev === undefined) this.say("Already at oldest change");
        else {
          this.lines = prev.lines;
          this.cur = prev.cur;
          this.modified = true;
        }
        break;
      }
      case "ZZ":
        this.ex("x");
        return;
      case "ZQ":
        this.ex("q!");
        return;
      case ":":
      case "/":
      case "?":
        this.mode = "command";
        this.cmdPrefix = cmd;
        this.cmdline = "";
        return;
      case "n":
      case "N":
        if (this.lastSearch === undefined) this.say("E35: No previous regular expression", true);
        else
          this.search(this.lastSearch.text, cmd === "n" ? this.lastSearch.forward : !this.lastSearch.forward);
        return;
      default:
        // an operator followed by a motion this Vim does not know: dropped, as Vim beeps
        break;
    }
    this.clampNormal();
  }

  private commandKey(k: ScreenKey): void {
    switch (k.kind) {
      case "esc":
        this.mode = "normal";
        return;
      case "ctrl":
        if (k.code === 3) this.mode = "normal";
        return;
      case "char":
        this.cmdline += k.text;
        return;
      case "backspace":
        if (this.cmdline === "") this.mode = "normal";
        else this.cmdline = this.cmdline.slice(0, -1);
        return;
      case "enter": {
        this.mode = "normal";
        if (this.cmdPrefix === ":") this.ex(this.cmdline.trim());
        else {
          const text = this.cmdline === "" ? this.lastSearch?.text : this.cmdline;
          if (text === undefined) this.say("E35: No previous regular expression", true);
          else {
            this.lastSearch = { text, forward: this.cmdPrefix === "/" };
            this.search(text, this.cmdPrefix === "/");
          }
        }
        return;
      }
      default:
        return;
    }
  }

  /** Vim's search for a plain text, wrapping around the ends of the file. */
  private search(text: string, forward: boolean): void {
    const n = this.lines.length;
    this.say(`${forward ? "/" : "?"}${text}`);
    for (let step = 0; step <= n; step++) {
      const row = (((this.cur.row + (forward ? step : -step)) % n) + n) % n;
      const line = this.lines[row] ?? "";
      let col: number;
      if (step === 0)
        col = forward ? line.indexOf(text, this.cur.col + 1) : line.lastIndexOf(text, this.cur.col - 1);
      else if (step === n) col = forward ? line.indexOf(text) : line.lastIndexOf(text);
      else col = forward ? line.indexOf(text) : line.lastIndexOf(text);
      if (step === 0 && this.cur.col === 0 && !forward) col = -1;
      if (col >= 0) {
        const wrapped = forward
          ? row < this.cur.row || (row === this.cur.row && step > 0)
          : row > this.cur.row;
        if (wrapped)
          this.say(
            forward ? "search hit BOTTOM, continuing at TOP" : "search hit TOP, continuing at BOTTOM",
            true,
          );
        this.cur = { row, col };
        return;
      }
    }
    this.say(`E486: Pattern not found: ${text}`, true);
  }

  // ---- ex commands ----

  private write(name: string | undefined): boolean {
    if (name === undefined) {
      this.say("E32: No file name", true);
      return false;
    }
    const text = `${this.lines.join("\n")}\n`;
    const error = this.file.save(name, text);
    if (error !== undefined) {
      this.say(`"${name}" E212: Can't open file for writing`, true);
      return false;
    }
    const fresh = this.isNew || name !== this.name;
    this.say(`"${name}" ${fresh ? "[New] " : ""}${this.lines.length}L, ${byteCount(this.lines)}B written`);
    if (this.name === undefined) this.name = name;
    if (name === this.name) {
      this.isNew = false;
      this.modified = false;
    }
    return true;
  }

  private quit(): void {
    this.done = true;
    this.screen.close();
  }

  private ex(command: string): void {
    const m = /^(\w+|\d+)(!?)\s*(.*)$/.exec(command);
    if (command === "") return;
    if (m === null) {
      this.say(`E492: Not an editor command: ${command}`, true);
      return;
    }
    const [, name = "", bang, arg = ""] = m;
    if (/^\d+$/.test(name)) {
      this.cur = { row: Math.min(this.lines.length, Math.max(1, Number(name))) - 1, col: 0 };
      this.clampNormal();
      return;
    }
    const target = arg === "" ? this.name : arg;
    switch (name) {
      case "w":
      case "write":
        this.write(target);
        return;
      case "q":
      case "quit":
      case "qa":
      case "qall":
        if (this.modified && bang !== "!") {
          this.say("E37: No write since last change (add ! to override)", true);
          return;
        }
        this.quit();
        return;
      case "wq":
      case "x":
      case "xit":
      case "exit":
      case "wqa":
      case "xa":
        if ((name === "wq" || name === "wqa" || this.modified || arg !== "") && !this.write(target)) return;
        this.quit();
        return;
      case "e":
      case "edit":
        if (bang === "!" && arg === "") {
          const text = this.file.text;
          this.lines = linesOf(text ?? "");
          this.modified = false;
          this.cur = { row: 0, col: 0 };
        }
        return;
      case "set":
      case "se":
        for (const opt of arg.split(/\s+/)) {
          if (opt === "number" || opt === "nu") this.numbers = true;
          else if (opt === "nonumber" || opt === "nonu") this.numbers = false;
          else if (opt === "number!" || opt === "nu!" || opt === "invnumber") this.numbers = !this.numbers;
        }
        return;
      case "syntax":
        return;
      default:
        this.say(`E492: Not an editor command: ${command}`, true);
    }
  }
}
