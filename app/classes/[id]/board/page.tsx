import { getTranslations } from "next-intl/server";
import { BoardPage } from "@/components/BoardPage";
import { ClassTitle } from "@/components/classroom/ClassTitle";
import { ClassRefusal } from "@/components/classroom/Refusal";
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
  if (!r.ok) return <ClassRefusal user={user} code={r.code} />;
  const { cls, course, grid } = r.value;
  return (
    <BoardPage
      user={user}
      heading={<ClassTitle cls={cls} title={t("title")} />}
      empty={c("noStudents")}
      grid={grid}
      lessons={course.lessons}
      lang={lang}
    />
  );
}
