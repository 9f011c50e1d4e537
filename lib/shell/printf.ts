/**
 * bash's `printf`: `%[-+ 0#][width][.precision]` with d i u o x X f F e E g G s b c q and `%%`,
 * `*` widths, the format reused while arguments remain, bash's messages for bad numbers.
 * Widths are bounded by the caller (`maxWidth`) before any padding is built.
 */
import { decodeEscapes } from "./parse";

export interface PrintfResult {
  text: string;
  errors: string[];
  /** `%b` met `\c`: stop all output there. */
  stopped: boolean;
}

const SPEC = /%([-+ 0#]*)(\*|\d+)?(?:\.(\*|\d*))?([diouxXfFeEgGsbcq%])/g;

function numberArg(a: string | undefined, errors: string[], float: boolean): number {
  if (a === undefined || a === "") return 0;
  if (/^['"]/.test(a)) return a.length > 1 ? (a.codePointAt(1) ?? 0) : 0;
  const t = a.trim();
  const n = float
    ? Number(t)
    : /^[-+]?0[xX][0-9a-fA-F]+$/.test(t)
      ? Number.parseInt(t, 16)
      : /^[-+]?0[0-7]+$/.test(t)
        ? Number.parseInt(t, 8)
        : Number(t);
  if (t === "" || Number.isNaN(n) || (!float && !/^[-+]?(0[xX][0-9a-fA-F]+|\d+)$/.test(t))) {
    const lead = float ? /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?/.exec(t) : /^[-+]?\d+/.exec(t);
    errors.push(`printf: ${a}: invalid number`);
    return lead === null ? 0 : Number(lead[0]);
  }
  return float ? n : Math.trunc(n);
}

export function expo(v: number, prec: number, upper: boolean): string {
  const s = v.toExponential(prec);
  const m = /^(-?[\d.]+)e([-+])(\d+)$/.exec(s);
  const out = m === null ? s : `${m[1]}e${m[2]}${(m[3] ?? "").padStart(2, "0")}`;
  return upper ? out.toUpperCase() : out;
}

export function general(v: number, prec: number, alt: boolean, upper: boolean): string {
  const p = prec === 0 ? 1 : prec;
  if (v === 0) return "0";
  const e = Math.floor(Math.log10(Math.abs(v)));
  let out: string;
  if (e < -4 || e >= p) {
    out = expo(v, p - 1, upper);
    if (!alt) out = out.replace(/\.?0+(e)/i, "$1");
  } else {
    out = v.toFixed(Math.max(0, p - 1 - e));
    if (!alt && out.includes(".")) out = out.replace(/\.?0+$/, "");
  }
  return out;
}

const shellQuote = (s: string): string =>
  s === "" ? "''" : /^[\w@%+=:,./-]+$/.test(s) ? s : s.replace(/([^\w@%+=:,./-])/g, "\\$1");

/** A converted field padded to `width`: on the right for `-`, with zeros after the sign for `0` on a number. */
export function padField(
  body: string,
  o: { width: number; left: boolean; zero: boolean; prec: number | undefined; conv: string },
): string {
  const len = [...body].length;
  if (len >= o.width) return body;
  if (o.left) return body + " ".repeat(o.width - len);
  if (o.zero && (o.prec === undefined || !"diouxX".includes(o.conv))) {
    const sign = /^[-+ ]/.test(body) ? body[0] : "";
    const rest = sign === "" ? body : body.slice(1);
    const prefix = /^0[xX]/.test(rest) ? rest.slice(0, 2) : "";
    return sign + prefix + "0".repeat(o.width - len) + rest.slice(prefix.length);
  }
  return " ".repeat(o.width - len) + body;
}

export function formatPrintf(format: string, args: string[], maxWidth: number): PrintfResult {
  const errors: string[] = [];
  let text = "";
  let stopped = false;
  const fmt = decodeEscapes(format, true);
  const f = fmt.text;
  let argi = 0;
  let guard = 0;
  const next = (): string | undefined => args[argi++];
  do {
    const consumedBefore = argi;
    text += f.replace(
      SPEC,
      (_m, flags: string, widthS: string | undefined, precS: string | undefined, conv: string) => {
        if (stopped) return "";
        if (conv === "%") return "%";
        let width = widthS === "*" ? numberArg(next(), errors, false) : Number(widthS ?? 0);
        let left = flags.includes("-");
        if (width < 0) {
          left = true;
          width = -width;
        }
        const prec =
          precS === undefined
            ? undefined
            : precS === "*"
              ? numberArg(next(), errors, false)
              : Number(precS || 0);
        if (width > maxWidth || (prec ?? 0) > maxWidth) throw new RangeError("width");
        const a = next();
        /** The sign a number's text starts with: `-`, or what the `+` and space flags ask for. */
        const sign = (negative: boolean): string =>
          negative ? "-" : flags.includes("+") ? "+" : flags.includes(" ") ? " " : "";
        let body: string;
        let numeric = false;
        switch (conv) {
          case "s":
            body = a ?? "";
            if (prec !== undefined) body = [...body].slice(0, prec).join("");
            break;
          case "q":
            body = shellQuote(a ?? "");
            break;
          case "b": {
            const d = decodeEscapes(a ?? "", true);
            body = d.text;
            if (prec !== undefined) body = body.slice(0, prec);
            if (d.stop) stopped = true;
            break;
          }
          case "c":
            body = [...(a ?? "")][0] ?? "";
            break;
          case "d":
          case "i":
          case "u":
          case "o":
          case "x":
          case "X": {
            numeric = true;
            const n = numberArg(a, errors, false);
            const signed = "diu".includes(conv);
            // %o and %x print a negative number as its 64-bit two's complement
            const digits = signed ? Math.abs(n) : n < 0 ? BigInt.asUintN(64, BigInt(n)) : BigInt(n);
            body = digits.toString(conv === "o" ? 8 : signed ? 10 : 16);
            if (conv === "X") body = body.toUpperCase();
            if (prec !== undefined) body = body.padStart(prec, "0");
            if (signed) body = sign(n < 0) + body;
            else if (flags.includes("#") && n !== 0)
              body = (conv === "o" ? "0" : conv === "x" ? "0x" : "0X") + body;
            break;
          }
          default: {
            numeric = true;
            const n = numberArg(a, errors, true);
            const p = prec ?? 6;
            const lower = conv.toLowerCase();
            if (!Number.isFinite(n)) body = Number.isNaN(n) ? "nan" : n < 0 ? "-inf" : "inf";
            else if (lower === "f") body = Math.abs(n).toFixed(p);
            else if (lower === "e") body = expo(Math.abs(n), p, conv === "E");
            else body = general(Math.abs(n), p, flags.includes("#"), conv === "G");
            if (conv === "F" || conv === "E" || conv === "G") body = body.toUpperCase();
            body = sign(n < 0 || Object.is(n, -0)) + body;
          }
        }
        return padField(body, { width, left, zero: numeric && flags.includes("0"), prec, conv });
      },
    );
    if (stopped || argi === consumedBefore) break;
  } while (argi < args.length && ++guard < 10_000);
  if (fmt.stop) stopped = true;
  return { text, errors, stopped };
}
