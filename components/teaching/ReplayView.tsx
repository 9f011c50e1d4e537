"use client";

import "asciinema-player/dist/bundle/asciinema-player.css";
import type { Player } from "asciinema-player";
import { useTranslations } from "next-intl";
import { useEffect, useMemo, useRef, useState } from "react";
import { localTime } from "./local-time";
import "./teaching.css";

interface Props {
  /** The recordings' URL prefix (`…/casts/STUDENT`); `/CAST` is the .cast file. */
  base: string;
  lang: "ja" | "en";
  casts: Array<{ castId: string; tab: string; startedAt: number; lastAt: number; bytes: number }>;
  journal: Array<{ id: string; tab: string; line: string; exitCode: number; at: number }>;
}

const SPEEDS = [0.5, 1, 2, 4];

/** asciinema-player on a recording, with the student's commands beside it to jump to. */
export function ReplayView({ base, lang, casts, journal }: Props) {
  const t = useTranslations("liveTeach");
  const [castId, setCastId] = useState(casts[0]?.castId ?? "");
  const [speed, setSpeed] = useState(1);
  const [current, setCurrent] = useState<string | null>(null);
  const host = useRef<HTMLDivElement>(null);
  const player = useRef<Player | null>(null);
  const cast = casts.find((c) => c.castId === castId) ?? casts[0];
  /** Where to start the next player (kept across a speed change). */
  const resumeAt = useRef(0);

  const lines = useMemo(
    () =>
      cast
        ? journal.filter((j) => j.tab === cast.tab && j.at >= cast.startedAt && j.at <= cast.lastAt + 5_000)
        : [],
    [cast, journal],
  );

  useEffect(() => {
    if (!cast || !host.current) return;
    let disposed = false;
    const el = host.current;
    void import("asciinema-player").then((mod) => {
      if (disposed) return;
      player.current?.dispose();
      el.replaceChildren();
      const p = mod.create({ url: `${base}/${cast.castId}` }, el, {
        speed,
        fit: "both",
        controls: true,
        preload: true,
        // No idle-time limit: the player's clock must stay the recording's, so that a command's
        // time (from the journal) is the place to seek to.
        terminalFontFamily: "ui-monospace, 'DejaVu Sans Mono', monospace",
        ...(resumeAt.current > 0 ? { startAt: resumeAt.current } : {}),
      });
      player.current = p;
      (el as HTMLElement & { player?: Player }).player = p;
    });
    return () => {
      disposed = true;
      try {
        resumeAt.current = player.current?.getCurrentTime() ?? 0;
      } catch {
        resumeAt.current = 0;
      }
      player.current?.dispose();
      player.current = null;
    };
  }, [base, cast, speed]);

  const jump = (at: number, id: string) => {
    if (!cast) return;
    setCurrent(id);
    const p = player.current;
    if (!p) return;
    // The moment the line finished: its output is on the screen.
    void p.seek(Math.max(0, (at - cast.startedAt) / 1000 + 0.05)).then(() => p.pause());
  };

  const fmt = (ms: number) => localTime(lang, ms, { date: "short", seconds: true });
  const size = (b: number) => (b < 1024 ? `${b} B` : `${Math.round(b / 102.4) / 10} KB`);

  if (!cast) return null;
  return (
    <div className="replay">
      <div className="replay-player">
        <div className="replay-controls">
          <label>
            {t("recordings")}{" "}
            <select
              value={cast.castId}
              onChange={(e) => {
                resumeAt.current = 0;
                setCastId(e.target.value);
              }}
              data-testid="recording"
            >
              {casts.map((c) => (
                <option key={c.castId} value={c.castId}>
                  {t("recording", { tab: c.tab, start: fmt(c.startedAt), size: size(c.bytes) })}
                </option>
              ))}
            </select>
          </label>
          <label>
            {t("speed")}{" "}
            <select value={speed} onChange={(e) => setSpeed(Number(e.target.value))} data-testid="speed">
              {SPEEDS.map((s) => (
                <option key={s} value={s}>
                  {s}×
                </option>
              ))}
            </select>
          </label>
          <a className="linkbtn" href={`${base}/${cast.castId}?download=1`} download data-testid="download">
            {t("download")}
          </a>
        </div>
        <div ref={host} className="replay-host" data-testid="player" />
      </div>
      <aside>
        <h2>{t("journal")}</h2>
        <p className="muted">{t("journalHelp")}</p>
        {lines.length === 0 ? (
          <p className="muted">{t("noJournal")}</p>
        ) : (
          <ol className="replay-journal" data-testid="journal">
            {lines.map((j) => (
              <li key={j.id}>
                <button type="button" aria-current={current === j.id} onClick={() => jump(j.at, j.id)}>
                  <code>{j.line}</code>
                  <span className={`meta${j.exitCode === 0 ? "" : " fail"}`}>
                    {fmt(j.at)} · {t("exit", { code: j.exitCode })}
                  </span>
                </button>
              </li>
            ))}
          </ol>
        )}
      </aside>
    </div>
  );
}
