"use client";

import { useTranslations } from "next-intl";
import { useEffect, useId, useMemo, useState } from "react";
import { io, type Socket } from "socket.io-client";
import {
  type BoardGrid,
  type BoardStudentRow,
  decodeBoardRow,
  withCellDone,
} from "@/lib/classroom/board-grid";
import { type ClientToServer, PROTOCOL_VERSION, type ServerToClient } from "@/lib/protocol/socket";
import { ScrollX } from "./classroom/ScrollX";

interface Props {
  /** Students × steps as data (lib/classroom/board.ts): one short row per student. */
  grid: BoardGrid;
  lessons: Array<{ id: string; module: number; title: string; steps: Array<{ id: string; title: string }> }>;
  /** The server's clock when the grid was read ("n min on this step"). */
  now: number;
  labels: { student: string; live: string; connecting: string; watch: string; solution: string };
}

/**
 * Rows drawn in the server's HTML up to this many cells; a larger board (a lecture hall: 1,000
 * students × 33 steps) arrives as the grid's data alone and is drawn in the browser, so the page
 * stays a few hundred KB instead of megabytes of table markup.
 */
const SERVER_DRAWN_CELLS = 4_000;

/**
 * Every student × every step of the course, and the step each student is on now; cells tick
 * live as students complete steps. Used by /teach (all of a teacher's classes) and by a class's
 * board (app/classes/[id]/board).
 */
