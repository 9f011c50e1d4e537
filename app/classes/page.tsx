import Link from "next/link";
import { CreateClassForm } from "@/components/classroom/ClassForms";
import { accountPage } from "@/components/classroom/guarded-page";
import { RecordList } from "@/components/classroom/RecordList";
import { Topbar } from "@/components/Topbar";
import { listClasses } from "@/lib/classroom/classes";
import { db } from "@/lib/db";

export const dynamic = "force-dynamic";

export default accountPage(
  "classes",
  (actor) => listClasses(db(), actor),
  async ({ user, actor, lang, t, value: classes }) => {
    const courses = await db().course.findMany({ orderBy: { createdAt: "asc" } });
    return (
      <>
        <Topbar user={user} />
        <main className="page">
          <h1>{t("title")}</h1>
          <RecordList items={classes} none={t("none")} className="class-list" testId="classes">
            {(c) => (
              <>
                <Link href={`/classes/${c.id}`}>{c.name}</Link>
                <span className="muted">
                  {[
                    c.term,
                    lang === "ja" ? c.course.titleJa : c.course.titleEn,
                    t("students", { n: c._count.enrollments }),
                  ]
                    .filter(Boolean)
                    .join(" · ")}
                  {actor.role === "ADMIN" && c.teacherId !== actor.id ? ` · ${c.teacher.name}` : ""}
                </span>
              </>
            )}
          </RecordList>
          <section className="card">
            <h2>{t("create")}</h2>
            <CreateClassForm
              courses={courses.map((c) => ({ slug: c.slug, title: lang === "ja" ? c.titleJa : c.titleEn }))}
              defaultZone={
                lang === "ja" ? "Asia/Tokyo" : Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC"
              }
            />
          </section>
        </main>
      </>
    );
  },
);
