import { getTranslations } from "next-intl/server";
import { ClassTitle } from "@/components/classroom/ClassTitle";
import { classPage } from "@/components/classroom/guarded-page";
import { Topbar } from "@/components/Topbar";
import { LiveSession } from "@/components/teaching/LiveSession";
import { liveSession } from "@/lib/classroom/live-pages";
import { defaultStepSeconds, STUCK_RULES } from "@/lib/course/stuck";
import { db } from "@/lib/db";

export const dynamic = "force-dynamic";

/** A class's live session: stuck flags, incidents for the class, replays (issue 13). */
export default classPage(
  (actor, id) => liveSession(db(), actor, id),
  async ({ user, lang, value: { cls, course, students } }) => {
    const t = await getTranslations("liveTeach");
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
  },
);
