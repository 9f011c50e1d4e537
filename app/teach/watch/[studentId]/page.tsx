import { notFound, redirect } from "next/navigation";
import { getLocale, getTranslations } from "next-intl/server";
import { TeachersOnly } from "@/components/TeachersOnly";
import { Topbar } from "@/components/Topbar";
import { WatchView } from "@/components/WatchView";
import { currentUser } from "@/lib/auth";
import { teachesStudent } from "@/lib/classroom/access";
import { getCourse } from "@/lib/classroom/course";
import { db } from "@/lib/db";

export const dynamic = "force-dynamic";

/** A teacher looks over a student's shoulder: their terminal tabs, live and read-only. */
export default async function WatchPage({ params }: { params: Promise<{ studentId: string }> }) {
  const user = await currentUser();
  if (!user) redirect("/login");
  const { studentId } = await params;
  const t = await getTranslations("teach");
  if (!/^[a-z0-9]{1,40}$/.test(studentId) || !(await teachesStudent(db(), user, studentId))) {
    if (user.role !== "STUDENT") notFound();
    return <TeachersOnly user={user} />;
  }
  const student = await db().user.findUniqueOrThrow({ where: { id: studentId }, select: { name: true } });
  const lang = (await getLocale()) === "en" ? "en" : "ja";
  const course = getCourse();
  // The lesson the student is in: where their last command ran (else the last step they began).
  const [lastCommand, lastStep, done] = await Promise.all([
    db().commandRecord.findFirst({
      where: { userId: studentId, courseSlug: course.id },
      orderBy: { at: "desc" },
      select: { lessonId: true },
    }),
    db().stepProgress.findFirst({
      where: { userId: studentId, courseSlug: course.id },
      orderBy: { startedAt: "desc" },
      select: { lessonId: true },
    }),
    db().stepProgress.findMany({
      where: { userId: studentId, courseSlug: course.id, completedAt: { not: null } },
      select: { lessonId: true, stepId: true },
    }),
  ]);
  return (
    <>
      <Topbar user={user} />
      <WatchView
        studentId={studentId}
        lessons={course.lessons.map((l) => ({
          id: l.id,
          module: l.module,
          title: l.title[lang],
          steps: l.steps.map((s) => ({ id: s.id, title: s.title[lang] })),
        }))}
        lessonId={lastCommand?.lessonId ?? lastStep?.lessonId ?? null}
        done={done.map((d) => `${d.lessonId}/${d.stepId}`)}
        labels={{
          title: t("watching", { name: student.name }),
          idle: t("noTabs"),
          tab: t("tab"),
          live: t("live"),
          connecting: t("connecting"),
        }}
      />
    </>
  );
}
