import Link from "next/link";
import type { ReactNode } from "react";

/**
 * The heading of a page about one class: what the page is and the class it is for (a link back
 * to the class), then links to the class's other pages (`links`: [page under /classes/ID, label]).
 * `heading` replaces "title — class" for a page about something within the class.
 */
export function ClassTitle({
  cls,
  title,
  heading,
  links = [],
  children,
}: {
  cls: { id: string; name: string };
  title?: string;
  heading?: ReactNode;
  links?: Array<[page: string, label: string]>;
  children?: ReactNode;
}) {
  return (
    <div className="title-row">
      <h1>
        {heading ?? (
          <>
            {title} — <Link href={`/classes/${cls.id}`}>{cls.name}</Link>
          </>
        )}
      </h1>
      {links.length > 0 && (
        <nav className="actions">
          {links.map(([page, label]) => (
            <Link key={page} className="linkbtn" href={`/classes/${cls.id}/${page}`}>
              {label}
            </Link>
          ))}
        </nav>
      )}
      {children}
    </div>
  );
}
