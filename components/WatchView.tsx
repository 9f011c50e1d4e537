"use client";

import type { FitAddon } from "@xterm/addon-fit";
import type { Terminal } from "@xterm/xterm";
import "@xterm/xterm/css/xterm.css";
import { useTranslations } from "next-intl";
import { useEffect, useRef, useState } from "react";
import { io, type Socket } from "socket.io-client";
import { type ClientToServer, PROTOCOL_VERSION, type ServerToClient } from "@/lib/protocol/socket";
import { createTerminal, scrollByTouch } from "./terminal-options";

interface Props {
  studentId: string;
  /** The course's lessons in order, in the teacher's language. */
  lessons: Array<{ id: string; module: number; title: string; steps: Array<{ id: string; title: string }> }>;
  /** The lesson the student is working in (null: none yet). */
  lessonId: string | null;
  /** `lessonId/stepId` of every step the student completed. */
  done: string[];
  labels: { title: string; idle: string; tab: string; live: string; connecting: string };
}

/** Read-only mirrors of a student's terminal tabs, fed live over socket.io. */
export function WatchView({ studentId, lessons, labels, ...initial }: Props) {
  const [lessonId, setLessonId] = useState(initial.lessonId);
  const [done, setDone] = useState(() => new Set(initial.done));
  const [tabs, setTabs] = useState<string[]>([]);
  const [live, setLive] = useState(false);
  const hosts = useRef(new Map<string, HTMLDivElement>());
  const terms = useRef(new Map<string, { term: Terminal; fit: FitAddon }>());
  const pending = useRef(new Map<string, string>());

  useEffect(() => {
    const socket: Socket<ServerToClient, ClientToServer> = io({
      path: "/socket.io",
      auth: { protocol: PROTOCOL_VERSION },
    });
    const write = (tabId: string, data: string) => {
      const t = terms.current.get(tabId);
      if (t) t.term.write(data);
      else {
        pending.current.set(tabId, (pending.current.get(tabId) ?? "") + data);
        setTabs((prev) => (prev.includes(tabId) ? prev : [...prev, tabId].sort()));
      }
    };
    socket.on("connect", () => {
      setLive(true);
      socket.emit("watch:start", { studentId }, (res) => {
        if (!res.ok) return;
        for (const t of terms.current.values()) t.term.reset();
        for (const { tabId, screen } of res.data?.tabs ?? []) write(tabId, screen);
      });
    });
    socket.on("disconnect", () => setLive(false));
    socket.on("watch:output", (m) => {
      if (m.studentId === studentId) write(m.tabId, m.data);
    });
    // The student's steps tick here too, so "which step" follows them live.
    socket.on("student:progress", (m) => {
      if (m.userId !== studentId) return;
      setLessonId(m.lessonId);
      setDone((prev) => new Set(prev).add(`${m.lessonId}/${m.stepId}`));
    });
    return () => {
      socket.close();
      for (const t of terms.current.values()) t.term.dispose();
      terms.current.clear();
    };
  }, [studentId]);

  useEffect(() => {
    void (async () => {
      for (const tabId of tabs) {
        const host = hosts.current.get(tabId);
        if (!host || terms.current.has(tabId)) continue;
        const { term, fit } = await createTerminal({ disableStdin: true, scrollback: 2000 });
        if (terms.current.has(tabId)) {
          term.dispose();
          continue;
        }
        term.open(host);
        scrollByTouch(term);
        fit.fit();
        terms.current.set(tabId, { term, fit });
        const early = pending.current.get(tabId);
        if (early) term.write(early);
        pending.current.delete(tabId);
      }
    })();
  }, [tabs]);

  return (
    <main className="page" style={{ maxWidth: "none" }}>
      <h1>{labels.title}</h1>
      {/* In words, not a bare dot: whether what is shown is live. */}
      <p className="who" data-live={live}>
        {live ? `● ${labels.live}` : `○ ${labels.connecting}`}
      </p>
      <WhereTheyAre lesson={lessons.find((l) => l.id === lessonId)} done={done} />
      {tabs.length === 0 && <p>{labels.idle}</p>}
      <div className="watch-grid">
        {tabs.map((tabId) => (
          <section key={tabId} className="watch-tab" data-watch-tab={tabId}>
            <div className="watch-title">
              {labels.tab} {tabId}
            </div>
            <div
              className="watch-term"
              ref={(el) => {
                if (el) hosts.current.set(tabId, el);
              }}
            />
          </section>
        ))}
      </div>
    </main>
  );
}

/** Which lesson and step the watched student is on: the first step of their lesson not yet done. */
function WhereTheyAre({ lesson, done }: { lesson: Props["lessons"][number] | undefined; done: Set<string> }) {
  const t = useTranslations("teach");
  if (!lesson) return <p data-testid="where">{t("notStarted")}</p>;
  const index = lesson.steps.findIndex((s) => !done.has(`${lesson.id}/${s.id}`));
  const step = lesson.steps[index];
  return (
    <p className="where" data-testid="where">
      <span>{t("lessonOf", { module: lesson.module, title: lesson.title })}</span>
      {" · "}
      <span>
        {step
          ? t("stepOf", { n: index + 1, total: lesson.steps.length, title: step.title })
          : t("lessonDone")}
      </span>
    </p>
  );
}
