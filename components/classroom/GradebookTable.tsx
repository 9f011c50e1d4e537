"use client";

import { useRouter } from "next/navigation";
import { useTranslations } from "next-intl";
import { type FormEvent, Fragment, useMemo, useState } from "react";
import { callApi } from "./api";
import { ErrorLine, Field, PercentField } from "./fields";
import { GridTable } from "./GridTable";
import { ScrollX } from "./ScrollX";

interface StepView {
  key: string;
  title: string;
  status: "on-time" | "late" | "missing";
  at: string;
  solution: boolean;
  credit: number;
}
interface GradeView {
  score: number;
  computed: number;
  done: number;
  late: number;
  total: number;
  removed: string[];
  override: { score: number; comment: string; by: string; at: string } | null;
  steps: StepView[];
}
interface StudentView {
  id: string;
  name: string;
  email: string;
  studentNumber: string | null;
  total: number;
  grades: Record<string, GradeView>;
}
interface AssignmentView {
  id: string;
  title: string;
  due: string;
  policy: string;
  penalty: number;
}

type SortKey = "name" | "number" | "total" | string;

/** Students × assignments; sort by any column, filter by name/e-mail/number, click a score for its breakdown. */
export function GradebookTable({
  assignments,
  students,
}: {
  assignments: AssignmentView[];
  students: StudentView[];
}) {
  const t = useTranslations("gradebook");
  const [filter, setFilter] = useState("");
  const [sort, setSort] = useState<{ key: SortKey; desc: boolean }>({ key: "name", desc: false });
  const [open, setOpen] = useState<{ student: string; assignment: string } | null>(null);

  const rows = useMemo(() => {
    const q = filter.trim().toLowerCase();
    const list = students.filter(
      (s) => !q || `${s.name} ${s.email} ${s.studentNumber ?? ""}`.toLowerCase().includes(q),
    );
    const val = (s: StudentView): string | number =>
      sort.key === "name"
        ? s.name.toLowerCase()
        : sort.key === "number"
          ? (s.studentNumber ?? "")
          : sort.key === "total"
            ? s.total
            : (s.grades[sort.key]?.score ?? 0);
    return [...list].sort((a, b) => {
      const x = val(a);
      const y = val(b);
      const c = x < y ? -1 : x > y ? 1 : 0;
      return sort.desc ? -c : c;
    });
  }, [students, filter, sort]);

  const header = (key: SortKey, label: string, sub?: string) => (
    <th aria-sort={sort.key === key ? (sort.desc ? "descending" : "ascending") : "none"}>
      <button
        type="button"
        className="sortbtn"
        onClick={() =>
          setSort((s) => ({ key, desc: s.key === key ? !s.desc : key !== "name" && key !== "number" }))
        }
      >
        {label}
        {sort.key === key ? (sort.desc ? " ▼" : " ▲") : ""}
      </button>
      {sub && <span className="sub">{sub}</span>}
    </th>
  );

  // A column of student numbers that no student has is left out (the CSV keeps it).
  const numbers = students.some((s) => s.studentNumber);
  const selected = open
    ? { s: students.find((s) => s.id === open.student), a: assignments.find((a) => a.id === open.assignment) }
    : null;

  return (
    <>
      <label className="field filter">
        {t("filter")}
        <input
          type="search"
          value={filter}
          onChange={(e) => setFilter(e.currentTarget.value)}
          data-testid="filter"
        />
      </label>
      <ScrollX label={t("title")}>
        <table className="grid gradebook" data-testid="gradebook">
          <thead>
            <tr>
              {header("name", t("student"))}
              {numbers && header("number", t("number"))}
              {assignments.map((a) => (
                <Fragment key={a.id}>{header(a.id, a.title, `${t("due")} ${a.due}`)}</Fragment>
              ))}
              {header("total", t("total"))}
            </tr>
          </thead>
          <tbody>
            {rows.map((s) => (
              <tr key={s.id} data-email={s.email}>
                <th scope="row">
                  {s.name}
                  <span className="sub">
                    <Email address={s.email} />
                  </span>
                </th>
                {numbers && <td>{s.studentNumber ?? ""}</td>}
                {assignments.map((a) => {
                  const g = s.grades[a.id];
                  if (!g) return <td key={a.id} />;
                  return (
                    <td key={a.id} className="score">
                      <button
                        type="button"
                        className="scorebtn"
                        data-assignment={a.id}
                        data-score={g.score}
                        aria-expanded={open?.student === s.id && open.assignment === a.id}
                        onClick={() =>
                          setOpen((o) =>
                            o?.student === s.id && o.assignment === a.id
                              ? null
                              : { student: s.id, assignment: a.id },
                          )
                        }
                      >
                        {g.score.toFixed(1)}
                      </button>
                      <span className="sub">
                        {t("doneOf", { done: g.done, total: g.total })}
                        {g.late > 0 && <span className="warn-text"> · {t("lateN", { n: g.late })}</span>}
                        {g.override && <span className="tag">{t("overridden")}</span>}
                      </span>
                    </td>
                  );
                })}
                <td className="score" data-testid="total">
                  {s.total.toFixed(1)}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </ScrollX>
      {selected?.s && selected.a && (
        <Breakdown
          key={`${selected.s.id}/${selected.a.id}`}
          student={selected.s}
          assignment={selected.a}
          grade={selected.s.grades[selected.a.id]}
          onClose={() => setOpen(null)}
        />
      )}
    </>
  );
}

/** An e-mail address that may wrap after its "@" (never inside a name): the sticky column stays narrow. */
function Email({ address }: { address: string }) {
  const at = address.lastIndexOf("@");
  if (at <= 0) return address;
  return (
    <>
      {address.slice(0, at)}
      <wbr />
      {address.slice(at)}
    </>
  );
}

function Breakdown({
  student,
  assignment,
  grade,
  onClose,
}: {
  student: StudentView;
  assignment: AssignmentView;
  grade: GradeView | undefined;
  onClose: () => void;
}) {
  const t = useTranslations("gradebook");
  const router = useRouter();
  const [error, setError] = useState<string | null>(null);
  if (!grade) return null;
  async function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const f = new FormData(e.currentTarget);
    setError(null);
    const r = await callApi(`/api/assignments/${assignment.id}/overrides`, "POST", {
      userId: student.id,
      score: Number(f.get("score")),
      comment: f.get("comment"),
    });
    if (!r.ok) return setError(r.error);
    router.refresh();
  }
  return (
    <section className="card breakdown" data-testid="breakdown" aria-label={t("breakdown")}>
      <div className="title-row">
        <h2>
          {student.name} — {assignment.title}
        </h2>
        <button type="button" className="linkbtn" onClick={onClose}>
          {t("close")}
        </button>
      </div>
      <p>
        {t("computed", { score: grade.computed.toFixed(1) })} ·{" "}
        {t(`policy.${assignment.policy}`, { pct: assignment.penalty })}
      </p>
      <GridTable stack head={[t("step"), t("status"), t("when"), t("solution"), t("credit")]}>
        {grade.steps.map((s) => (
          <tr key={s.key} data-step={s.key} data-status={s.status}>
            <td>{s.title}</td>
            <td
              className={s.status === "late" ? "warn-text" : s.status === "on-time" ? "ok-text" : "muted"}
              data-label={t("status")}
            >
              {t(`stepStatus.${s.status}`)}
            </td>
            <td data-label={t("when")}>{s.at}</td>
            <td data-label={t("solution")}>{s.solution ? t("solutionOpened") : ""}</td>
            <td data-label={t("credit")}>{s.credit.toFixed(2)}</td>
          </tr>
        ))}
      </GridTable>
      {grade.removed.length > 0 && (
        <p className="muted">{t("removed", { steps: grade.removed.join(", ") })}</p>
      )}
      {grade.override && (
        <p className="note" data-testid="override">
          {t("overrideBy", {
            score: grade.override.score.toFixed(1),
            by: grade.override.by,
            at: grade.override.at,
            comment: grade.override.comment,
          })}
        </p>
      )}
      <form onSubmit={onSubmit} className="row-form" noValidate>
        <ErrorLine error={error} />
        <PercentField
          label={t("overrideScore")}
          name="score"
          step={0.1}
          required
          defaultValue={grade.score}
        />
        <Field label={t("comment")} grow name="comment" required maxLength={500} />
        <button type="submit" className="primary">
          {t("override")}
        </button>
      </form>
    </section>
  );
}
