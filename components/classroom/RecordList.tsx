/** The site's lists of records (classes, assignments). */
import type { ReactNode } from "react";

/**
 * A `ul` of records, one `li` each, or — when there are none — the muted line that says so, in
 * the list's place. Rendered on the server: `children` draws one record's item.
 */
export function RecordList<T extends { id: string }>({
  items,
  none,
  className,
  testId,
  children,
}: {
  items: readonly T[];
  /** What the page says when there are no records. */
  none: ReactNode;
  className: string;
  testId: string;
  children: (item: T) => ReactNode;
}) {
  if (items.length === 0) return <p className="muted">{none}</p>;
  return (
    <ul className={className} data-testid={testId}>
      {items.map((item) => (
        <li key={item.id}>{children(item)}</li>
      ))}
    </ul>
  );
}
