import { getTranslations } from "next-intl/server";
import { ClassTitle } from "@/components/classroom/ClassTitle";
import { GradebookTable } from "@/components/classroom/GradebookTable";
import { classPage } from "@/components/classroom/guarded-page";
import { Topbar } from "@/components/Topbar";
import { getCourse } from "@/lib/classroom/course";
import { gradebook } from "@/lib/classroom/gradebook";
import { formatInZone } from "@/lib/classroom/zoned-time";
import { db } from "@/lib/db";

export const dynamic = "force-dynamic";

export default classPage(
  (actor, id) => gradebook(db(), actor, id),
  async ({ user, lang, value: { cls, assignments, students } }) => {
    const t = await getTranslations("gradebook");
    const course = getCourse(cls.course.slug);
    const stepTitle = Object.fromEntries(
      course.lessons.flatMap((l) => l.steps.map((s) => [`${l.id}/${s.id}`, `${l.module}. ${s.title[lang]}`])),
    );
    const when = (d: Date | null) => (d ? formatInZone(d, cls.timeZone, lang) : "");
    return (
      <>
        <Topbar user={user} />
        <main className="page wide">
          <ClassTitle cls={cls} title={t("title")}>
            <a className="linkbtn" href={`/api/classes/${cls.id}/export`} download data-testid="export">
              {t("export")}
            </a>
          </ClassTitle>
          {assignments.length === 0 || students.length === 0 ? (
            <p className="muted">{assignments.length === 0 ? t("noAssignments") : t("noStudents")}</p>
          ) : (
            <GradebookTable
              assignments={assignments.map((a) => ({
                id: a.id,
                title: a.title,
                due: when(a.dueAt),
                policy: a.latePolicy,
                penalty: a.latePenaltyPct,
              }))}
              students={students.map((s) => ({
                id: s.id,
                name: s.name,
                email: s.email,
                studentNumber: s.studentNumber,
                total: s.total,
                grades: Object.fromEntries(
                  Object.entries(s.grades).map(([aid, g]) => [
                    aid,
                    {
                      score: g.score,
                      computed: g.computed,
                      done: g.done,
                      late: g.late,
                      total: g.total,
                      removed: g.removed,
                      override: g.override
                        ? {
                            score: g.override.score,
                            comment: g.override.comment,
                            by: g.override.by,
                            at: when(g.override.at),
                          }
                        : null,
                      steps: g.steps.map((st) => ({
                        key: st.key,
                        title: stepTitle[st.key] ?? st.key,
                        status: st.status,
                        at: when(st.completedAt),
                        solution: st.solutionShown,
                        credit: st.credit,
                      })),
                    },
                  ]),
                ),
              }))}
            />
          )}
        </main>
      </>
    );
  },
);