export function TeacherBoard(props: Props) {
  const t = useTranslations("teach");
  const c = useTranslations("classes");
  const [rows, setRows] = useState<BoardStudentRow[]>(props.grid.students);
  // The step titles' popovers are named by it: unique should a page show two boards.
  const uid = useId();
  const [live, setLive] = useState(false);
  const [drawn, setDrawn] = useState(
    props.grid.students.length * props.grid.columns.length <= SERVER_DRAWN_CELLS,
  );
  const columnOf = useMemo(
    () => new Map(props.grid.columns.map((col, i) => [`${col.lessonId}/${col.stepId}`, i])),
    [props.grid.columns],
  );
  const cells = useMemo(
    () =>
      props.lessons.flatMap((l) =>
        l.steps.map((s, i) => ({ lesson: l, step: s, n: i + 1, key: `${l.id}/${s.id}` })),
      ),
    [props.lessons],
  );

  useEffect(() => {
    setDrawn(true);
    const socket: Socket<ServerToClient, ClientToServer> = io({
      path: "/socket.io",
      auth: { protocol: PROTOCOL_VERSION },
    });
    socket.on("connect", () => setLive(true));
    socket.on("disconnect", () => setLive(false));
    socket.on("student:progress", (m) => {
      const column = columnOf.get(`${m.lessonId}/${m.stepId}`);
      if (column === undefined) return;
      setRows((prev) => {
        const i = prev.findIndex((r) => r.id === m.userId);
        if (i < 0) return prev;
        const next = withCellDone(prev[i]!, column);
        if (next === prev[i]) return prev;
        const copy = prev.slice();
        copy[i] = next;
        return copy;
      });
    });
    return () => {
      socket.close();
    };
  }, [columnOf]);

  return (
    <div className="boardwrap">
      <p className="who" data-live={live}>
        {live ? `● ${props.labels.live}` : `○ ${props.labels.connecting}`}
      </p>
      <dl className="legend" aria-label={t("legend")} data-testid="legend">
        <div>
          <dt className="cellsample" data-done="true">
            ✓
          </dt>
          <dd>{t("legendDone")}</dd>
        </div>
        <div>
          <dt className="cellsample" data-current="true">
            {"\u00a0"}
          </dt>
          <dd>{c("nowOn")}</dd>
        </div>
        <div>
          <dt className="cellsample">
            <sup className="sol">S</sup>
          </dt>
          <dd>{t("legendSolution")}</dd>
        </div>
        <div>
          <dt className="cellsample step">1</dt>
          <dd>{t("legendSteps")}</dd>
        </div>
        <div>
          <dt>
            <span className="student">{props.labels.student}</span>
          </dt>
          <dd>{t("legendWatch")}</dd>
        </div>
      </dl>
      <ScrollX label={t("title")}>
        <table className="board" data-testid="board" aria-busy={!drawn}>
          <colgroup>
            <col className="namecol" />
            {cells.map((x) => (
              <col key={x.key} className="cellcol" />
            ))}
          </colgroup>
          <thead>
            <tr>
              <th rowSpan={2}>{props.labels.student}</th>
              {props.lessons.map((l) => (
                <th
                  key={l.id}
                  colSpan={l.steps.length}
                  title={`${l.module}. ${l.title}`}
                  className="lessoncol"
                >
                  {l.module}. {l.title}
                </th>
              ))}
            </tr>
            <tr>
              {cells.map((x, i) => (
                <th key={x.key} className="stepcol">
                  {/* A tap (or click, or Enter) shows the step's title: a phone has no hover. The
                      title is in the button's name for a screen reader, and in its tooltip. */}
                  <button
                    type="button"
                    popoverTarget={`${uid}-step-${i}`}
                    aria-label={t("stepName", { n: x.n, title: x.step.title })}
                    title={x.step.title}
                  >
                    {x.n}
                  </button>
                  <span popover="auto" id={`${uid}-step-${i}`} className="steptitle">
                    <span className="lessonname">
                      {x.lesson.module}. {x.lesson.title}
                    </span>
                    <br />
                    <strong>{t("stepName", { n: x.n, title: x.step.title })}</strong>
                  </span>
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {drawn
              ? rows.map((row) => (
                  <StudentRow
                    key={row.id}
                    row={row}
                    cells={cells}
                    columnOf={columnOf}
                    now={props.now}
                    labels={props.labels}
                  />
                ))
              : null}
          </tbody>
        </table>
      </ScrollX>
    </div>
  );
}

function StudentRow({
  row,
  cells,
  columnOf,
  now,
  labels,
}: Pick<Props, "now" | "labels"> & {
  row: BoardStudentRow;
  cells: Array<{
    lesson: Props["lessons"][number];
    step: { id: string; title: string };
    n: number;
    key: string;
  }>;
  columnOf: Map<string, number>;
}) {
  const t = useTranslations("teach");
  const c = useTranslations("classes");
  const decoded = useMemo(() => decodeBoardRow(row), [row]);
  const here = row.current === null ? undefined : cells.find((x) => columnOf.get(x.key) === row.current);
  const minutes = row.since === null ? null : Math.max(0, Math.round((now - row.since) / 60_000));
  return (
    <tr data-student={row.email}>
      <th scope="row">
        <a className="student" href={`/teach/watch/${row.id}`} title={labels.watch}>
          {row.name}
        </a>
        {here ? (
          <span
            className="pos"
            data-testid="position"
            title={`${c("nowOn")}: ${here.lesson.module}. ${here.lesson.title} — ${here.step.title}`}
          >
            {here.lesson.module}.{here.n}
            {minutes !== null ? ` · ${c("minutes", { n: minutes })}` : ""}
          </span>
        ) : null}
      </th>
      {cells.map((x) => {
        const cell = decoded[columnOf.get(x.key) ?? -1];
        const ok = cell?.done ?? false;
        const solution = cell?.solutionShown ?? false;
        const info = [
          `${x.lesson.title} — ${x.step.title}`,
          cell?.started
            ? t("cell", { commands: cell.commands, errors: cell.errors, seconds: cell.seconds ?? "–" })
            : "",
          solution ? labels.solution : "",
        ]
          .filter(Boolean)
          .join("\n");
        return (
          <td
            key={x.key}
            data-cell={x.key}
            data-done={ok}
            data-solution={solution}
            data-current={here?.key === x.key || undefined}
            title={info}
          >
            {ok ? "✓" : ""}
            {solution ? <sup className="sol">S</sup> : null}
          </td>
        );
      })}
    </tr>
  );
}
