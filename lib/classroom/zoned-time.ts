/**
 * Opening and due times are entered as wall-clock times in the class's time zone (a teacher in
 * Tokyo types 17:00 and means 17:00 in Tokyo, whatever the server's zone) and shown in the
 * viewer's language, still in the class's zone, with the zone named. Pure, built on Intl.
 */

/** Whether `tz` is an IANA zone this runtime knows. */
export function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat("en", { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

/** Offset of `tz` from UTC at `instant`, in minutes (Tokyo: +540). */
export function zoneOffsetMinutes(tz: string, instant: Date): number {
  const parts = new Intl.DateTimeFormat("en-US", {
    timeZone: tz,
    hourCycle: "h23",
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
    second: "2-digit",
  }).formatToParts(instant);
  const n = (t: string) => Number(parts.find((p) => p.type === t)?.value);
  const asUtc = Date.UTC(n("year"), n("month") - 1, n("day"), n("hour"), n("minute"), n("second"));
  return Math.round((asUtc - Math.floor(instant.getTime() / 1000) * 1000) / 60_000);
}

const WALL = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/;

/**
 * "2026-12-24T17:00" in `tz` → the instant. A wall time skipped by a DST jump resolves forward
 * (like most calendars); an ambiguous one takes the earlier instant. Null when not a wall time.
 */
export function wallTimeToInstant(wall: string, tz: string): Date | null {
  const m = WALL.exec(wall);
  if (!m) return null;
  const [y, mo, d, h, mi, s] = m.slice(1).map((v) => Number(v ?? 0)) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 59) return null;
  const naive = Date.UTC(y, mo - 1, d, h, mi, s);
  const check = new Date(naive);
  if (check.getUTCDate() !== d || check.getUTCMonth() !== mo - 1) return null;
  // The offsets a day either side bracket any transition on this date.
  const offsets = [-1, 1].map((days) => zoneOffsetMinutes(tz, new Date(naive + days * 86_400_000)));
  const candidates = offsets
    .map((o) => new Date(naive - o * 60_000))
    .filter((c) => instantToWallTime(c, tz) === wall.slice(0, 16) && c.getUTCSeconds() === s)
    .sort((a, b) => a.getTime() - b.getTime());
  // None fits: the time falls in a DST gap; the offset from before the jump moves it forward.
  return candidates[0] ?? new Date(naive - (offsets[0] ?? 0) * 60_000);
}

/** The instant as a wall time in `tz`, in the `<input type="datetime-local">` format. */
export function instantToWallTime(instant: Date, tz: string): string {
  const shifted = new Date(instant.getTime() + zoneOffsetMinutes(tz, instant) * 60_000);
  return shifted.toISOString().slice(0, 16);
}

/** "2026/12/24 17:00 JST" (ja) or "Dec 24, 2026, 5:00 PM GMT+9" (en): the class's zone, the viewer's words. */
export function formatInZone(instant: Date, tz: string, locale: "ja" | "en"): string {
  return new Intl.DateTimeFormat(locale === "ja" ? "ja-JP" : "en-US", {
    timeZone: tz,
    dateStyle: "medium",
    timeStyle: "short",
  })
    .format(instant)
    .concat(" ", zoneName(instant, tz, locale));
}

function zoneName(instant: Date, tz: string, locale: "ja" | "en"): string {
  const part = new Intl.DateTimeFormat(locale === "ja" ? "ja-JP" : "en-US", {
    timeZone: tz,
    timeZoneName: "short",
  })
    .formatToParts(instant)
    .find((p) => p.type === "timeZoneName");
  return part?.value ?? tz;
}
