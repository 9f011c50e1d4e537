import { getTranslations } from "next-intl/server";
import type { ReactNode } from "react";
import type { SessionUser } from "@/lib/auth";
import { type BoardGrid, boardLessons } from "@/lib/classroom/board-grid";
import { TeacherBoard } from "./TeacherBoard";
import { Topbar } from "./Topbar";

/**
 * The progress board page as /teach and a class's board (app/classes/[id]/board) both draw it:
 * the heading, then the live board, or `empty` when there are no students yet.
 */
export async function BoardPage(props: {
  user: SessionUser;
  heading: ReactNode;
  empty: string;
  grid: BoardGrid;
  lessons: Parameters<typeof boardLessons>[0];
  lang: Parameters<typeof boardLessons>[1];
}) {
  const t = await getTranslations("teach");
  return (
    <>
      <Topbar user={props.user} />
      <main className="page" style={{ maxWidth: "none" }}>
        {props.heading}
        {props.grid.students.length === 0 ? (
          <p>{props.empty}</p>
        ) : (
          <TeacherBoard
            grid={props.grid}
            lessons={boardLessons(props.lessons, props.lang)}
            now={Date.now()}
            labels={{
              student: t("student"),
              live: t("live"),
              connecting: t("connecting"),
              watch: t("watch"),
              solution: t("solutionShown"),
            }}
          />
        )}
      </main>
    </>
  );
}
