import { headers } from "next/headers";
import Link from "next/link";
import { getTranslations } from "next-intl/server";
import QRCode from "qrcode";
import {
  AssignmentForm,
  DeleteAssignment,
  JoinControls,
  RemoveStudent,
  RosterImport,
} from "@/components/classroom/ClassForms";
import { GridTable } from "@/components/classroom/GridTable";
import { LinkBox } from "@/components/classroom/LinkBox";
import { RecordList } from "@/components/classroom/RecordList";
import { ClassRefusal } from "@/components/classroom/Refusal";
import { Topbar } from "@/components/Topbar";
import { classDetail, formatJoinCode, joinLink } from "@/lib/classroom/classes";
import { getCourse } from "@/lib/classroom/course";
import { attempt, pageUser } from "@/lib/classroom/page";
import { formatInZone } from "@/lib/classroom/zoned-time";
import { db } from "@/lib/db";

export const dynamic = "force-dynamic";

async function baseUrl(): Promise<string> {
  if (process.env.NEXTAUTH_URL) return process.env.NEXTAUTH_URL;
  const h = await headers();
  return `${h.get("x-forwarded-proto") ?? "http"}://${h.get("host") ?? "localhost"}`;
}

export default async function ClassPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const { user, actor, lang } = await pageUser();
  const t = await getTranslations("classes");
  const live = await getTranslations("liveTeach");
  const r = await attempt(() => classDetail(db(), actor, id));
  if (!r.ok) return <ClassRefusal user={user} code={r.code} />;
  const { cls, students, assignments } = r.value;
  const course = getCourse(cls.course.slug);
  const link = cls.joinCode ? joinLink(await baseUrl(), cls.joinCode) : null;
  const qr = link ? await QRCode.toString(link, { type: "svg", errorCorrectionLevel: "M", margin: 1 }) : null;
  const lessonTitle = new Map(course.lessons.map((l) => [l.id, l.title[lang]]));
  return (
    <>
      <Topbar user={user} />
      <main className="page">
        <div className="title-row">
          <h1 data-testid="class-name">{cls.name}</h1>
          <nav className="actions">
            <Link className="linkbtn" href={`/classes/${cls.id}/board`}>
              {t("board")}
            </Link>
            <Link className="linkbtn" href={`/classes/${cls.id}/gradebook`}>
              {t("gradebook")}
            </Link>
            <Link className="linkbtn" href={`/classes/${cls.id}/live`} data-testid="live-link">
              {live("open")}
            </Link>
            <Link className="linkbtn" href={`/classes/${cls.id}/charts`}>
              {live("charts")}
            </Link>
          </nav>
        </div>
        <p className="muted">
          {[cls.term, lang === "ja" ? cls.course.titleJa : cls.course.titleEn, cls.timeZone]
            .filter(Boolean)
            .join(" · ")}
        </p>

        <section className="card join-card" data-testid="join">
          <div className="join-text">
            <h2>{t("joinTitle")}</h2>
            {link && cls.joinCode ? (
              <>
                <p className="join-code" data-testid="join-code">
                  {formatJoinCode(cls.joinCode)}
                </p>
                <LinkBox link={link} />
              </>
            ) : null}
            <p className={cls.joinOpen ? "ok-text" : "warn-text"} data-testid="join-state">
              {cls.joinOpen ? t("joinOpen") : t("joinClosed")}
            </p>
            <JoinControls classId={cls.id} open={cls.joinOpen} />
          </div>
          {qr && (
            // The SVG drawn by the qrcode library, as an image: no markup enters the page.
            <img
              className="qr"
              src={`data:image/svg+xml;base64,${Buffer.from(qr).toString("base64")}`}
              alt={t("qr")}
            />
          )}
        </section>

        <section className="card">
          <h2>{t("studentsTitle", { n: students.length })}</h2>
          {students.length === 0 ? (
            <p className="muted">{t("noStudents")}</p>
          ) : (
            <GridTable stack testId="students" head={[t("name"), t("email"), t("number"), ""]}>
              {students.map((s) => (
                <tr key={s.id} data-email={s.email}>
                  <td>
                    {s.name}
                    {s.pending && <span className="tag">{t("invited")}</span>}
                  </td>
                  <td className="wrap" data-label={t("email")}>
                    {s.email}
                  </td>
                  <td data-label={t("number")}>{s.studentNumber ?? ""}</td>
                  <td>
                    <RemoveStudent classId={cls.id} userId={s.id} name={s.name} />
                  </td>
                </tr>
              ))}
            </GridTable>
          )}
          <details className="roster">
            <summary>{t("rosterTitle")}</summary>
            <RosterImport classId={cls.id} />
          </details>
        </section>

        <section className="card">
          <h2>{t("assignmentsTitle")}</h2>
          <RecordList
            items={assignments}
            none={t("noAssignments")}
            className="assignment-list"
            testId="assignments"
          >
            {(a) => (
              <>
                <strong>{a.title}</strong>
                <span className="muted">{a.lessonIds.map((l) => lessonTitle.get(l) ?? l).join(", ")}</span>
                <span>
                  {t("opens")} {formatInZone(a.opensAt, cls.timeZone, lang)} · {t("due")}{" "}
                  {formatInZone(a.dueAt, cls.timeZone, lang)}
                </span>
                <span className="muted">
                  {t(`late.${a.latePolicy}`, { pct: a.latePenaltyPct })} ·{" "}
                  {a.solutionCounts ? t("solutionCounts") : t("solutionNotCounted")}
                </span>
                <DeleteAssignment assignmentId={a.id} title={a.title} />
              </>
            )}
          </RecordList>
          <details className="roster" open={assignments.length === 0}>
            <summary>{t("newAssignment")}</summary>
            <AssignmentForm
              classId={cls.id}
              timeZone={cls.timeZone}
              lessons={course.lessons.map((l) => ({
                id: l.id,
                title: l.title[lang],
                module: l.module,
                steps: l.steps.map((s) => ({ id: s.id, title: s.title[lang] })),
              }))}
            />
          </details>
        </section>
      </main>
    </>
  );
}
