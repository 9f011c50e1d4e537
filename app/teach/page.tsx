import { redirect } from "next/navigation";
import { getLocale, getTranslations } from "next-intl/server";
import { BoardPage } from "@/components/BoardPage";
import { TeachersOnly } from "@/components/TeachersOnly";
import { currentUser } from "@/lib/auth";
import { seesStudents } from "@/lib/classroom/access";
import { boardGrid } from "@/lib/classroom/board";
import { getCourse } from "@/lib/classroom/course";
import { sharedPool } from "@/lib/classroom/sql";

export const dynamic = "force-dynamic";

/** Every student of the teacher's classes (an admin: of all classes) × every step, live. */
export default async function TeachPage() {
  const user = await currentUser();
  if (!user) redirect("/login");
  const t = await getTranslations("teach");
  if (!seesStudents(user)) {
    return <TeachersOnly user={user} />;
  }
  const lang = (await getLocale()) === "en" ? "en" : "ja";
  const course = getCourse();
  // One SQL statement; the grid goes to the browser as data (lib/classroom/board.ts).
  const grid = await boardGrid(sharedPool(), user, course);
  return (
    <BoardPage
      user={user}
      heading={<h1>{t("title")}</h1>}
      empty={t("none")}
      grid={grid}
      lessons={course.lessons}
      lang={lang}
    />
  );
}
