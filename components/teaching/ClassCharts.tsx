"use client";

import {
  BarController,
  BarElement,
  CategoryScale,
  Chart,
  Legend,
  LinearScale,
  LineController,
  LineElement,
  PointElement,
  Tooltip,
} from "chart.js";
import { useEffect, useRef } from "react";
import { localTime } from "./local-time";
import "./teaching.css";

Chart.register(
  LineController,
  LineElement,
  PointElement,
  LinearScale,
  BarController,
  BarElement,
  CategoryScale,
  Legend,
  Tooltip,
);

interface Props {
  lang: "ja" | "en";
  /** The time axis (epoch ms): from a little before the first completion to now. */
  from: number;
  to: number;
  steps: Array<{ label: string; short: string; done: Array<[number, number]>; median: number | null }>;
  labels: {
    doneOverTime: string;
    medianTime: string;
    studentsDone: string;
    minutes: string;
    time: string;
    noData: string;
  };
}

const COLORS = ["#326ce5", "#1f9d55", "#b7791f", "#c0392b", "#8e44ad", "#16a085", "#d35400", "#2c3e50"];

/** Chart.js charts of one lesson: students done per step over time, median minutes per step. */
export function ClassCharts({ lang, from, to, steps, labels }: Props) {
  const lineRef = useRef<HTMLCanvasElement>(null);
  const barRef = useRef<HTMLCanvasElement>(null);
  const any = steps.some((s) => s.done.length > 0);

  useEffect(() => {
    if (!any || !lineRef.current || !barRef.current) return;
    const font = getComputedStyle(document.body).fontFamily;
    Chart.defaults.font.family = font;
    Chart.defaults.color = "#1d2330";
    const clock = (ms: number) => localTime(lang, ms, { date: "numeric" });
    const line = new Chart(lineRef.current, {
      type: "line",
      data: {
        datasets: steps.map((s, i) => ({
          label: s.label,
          // From zero at the start to the count now: a step line across the whole axis.
          data: [
            { x: from, y: 0 },
            ...s.done.map(([x, y]) => ({ x, y })),
            { x: to, y: s.done.at(-1)?.[1] ?? 0 },
          ],
          borderColor: COLORS[i % COLORS.length],
          backgroundColor: COLORS[i % COLORS.length],
          stepped: "before" as const,
          pointRadius: (ctx: { dataIndex: number }) =>
            ctx.dataIndex === 0 || ctx.dataIndex === s.done.length + 1 ? 0 : 3,
        })),
      },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        scales: {
          x: {
            type: "linear",
            min: from,
            max: to,
            title: { display: true, text: labels.time },
            ticks: { callback: (v) => clock(Number(v)), maxTicksLimit: 6 },
          },
          y: {
            beginAtZero: true,
            ticks: { precision: 0 },
            title: { display: true, text: labels.studentsDone },
          },
        },
        plugins: {
          legend: { position: "bottom", labels: { boxWidth: 12 } },
          tooltip: { callbacks: { title: (items) => clock(Number(items[0]?.parsed.x ?? 0)) } },
        },
      },
    });
    const bar = new Chart(barRef.current, {
      type: "bar",
      data: {
        labels: steps.map((s) => s.short),
        datasets: [
          {
            label: labels.medianTime,
            data: steps.map((s) => s.median),
            backgroundColor: steps.map((_, i) => COLORS[i % COLORS.length] as string),
          },
        ],
      },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        scales: { y: { beginAtZero: true, title: { display: true, text: labels.minutes } } },
        plugins: {
          legend: { display: false },
          tooltip: { callbacks: { title: (items) => steps[items[0]?.dataIndex ?? 0]?.label ?? "" } },
        },
      },
    });
    return () => {
      line.destroy();
      bar.destroy();
    };
  }, [any, steps, labels, lang, from, to]);

  if (!any) return <p className="muted">{labels.noData}</p>;
  return (
    <div className="charts-grid">
      <section className="card">
        <h2>{labels.doneOverTime}</h2>
        <div className="chart-box">
          <canvas ref={lineRef} role="img" aria-label={labels.doneOverTime} data-testid="chart-done" />
        </div>
      </section>
      <section className="card">
        <h2>{labels.medianTime}</h2>
        <div className="chart-box">
          <canvas ref={barRef} role="img" aria-label={labels.medianTime} data-testid="chart-median" />
        </div>
        <ol className="muted">
          {steps.map((s) => (
            <li key={s.short}>{s.label}</li>
          ))}
        </ol>
      </section>
    </div>
  );
}
