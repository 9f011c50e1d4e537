import Link from "next/link";
import { redirect } from "next/navigation";
import { getLocale, getTranslations } from "next-intl/server";
import { MyAssignments } from "@/components/classroom/MyAssignments";
import { Topbar } from "@/components/Topbar";
import { currentUser } from "@/lib/auth";
import { getCourse } from "@/lib/classroom/course";
import { courseProgress } from "@/lib/classroom/progress";
import { db } from "@/lib/db";

export const dynamic = "force-dynamic";

export default async function CoursePage() {
  const user = await currentUser();
  if (!user) redirect("/login");
  const lang = (await getLocale()) === "en" ? "en" : "ja";
  const t = await getTranslations("course");
  const course = getCourse();
  const done = await courseProgress(db(), user.id, course.id);
  const total = course.lessons.reduce((n, l) => n + l.steps.length, 0);
  const doneTotal = course.lessons.reduce((n, l) => n + (done.get(l.id)?.size ?? 0), 0);
  return (
    <>
      <Topbar user={user} />
      <main className="page">
        <h1>{course.title[lang]}</h1>
        <p data-testid="course-progress">{t("progress", { done: doneTotal, total })}</p>
        <MyAssignments userId={user.id} lang={lang} />
        <ul className="lessons">
          {course.lessons.map((l) => {
            const n = done.get(l.id)?.size ?? 0;
            const pct = l.steps.length ? Math.round((100 * n) / l.steps.length) : 0;
            return (
              <li key={l.id}>
                <Link href={`/learn/${l.id}`} data-lesson={l.id}>
                  <span className="num">
                    {/^\d\d[a-z]-/.test(l.slug) ? t("extra", { n: l.module }) : t("module", { n: l.module })}
                  </span>
                  <span className="title">{l.title[lang]}</span>
                  <span className="bar" title={t("progress", { done: n, total: l.steps.length })}>
                    <span style={{ width: `${pct}%` }} />
                  </span>
                  <span className="action">
                    {n === 0 ? t("start") : n < l.steps.length ? t("continue") : t("review")}
                  </span>
                </Link>
              </li>
            );
          })}
        </ul>
      </main>
    </>
  );
}
