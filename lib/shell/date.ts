/**
 * `date`: GNU date's output in UTC (the workstation's zone), `+FORMAT` with the common
 * directives, `-d`/`--date` (`@EPOCH`, `YYYY-MM-DD[ HH:MM[:SS]]`, ISO 8601, `now`), `-u`,
 * `-I[date|seconds]`, `-R`. Time comes from the session's clock only; names come from
 * lib/cluster/time's utcFields.
 */
import { type UtcFields, utcFields } from "../cluster/time";
import type { Builtin } from "./builtins";

const FULL_DAYS: Record<string, string> = {
  Sun: "Sunday",
  Mon: "Monday",
  Tue: "Tuesday",
  Wed: "Wednesday",
  Thu: "Thursday",
  Fri: "Friday",
  Sat: "Saturday",
};
const FULL_MONTHS: Record<string, string> = {
  Jan: "January",
  Feb: "February",
  Mar: "March",
  Apr: "April",
  May: "May",
  Jun: "June",
  Jul: "July",
  Aug: "August",
  Sep: "September",
  Oct: "October",
  Nov: "November",
  Dec: "December",
};
const DAY_INDEX = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];

const p2 = (n: number): string => String(n).padStart(2, "0");

/** Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil). */
function daysFromCivil(y0: number, m: number, d: number): number {
  const y = m <= 2 ? y0 - 1 : y0;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

/** UTC milliseconds of a calendar date and time. */
function utcMs(y: number, mo: number, d: number, h: number, mi: number, s: number): number {
  return ((daysFromCivil(y, mo, d) * 24 + h) * 60 + mi) * 60_000 + s * 1000;
}

/** One instant as formatDate's directives read it. */
interface Instant {
  ms: number;
  f: UtcFields;
  hh: string;
  mi: string;
  ss: string;
  /** Hour of the day, 0–23. */
  h: number;
  /** Day of the year, 1–366. */
  yday: number;
  /** Day of the week, 0 = Sunday. */
  wday: number;
}

/** A number padded to `width` with `def` ("0" or " "), unless a `-`, `_` or `0` flag says otherwise. */
type Pad = (v: number, width: number, def?: "0" | " ") => string;

const hour12 = (h: number): number => (h % 12 === 0 ? 12 : h % 12);

/** GNU date's conversion directives: what `%X` turns into. */
const DIRECTIVES: Readonly<Record<string, (t: Instant, num: Pad) => string | number>> = {
  Y: (t) => t.f.year,
  C: (t, num) => num(Math.floor(t.f.year / 100), 2),
  y: (t, num) => num(t.f.year % 100, 2),
  m: (t, num) => num(t.f.month, 2),
  d: (t, num) => num(t.f.day, 2),
  e: (t, num) => num(t.f.day, 2, " "),
  H: (t, num) => num(t.h, 2),
  k: (t, num) => num(t.h, 2, " "),
  I: (t, num) => num(hour12(t.h), 2),
  l: (t, num) => num(hour12(t.h), 2, " "),
  M: (t, num) => num(Number(t.mi), 2),
  S: (t, num) => num(Number(t.ss), 2),
  N: (t) => String((t.ms % 1000) * 1_000_000).padStart(9, "0"),
  p: (t) => (t.h < 12 ? "AM" : "PM"),
  P: (t) => (t.h < 12 ? "am" : "pm"),
  a: (t) => t.f.weekday,
  A: (t) => FULL_DAYS[t.f.weekday] ?? t.f.weekday,
  b: (t) => t.f.monthName,
  h: (t) => t.f.monthName,
  B: (t) => FULL_MONTHS[t.f.monthName] ?? t.f.monthName,
  j: (t, num) => num(t.yday, 3),
  u: (t) => (t.wday === 0 ? 7 : t.wday),
  w: (t) => t.wday,
  s: (t) => Math.floor(t.ms / 1000),
  Z: () => "UTC",
  z: () => "+0000",
  F: (t) => `${t.f.year}-${t.f.mm}-${t.f.dd}`,
  T: (t) => t.f.hms,
  R: (t) => `${t.hh}:${t.mi}`,
  D: (t) => `${t.f.mm}/${t.f.dd}/${p2(t.f.year % 100)}`,
  c: (t) => `${t.f.weekday} ${t.f.monthName} ${String(t.f.day).padStart(2)} ${t.f.hms} ${t.f.year}`,
  x: (t) => `${t.f.mm}/${t.f.dd}/${p2(t.f.year % 100)}`,
  X: (t) => t.f.hms,
  n: () => "\n",
  t: () => "\t",
  "%": () => "%",
};

/** Formats `ms` (UTC) with a strftime-like format as GNU date does. */
export function formatDate(ms: number, format: string): string {
  const f = utcFields(ms);
  const [hh = "00", mi = "00", ss = "00"] = f.hms.split(":");
  const instant: Instant = {
    ms,
    f,
    hh,
    mi,
    ss,
    h: Number(hh),
    yday: daysFromCivil(f.year, f.month, f.day) - daysFromCivil(f.year, 1, 1) + 1,
    wday: DAY_INDEX.indexOf(f.weekday),
  };
  let out = "";
  for (let i = 0; i < format.length; i++) {
    const c = format[i];
    if (c !== "%" || i + 1 >= format.length) {
      out += c;
      continue;
    }
    let d = format[++i] ?? "";
    let pad: string | undefined;
    if (d === "-" || d === "_" || d === "0") {
      pad = d;
      d = format[++i] ?? "";
    }
    const num: Pad = (v, width, def = "0") => {
      if (pad === "-") return String(v);
      return String(v).padStart(width, pad === "_" ? " " : pad === "0" ? "0" : def);
    };
    const directive = Object.hasOwn(DIRECTIVES, d) ? DIRECTIVES[d] : undefined;
    out += directive === undefined ? `%${d}` : directive(instant, num);
  }
  return out;
}

/** Parses `-d` strings; undefined when GNU date would say "invalid date". */
export function parseDateString(s: string, now: number): number | undefined {
  const t = s.trim();
  if (t === "" || t === "now") return now;
  const epoch = /^@(-?\d+(?:\.\d+)?)$/.exec(t);
  if (epoch !== null) return Math.floor(Number(epoch[1]) * 1000);
  const m =
    /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?)?\s*(Z|UTC|[+-]\d{2}:?\d{2})?$/.exec(
      t,
    );
  if (m !== null) {
    let v = utcMs(
      Number(m[1]),
      Number(m[2]),
      Number(m[3]),
      Number(m[4] ?? 0),
      Number(m[5] ?? 0),
      Number(m[6] ?? 0),
    );
    const tz = m[7];
    if (tz !== undefined && tz !== "Z" && tz !== "UTC") {
      const z = /([+-])(\d{2}):?(\d{2})/.exec(tz);
      if (z !== null) v -= (z[1] === "-" ? -1 : 1) * (Number(z[2]) * 60 + Number(z[3])) * 60_000;
    }
    return Number.isNaN(v) ? undefined : v;
  }
  const rel = /^(-?\d+)\s+(second|minute|hour|day|week)s?(\s+ago)?$/.exec(t);
  if (rel !== null) {
    const unit = { second: 1, minute: 60, hour: 3600, day: 86400, week: 604800 }[rel[2] ?? "second"] ?? 1;
    const sign = rel[3] === undefined ? 1 : -1;
    return now + sign * Number(rel[1]) * unit * 1000;
  }
  if (t === "yesterday") return now - 86_400_000;
  if (t === "tomorrow") return now + 86_400_000;
  return undefined;
}

