/** Durations and dates as kubectl prints them (apimachinery's duration helpers, Go time formats). */

/** duration.HumanDuration — shared with the API server's printers, as apimachinery is. */
export { humanDuration } from "../cluster/time";

import { utcFields } from "../cluster/time";

/** time.RFC1123Z in UTC: `Mon, 30 Nov 2026 02:55:00 +0000`. */
export function rfc1123z(iso: string): string {
  const ms = parseTime(iso);
  if (ms === undefined) return iso;
  const t = utcFields(ms);
  return `${t.weekday}, ${t.dd} ${t.monthName} ${t.year} ${t.hms} +0000`;
}

/** RFC3339 in UTC with nanoseconds as Go prints `time.RFC3339Nano`. */
export function rfc3339(ms: number): string {
  return new Date(ms).toISOString().replace(/\.000Z$/, "Z");
}

export function parseTime(iso: unknown): number | undefined {
  if (typeof iso !== "string" || iso === "") return undefined;
  const t = Date.parse(iso);
  return Number.isNaN(t) ? undefined : t;
}
