import { getTranslations } from "next-intl/server";
import { ClassTitle } from "@/components/classroom/ClassTitle";
import { ClassRefusal } from "@/components/classroom/Refusal";
import { Topbar } from "@/components/Topbar";
import { LiveSession } from "@/components/teaching/LiveSession";
import { liveSession } from "@/lib/classroom/live-pages";
import { attempt, pageUser } from "@/lib/classroom/page";
import { defaultStepSeconds, STUCK_RULES } from "@/lib/course/stuck";
import { db } from "@/lib/db";

export const dynamic = "force-dynamic";

/** A class's live session: stuck flags, incidents for the class, replays (issue 13). */
export default async function LivePage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const { user, actor, lang } = await pageUser();
  const t = await getTranslations("liveTeach");
  const r = await attempt(() => liveSession(db(), actor, id));
  if (!r.ok) return <ClassRefusal user={user} code={r.code} />;
  const { cls, course, students } = r.value;
  return (
    <>
      <Topbar user={user} />
      <main className="page live-page">
        <ClassTitle
          cls={cls}
          title={t("title")}
          links={[
            ["charts", t("charts")],
            ["board", t("board")],
          ]}
        />
        <LiveSession
          classId={cls.id}
          lang={lang}
          students={students.map((s) => ({ id: s.id, name: s.name, email: s.email }))}
          lessons={course.lessons.map((l) => ({
            id: l.id,
            module: l.module,
            title: l.title[lang],
            steps: l.steps.map((s) => ({ id: s.id, title: s.title[lang], seconds: defaultStepSeconds(s) })),
          }))}
          rules={STUCK_RULES.map((x) => ({ id: x.id, explain: x.explain[lang], hint: x.hint[lang] }))}
        />
      </main>
    </>
  );
}
