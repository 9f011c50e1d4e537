"use client";

import type { FitAddon } from "@xterm/addon-fit";
import type { Terminal } from "@xterm/xterm";
import "@xterm/xterm/css/xterm.css";
import { useLocale, useTranslations } from "next-intl";
import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import { io, type Socket } from "socket.io-client";
import type { ClientToServer, ProgressUpdate, ServerToClient } from "@/lib/protocol/socket";
import { MAX_INPUT_CHARS, MAX_TABS, PROTOCOL_VERSION } from "@/lib/protocol/socket";

export interface LessonStepProps {
  id: string;
  title: string;
  html: string;
  hint?: string;
  solution: string[];
}

export interface LessonViewProps {
  courseSlug: string;
  lessonId: string;
  title: string;
  introHtml: string;
  steps: LessonStepProps[];
  initial: ProgressUpdate;
}

type ClientSocket = Socket<ServerToClient, ClientToServer>;

/** Renders `backtick` spans of a check's explanation as code. */
function withCode(text: string) {
  return text
    .split(/`([^`]+)`/)
    .map((part, i) => (i % 2 === 1 ? <code key={`${i}:${part}`}>{part}</code> : part));
}

interface Tab {
  term: Terminal;
  fit: FitAddon;
  el: HTMLDivElement;
}

export function LessonView(props: LessonViewProps) {
  const t = useTranslations("lesson");
  const lang = useLocale() === "en" ? "en" : "ja";
  const [progress, setProgress] = useState<ProgressUpdate>(props.initial);
  const [tabIds, setTabIds] = useState<string[]>(["1"]);
  const [active, setActive] = useState("1");
  const [status, setStatus] = useState<"connecting" | "online" | "offline">("connecting");
  /** Set when the student's cluster did not start from this lesson's start state. */
  const [otherStart, setOtherStart] = useState(false);
  const [shown, setShown] = useState<Record<string, "hint" | "solution" | undefined>>({});
  const socketRef = useRef<ClientSocket | null>(null);
  const tabsRef = useRef(new Map<string, Tab>());
  const hostRef = useRef<HTMLDivElement>(null);
  const activeRef = useRef(active);
  activeRef.current = active;

  const send = useCallback((tabId: string, data: string) => {
    const s = socketRef.current;
    if (!s) return;
    for (let i = 0; i < data.length; i += MAX_INPUT_CHARS)
      s.emit("term:input", { tabId, data: data.slice(i, i + MAX_INPUT_CHARS) });
  }, []);

  const openTab = useCallback(
    async (tabId: string) => {
      const host = hostRef.current;
      if (!host || tabsRef.current.has(tabId)) return;
      const [{ Terminal }, { FitAddon }] = await Promise.all([
        import("@xterm/xterm"),
        import("@xterm/addon-fit"),
      ]);
      if (tabsRef.current.has(tabId)) return;
      const el = document.createElement("div");
      el.dataset.tab = tabId;
      el.className = "xterm-tab";
      // Tabs restored from the server (a reload) must not cover the active one.
      el.style.display = tabId === activeRef.current ? "block" : "none";
      host.appendChild(el);
      const term = new Terminal({
        cursorBlink: true,
        fontSize: 14,
        fontFamily: 'ui-monospace, "DejaVu Sans Mono", Menlo, monospace',
        theme: { background: "#11151c" },
        scrollback: 5000,
      });
      const fit = new FitAddon();
      term.loadAddon(fit);
      term.open(el);
      fit.fit();
      term.onData((d) => send(tabId, d));
      term.onResize(({ cols, rows }) => socketRef.current?.emit("term:resize", { tabId, cols, rows }));
      tabsRef.current.set(tabId, { term, fit, el });
      socketRef.current?.emit("term:open", { tabId, cols: term.cols, rows: term.rows });
      if (tabId === activeRef.current) term.focus();
    },
    [send],
  );

  useEffect(() => {
    const socket: ClientSocket = io({
      path: "/socket.io",
      auth: { protocol: PROTOCOL_VERSION },
      transports: ["websocket", "polling"],
    });
    socketRef.current = socket;
    // Exposed for the end-to-end specs (they probe the server's input limits).
    (window as unknown as { __kubeclassSocket?: ClientSocket }).__kubeclassSocket = socket;
    socket.on("connect", () => {
      setStatus("online");
      socket.emit("lesson:join", { courseSlug: props.courseSlug, lessonId: props.lessonId }, (res) => {
        if (!res.ok) return;
        setOtherStart(!!res.data && res.data.clusterScenario !== res.data.lessonScenario);
        const ids = res.data?.tabs?.length ? res.data.tabs : ["1"];
        setTabIds((prev) => Array.from(new Set([...prev, ...ids])).sort());
        // (Re)attach every tab: the server replays the prompt and keeps the shell's state.
        for (const [id, tab] of tabsRef.current)
          socket.emit("term:open", { tabId: id, cols: tab.term.cols, rows: tab.term.rows });
      });
    });
    socket.on("disconnect", () => setStatus("offline"));
    socket.on("connect_error", () => setStatus("offline"));
    socket.on("term:output", ({ tabId, data }) => tabsRef.current.get(tabId)?.term.write(data));
    socket.on("progress", (p) => {
      if (p.lessonId === props.lessonId) setProgress(p);
    });
    socket.on("notice", ({ message }) =>
      tabsRef.current.get(activeRef.current)?.term.write(`\r\n\x1b[31m${message}\x1b[0m\r\n`),
    );
    const onResize = () => {
      for (const tab of tabsRef.current.values()) if (tab.el.style.display !== "none") tab.fit.fit();
    };
    window.addEventListener("resize", onResize);
    return () => {
      window.removeEventListener("resize", onResize);
      socket.close();
      for (const tab of tabsRef.current.values()) tab.term.dispose();
      tabsRef.current.clear();
    };
  }, [props.courseSlug, props.lessonId]);

  useEffect(() => {
    for (const id of tabIds) void openTab(id);
  }, [tabIds, openTab]);

  useEffect(() => {
    for (const [id, tab] of tabsRef.current) {
      tab.el.style.display = id === active ? "block" : "none";
      if (id === active) {
        tab.fit.fit();
        tab.term.focus();
      }
    }
  }, [active]);

  const newTab = () => {
    const next = [1, 2, 3, 4, 5, 6, 7, 8, 9].map(String).find((id) => !tabIds.includes(id));
    if (!next || tabIds.length >= MAX_TABS) return;
    setTabIds((prev) => [...prev, next]);
    setActive(next);
  };

  const typeIntoTerminal = useCallback(
    (text: string) => {
      // Like a paste: every line but the last runs; the last waits for the learner's Enter.
      const lines = text.replace(/\n+$/, "").split("\n");
      send(activeRef.current, lines.join("\r"));
      tabsRef.current.get(activeRef.current)?.term.focus();
    },
    [send],
  );

  // Copy-to-terminal buttons on every code block of the lesson text (event delegation).
  const textRef = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const root = textRef.current;
    if (!root) return;
    for (const pre of root.querySelectorAll("pre")) {
      if (pre.querySelector("button.copy")) continue;
      const b = document.createElement("button");
      b.type = "button";
      b.className = "copy";
      b.textContent = t("copy");
      b.addEventListener("click", () => typeIntoTerminal(pre.querySelector("code")?.textContent ?? ""));
      pre.appendChild(b);
    }
  }, [typeIntoTerminal, t]);

  const stepState = useMemo(() => new Map(progress.steps.map((s) => [s.id, s])), [progress]);
  const allDone = progress.steps.length > 0 && progress.steps.every((s) => s.done);

  const reset = () => {
    if (!window.confirm(t("resetConfirm"))) return;
    // The server starts fresh shells; clear the old screens so their prompts do not linger.
    for (const tab of tabsRef.current.values()) tab.term.reset();
    socketRef.current?.emit("lesson:reset");
    setOtherStart(false);
  };

  return (
    <div className="lesson">
      <section className="text" ref={textRef} aria-label={props.title}>
        <h1>{props.title}</h1>
        {allDone && <div className="banner">{t("allDone")}</div>}
        <h2>{t("steps")}</h2>
        <ol className="steps" data-testid="steps">
          {props.steps.map((s) => {
            const st = stepState.get(s.id);
            const state = st?.done ? "done" : progress.current === s.id ? "current" : "open";
            return (
              <li key={s.id} data-step={s.id} data-state={state}>
                <span className="mark" role="img" aria-label={st?.done ? t("done") : t("steps")}>
                  {st?.done ? "✓" : "○"}
                </span>
                <div>
                  <a href={`#step-${s.id}`}>{s.title}</a>
                  {state === "current" && st && st.missing.length > 0 && (
                    <ul className="missing" aria-label={t("missing")}>
                      {st.missing.map((m) => (
                        <li key={m.en}>{withCode(m[lang])}</li>
                      ))}
                    </ul>
                  )}
                </div>
              </li>
            );
          })}
        </ol>
        {otherStart && (
          <p className="note" data-testid="other-start">
            {t("continues")}
          </p>
        )}
        <button type="button" className="linkbtn" onClick={reset}>
          {t("reset")}
        </button>
        {/* Lesson content is our own Markdown rendered on the server. */}
        <div dangerouslySetInnerHTML={{ __html: props.introHtml }} />
        {props.steps.map((s) => (
          <article key={s.id} id={`step-${s.id}`}>
            <div dangerouslySetInnerHTML={{ __html: s.html }} />
            <p style={{ display: "flex", gap: 8 }}>
              {s.hint && (
                <button
                  type="button"
                  className="linkbtn"
                  onClick={() => setShown((p) => ({ ...p, [s.id]: "hint" }))}
                >
                  {t("hint")}
                </button>
              )}
              <button
                type="button"
                className="linkbtn"
                onClick={() => {
                  setShown((p) => ({ ...p, [s.id]: "solution" }));
                  socketRef.current?.emit("lesson:solution", { stepId: s.id });
                }}
              >
                {t("solution")}
              </button>
            </p>
            {shown[s.id] === "hint" && s.hint && <p className="banner">{withCode(s.hint)}</p>}
            {shown[s.id] === "solution" && (
              <pre>
                <code>{s.solution.join("\n")}</code>
              </pre>
            )}
          </article>
        ))}
      </section>
      <section className="termpane">
        <div className="tabs" role="tablist">
          {tabIds.map((id) => (
            <button
              key={id}
              type="button"
              role="tab"
              aria-selected={id === active}
              onClick={() => setActive(id)}
            >
              {t("tab", { n: id })}
            </button>
          ))}
          <button
            type="button"
            onClick={newTab}
            aria-label={t("newTab")}
            disabled={tabIds.length >= MAX_TABS}
          >
            +
          </button>
        </div>
        <div className="termhost" ref={hostRef} data-testid="terminal" />
        <div className="status" data-status={status}>
          {status === "online" ? "●" : status === "connecting" ? t("connecting") : t("disconnected")}
        </div>
      </section>
    </div>
  );
}
