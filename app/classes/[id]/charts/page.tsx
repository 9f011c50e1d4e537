import { getTranslations } from "next-intl/server";
import { ClassTitle } from "@/components/classroom/ClassTitle";
import { ClassRefusal } from "@/components/classroom/Refusal";
import { Topbar } from "@/components/Topbar";
import { ClassCharts } from "@/components/teaching/ClassCharts";
import { chartsOf } from "@/lib/classroom/live-pages";
import { attempt, pageUser } from "@/lib/classroom/page";
import { db } from "@/lib/db";

export const dynamic = "force-dynamic";

/** Per lesson: students done per step over time, and the median time per step. */
export default async function ChartsPage({
  params,
  searchParams,
}: {
  params: Promise<{ id: string }>;
  searchParams: Promise<{ lesson?: string }>;
}) {
  const { id } = await params;
  const { lesson: lessonId } = await searchParams;
  const { user, actor, lang } = await pageUser();
  const t = await getTranslations("liveTeach");
  const r = await attempt(() => chartsOf(db(), actor, id, lessonId));
  if (!r.ok) return <ClassRefusal user={user} code={r.code} />;
  const { cls, course, lesson, data } = r.value;
  const times = data.steps.flatMap((s) => s.done.map(([at]) => at));
  const to = Date.now();
  const from = times.length ? Math.min(...times) - 10 * 60_000 : to - 3600_000;
  return (
    <>
      <Topbar user={user} />
      <main className="page charts-page">
        <ClassTitle cls={cls} title={t("chartsTitle")} links={[["live", t("title")]]} />
        <form className="actions" method="get">
          <label>
            {t("lesson")}{" "}
            <select name="lesson" defaultValue={lesson.id} data-testid="chart-lesson">
              {course.lessons.map((l) => (
                <option key={l.id} value={l.id}>
                  {l.module}. {l.title[lang]}
                </option>
              ))}
            </select>
          </label>
          <button type="submit" className="linkbtn">
            {t("show")}
          </button>
        </form>
        <ClassCharts
          lang={lang}
          from={from}
          to={Math.max(to, from + 60_000)}
          steps={lesson.steps.map((s, i) => {
            const d = data.steps[i];
            return {
              label: t("stepLabel", { n: i + 1, title: s.title[lang] }),
              short: `${i + 1}`,
              done: d?.done ?? [],
              median: d?.medianMinutes ?? null,
            };
          })}
          labels={{
            doneOverTime: t("doneOverTime"),
            medianTime: t("medianTime"),
            studentsDone: t("studentsDone"),
            minutes: t("minutes"),
            time: t("time"),
            noData: t("noData"),
          }}
        />
      </main>
    </>
  );
}
