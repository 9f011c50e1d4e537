/** Durations and dates as kubectl prints them (apimachinery's duration helpers, Go time formats). */

/** duration.HumanDuration — shared with the API server's printers, as apimachinery is. */
export { humanDuration } from "../cluster/time";

const DAYS = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
const pad2 = (n: number): string => String(n).padStart(2, "0");

/** time.RFC1123Z in UTC: `Mon, 30 Nov 2026 02:55:00 +0000`. */
export function rfc1123z(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return `${DAYS[d.getUTCDay()]}, ${pad2(d.getUTCDate())} ${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()} ${pad2(
    d.getUTCHours(),
  )}:${pad2(d.getUTCMinutes())}:${pad2(d.getUTCSeconds())} +0000`;
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
