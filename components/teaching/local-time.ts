/**
 * The times the teacher's pages show (live session, replays, charts): the browser's own time
 * zone, 24-hour, the day before the month in English; `date` adds the day and month (as a
 * number or a short name), `seconds` the seconds.
 */
export function localTime(
  lang: "ja" | "en",
  at: number | string,
  show: { date?: "numeric" | "short"; seconds?: boolean },
): string {
  return new Date(at).toLocaleString(lang === "ja" ? "ja-JP" : "en-GB", {
    ...(show.date ? { month: show.date, day: "numeric" } : {}),
    hour: "2-digit",
    minute: "2-digit",
    ...(show.seconds ? { second: "2-digit" } : {}),
  });
}
