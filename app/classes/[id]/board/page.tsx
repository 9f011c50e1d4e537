import Link from "next/link";
import { getTranslations } from "next-intl/server";
import { Refusal } from "@/components/classroom/Refusal";
import { TeacherBoard } from "@/components/TeacherBoard";
import { Topbar } from "@/components/Topbar";
import { boardLessons } from "@/lib/classroom/board-grid";
import { classBoard } from "@/lib/classroom/class-board";
import { attempt, pageUser } from "@/lib/classroom/page";
import { sharedPool } from "@/lib/classroom/sql";
import { db } from "@/lib/db";

export const dynamic = "force-dynamic";

/**
 * The progress board for one class: the same board as /teach (components/TeacherBoard.tsx),
 * with this class's students only, and where each of them is now.
 */
export default async function ClassBoardPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const { user, actor, lang } = await pageUser();
  const t = await getTranslations("teach");
  const c = await getTranslations("classes");
  const r = await attempt(() => classBoard(db(), sharedPool(), actor, id));
  if (!r.ok) return <Refusal user={user} message={r.code === "not_found" ? c("notFound") : c("notYours")} />;
  const { cls, course, grid } = r.value;
  return (
    <>
      <Topbar user={user} />
      <main className="page" style={{ maxWidth: "none" }}>
        <div className="title-row">
          <h1>
            {t("title")} — <Link href={`/classes/${cls.id}`}>{cls.name}</Link>
          </h1>
        </div>
        {grid.students.length === 0 ? (
          <p>{c("noStudents")}</p>
        ) : (
          <TeacherBoard
            grid={grid}
            lessons={boardLessons(course.lessons, lang)}
            now={Date.now()}
            labels={{
              student: t("student"),
              live: t("live"),
              watch: t("watch"),
              solution: t("solutionShown"),
            }}
          />
        )}
      </main>
    </>
  );
}
