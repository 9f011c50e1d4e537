"use client";

import type { FitAddon } from "@xterm/addon-fit";
import type { Terminal } from "@xterm/xterm";
import "@xterm/xterm/css/xterm.css";
import { useLocale, useTranslations } from "next-intl";
import {
  type CSSProperties,
  type KeyboardEvent,
  type PointerEvent,
  useCallback,
  useEffect,
  useMemo,
  useRef,
  useState,
} from "react";
import { io, type Socket } from "socket.io-client";
import type { ClientToServer, ProgressUpdate, ServerToClient } from "@/lib/protocol/socket";
import { MAX_INPUT_CHARS, MAX_TABS, PROTOCOL_VERSION } from "@/lib/protocol/socket";
import type { TeacherHintView } from "@/lib/protocol/teaching";
import { OneOfButtons } from "./OneOfButtons";
import { OwnKubectl } from "./OwnKubectl";
import { TeacherHint } from "./teaching/TeacherHint";
import { createTerminal, scrollByTouch } from "./terminal-options";

export interface LessonStepProps {
  id: string;
  title: string;
  html: string;
  hint?: string;
  /** What a learner types, line by line, and in which terminal tab ("1" unless the lesson says). */
  solution: Array<{ tab: string; line: string }>;
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

/** On a phone one pane shows at a time: the lesson text or the terminal. */
const PANES = ["lesson", "terminal"] as const;

/** The lesson pane's share of the width, in percent: its bounds, the default, where it is kept. */
const SPLIT_MIN = 20;
const SPLIT_MAX = 70;
const SPLIT_DEFAULT = 38;
const SPLIT_KEY = "kubeclass.lessonSplit";
const clampSplit = (pct: number) => Math.min(SPLIT_MAX, Math.max(SPLIT_MIN, Math.round(pct)));

/** Renders `backtick` spans of a check's explanation as code. */
function withCode(text: string) {
  return text
    .split(/`([^`]+)`/)
    .map((part, i) => (i % 2 === 1 ? <code key={`${i}:${part}`}>{part}</code> : part));
}

/**
 * Puts a solution line on the clipboard. Where the page may not write it (plain http on another
 * host), the line is selected instead, so Ctrl+C / ⌘C copies it.
 */
function copyLine(button: HTMLElement, line: string) {
  const code = button.closest("li")?.querySelector("code");
  const select = () => {
    if (!code) return;
    const range = document.createRange();
    range.selectNodeContents(code);
    window.getSelection()?.removeAllRanges();
    window.getSelection()?.addRange(range);
  };
  if (!navigator.clipboard) return select();
  navigator.clipboard.writeText(line).catch(select);
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
  /** On a phone the lesson and the terminal take turns on the screen. */
  const [pane, setPane] = useState<(typeof PANES)[number]>("lesson");
  const [split, setSplit] = useState(SPLIT_DEFAULT);
  const layoutRef = useRef<HTMLDivElement>(null);
  const dragging = useRef(false);
  useEffect(() => {
    const kept = Number(window.localStorage.getItem(SPLIT_KEY));
    if (kept) setSplit(clampSplit(kept));
  }, []);
  const keepSplit = (pct: number) => {
    const next = clampSplit(pct);
    setSplit(next);
    window.localStorage.setItem(SPLIT_KEY, String(next));
  };
  const splitAt = (clientX: number) => {
    const box = layoutRef.current?.getBoundingClientRect();
    if (box && box.width > 0) keepSplit(((clientX - box.left) / box.width) * 100);
  };
  const onDividerKey = (e: KeyboardEvent<HTMLDivElement>) => {
    const to =
      e.key === "ArrowLeft"
        ? split - 2
        : e.key === "ArrowRight"
          ? split + 2
          : e.key === "Home"
            ? SPLIT_MIN
            : e.key === "End"
              ? SPLIT_MAX
              : undefined;
    if (to === undefined) return;
    e.preventDefault();
    keepSplit(to);
  };
  const [status, setStatus] = useState<"connecting" | "online" | "offline">("connecting");
  /** Shown for a while after the connection came back, so the student knows typing works again. */
  const [backOnline, setBackOnline] = useState(false);
  /** Set when the student's cluster did not start from this lesson's start state. */
  const [otherStart, setOtherStart] = useState(false);
  /** Steps whose hint / solution the learner opened (both can be open at once). */
  const [hintOpen, setHintOpen] = useState<ReadonlySet<string>>(new Set());
  const [solutionOpen, setSolutionOpen] = useState<ReadonlySet<string>>(new Set());
  /** A hint the teacher pushed from the live session (components/teaching/TeacherHint.tsx). */
  const [teacherHint, setTeacherHint] = useState<TeacherHintView | null>(null);
  const socketRef = useRef<ClientSocket | null>(null);
  const tabsRef = useRef(new Map<string, Tab>());
  /** Lines a solution's run button typed for a tab that is still opening. */
  const pendingRef = useRef(new Map<string, string[]>());
  const hostRef = useRef<HTMLDivElement>(null);
  const activeRef = useRef(active);
  activeRef.current = active;

  const send = useCallback((tabId: string, data: string) => {
    const s = socketRef.current;
    // Offline, socket.io would buffer keystrokes and replay them minutes later into whatever the
    // shell is doing then; the terminals take no input instead and the banner says why.
    if (!s?.connected) return;
    for (let i = 0; i < data.length; i += MAX_INPUT_CHARS)
      s.emit("term:input", { tabId, data: data.slice(i, i + MAX_INPUT_CHARS) });
  }, []);

  /** Set once this connection has joined the lesson; until then the server has no tabs for it. */
  const joinedRef = useRef(false);

  /**
   * Attaches a tab to its shell on the server. Exactly once per tab and connection: whichever
   * comes last, the tab's creation or the lesson join, does it (a second open prints a second
   * prompt on the same line).
   */
  const attach = useCallback(
    (tabId: string) => {
      const s = socketRef.current;
      const tab = tabsRef.current.get(tabId);
      if (!s || !tab || !joinedRef.current) return;
      s.emit("term:open", { tabId, cols: tab.term.cols, rows: tab.term.rows }, (res) => {
        if (!res.ok) return;
        for (const data of pendingRef.current.get(tabId) ?? []) send(tabId, data);
        pendingRef.current.delete(tabId);
      });
    },
    [send],
  );

  const openTab = useCallback(
    async (tabId: string) => {
      const host = hostRef.current;
      if (!host || tabsRef.current.has(tabId)) return;
      const { term, fit } = await createTerminal({ cursorBlink: true, scrollback: 5000 });
      if (tabsRef.current.has(tabId)) {
        term.dispose();
        return;
      }
      const el = document.createElement("div");
      el.dataset.tab = tabId;
      el.className = "xterm-tab";
      // Tabs restored from the server (a reload) must not cover the active one.
      el.style.display = tabId === activeRef.current ? "block" : "none";
      host.appendChild(el);
      term.open(el);
      scrollByTouch(term);
      if (!socketRef.current?.connected) term.options.disableStdin = true;
      fit.fit();
      term.onData((d) => send(tabId, d));
      term.onResize(({ cols, rows }) => socketRef.current?.emit("term:resize", { tabId, cols, rows }));
      tabsRef.current.set(tabId, { term, fit, el });
      attach(tabId);
      if (tabId === activeRef.current) term.focus();
    },
    [send, attach],
  );

  useEffect(() => {
    const socket: ClientSocket = io({
      path: "/socket.io",
      auth: { protocol: PROTOCOL_VERSION },
      transports: ["websocket", "polling"],
    });
    socketRef.current = socket;
    let wasOffline = false;
    let backTimer: ReturnType<typeof setTimeout> | undefined;
    const acceptInput = (yes: boolean) => {
      for (const tab of tabsRef.current.values()) tab.term.options.disableStdin = !yes;
    };
    const lost = () => {
      joinedRef.current = false;
      wasOffline = true;
      clearTimeout(backTimer);
      setBackOnline(false);
      setStatus("offline");
      acceptInput(false);
    };
    socket.on("connect", () => {
      setStatus("online");
      acceptInput(true);
      if (wasOffline) {
        wasOffline = false;
        setBackOnline(true);
        clearTimeout(backTimer);
        backTimer = setTimeout(() => setBackOnline(false), 8000);
      }
      socket.emit("lesson:join", { courseSlug: props.courseSlug, lessonId: props.lessonId }, (res) => {
        if (!res.ok) return;
        setOtherStart(!!res.data && res.data.clusterScenario !== res.data.lessonScenario);
        const ids = res.data?.tabs?.length ? res.data.tabs : ["1"];
        setTabIds((prev) => Array.from(new Set([...prev, ...ids])).sort());
        // (Re)attach every tab: the server replays the prompt and keeps the shell's state.
        joinedRef.current = true;
        for (const id of tabsRef.current.keys()) attach(id);
        socket.emit("hint:latest", (h) => {
          if (h.ok && h.data) setTeacherHint(h.data);
        });
      });
    });
    socket.on("disconnect", lost);
    socket.on("connect_error", lost);
    socket.on("term:output", ({ tabId, data }) => tabsRef.current.get(tabId)?.term.write(data));
    socket.on("lesson:hint", (h) => setTeacherHint(h));
    socket.on("progress", (p) => {
      if (p.lessonId === props.lessonId) setProgress(p);
    });
    socket.on("notice", ({ message }) =>
      tabsRef.current.get(activeRef.current)?.term.write(`\r\n\x1b[31m${message}\x1b[0m\r\n`),
    );
    // The terminal's box changes with the window, the divider and the phone's pane switch.
    const fitVisible = () => {
      for (const tab of tabsRef.current.values()) if (tab.el.style.display !== "none") tab.fit.fit();
    };
    const observer = new ResizeObserver(fitVisible);
    if (hostRef.current) observer.observe(hostRef.current);
    return () => {
      observer.disconnect();
      clearTimeout(backTimer);
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

  /** A solution line: typed and run in the tab the lesson names (opened if needed), shown. */
  const runInTab = useCallback(
    (tabId: string, line: string) => {
      if (!socketRef.current?.connected) return;
      setPane("terminal");
      setActive(tabId);
      if (tabsRef.current.has(tabId)) send(tabId, `${line}\r`);
      else {
        pendingRef.current.set(tabId, [...(pendingRef.current.get(tabId) ?? []), `${line}\r`]);
        setTabIds((prev) => (prev.includes(tabId) ? prev : [...prev, tabId].sort()));
      }
      tabsRef.current.get(tabId)?.term.focus();
    },
    [send],
  );

  // A "type into terminal" bar under every code block of the lesson text: below the code, never
  // on top of it, so no command is hidden behind the button.
  const textRef = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const root = textRef.current;
    if (!root) return;
    for (const pre of root.querySelectorAll(".prose pre")) {
      if (pre.parentElement?.classList.contains("codeblock")) continue;
      // A drawing (```text) is not a command: no button (its lines are kept: globals.css).
      if (pre.querySelector(":scope > code.language-text")) continue;
      const block = document.createElement("div");
      block.className = "codeblock";
      pre.replaceWith(block);
      block.appendChild(pre);
      const bar = document.createElement("div");
      bar.className = "codebar";
      const b = document.createElement("button");
      b.type = "button";
      b.className = "copy";
      b.textContent = t("copy");
      b.addEventListener("click", () => {
        setPane("terminal");
        typeIntoTerminal(pre.querySelector("code")?.textContent ?? "");
      });
      bar.appendChild(b);
      block.appendChild(bar);
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
    <div
      className="lesson"
      ref={layoutRef}
      data-pane={pane}
      style={{ "--split": `${split}%` } as CSSProperties}
    >
      <div className="paneswitch">
        <OneOfButtons
          options={PANES}
          chosen={pane}
          choose={setPane}
          label={(p) => t(p === "lesson" ? "paneLesson" : "paneTerminal")}
        />
      </div>
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
        {teacherHint && <TeacherHint hint={teacherHint} lang={lang} onClose={() => setTeacherHint(null)} />}
        {otherStart && (
          <p className="note" data-testid="other-start">
            {t("continues")}
          </p>
        )}
        <div className="lessonactions">
          <button type="button" className="linkbtn" onClick={reset}>
            {t("reset")}
          </button>
          <OwnKubectl courseSlug={props.courseSlug} />
        </div>
        {/* Lesson content is our own Markdown rendered on the server. */}
        <div className="prose" dangerouslySetInnerHTML={{ __html: props.introHtml }} />
        {props.steps.map((s) => (
          <article key={s.id} id={`step-${s.id}`}>
            <div className="prose" dangerouslySetInnerHTML={{ __html: s.html }} />
            <p className="reveal">
              {s.hint && (
                <button
                  type="button"
                  className="linkbtn"
                  aria-expanded={hintOpen.has(s.id)}
                  onClick={() => setHintOpen((p) => new Set(p).add(s.id))}
                >
                  {t("hint")}
                </button>
              )}
              <button
                type="button"
                className="linkbtn"
                aria-expanded={solutionOpen.has(s.id)}
                onClick={() => {
                  if (!solutionOpen.has(s.id)) socketRef.current?.emit("lesson:solution", { stepId: s.id });
                  setSolutionOpen((p) => new Set(p).add(s.id));
                }}
              >
                {t("solution")}
              </button>
            </p>
            {hintOpen.has(s.id) && s.hint && (
              <p className="banner" data-testid="hint">
                {withCode(s.hint)}
              </p>
            )}
            {solutionOpen.has(s.id) && (
              <ol className="solution" data-testid="solution" aria-label={t("solution")}>
                {s.solution.map((l, i) => (
                  <li key={`${i}:${l.line}`} data-tab={l.tab}>
                    {s.solution.some((x) => x.tab !== "1") && (
                      <span className="tabbadge">{t("tab", { n: l.tab })}</span>
                    )}
                    <code>{l.line}</code>
                    <span className="lineactions">
                      <button
                        type="button"
                        className="linkbtn"
                        aria-label={t("copyLine", { line: l.line })}
                        onClick={(e) => copyLine(e.currentTarget, l.line)}
                      >
                        {t("copyShort")}
                      </button>
                      <button
                        type="button"
                        className="linkbtn run"
                        aria-label={t("runInTab", { n: l.tab, line: l.line })}
                        onClick={() => runInTab(l.tab, l.line)}
                      >
                        {t("run")}
                      </button>
                    </span>
                  </li>
                ))}
              </ol>
            )}
          </article>
        ))}
      </section>
      {/* biome-ignore lint/a11y/useSemanticElements: a draggable splitter is a focusable separator (WAI-ARIA window splitter); <hr> cannot take focus or keys */}
      <div
        className="divider"
        role="separator"
        aria-orientation="vertical"
        aria-label={t("divider")}
        aria-valuemin={SPLIT_MIN}
        aria-valuemax={SPLIT_MAX}
        aria-valuenow={split}
        tabIndex={0}
        onKeyDown={onDividerKey}
        onPointerDown={(e: PointerEvent<HTMLDivElement>) => {
          dragging.current = true;
          e.currentTarget.setPointerCapture(e.pointerId);
        }}
        onPointerMove={(e) => {
          if (dragging.current) splitAt(e.clientX);
        }}
        onPointerUp={(e) => {
          dragging.current = false;
          e.currentTarget.releasePointerCapture(e.pointerId);
        }}
      />
      <section className="termpane">
        <div className="tabs" role="tablist">
          <OneOfButtons
            as="tab"
            options={tabIds}
            chosen={active}
            choose={setActive}
            label={(id) => t("tab", { n: id })}
          />
          <button
            type="button"
            onClick={newTab}
            aria-label={t("newTab")}
            disabled={tabIds.length >= MAX_TABS}
          >
            +
          </button>
        </div>
        {status === "offline" && (
          <div className="conn-banner" role="alert" data-testid="offline-banner">
            {t("offline")}
          </div>
        )}
        {status === "online" && backOnline && (
          <div className="conn-back" role="status" data-testid="back-online">
            {t("backOnline")}
          </div>
        )}
        <div className="termhost" ref={hostRef} data-testid="terminal" />
        <div className="status" data-status={status} data-testid="connection">
          <span className="dot" aria-hidden="true">
            ●
          </span>{" "}
          {status === "online" ? t("online") : status === "connecting" ? t("connecting") : t("disconnected")}
        </div>
      </section>
    </div>
  );
}
