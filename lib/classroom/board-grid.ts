/**
 * The teacher board's grid as data (issue F: 1,000 students × 33 steps in well under 500 KB):
 * one row per student, one character per step column and the cell's figures in a short string,
 * decoded in the browser. No server imports: the board's client component uses the decoder.
 */

export interface BoardColumn {
  lessonId: string;
  stepId: string;
}

export interface BoardStudentRow {
  id: string;
  name: string;
  email: string;
  /**
   * One character per column: `-` not started, `s` started, `d` done; upper case (`S`, `D`)
   * when the student opened the step's solution.
   */
  codes: string;
  /** Per column, comma-separated: `commands.errors.seconds` (seconds empty until done), or "". */
  stats: string;
}

export interface BoardGrid {
  columns: BoardColumn[];
  students: BoardStudentRow[];
}

export interface BoardCell {
  started: boolean;
  done: boolean;
  solutionShown: boolean;
  commands: number;
  errors: number;
  /** Seconds from the first command to completion; null until done. */
  seconds: number | null;
}

/** The cells of one student row, in column order. */
export function decodeBoardRow(row: Pick<BoardStudentRow, "codes" | "stats">): BoardCell[] {
  const stats = row.stats.split(",");
  return [...row.codes].map((code, i) => {
    const [commands, errors, seconds] = (stats[i] ?? "").split(".");
    return {
      started: code !== "-",
      done: code === "d" || code === "D",
      solutionShown: code === "S" || code === "D",
      commands: Number(commands) || 0,
      errors: Number(errors) || 0,
      seconds: seconds === undefined || seconds === "" ? null : Number(seconds),
    };
  });
}

/** Marks a cell done in a row (a live `student:progress` tick); unknown columns change nothing. */
export function withCellDone(row: BoardStudentRow, column: number): BoardStudentRow {
  const code = row.codes[column];
  if (code === undefined || code === "d" || code === "D") return row;
  const next = code === "S" ? "D" : "d";
  return { ...row, codes: row.codes.slice(0, column) + next + row.codes.slice(column + 1) };
}
