/** The site's tables of records (users, students, a roster import, a grade's steps). */
import type { ReactNode } from "react";

/**
 * A `table.grid` under its column titles (an empty title for a column of buttons), inside a box
 * that scrolls sideways on a narrow screen instead of squeezing the columns. The rows are the
 * children: each table's cells say what its records are.
 */
export function GridTable({
  head,
  testId,
  stack,
  children,
}: {
  head: ReactNode[];
  testId?: string;
  /** On a phone, one block per row, each cell titled by its `data-label` (a list of records). */
  stack?: boolean;
  children: ReactNode;
}) {
  return (
    <div className="scroll-x">
      <table className={stack ? "grid stack" : "grid"} data-testid={testId}>
        <thead>
          <tr>
            {head.map((title, i) => (
              // a column is its position: the titles are fixed and may repeat (empty ones)
              <th key={i}>{title}</th>
            ))}
          </tr>
        </thead>
        <tbody>{children}</tbody>
      </table>
    </div>
  );
}
