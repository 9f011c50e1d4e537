/**
 * GNU ls's many-per-line layout (`ls -C`, the default on a terminal): names fill columns top to
 * bottom, as many columns as fit in the line; every column but the last is as wide as its longest
 * name plus two spaces. Follows coreutils' calculate_columns: a layout fits when its width is
 * less than the line length, and each column is at least three characters wide.
 */
const MIN_COLUMN_WIDTH = 3;
const SEPARATOR = 2;

export interface ColumnLayout {
  rows: number;
  /** Width of each column, separator included (the last column has none). */
  widths: number[];
}

export function lsColumns(lengths: readonly number[], lineLength: number): ColumnLayout {
  const n = lengths.length;
  if (n === 0) return { rows: 0, widths: [] };
  const maxCols = Math.min(n, Math.max(1, Math.floor(lineLength / MIN_COLUMN_WIDTH)));
  let best: ColumnLayout = { rows: n, widths: [Math.max(...lengths)] };
  for (let cols = 2; cols <= maxCols; cols++) {
    const rows = Math.ceil(n / cols);
    // as coreutils counts: every one of `cols` columns is at least 3 wide, even one left empty
    // because the names ran out, and only column `cols - 1` goes without a separator
    const widths = new Array<number>(cols).fill(MIN_COLUMN_WIDTH);
    lengths.forEach((len, i) => {
      const col = Math.floor(i / rows);
      const w = len + (col === cols - 1 ? 0 : SEPARATOR);
      if ((widths[col] ?? 0) < w) widths[col] = w;
    });
    if (widths.reduce((a, b) => a + b, 0) < lineLength) best = { rows, widths };
  }
  return best;
}

/** Lays out `names` (display text, `lengths` their visible widths) as `ls -C` prints them. */
export function formatColumns(
  names: readonly string[],
  lengths: readonly number[],
  lineLength: number,
): string {
  const { rows, widths } = lsColumns(lengths, lineLength);
  let out = "";
  for (let r = 0; r < rows; r++) {
    let line = "";
    for (let c = 0; c < widths.length; c++) {
      const i = c * rows + r;
      const name = names[i];
      if (name === undefined) break;
      line += name;
      // pad only when another name follows on this line
      if (names[(c + 1) * rows + r] !== undefined) line += " ".repeat((widths[c] ?? 0) - (lengths[i] ?? 0));
    }
    out += `${line}\n`;
  }
  return out;
}
