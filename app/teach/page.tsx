import { redirect } from "next/navigation";
import { getLocale, getTranslations } from "next-intl/server";
import { TeacherBoard } from "@/components/TeacherBoard";
import { TeachersOnly } from "@/components/TeachersOnly";
import { Topbar } from "@/components/Topbar";
import { currentUser } from "@/lib/auth";
import { classesOf, seesStudents } from "@/lib/classroom/access";
import { getCourse } from "@/lib/classroom/course";
import { db } from "@/lib/db";

export const dynamic = "force-dynamic";

export default async function TeachPage() {
  const user = await currentUser();
  if (!user) redirect("/login");
  const t = await getTranslations("teach");
  if (!seesStudents(user)) {
    return <TeachersOnly user={user} />;
  }
  const lang = (await getLocale()) === "en" ? "en" : "ja";
  const course = getCourse();
  const classes = await db().classroom.findMany({
    where: classesOf(user),
    include: { enrollments: { include: { user: { select: { id: true, name: true, email: true } } } } },
    orderBy: { createdAt: "asc" },
  });
  const students = [
    ...new Map(classes.flatMap((c) => c.enrollments.map((e) => [e.user.id, e.user] as const))).values(),
  ];
  const rows = await db().stepProgress.findMany({
    where: { userId: { in: students.map((s) => s.id) }, courseSlug: course.id },
    select: {
      userId: true,
      lessonId: true,
      stepId: true,
      completedAt: true,
      commands: true,
      errors: true,
      firstAttemptMs: true,
      solutionShown: true,
    },
  });
  const stats = Object.fromEntries(
    rows.map((r) => [
      `${r.userId}/${r.lessonId}/${r.stepId}`,
      t("cell", {
        commands: r.commands,
        errors: r.errors,
        seconds: r.firstAttemptMs === null ? "–" : Math.round(r.firstAttemptMs / 1000),
      }),
    ]),
  );
  return (
    <>
      <Topbar user={user} />
      <main className="page" style={{ maxWidth: "none" }}>
        <h1>{t("title")}</h1>
        {students.length === 0 ? (
          <p>{t("none")}</p>
        ) : (
          <TeacherBoard
            students={students.map((s) => ({ id: s.id, name: s.name, email: s.email }))}
            lessons={course.lessons.map((l) => ({
              id: l.id,
              module: l.module,
              title: l.title[lang],
              steps: l.steps.map((s) => ({ id: s.id, title: s.title[lang] })),
            }))}
            done={rows.filter((r) => r.completedAt).map((r) => `${r.userId}/${r.lessonId}/${r.stepId}`)}
            solutions={rows
              .filter((r) => r.solutionShown)
              .map((r) => `${r.userId}/${r.lessonId}/${r.stepId}`)}
            stats={stats}
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
