import Link from "next/link";
import { getTranslations } from "next-intl/server";
import { CreateClassForm } from "@/components/classroom/ClassForms";
import { accountPage } from "@/components/classroom/guarded-page";
import { Topbar } from "@/components/Topbar";
import { listClasses } from "@/lib/classroom/classes";
import { db } from "@/lib/db";

export const dynamic = "force-dynamic";

export default accountPage(
  "classes",
  (actor) => listClasses(db(), actor),
  async ({ user, actor, lang, value: classes }) => {
    const t = await getTranslations("classes");
    const courses = await db().course.findMany({ orderBy: { createdAt: "asc" } });
    return (
      <>
        <Topbar user={user} />
        <main className="page">
          <h1>{t("title")}</h1>
          {classes.length === 0 ? (
            <p className="muted">{t("none")}</p>
          ) : (
            <ul className="class-list" data-testid="classes">
              {classes.map((c) => (
                <li key={c.id}>
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
                </li>
              ))}
            </ul>
          )}
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
