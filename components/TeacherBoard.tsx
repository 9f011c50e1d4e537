"use client";

import { useTranslations } from "next-intl";
import { useEffect, useState } from "react";
import { io, type Socket } from "socket.io-client";
import { type ClientToServer, PROTOCOL_VERSION, type ServerToClient } from "@/lib/protocol/socket";

interface Props {
  students: Array<{ id: string; name: string; email: string }>;
  lessons: Array<{ id: string; module: number; title: string; steps: Array<{ id: string; title: string }> }>;
  /** `userId/lessonId/stepId` of every completed step. */
  done: string[];
  /** Steps whose solution the student opened. */
  solutions: string[];
  /** Per cell: commands, errors and time to completion, for the cell's tooltip. */
  stats: Record<string, string>;
  labels: { student: string; live: string; watch: string; solution: string };
}

/** Every student × every step of the course; cells tick live as students complete steps. */
export function TeacherBoard(props: Props) {
  const t = useTranslations("teach");
  const [done, setDone] = useState(() => new Set(props.done));
  const [live, setLive] = useState(false);
  const solutions = new Set(props.solutions);

  useEffect(() => {
    const socket: Socket<ServerToClient, ClientToServer> = io({
      path: "/socket.io",
      auth: { protocol: PROTOCOL_VERSION },
    });
    socket.on("connect", () => setLive(true));
    socket.on("disconnect", () => setLive(false));
    socket.on("student:progress", (m) =>
      setDone((prev) => new Set(prev).add(`${m.userId}/${m.lessonId}/${m.stepId}`)),
    );
    return () => {
      socket.close();
    };
  }, []);

  return (
    <div className="boardwrap">
      <p className="who" data-live={live}>
        {live ? `● ${props.labels.live}` : "○"}
      </p>
      <dl className="legend" aria-label={t("legend")} data-testid="legend">
        <div>
          <dt className="cellsample" data-done="true">
            ✓
          </dt>
          <dd>{t("legendDone")}</dd>
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
      <table className="board" data-testid="board">
        <colgroup>
          <col className="namecol" />
          {props.lessons.flatMap((l) =>
            l.steps.map((s) => <col key={`${l.id}/${s.id}`} className="cellcol" />),
          )}
        </colgroup>
        <thead>
          <tr>
            <th rowSpan={2}>{props.labels.student}</th>
            {props.lessons.map((l) => (
              <th key={l.id} colSpan={l.steps.length} title={`${l.module}. ${l.title}`} className="lessoncol">
                {l.module}. {l.title}
              </th>
            ))}
          </tr>
          <tr>
            {props.lessons.flatMap((l) =>
              l.steps.map((s, i) => (
                <th key={`${l.id}/${s.id}`} title={s.title} className="stepcol">
                  {i + 1}
                </th>
              )),
            )}
          </tr>
        </thead>
        <tbody>
          {props.students.map((st) => (
            <tr key={st.id} data-student={st.email}>
              <th scope="row">
                <a className="student" href={`/teach/watch/${st.id}`} title={props.labels.watch}>
                  {st.name}
                </a>
              </th>
              {props.lessons.flatMap((l) =>
                l.steps.map((s) => {
                  const key = `${st.id}/${l.id}/${s.id}`;
                  const ok = done.has(key);
                  const solution = solutions.has(key);
                  const info = [
                    `${l.title} — ${s.title}`,
                    props.stats[key],
                    solution ? props.labels.solution : "",
                  ]
                    .filter(Boolean)
                    .join("\n");
                  return (
                    <td
                      key={`${l.id}/${s.id}`}
                      data-cell={`${l.id}/${s.id}`}
                      data-done={ok}
                      data-solution={solution}
                      title={info}
                    >
                      {ok ? "✓" : ""}
                      {solution ? <sup className="sol">S</sup> : null}
                    </td>
                  );
                }),
              )}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
