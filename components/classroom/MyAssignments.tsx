import { getTranslations } from "next-intl/server";
import { studentAssignments } from "@/lib/classroom/gradebook";
import { formatInZone } from "@/lib/classroom/zoned-time";
import { db } from "@/lib/db";

/** On the course page: the student's assignments, their due dates and how far along they are. */
export async function MyAssignments({ userId, lang }: { userId: string; lang: "ja" | "en" }) {
  const t = await getTranslations("assignments");
  const list = await studentAssignments(db(), userId, new Date());
  if (list.length === 0) return null;
  return (
    <section className="my-assignments" data-testid="my-assignments">
      <h2>{t("title")}</h2>
      <ul>
        {list.map((a) => {
          const complete = a.total > 0 && a.done === a.total;
          const status = complete
            ? a.late
              ? "completeLate"
              : "complete"
            : a.phase === "closed"
              ? "overdue"
              : "open";
          return (
            <li key={a.id} data-status={status}>
              <strong>{a.title}</strong>
              <span className="muted">{a.className}</span>
              <span>
                {t("due", { when: formatInZone(a.dueAt, a.timeZone, lang) })} ·{" "}
                {t("progress", { done: a.done, total: a.total })}
              </span>
              <span className={status === "overdue" || status === "completeLate" ? "warn-text" : "ok-text"}>
                {t(`status.${status}`)}
              </span>
            </li>
          );
        })}
      </ul>
    </section>
  );
}
