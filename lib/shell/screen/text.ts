/**
 * What the full-screen programs (vi, nano, less, watch) share: splitting raw terminal input
 * into keys, and a text buffer drawn with line wrapping onto a band of screen rows.
 */

/** One key: a printable character, a control character, or a named escape sequence. */
export type ScreenKey =
  | { kind: "char"; text: string }
  | { kind: "ctrl"; code: number }
  | {
      kind:
        | "esc"
        | "enter"
        | "backspace"
        | "tab"
        | "up"
        | "down"
        | "left"
        | "right"
        | "home"
        | "end"
        | "pageUp"
        | "pageDown"
        | "delete"
        | "insert"
        | "other";
    };

/**
 * The cursor keys' CSI/SS3 sequences by their final part (xterm's and the rxvt/VT220 `n~`
 * forms), shared by the full-screen programs and the terminal's line editor.
 */
export const CSI_CURSOR_KEYS = {
  A: "up",
  B: "down",
  C: "right",
  D: "left",
  H: "home",
  F: "end",
  "1~": "home",
  "7~": "home",
  "4~": "end",
  "8~": "end",
  "3~": "delete",
} as const;

const CSI_NAMES: Record<string, ScreenKey["kind"]> = {
  ...CSI_CURSOR_KEYS,
  "2~": "insert",
  "5~": "pageUp",
  "6~": "pageDown",
};

/**
 * Splits raw input into keys. A lone ESC (at the end of a chunk, or before a character that
 * starts no sequence) is the Escape key; bracketed-paste markers are dropped.
 */
export function splitKeys(data: string): ScreenKey[] {
  const keys: ScreenKey[] = [];
  let i = 0;
  while (i < data.length) {
    const c = data[i] ?? "";
    if (c === "\x1b") {
      const n = data[i + 1];
      if (n === "[" || n === "O") {
        let j = i + 2;
        while (j < data.length && !/[A-Za-z~]/.test(data[j] ?? "")) j++;
        const body = data.slice(i + 2, j + 1);
        i = j + 1;
        if (body === "200~" || body === "201~") continue;
        const last = body.slice(-1);
        const name = CSI_NAMES[body] ?? CSI_NAMES[last === "~" ? body : last];
        keys.push({ kind: name ?? "other" } as ScreenKey);
        continue;
      }
      keys.push({ kind: "esc" });
      i++;
      continue;
    }
    const code = c.charCodeAt(0);
    if (c === "\r" || c === "\n") {
      keys.push({ kind: "enter" });
      // a CRLF from a paste is one line break
      i += c === "\r" && data[i + 1] === "\n" ? 2 : 1;
      continue;
    }
    if (c === "\x7f" || c === "\b") keys.push({ kind: "backspace" });
    else if (c === "\t") keys.push({ kind: "tab" });
    else if (code < 0x20) keys.push({ kind: "ctrl", code });
    else if (code >= 0xd800 && code <= 0xdbff && i + 1 < data.length) {
      keys.push({ kind: "char", text: data.slice(i, i + 2) });
      i += 2;
      continue;
    } else keys.push({ kind: "char", text: c });
    i++;
  }
  return keys;
}

/** The control character for a letter: ctrl("C") is 3. */
export function ctrl(letter: string): number {
  return letter.toUpperCase().charCodeAt(0) - 64;
}

/** Cells of `s` on screen from column `startCell` (tabs to the next multiple of 8). */
export function cellWidth(s: string, startCell = 0): number {
  let w = startCell;
  for (const ch of s) w = ch === "\t" ? (Math.floor(w / 8) + 1) * 8 : w + 1;
  return w - startCell;
}

/** A line as shown: tabs expanded, control characters as ^X. */
export function visible(s: string): string {
  let out = "";
  for (const ch of s) {
    if (ch === "\t") out += " ".repeat(8 - (out.length % 8));
    else if (ch.charCodeAt(0) < 0x20) out += `^${String.fromCharCode(ch.charCodeAt(0) + 64)}`;
    else out += ch;
  }
  return out;
}

/** The bytes a file of `lines` takes when written with a final newline (UTF-8). */
export function byteCount(lines: readonly string[]): number {
  let n = 0;
  for (const l of lines) n += new TextEncoder().encode(l).length + 1;
  return n;
}

/** Lines of a file's text (a final newline ends the last line; an empty file has one empty line). */
export function linesOf(text: string): string[] {
  if (text === "") return [""];
  return (text.endsWith("\n") ? text.slice(0, -1) : text).split("\n");
}

