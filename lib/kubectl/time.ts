/** Durations and dates as kubectl prints them (apimachinery's duration helpers, Go time formats). */

/** duration.HumanDuration and metav1.Time — shared with the API server, as apimachinery is. */
export { humanDuration, parseTime, rfc3339 } from "../cluster/time";

import { parseTime, utcFields } from "../cluster/time";

/** time.RFC1123Z in UTC: `Mon, 30 Nov 2026 02:55:00 +0000`. */
export function rfc1123z(iso: string): string {
  const ms = parseTime(iso);
  if (ms === undefined) return iso;
  const t = utcFields(ms);
  return `${t.weekday}, ${t.dd} ${t.monthName} ${t.year} ${t.hms} +0000`;
}
