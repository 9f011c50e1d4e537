/**
 * An elastic-tabstop writer with the semantics of Go's text/tabwriter (left aligned, space
 * padding), which kubectl uses for both `get` tables and `describe` output. A cell is text
 * terminated by a tab; the text after a line's last tab is not part of any column. A column
 * block is a run of consecutive lines that all have a cell in that column.
 */
export interface TabWriterOptions {
  minWidth: number;
  padding: number;
}

function width(s: string): number {
  let n = 0;
  for (const _ of s) n++;
  return n;
}

export function tabwrite(text: string, opts: TabWriterOptions): string {
  const endsWithNewline = text.endsWith("\n");
  const rawLines = (endsWithNewline ? text.slice(0, -1) : text).split("\n");
  const lines = rawLines.map((l) => l.split("\t"));
  const out: string[] = [];
  const widths: number[] = [];

  const writeLines = (line0: number, line1: number): void => {
    for (let i = line0; i < line1; i++) {
      const line = lines[i] ?? [];
      let s = "";
      line.forEach((cell, j) => {
        s += cell;
        const w = widths[j];
        if (j < line.length - 1 && w !== undefined) s += " ".repeat(Math.max(0, w - width(cell)));
      });
      out.push(s);
    }
  };

  const format = (line0: number, line1: number): void => {
    const column = widths.length;
    let start = line0;
    for (let i = line0; i < line1; i++) {
      const line = lines[i] ?? [];
      if (column >= line.length - 1) continue;
      writeLines(start, i);
      start = i;
      let w = opts.minWidth;
      let j = i;
      for (; j < line1; j++) {
        const l = lines[j] ?? [];
        if (column >= l.length - 1) break;
        const cw = width(l[column] ?? "") + opts.padding;
        if (cw > w) w = cw;
      }
      widths.push(w);
      format(start, j);
      widths.pop();
      start = j;
      i = j - 1;
    }
    writeLines(start, line1);
  };

  format(0, lines.length);
  return out.join("\n") + (endsWithNewline ? "\n" : "");
}

/** kubectl's table printer tabwriter: minwidth 6, padding 3. */
export const tableTabs = (text: string): string => tabwrite(text, { minWidth: 6, padding: 3 });
/** kubectl describe's tabwriter: minwidth 0, padding 2. */
export const describeTabs = (text: string): string => tabwrite(text, { minWidth: 0, padding: 2 });