/** A cursor within lines of text. */
export interface Cursor {
  row: number;
  col: number;
}

/** What a full-screen editor holds: its lines, the cursor, and whether they changed since the last save. */
export interface EditBuffer {
  lines: string[];
  cur: Cursor;
  modified: boolean;
}

/**
 * Typing into a buffer as both editors take it (nano always, vi in insert mode): a character or
 * Tab is inserted, Enter splits the line, Backspace and Delete join lines at their ends. Returns
 * false, changing nothing, for any other key.
 */
export function typeKey(b: EditBuffer, k: ScreenKey): boolean {
  const line = b.lines[b.cur.row] ?? "";
  const { col } = b.cur;
  const setLine = (s: string): void => {
    b.lines[b.cur.row] = s;
    b.modified = true;
  };
  switch (k.kind) {
    case "char":
      setLine(line.slice(0, col) + k.text + line.slice(col));
      b.cur.col += k.text.length;
      return true;
    case "tab":
      setLine(`${line.slice(0, col)}\t${line.slice(col)}`);
      b.cur.col++;
      return true;
    case "enter":
      b.lines.splice(b.cur.row, 1, line.slice(0, col), line.slice(col));
      b.modified = true;
      b.cur = { row: b.cur.row + 1, col: 0 };
      return true;
    case "backspace":
      if (col > 0) {
        setLine(line.slice(0, col - 1) + line.slice(col));
        b.cur.col--;
      } else if (b.cur.row > 0) {
        const prev = b.lines[b.cur.row - 1] ?? "";
        b.lines.splice(b.cur.row - 1, 2, prev + line);
        b.modified = true;
        b.cur = { row: b.cur.row - 1, col: prev.length };
      }
      return true;
    case "delete":
      if (col < line.length) setLine(line.slice(0, col) + line.slice(col + 1));
      else if (b.cur.row + 1 < b.lines.length) {
        b.lines.splice(b.cur.row, 2, line + (b.lines[b.cur.row + 1] ?? ""));
        b.modified = true;
      }
      return true;
    default:
      return false;
  }
}

/**
 * Draws `lines` from line `top` on rows [first, first+height) of a `columns`-wide screen,
 * wrapping long lines; rows after the text show `filler` ("~" for vi, "" for nano). Returns the
 * output and the screen position of `cursor` (undefined when it is off the band).
 */
export function drawBand(
  lines: readonly string[],
  top: number,
  first: number,
  height: number,
  columns: number,
  filler: string,
  cursor?: Cursor,
  /** Vim's `:set number`: the width of the line-number column (0 for none). */
  gutter = 0,
): { out: string; at?: { row: number; col: number } } {
  const width = Math.max(1, columns - gutter);
  let out = "";
  let screenRow = 0;
  let at: { row: number; col: number } | undefined;
  for (let li = top; screenRow < height; li++) {
    const line = lines[li];
    if (line === undefined) {
      out += `\x1b[${first + screenRow};1H${filler}\x1b[K`;
      screenRow++;
      continue;
    }
    const shown = visible(line);
    const parts = Math.max(1, Math.ceil(shown.length / width));
    if (cursor !== undefined && cursor.row === li) {
      const cell = cellWidth(line.slice(0, cursor.col));
      const r = Math.min(Math.floor(cell / width), parts);
      if (screenRow + r < height) at = { row: first + screenRow + r, col: (cell % width) + 1 + gutter };
    }
    for (let p = 0; p < parts && screenRow < height; p++) {
      const number =
        gutter === 0 ? "" : `\x1b[33m${(p === 0 ? String(li + 1) : "").padStart(gutter - 1)} \x1b[0m`;
      out += `\x1b[${first + screenRow};1H${number}${shown.slice(p * width, (p + 1) * width)}\x1b[K`;
      screenRow++;
    }
  }
  return at === undefined ? { out } : { out, at };
}

/** Screen rows line `li` takes when wrapped at `columns`. */
export function rowsOf(line: string, columns: number): number {
  return Math.max(1, Math.ceil(visible(line).length / Math.max(1, columns)));
}

/** The first line to draw so that line `row` is on a band of `height` rows starting from `top`. */
export function scrollTo(
  lines: readonly string[],
  top: number,
  row: number,
  height: number,
  columns: number,
): number {
  if (row < top) return row;
  let used = 0;
  for (let li = top; li <= row; li++) used += rowsOf(lines[li] ?? "", columns);
  let t = top;
  while (used > height && t < row) {
    used -= rowsOf(lines[t] ?? "", columns);
    t++;
  }
  return t;
}
