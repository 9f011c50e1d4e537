"use client";

import Link from "next/link";
import { useTranslations } from "next-intl";
import { useEffect, useMemo, useRef, useState } from "react";
import { io, type Socket } from "socket.io-client";
import { FAULT_KINDS, type FaultKind } from "@/lib/cluster/faults";
import { type ClientToServer, PROTOCOL_VERSION, type ServerToClient } from "@/lib/protocol/socket";
import type { FaultLogEntry, LiveStudent } from "@/lib/protocol/teaching";
import { CodeText } from "./code-text";
import { localTime } from "./local-time";
import "./teaching.css";

interface Props {
  classId: string;
  lang: "ja" | "en";
  students: Array<{ id: string; name: string; email: string }>;
  lessons: Array<{
    id: string;
    module: number;
    title: string;
    steps: Array<{ id: string; title: string; seconds: number }>;
  }>;
  /** Stuck rules in the teacher's language. */
  rules: Array<{ id: string; explain: string; hint: string }>;
}

type Status = "connecting" | "online" | "offline";

/** The live session of a class: who is stuck and why, incidents for the class, the fault log. */
export function LiveSession({ classId, lang, students, lessons, rules }: Props) {
  const t = useTranslations("liveTeach");
  const [status, setStatus] = useState<Status>("connecting");
  const [live, setLive] = useState<Record<string, LiveStudent>>({});
  const [log, setLog] = useState<FaultLogEntry[]>([]);
  const [thresholds, setThresholds] = useState<Record<string, number>>({});
  const [selected, setSelected] = useState<ReadonlySet<string>>(new Set());
  const [kind, setKind] = useState<FaultKind>("node-not-ready");
  const [target, setTarget] = useState("");
  const [whom, setWhom] = useState<"all" | "selected">("all");
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<string | null>(null);
  const [sent, setSent] = useState<ReadonlySet<string>>(new Set());
  const [now, setNow] = useState(() => Date.now());
  const socketRef = useRef<Socket<ServerToClient, ClientToServer> | null>(null);

  const names = useMemo(() => new Map(students.map((s) => [s.id, s.name])), [students]);
  const ruleOf = useMemo(() => new Map(rules.map((r) => [r.id, r])), [rules]);
  const stepOf = useMemo(() => {
    const m = new Map<
      string,
      { lesson: Props["lessons"][number]; step: Props["lessons"][number]["steps"][number]; n: number }
    >();
    for (const lesson of lessons)
      for (const [i, step] of lesson.steps.entries())
        m.set(`${lesson.id}/${step.id}`, { lesson, step, n: i + 1 });
    return m;
  }, [lessons]);

  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 15_000);
    return () => clearInterval(timer);
  }, []);

  useEffect(() => {
    const socket: Socket<ServerToClient, ClientToServer> = io({
      path: "/socket.io",
      auth: { protocol: PROTOCOL_VERSION },
      transports: ["websocket", "polling"],
    });
    socketRef.current = socket;
    socket.on("connect", () => {
      socket.emit("live:subscribe", { classId }, (res) => {
        if (!res.ok || !res.data) {
          setStatus("offline");
          return;
        }
        setStatus("online");
        setLive(Object.fromEntries(res.data.students.map((s) => [s.id, s])));
        setLog(res.data.faults);
        setThresholds(res.data.thresholds);
      });
    });
    socket.on("disconnect", () => setStatus("offline"));
    socket.on("connect_error", () => setStatus("offline"));
    socket.on("live:student", ({ classId: c, student }) => {
      if (c === classId) setLive((prev) => ({ ...prev, [student.id]: student }));
    });
    socket.on("live:fault", ({ classId: c, entry }) => {
      if (c !== classId) return;
      setLog((prev) => [entry, ...prev.filter((e) => e.id !== entry.id)].slice(0, 100));
    });
    return () => {
      socket.close();
    };
  }, [classId]);

  const inject = () => {
    const socket = socketRef.current;
    if (!socket) return;
    if (whom === "selected" && selected.size === 0) {
      setMessage(t("noneSelected"));
      return;
    }
    setBusy(true);
    setMessage(null);
    socket.emit(
      "live:fault",
      {
        classId,
        students: whom === "all" ? "all" : [...selected],
        fault: { kind, ...(target.trim() ? { target: target.trim() } : {}) },
      },
      (res) => {
        setBusy(false);
        if (!res.ok) setMessage(res.error);
      },
    );
  };

  const sendHint = (studentId: string, ruleId: string) =>
    socketRef.current?.emit("live:hint", { classId, studentId, ruleId }, (res) => {
      if (res.ok) setSent((p) => new Set(p).add(`${studentId}/${ruleId}`));
    });
  const dismiss = (studentId: string, ruleId: string) =>
    socketRef.current?.emit("live:dismiss", { classId, studentId, ruleId });
  const saveThreshold = (lessonId: string, stepId: string, minutes: number) =>
    socketRef.current?.emit(
      "live:threshold",
      { classId, lessonId, stepId, seconds: Math.round(minutes * 60) },
      (res) => {
        if (res.ok) setThresholds((p) => ({ ...p, [`${lessonId}/${stepId}`]: Math.round(minutes * 60) }));
      },
    );

  const toggle = (id: string) =>
    setSelected((prev) => {
      const next = new Set(prev);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      return next;
    });

  const time = (iso: string) => localTime(lang, iso, { seconds: true });

  return (
    <div className="live" data-status={status}>
      {status !== "online" && (
        <p className="note" role="status">
          {status === "connecting" ? t("connecting") : t("offline")}
        </p>
      )}
      <section className="card live-incidents" data-testid="incidents">
        <h2>{t("incidents")}</h2>
        <p className="muted">{t("incidentsHelp")}</p>
        <div className="live-form">
          <label>
            <span>{t("kind")}</span>
            <select
              value={kind}
              onChange={(e) => setKind(e.target.value as FaultKind)}
              data-testid="fault-kind"
            >
              {FAULT_KINDS.map((k) => (
                <option key={k} value={k}>
                  {t(`kinds.${k}`)}
                </option>
              ))}
            </select>
          </label>
          <label>
            <span>{t("target")}</span>
            <input
              value={target}
              onChange={(e) => setTarget(e.target.value)}
              placeholder="minikube"
              maxLength={253}
            />
          </label>
          <fieldset>
            <legend>{t("whom")}</legend>
            <label className="inline">
              <input type="radio" name="whom" checked={whom === "all"} onChange={() => setWhom("all")} />
              {t("wholeClass")}
            </label>
            <label className="inline">
              <input
                type="radio"
                name="whom"
                checked={whom === "selected"}
                onChange={() => setWhom("selected")}
              />
              {t("selected", { n: selected.size })}
            </label>
          </fieldset>
          <button type="button" onClick={inject} disabled={busy || status !== "online"} data-testid="inject">
            {busy ? t("injecting") : t("inject")}
          </button>
        </div>
        {message && (
          <p className="error" role="alert">
            {message}
          </p>
        )}
      </section>

      <section>
        <div className="title-row">
          <h2>{t("students")}</h2>
          <label className="inline">
            <input
              type="checkbox"
              checked={selected.size === students.length && students.length > 0}
              onChange={(e) => setSelected(e.target.checked ? new Set(students.map((s) => s.id)) : new Set())}
            />
            {t("selectAll")}
          </label>
        </div>
        <ul className="live-students" data-testid="live-students">
          {students.map((s) => {
            const st = live[s.id];
            const where = st?.lessonId && st.stepId ? stepOf.get(`${st.lessonId}/${st.stepId}`) : undefined;
            const minutes = st?.since ? Math.max(0, Math.floor((now - st.since) / 60_000)) : null;
            const flags = st?.flags ?? [];
            return (
              <li key={s.id} className="card live-student" data-student={s.email} data-flags={flags.length}>
                <div className="live-head">
                  <label className="inline">
                    <input
                      type="checkbox"
                      checked={selected.has(s.id)}
                      onChange={() => toggle(s.id)}
                      aria-label={t("select", { name: s.name })}
                    />
                    <strong>{s.name}</strong>
                  </label>
                  <span className={st?.live ? "ok-text" : "muted"}>
                    {st?.live ? t("onlineStudent") : t("offlineStudent")}
                  </span>
                </div>
                <p className="muted live-where">
                  {where
                    ? `${where.lesson.module}. ${where.lesson.title} — ${t("stepLabel", { n: where.n, title: where.step.title })}`
                    : t("notStarted")}
                  {where && minutes !== null ? ` · ${t("onStep", { min: minutes })}` : ""}
                </p>
                {flags.length === 0 ? (
                  <p className="muted live-noflags">{t("noFlags")}</p>
                ) : (
                  <ul className="live-flags">
                    {flags.map((f) => {
                      const rule = ruleOf.get(f.rule);
                      const key = `${s.id}/${f.rule}`;
                      const stepKey = st?.lessonId && st.stepId ? `${st.lessonId}/${st.stepId}` : null;
                      return (
                        <li key={f.rule} data-rule={f.rule}>
                          <details>
                            <summary className="flag">{t(`rules.${f.rule}`)}</summary>
                            <div className="flag-detail">
                              <p>
                                <b>{t("why")}:</b> <CodeText text={rule?.explain ?? ""} />
                              </p>
                              {f.line && <p className="muted">{t("lastLine", { line: f.line })}</p>}
                              <p>
                                <b>{t("hintToSend")}:</b> <CodeText text={rule?.hint ?? ""} />
                              </p>
                              <div className="actions">
                                <button
                                  type="button"
                                  onClick={() => sendHint(s.id, f.rule)}
                                  data-testid="send-hint"
                                >
                                  {sent.has(key) ? t("hintSent") : t("sendHint")}
                                </button>
                                <button
                                  type="button"
                                  className="linkbtn"
                                  onClick={() => dismiss(s.id, f.rule)}
                                >
                                  {t("dismiss")}
                                </button>
                              </div>
                              {f.rule === "time-on-step" && stepKey && st?.lessonId && st.stepId && (
                                <ThresholdForm
                                  label={t("threshold")}
                                  save={t("save")}
                                  minutes={
                                    (thresholds[stepKey] ?? stepOf.get(stepKey)?.step.seconds ?? 300) / 60
                                  }
                                  onSave={(m) => saveThreshold(st.lessonId as string, st.stepId as string, m)}
                                />
                              )}
                            </div>
                          </details>
                        </li>
                      );
                    })}
                  </ul>
                )}
                <Link className="live-replay" href={`/classes/${classId}/live/replay/${s.id}`}>
                  {t("replay")}
                </Link>
              </li>
            );
          })}
        </ul>
      </section>

      <section>
        <h2>{t("log")}</h2>
        {log.length === 0 ? (
          <p className="muted">{t("logEmpty")}</p>
        ) : (
          <ol className="live-log" data-testid="fault-log">
            {log.map((e) => (
              <li key={e.id} data-ok={String(e.ok)}>
                <span className="muted">{time(e.createdAt)}</span>{" "}
                <b>{names.get(e.studentId) ?? e.studentId}</b> —{" "}
                {(FAULT_KINDS as readonly string[]).includes(e.kind)
                  ? t(`kinds.${e.kind as FaultKind}`)
                  : e.kind}
                {e.target ? ` (${e.target})` : ""}:{" "}
                {e.ok === null
                  ? t("pending")
                  : e.ok
                    ? t("applied", { detail: e.detail ?? "" })
                    : t("failed", { detail: e.detail ?? "" })}
              </li>
            ))}
          </ol>
        )}
      </section>
    </div>
  );
}

function ThresholdForm(props: { label: string; save: string; minutes: number; onSave: (m: number) => void }) {
  const [value, setValue] = useState(String(Math.round(props.minutes * 10) / 10));
  return (
    <form
      className="live-threshold"
      onSubmit={(e) => {
        e.preventDefault();
        const m = Number(value);
        if (Number.isFinite(m) && m >= 0.5) props.onSave(m);
      }}
    >
      <label>
        <span>{props.label}</span>
        <input
          type="number"
          min={0.5}
          max={1440}
          step={0.5}
          value={value}
          onChange={(e) => setValue(e.target.value)}
        />
      </label>
      <button type="submit">{props.save}</button>
    </form>
  );
}
