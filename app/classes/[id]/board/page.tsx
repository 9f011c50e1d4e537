import Link from "next/link";
import { getTranslations } from "next-intl/server";
import { Refusal } from "@/components/classroom/Refusal";
import { TeacherBoard } from "@/components/TeacherBoard";
import { Topbar } from "@/components/Topbar";
import { classBoard } from "@/lib/classroom/class-board";
import { attempt, pageUser } from "@/lib/classroom/page";
import { db } from "@/lib/db";

export const dynamic = "force-dynamic";

function minutes(ms: number): number {
  return Math.max(0, Math.round(ms / 60_000));
}

/** The progress board for one class: its students only, and where each of them is now. */
export default async function ClassBoardPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const { user, actor, lang } = await pageUser();
  const t = await getTranslations("teach");
  const c = await getTranslations("classes");
  const r = await attempt(() => classBoard(db(), actor, id));
  if (!r.ok) return <Refusal user={user} message={r.code === "not_found" ? c("notFound") : c("notYours")} />;
  const { cls, course, students } = r.value;
  const now = Date.now();
  const lessonOf = new Map(course.lessons.map((l) => [l.id, l]));
  const rows = students.flatMap((s) => s.rows);
  const key = (r: { userId: string; lessonId: string; stepId: string }) =>
    `${r.userId}/${r.lessonId}/${r.stepId}`;
  return (
    <>
      <Topbar user={user} />
      <main className="page" style={{ maxWidth: "none" }}>
        <div className="title-row">
          <h1>
            {t("title")} — <Link href={`/classes/${cls.id}`}>{cls.name}</Link>
          </h1>
        </div>
        {students.length === 0 ? (
          <p>{c("noStudents")}</p>
        ) : (
          <>
            <div className="scroll-x">
              <table className="grid" data-testid="positions">
                <thead>
                  <tr>
                    <th>{t("student")}</th>
                    <th>{c("nowOn")}</th>
                    <th>{c("timeOnStep")}</th>
                  </tr>
                </thead>
                <tbody>
                  {students.map((s) => {
                    const lesson = s.position ? lessonOf.get(s.position.lessonId) : undefined;
                    const step = lesson?.steps.find((x) => x.id === s.position?.stepId);
                    return (
                      <tr key={s.id} data-email={s.email}>
                        <td>{s.name}</td>
                        <td>
                          {lesson && step
                            ? `${lesson.module}. ${lesson.title[lang]} — ${step.title[lang]}`
                            : "–"}
                        </td>
                        <td>
                          {s.position ? c("minutes", { n: minutes(now - s.position.since.getTime()) }) : "–"}
                        </td>
                      </tr>
                    );
                  })}
                </tbody>
              </table>
            </div>
            <TeacherBoard
              students={students.map((s) => ({ id: s.id, name: s.name, email: s.email }))}
              lessons={course.lessons.map((l) => ({
                id: l.id,
                module: l.module,
                title: l.title[lang],
                steps: l.steps.map((s) => ({ id: s.id, title: s.title[lang] })),
              }))}
              done={rows.filter((x) => x.completedAt).map(key)}
              solutions={rows.filter((x) => x.solutionShown).map(key)}
              stats={Object.fromEntries(
                rows.map((x) => [
                  key(x),
                  t("cell", {
                    commands: x.commands,
                    errors: x.errors,
                    seconds: x.firstAttemptMs === null ? "–" : Math.round(x.firstAttemptMs / 1000),
                  }),
                ]),
              )}
              labels={{
                student: t("student"),
                live: t("live"),
                watch: t("watch"),
                solution: t("solutionShown"),
              }}
            />
          </>
        )}
      </main>
    </>
  );
}
