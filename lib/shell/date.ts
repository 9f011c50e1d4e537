/**
 * `date`: GNU date's output in UTC (the workstation's zone), `+FORMAT` with the common
 * directives, `-d`/`--date` (`@EPOCH`, `YYYY-MM-DD[ HH:MM[:SS]]`, ISO 8601, `now`), `-u`,
 * `-I[date|seconds]`, `-R`. Time comes from the session's clock only; names come from
 * lib/cluster/time's utcFields.
 */

import { type UtcFields, utcFields } from "../cluster/time";
import type { Builtin } from "./builtins";
import { parseOrComplain, quoteArg, usageError } from "./getopt";

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
export function utcMs(y: number, mo: number, d: number, h: number, mi: number, s: number): number {
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

const ISO_FORMATS: Record<string, string> = {
  hours: "%Y-%m-%dT%H+00:00",
  minutes: "%Y-%m-%dT%H:%M+00:00",
  date: "%Y-%m-%d",
  seconds: "%Y-%m-%dT%H:%M:%S+00:00",
  ns: "%Y-%m-%dT%H:%M:%S,%N+00:00",
};

const RFC3339_FORMATS: Record<string, string> = {
  date: "%Y-%m-%d",
  seconds: "%Y-%m-%d %H:%M:%S+00:00",
  ns: "%Y-%m-%d %H:%M:%S.%N+00:00",
};

/** coreutils' words for a value outside an option's list (`--iso-8601=week`). */
function isoComplaint(v: string, option: string, valid: Record<string, string>): string {
  return `invalid argument ${quoteArg(v)} for ${quoteArg(option)}\nValid arguments are:\n${Object.keys(valid)
    .map((k) => `  - ${quoteArg(k)}`)
    .join("\n")}`;
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
  const o = parseOrComplain({ argv, out, err }, "date", {
    short: "d:I::r:Ru",
    long: {
      date: "d:",
      "iso-8601": "I::",
      reference: "r:",
      "rfc-email": "R",
      "rfc-3339": "rfc-3339:",
      utc: "u",
      universal: "u",
    },
    unsupported: { f: "file", s: "set" },
  });
  if (typeof o === "number") return o;
  let when = shell.opts.clock.now();
  let format: string | undefined;
  for (const [k, v = ""] of o.list) {
    if ((k === "I" || k === "R" || k === "rfc-3339") && format !== undefined) {
      err("date: multiple output formats specified\n");
      return 1;
    }
    if (k === "d") {
      const t = parseDateString(v, shell.opts.clock.now());
      if (t === undefined) {
        err(`date: invalid date ${quoteArg(v)}\n`);
        return 1;
      }
      when = t;
    } else if (k === "r") {
      const path = shell.resolve(v);
      if (!shell.fs.exists(path)) {
        err(`date: ${v}: No such file or directory\n`);
        return 1;
      }
      when = shell.fs.mtime(path);
    } else if (k === "I") {
      const iso = ISO_FORMATS[v === "" ? "date" : v];
      if (iso === undefined) return usageError(err, "date", isoComplaint(v, "--iso-8601", ISO_FORMATS));
      format = iso;
    } else if (k === "rfc-3339") {
      const f = RFC3339_FORMATS[v];
      if (f === undefined) return usageError(err, "date", isoComplaint(v, "--rfc-3339", RFC3339_FORMATS));
      format = f;
    } else if (k === "R") format = "%a, %d %b %Y %H:%M:%S +0000";
  }
  for (const a of o.operands) {
    if (!a.startsWith("+")) {
      err(`date: invalid date ${quoteArg(a)}\n`);
      return 1;
    }
    if (format !== undefined) {
      if (o.list.some(([k]) => k === "I" || k === "R" || k === "rfc-3339")) {
        err("date: multiple output formats specified\n");
        return 1;
      }
      return usageError(err, "date", `extra operand ${quoteArg(a)}`);
    }
    format = a.slice(1);
  }
  out(`${formatDate(when, format ?? "%a %b %e %H:%M:%S %Z %Y")}\n`);
  return 0;
};
