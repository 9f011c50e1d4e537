"use client";

import { useRouter } from "next/navigation";
import { useTranslations } from "next-intl";
import { type FormEvent, useState } from "react";
import { instantToWallTime } from "@/lib/classroom/zoned-time";
import { callApi } from "./api";
import { ErrorLine, Field, NameField, PercentField, SubmitButton } from "./fields";
import { GridTable } from "./GridTable";
import { LinkBox } from "./LinkBox";

export function CreateClassForm({
  courses,
  defaultZone,
}: {
  courses: Array<{ slug: string; title: string }>;
  defaultZone: string;
}) {
  const t = useTranslations("classes");
  const router = useRouter();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  async function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const f = new FormData(e.currentTarget);
    setBusy(true);
    setError(null);
    const r = await callApi<{ id: string }>("/api/classes", "POST", {
      name: f.get("name"),
      courseSlug: f.get("courseSlug"),
      term: f.get("term"),
      timeZone: f.get("timeZone"),
    });
    setBusy(false);
    if (!r.ok) return setError(r.error);
    router.push(`/classes/${r.data.id}`);
  }
  return (
    <form onSubmit={onSubmit} className="row-form" noValidate>
      <ErrorLine error={error} />
      <NameField label={t("name")} />
      <label className="field">
        {t("course")}
        <select name="courseSlug">
          {courses.map((c) => (
            <option key={c.slug} value={c.slug}>
              {c.title}
            </option>
          ))}
        </select>
      </label>
      <Field label={t("term")} name="term" maxLength={60} placeholder={t("termHint")} />
      <Field label={t("timeZone")} name="timeZone" defaultValue={defaultZone} maxLength={60} />
      <SubmitButton busy={busy}>{t("createButton")}</SubmitButton>
    </form>
  );
}

export function JoinControls({ classId, open }: { classId: string; open: boolean }) {
  const t = useTranslations("classes");
  const router = useRouter();
  const [error, setError] = useState<string | null>(null);
  async function patch(body: unknown) {
    setError(null);
    const r = await callApi(`/api/classes/${classId}`, "PATCH", body);
    if (!r.ok) return setError(r.error);
    router.refresh();
  }
  return (
    <div className="actions">
      <button type="button" className="linkbtn" onClick={() => void patch({ joinOpen: !open })}>
        {open ? t("closeJoining") : t("openJoining")}
      </button>
      <button
        type="button"
        className="linkbtn"
        onClick={() => {
          if (window.confirm(t("regenerateConfirm"))) void patch({ regenerateCode: true });
        }}
      >
        {t("regenerate")}
      </button>
      <ErrorLine error={error} />
    </div>
  );
}

export function RemoveStudent({ classId, userId, name }: { classId: string; userId: string; name: string }) {
  const t = useTranslations("classes");
  const router = useRouter();
  const [error, setError] = useState<string | null>(null);
  return (
    <>
      <button
        type="button"
        className="linkbtn"
        onClick={async () => {
          if (!window.confirm(t("removeConfirm", { name }))) return;
          const r = await callApi(`/api/classes/${classId}/students/${userId}`, "DELETE");
          if (!r.ok) return setError(r.error);
          router.refresh();
        }}
      >
        {t("remove")}
      </button>
      <ErrorLine error={error} />
    </>
  );
}

interface ReportRow {
  line: number;
  name: string;
  email: string;
  studentNumber: string | null;
  error: string | null;
  action: "enrol-existing" | "create-and-invite" | "already-enrolled" | "rejected";
  link?: string;
  mailed?: boolean;
}

export function RosterImport({ classId }: { classId: string }) {
  const t = useTranslations("classes");
  const router = useRouter();
  const [csv, setCsv] = useState("");
  const [rows, setRows] = useState<ReportRow[] | null>(null);
  const [imported, setImported] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function send(commit: boolean) {
    setBusy(true);
    setError(null);
    const r = await callApi<{ imported: boolean; rows: ReportRow[] }>(
      `/api/classes/${classId}/roster`,
      "POST",
      {
        csv,
        commit,
      },
    );
    setBusy(false);
    if (!r.ok) {
      setError(r.error);
      if (Array.isArray(r.details)) setRows(r.details as ReportRow[]);
      return;
    }
    setRows(r.data.rows);
    setImported(r.data.imported);
    if (r.data.imported) router.refresh();
  }
  const bad = rows?.filter((r) => r.action === "rejected").length ?? 0;

  return (
    <div className="roster-import">
      <p className="muted">{t("rosterHelp")}</p>
      <input
        type="file"
        accept=".csv,text/csv"
        aria-label={t("rosterFile")}
        onChange={async (e) => {
          const file = e.currentTarget.files?.[0];
          if (!file) return;
          setCsv(await file.text());
          setRows(null);
          setImported(false);
        }}
      />
      <textarea
        aria-label={t("rosterText")}
        rows={5}
        value={csv}
        placeholder={"Sato Hana,hana@example.com,S001"}
        onChange={(e) => {
          setCsv(e.currentTarget.value);
          setRows(null);
          setImported(false);
        }}
      />
      <div className="actions">
        <button
          type="button"
          className="linkbtn"
          disabled={busy || !csv.trim()}
          onClick={() => void send(false)}
        >
          {t("preview")}
        </button>
        <button
          type="button"
          className="primary"
          disabled={busy || !rows || bad > 0 || imported}
          onClick={() => void send(true)}
        >
          {t("import")}
        </button>
      </div>
      <ErrorLine error={error} />
      {imported && (
        <p className="note" role="status">
          {t("imported", { n: rows?.length ?? 0 })}
        </p>
      )}
      {rows && (
        <GridTable testId="roster-report" head={[t("line"), t("name"), t("email"), t("number"), t("result")]}>
          {rows.map((r) => (
            <tr key={r.line} data-action={r.action}>
              <td>{r.line}</td>
              <td>{r.name}</td>
              <td className="wrap">{r.email}</td>
              <td>{r.studentNumber ?? ""}</td>
              <td className="wrap">
                {r.action === "rejected" ? (
                  <span className="warn-text">{r.error}</span>
                ) : (
                  t(`rosterAction.${r.action}`)
                )}
                {r.link && <LinkBox link={r.link} />}
                {r.mailed && <span className="muted"> · {t("mailed")}</span>}
              </td>
            </tr>
          ))}
        </GridTable>
      )}
    </div>
  );
}

