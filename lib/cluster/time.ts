/**
 * Time formats of the Kubernetes API (always UTC) and kubectl's human durations, and the one
 * place month and day names are spelled (utcFields) for every format that prints them.
 */

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
const WEEKDAYS = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
const pad2 = (n: number): string => String(n).padStart(2, "0");

/** The UTC calendar fields of a given instant, ready for C's and Go's date formats. */
export interface UtcFields {
  year: number;
  /** 1–12. */
  month: number;
  /** `01`–`12`. */
  mm: string;
  /** `Jan`. */
  monthName: string;
  /** 1–31. */
  day: number;
  /** `01`–`31`. */
  dd: string;
  /** `Sun`. */
  weekday: string;
  /** `05:31:48`. */
  hms: string;
}

export function utcFields(ms: number): UtcFields {
  const d = new Date(ms);
  const month = d.getUTCMonth() + 1;
  return {
    year: d.getUTCFullYear(),
    month,
    mm: pad2(month),
    monthName: MONTHS[month - 1] ?? "",
    day: d.getUTCDate(),
    dd: pad2(d.getUTCDate()),
    weekday: WEEKDAYS[d.getUTCDay()] ?? "",
    hms: `${pad2(d.getUTCHours())}:${pad2(d.getUTCMinutes())}:${pad2(d.getUTCSeconds())}`,
  };
}

/** `metav1.Time`: RFC 3339 with second precision, e.g. `2026-11-30T02:55:00Z`. */
export function rfc3339(ms: number): string {
  return `${new Date(Math.floor(ms / 1000) * 1000).toISOString().slice(0, 19)}Z`;
}

/** `metav1.MicroTime`, e.g. `2026-11-30T02:55:00.000000Z`. */
export function microTime(ms: number): string {
  const iso = new Date(ms).toISOString();
  return `${iso.slice(0, 23)}000Z`;
}

/** An RFC 3339 timestamp's instant; undefined for anything else (a missing or malformed field). */
export function parseTime(s: unknown): number | undefined {
  if (typeof s !== "string" || s === "") return undefined;
  const t = Date.parse(s);
  return Number.isNaN(t) ? undefined : t;
}

/** apimachinery's `duration.HumanDuration`: `45s`, `5m1s`, `89m`, `3h4m`, `2d3h`, … */
export function humanDuration(ms: number): string {
  const seconds = Math.floor(ms / 1000);
  if (seconds < -1) return "<invalid>";
  if (seconds < 0) return "0s";
  if (seconds < 60 * 2) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 10) {
    const s = seconds % 60;
    return s === 0 ? `${minutes}m` : `${minutes}m${s}s`;
  }
  if (minutes < 60 * 3) return `${minutes}m`;
  const hours = Math.floor(minutes / 60);
  if (hours < 8) {
    const m = minutes % 60;
    return m === 0 ? `${hours}h` : `${hours}h${m}m`;
  }
  if (hours < 48) return `${hours}h`;
  if (hours < 24 * 8) {
    const h = hours % 24;
    return h === 0 ? `${Math.floor(hours / 24)}d` : `${Math.floor(hours / 24)}d${h}h`;
  }
  if (hours < 24 * 365 * 2) return `${Math.floor(hours / 24)}d`;
  if (hours < 24 * 365 * 8) {
    const dy = Math.floor(hours / 24) % 365;
    const y = Math.floor(hours / 24 / 365);
    return dy === 0 ? `${y}y` : `${y}y${dy}d`;
  }
  return `${Math.floor(hours / 24 / 365)}y`;
}

/** kubectl's `translateTimestampSince`: `<unknown>` for a missing timestamp. */
export function since(ts: string | null | undefined, now: number): string {
  const t = parseTime(ts);
  return t === undefined ? "<unknown>" : humanDuration(now - t);
}