export const date: Builtin = ({ argv, shell, out, err }) => {
  let when = shell.opts.clock.now();
  let format: string | undefined;
  const args = argv.slice(1);
  for (let i = 0; i < args.length; i++) {
    const a = args[i] ?? "";
    if (a === "-u" || a === "--utc" || a === "--universal") continue;
    if (a.startsWith("+")) {
      if (format !== undefined) {
        err(`date: extra operand \u2018${a}\u2019\nTry 'date --help' for more information.\n`);
        return 1;
      }
      format = a.slice(1);
      continue;
    }
    let dateArg: string | undefined;
    if (a === "-d" || a === "--date") dateArg = args[++i];
    else if (a.startsWith("--date=")) dateArg = a.slice(7);
    else if (a.startsWith("-d") && a.length > 2) dateArg = a.slice(2);
    if (dateArg !== undefined || a === "-d" || a === "--date") {
      if (dateArg === undefined) {
        err("date: option requires an argument -- 'd'\nTry 'date --help' for more information.\n");
        return 1;
      }
      const v = parseDateString(dateArg, shell.opts.clock.now());
      if (v === undefined) {
        err(`date: invalid date \u2018${dateArg}\u2019\n`);
        return 1;
      }
      when = v;
      continue;
    }
    if (a === "-I" || a === "--iso-8601" || a === "-Idate" || a === "--iso-8601=date") {
      format = "%Y-%m-%d";
      continue;
    }
    if (a === "-Iseconds" || a === "--iso-8601=seconds") {
      format = "%Y-%m-%dT%H:%M:%S+00:00";
      continue;
    }
    if (a === "-R" || a === "--rfc-email") {
      format = "%a, %d %b %Y %H:%M:%S +0000";
      continue;
    }
    if (a.startsWith("-") && a.length > 1) {
      err(`date: invalid option -- '${a.slice(1, 2)}'\nTry 'date --help' for more information.\n`);
      return 1;
    }
    err(`date: invalid date \u2018${a}\u2019\n`);
    return 1;
  }
  out(`${formatDate(when, format ?? "%a %b %e %H:%M:%S %Z %Y")}\n`);
  return 0;
};
