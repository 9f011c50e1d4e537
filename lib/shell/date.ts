/**
 * `date`: GNU date's output in UTC (the workstation's zone), `+FORMAT` with the common
 * directives, `-d`/`--date` (`@EPOCH`, `YYYY-MM-DD[ HH:MM[:SS]]`, ISO 8601, `now`), `-u`,
 * `-I[date|seconds]`, `-R`. Time comes from the session's clock only; names come from
 * lib/cluster/time's utcFields.
 */
import { utcFields } from "../cluster/time";
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

/** Formats `ms` (UTC) with a strftime-like format as GNU date does. */
export function formatDate(ms: number, format: string): string {
  const f = utcFields(ms);
  const [hh = "00", mi = "00", ss = "00"] = f.hms.split(":");
  const h = Number(hh);
  const yday = daysFromCivil(f.year, f.month, f.day) - daysFromCivil(f.year, 1, 1) + 1;
  const wday = DAY_INDEX.indexOf(f.weekday);
  const secs = Math.floor(ms / 1000);
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
    const num = (v: number, width: number, def: "0" | " " = "0"): string => {
      if (pad === "-") return String(v);
      return String(v).padStart(width, pad === "_" ? " " : pad === "0" ? "0" : def);
    };
    switch (d) {
      case "Y":
        out += f.year;
        break;
      case "C":
        out += num(Math.floor(f.year / 100), 2);
        break;
      case "y":
        out += num(f.year % 100, 2);
        break;
      case "m":
        out += num(f.month, 2);
        break;
      case "d":
        out += num(f.day, 2);
        break;
      case "e":
        out += num(f.day, 2, " ");
        break;
      case "H":
        out += num(h, 2);
        break;
      case "k":
        out += num(h, 2, " ");
        break;
      case "I":
        out += num(h % 12 === 0 ? 12 : h % 12, 2);
        break;
      case "l":
        out += num(h % 12 === 0 ? 12 : h % 12, 2, " ");
        break;
      case "M":
        out += num(Number(mi), 2);
        break;
      case "S":
        out += num(Number(ss), 2);
        break;
      case "N":
        out += String((ms % 1000) * 1_000_000).padStart(9, "0");
        break;
      case "p":
        out += h < 12 ? "AM" : "PM";
        break;
      case "P":
        out += h < 12 ? "am" : "pm";
        break;
      case "a":
        out += f.weekday;
        break;
      case "A":
        out += FULL_DAYS[f.weekday] ?? f.weekday;
        break;
      case "b":
      case "h":
        out += f.monthName;
        break;
      case "B":
        out += FULL_MONTHS[f.monthName] ?? f.monthName;
        break;
      case "j":
        out += num(yday, 3);
        break;
      case "u":
        out += wday === 0 ? 7 : wday;
        break;
      case "w":
        out += wday;
        break;
      case "s":
        out += secs;
        break;
      case "Z":
        out += "UTC";
        break;
      case "z":
        out += "+0000";
        break;
      case "F":
        out += `${f.year}-${f.mm}-${f.dd}`;
        break;
      case "T":
        out += f.hms;
        break;
      case "R":
        out += `${hh}:${mi}`;
        break;
      case "D":
        out += `${f.mm}/${f.dd}/${p2(f.year % 100)}`;
        break;
      case "c":
        out += `${f.weekday} ${f.monthName} ${String(f.day).padStart(2)} ${f.hms} ${f.year}`;
        break;
      case "x":
        out += `${f.mm}/${f.dd}/${p2(f.year % 100)}`;
        break;
      case "X":
        out += f.hms;
        break;
      case "n":
        out += "\n";
        break;
      case "t":
        out += "\t";
        break;
      case "%":
        out += "%";
        break;
      default:
        out += `%${d}`;
    }
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
