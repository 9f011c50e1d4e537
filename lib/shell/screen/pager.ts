/**
 * `less` and `more`: a pager on the alternate screen. q quits; space/f/PgDn a page on, b/PgUp a
 * page back, Enter/j/↓ and k/↑ a line, d/u half a page, g/G the ends, /TEXT searches. less shows
 * the file's name on its first prompt and `(END)` at the end; more prompts `--More--(NN%)` and
 * quits at the end of the text.
 */
import { KeyedScreenApp } from "./app";
import { ctrl, drawBand, linesOf, rowsOf, type ScreenKey } from "./text";

export class Pager extends KeyedScreenApp {
  private readonly lines: string[];
  private top = 0;
  private first = true;
  private search: string | undefined;
  private message = "";

  constructor(
    text: string,
    private readonly opts: { name?: string; more?: boolean },
  ) {
    super();
    this.lines = text === "" ? [] : linesOf(text);
  }

  private height(): number {
    return Math.max(1, this.screen.rows - 1);
  }

  /** The top line that shows the last line at the bottom of the screen. */
  private lastTop(): number {
    let used = 0;
    let t = this.lines.length;
    while (t > 0) {
      const r = rowsOf(this.lines[t - 1] ?? "", this.screen.columns);
      if (used + r > this.height()) break;
      used += r;
      t--;
    }
    return t;
  }

  private atEnd(): boolean {
    return this.top >= this.lastTop();
  }

  protected draw(): void {
    const cols = this.screen.columns;
    const band = drawBand(this.lines, this.top, 1, this.height(), cols, this.opts.more ? "" : "~");
    let prompt: string;
    if (this.search !== undefined) prompt = `/${this.search}`;
    else if (this.message !== "") prompt = `\x1b[7m${this.message}\x1b[0m`;
    else if (this.opts.more) {
      const shown = Math.min(this.lines.length, this.top + this.height());
      const pct = Math.floor((100 * shown) / Math.max(1, this.lines.length));
      prompt = `\x1b[7m--More--(${pct}%)\x1b[0m`;
    } else if (this.atEnd()) prompt = "\x1b[7m(END)\x1b[0m";
    else if (this.first && this.opts.name !== undefined) prompt = `\x1b[7m${this.opts.name}\x1b[0m`;
    else prompt = ":";
    this.screen.write(`\x1b[?25l${band.out}\x1b[${this.screen.rows};1H${prompt}\x1b[K\x1b[?25h`);
  }

  private scroll(by: number): void {
    const before = this.top;
    this.top = Math.max(0, Math.min(this.lastTop(), this.top + by));
    if (by !== 0) this.first = false;
    if (this.opts.more && by > 0 && before === this.top && this.atEnd()) this.quit();
  }

  private quit(): void {
    this.done = true;
    this.screen.close();
  }

  protected key(k: ScreenKey): void {
    this.message = "";
    const page = this.height();
    if (this.search !== undefined) {
      if (k.kind === "char") this.search += k.text;
      else if (k.kind === "backspace") this.search = this.search.slice(0, -1);
      else if (k.kind === "esc" || (k.kind === "ctrl" && k.code === ctrl("C"))) this.search = undefined;
      else if (k.kind === "enter") {
        const needle = this.search;
        this.search = undefined;
        const hit = this.lines.findIndex((l, i) => i > this.top && l.includes(needle));
        if (needle === "" || hit < 0) this.message = "Pattern not found  (press RETURN)";
        else this.top = Math.min(hit, Math.max(hit, 0));
      }
      return;
    }
    switch (k.kind) {
      case "char":
        switch (k.text) {
          case "q":
          case "Q":
            this.quit();
            return;
          case " ":
          case "f":
          case "z":
            this.scroll(page);
            return;
          case "b":
          case "w":
            this.scroll(-page);
            return;
          case "j":
          case "e":
            this.scroll(1);
            return;
          case "k":
          case "y":
            this.scroll(-1);
            return;
          case "d":
            this.scroll(Math.ceil(page / 2));
            return;
          case "u":
            this.scroll(-Math.ceil(page / 2));
            return;
          case "g":
          case "<":
            this.top = 0;
            return;
          case "G":
          case ">":
            this.top = this.lastTop();
            this.first = false;
            return;
          case "/":
            this.search = "";
            return;
          default:
            return;
        }
      case "enter":
      case "down":
        this.scroll(1);
        return;
      case "up":
        this.scroll(-1);
        return;
      case "pageDown":
        this.scroll(page);
        return;
      case "pageUp":
        this.scroll(-page);
        return;
      case "ctrl":
        if (k.code === ctrl("C") && this.opts.more) this.quit();
        else if (k.code === ctrl("F") || k.code === ctrl("V")) this.scroll(page);
        else if (k.code === ctrl("B")) this.scroll(-page);
        else if (k.code === ctrl("N") || k.code === ctrl("E")) this.scroll(1);
        else if (k.code === ctrl("P") || k.code === ctrl("Y")) this.scroll(-1);
        return;
      default:
        return;
    }
  }
}
