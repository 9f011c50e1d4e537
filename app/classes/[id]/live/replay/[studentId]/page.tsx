import { getTranslations } from "next-intl/server";
import { ClassTitle } from "@/components/classroom/ClassTitle";
import { ClassRefusal } from "@/components/classroom/Refusal";
import { Topbar } from "@/components/Topbar";
import { ReplayView } from "@/components/teaching/ReplayView";
import { replays } from "@/lib/classroom/live-pages";
import { attempt, pageUser } from "@/lib/classroom/page";
import { sharedPool } from "@/lib/classroom/sql";
import { db } from "@/lib/db";

export const dynamic = "force-dynamic";

/** A student's terminal recordings, played back with their command journal beside them. */
export default async function ReplayPage({ params }: { params: Promise<{ id: string; studentId: string }> }) {
  const { id, studentId } = await params;
  const { user, actor, lang } = await pageUser();
  const t = await getTranslations("liveTeach");
  const r = await attempt(() => replays(db(), sharedPool(), actor, id, studentId));
  if (!r.ok) return <ClassRefusal user={user} code={r.code} />;
  const { cls, student, casts, journal } = r.value;
  return (
    <>
      <Topbar user={user} />
      <main className="page replay-page">
        <ClassTitle
          cls={cls}
          heading={t("replayTitle", { name: student.name })}
          links={[["live", t("title")]]}
        />
        {casts.length === 0 ? (
          <p>{t("noRecordings")}</p>
        ) : (
          <ReplayView
            base={`/api/classes/${cls.id}/casts/${student.id}`}
            lang={lang}
            casts={casts.map((x) => ({
              castId: x.castId,
              tab: x.tab,
              startedAt: x.startedAt,
              lastAt: x.lastAt,
              bytes: x.bytes,
            }))}
            journal={journal.map((j) => ({
              id: String(j.id),
              tab: j.tab,
              line: j.line,
              exitCode: j.exitCode,
              at: j.at.getTime(),
            }))}
          />
        )}
      </main>
    </>
  );
}