interface LessonOption {
  id: string;
  title: string;
  module: number;
  steps: Array<{ id: string; title: string }>;
}

/** An assignment's two times: wall-clock times in the class's time zone, named as the server reads them. */
const WALL_TIMES = ["opensAt", "dueAt"] as const;

export function AssignmentForm({
  classId,
  timeZone,
  lessons,
}: {
  classId: string;
  timeZone: string;
  lessons: LessonOption[];
}) {
  const t = useTranslations("classes");
  const router = useRouter();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [chosen, setChosen] = useState<Set<string>>(new Set());
  const [excluded, setExcluded] = useState<Set<string>>(new Set());
  const [late, setLate] = useState("COUNT");
  const [defaults] = useState(() => {
    const now = new Date();
    return {
      opensAt: instantToWallTime(now, timeZone),
      dueAt: instantToWallTime(new Date(now.getTime() + 7 * 86_400_000), timeZone),
    };
  });

  async function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const form = e.currentTarget;
    const f = new FormData(form);
    const lessonIds = lessons.filter((l) => chosen.has(l.id)).map((l) => l.id);
    const all = lessons.filter((l) => chosen.has(l.id)).flatMap((l) => l.steps.map((s) => `${l.id}/${s.id}`));
    const stepKeys = excluded.size === 0 ? [] : all.filter((k) => !excluded.has(k));
    setBusy(true);
    setError(null);
    const r = await callApi(`/api/classes/${classId}/assignments`, "POST", {
      title: f.get("title"),
      lessonIds,
      stepKeys,
      opensAt: f.get("opensAt"),
      dueAt: f.get("dueAt"),
      latePolicy: f.get("latePolicy"),
      latePenaltyPct: Number(f.get("latePenaltyPct") ?? 0),
      solutionCounts: f.get("solutionCounts") === "on",
    });
    setBusy(false);
    if (!r.ok) return setError(r.error);
    form.reset();
    setChosen(new Set());
    setExcluded(new Set());
    router.refresh();
  }

  const toggle = (set: Set<string>, key: string) => {
    const next = new Set(set);
    if (next.has(key)) next.delete(key);
    else next.add(key);
    return next;
  };

  return (
    <form onSubmit={onSubmit} noValidate className="assignment-form">
      <ErrorLine error={error} />
      <Field label={t("assignmentTitle")} name="title" required maxLength={120} />
      <fieldset>
        <legend>{t("lessons")}</legend>
        {lessons.map((l) => (
          <div key={l.id} className="lesson-choice">
            <label>
              <input
                type="checkbox"
                name="lesson"
                value={l.id}
                checked={chosen.has(l.id)}
                onChange={() => setChosen((c) => toggle(c, l.id))}
              />{" "}
              {l.module}. {l.title}
            </label>
            {chosen.has(l.id) && (
              <div className="step-choice">
                {l.steps.map((s) => {
                  const key = `${l.id}/${s.id}`;
                  return (
                    <label key={key}>
                      <input
                        type="checkbox"
                        checked={!excluded.has(key)}
                        onChange={() => setExcluded((x) => toggle(x, key))}
                      />{" "}
                      {s.title}
                    </label>
                  );
                })}
              </div>
            )}
          </div>
        ))}
      </fieldset>
      <div className="row-form">
        {WALL_TIMES.map((name) => (
          <Field
            key={name}
            label={t(name, { zone: timeZone })}
            name={name}
            type="datetime-local"
            defaultValue={defaults[name]}
            required
          />
        ))}
        <label className="field">
          {t("latePolicy")}
          <select name="latePolicy" value={late} onChange={(e) => setLate(e.currentTarget.value)}>
            <option value="COUNT">{t("lateOption.COUNT")}</option>
            <option value="PENALTY">{t("lateOption.PENALTY")}</option>
            <option value="IGNORE">{t("lateOption.IGNORE")}</option>
          </select>
        </label>
        {late === "PENALTY" && <PercentField label={t("penalty")} name="latePenaltyPct" defaultValue={20} />}
      </div>
      <label className="check">
        <input type="checkbox" name="solutionCounts" defaultChecked /> {t("solutionCountsLabel")}
      </label>
      <SubmitButton busy={busy} disabled={chosen.size === 0}>
        {t("assign")}
      </SubmitButton>
    </form>
  );
}

export function DeleteAssignment({ assignmentId, title }: { assignmentId: string; title: string }) {
  const t = useTranslations("classes");
  const router = useRouter();
  const [error, setError] = useState<string | null>(null);
  return (
    <span>
      <button
        type="button"
        className="linkbtn"
        onClick={async () => {
          if (!window.confirm(t("deleteConfirm", { title }))) return;
          const r = await callApi(`/api/assignments/${assignmentId}`, "DELETE");
          if (!r.ok) return setError(r.error);
          router.refresh();
        }}
      >
        {t("delete")}
      </button>
      <ErrorLine error={error} />
    </span>
  );
}
