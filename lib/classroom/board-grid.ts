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
  /** The column the student is on now (most recently started, not done), or null. */
  current: number | null;
  /** When they started that step (epoch ms), or null. */
  since: number | null;
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
  const codes = row.codes.slice(0, column) + next + row.codes.slice(column + 1);
  // Done with the step they were on: where they go next shows with the next load.
  if (row.current === column) return { ...row, codes, current: null, since: null };
  return { ...row, codes };
}

/** The board's column headings in the page's language (both boards use the same). */
export function boardLessons(
  lessons: ReadonlyArray<{
    id: string;
    module: number;
    title: Record<"ja" | "en", string>;
    steps: ReadonlyArray<{ id: string; title: Record<"ja" | "en", string> }>;
  }>,
  lang: "ja" | "en",
): Array<{ id: string; module: number; title: string; steps: Array<{ id: string; title: string }> }> {
  return lessons.map((l) => ({
    id: l.id,
    module: l.module,
    title: l.title[lang],
    steps: l.steps.map((s) => ({ id: s.id, title: s.title[lang] })),
  }));
}
