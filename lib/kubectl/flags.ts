/**
 * A command-line flag parser with the behaviour of spf13/pflag as cobra drives it for kubectl:
 * interspersed flags and arguments, `--flag=value` / `--flag value`, `-ovalue` / `-o value` /
 * `-o=value`, combined boolean shorthands (`-it`), `--` ending flag parsing, and pflag's error
 * texts. It never throws anything but FlagError.
 */

export type FlagKind = "bool" | "string" | "int" | "strings";

export interface FlagSpec {
  name: string;
  short?: string;
  kind: FlagKind;
  /** Default value as text (pflag's DefValue); bools default to "false". */
  def?: string;
  /** Shown by --help. */
  usage?: string;
  /** pflag's NoOptDefVal: the value of `--flag` given without `=value` (it then takes no next word). */
  noOptDef?: string;
}

export class FlagError extends Error {}

export interface ParsedFlags {
  args: string[];
  /** Number of positional args before `--`, or -1 when there was no `--` (cobra's ArgsLenAtDash). */
  argsLenAtDash: number;
  /** Flags given on the command line (pflag's Changed). */
  changed: Set<string>;
  str(name: string): string;
  bool(name: string): boolean;
  int(name: string): number;
  list(name: string): string[];
}

const TRUE = new Set(["1", "t", "T", "TRUE", "true", "True"]);
const FALSE = new Set(["0", "f", "F", "FALSE", "false", "False"]);

function flagLabel(spec: FlagSpec): string {
  return spec.short ? `-${spec.short}, --${spec.name}` : `--${spec.name}`;
}

function parseValue(spec: FlagSpec, raw: string): string | boolean | number {
  if (spec.kind === "bool") {
    if (TRUE.has(raw)) return true;
    if (FALSE.has(raw)) return false;
    throw new FlagError(
      `invalid argument "${raw}" for "${flagLabel(spec)}" flag: strconv.ParseBool: parsing "${raw}": invalid syntax`,
    );
  }
  if (spec.kind === "int") {
    const t = raw.trim();
    if (!/^[+-]?(0[xX][0-9a-fA-F]+|0[oO]?[0-7]*|0[bB][01]+|[1-9][0-9]*)$/.test(raw) || t !== raw) {
      throw new FlagError(
        `invalid argument "${raw}" for "${flagLabel(spec)}" flag: strconv.ParseInt: parsing "${raw}": invalid syntax`,
      );
    }
    const neg = raw.startsWith("-");
    const body = raw.replace(/^[+-]/, "");
    let n: number;
    if (/^0[xX]/.test(body)) n = Number.parseInt(body.slice(2), 16);
    else if (/^0[bB]/.test(body)) n = Number.parseInt(body.slice(2), 2);
    else if (/^0[oO]/.test(body)) n = Number.parseInt(body.slice(2), 8);
    else if (/^0[0-7]+$/.test(body)) n = Number.parseInt(body.slice(1), 8);
    else n = Number.parseInt(body, 10);
    return neg ? -n : n;
  }
  return raw;
}

/**
 * The specs of one list by long and by short name. A command's list is built once (flagsOf), so
 * its index is too, instead of two maps of some eighty entries per command line (ADR 0050).
 */
const specIndexes = new WeakMap<
  readonly FlagSpec[],
  { byName: ReadonlyMap<string, FlagSpec>; byShort: ReadonlyMap<string, FlagSpec> }
>();

function specIndex(specs: readonly FlagSpec[]): {
  byName: ReadonlyMap<string, FlagSpec>;
  byShort: ReadonlyMap<string, FlagSpec>;
} {
  let index = specIndexes.get(specs);
  if (index === undefined) {
    const byName = new Map<string, FlagSpec>();
    const byShort = new Map<string, FlagSpec>();
    for (const s of specs) {
      byName.set(s.name, s);
      if (s.short) byShort.set(s.short, s);
    }
    index = { byName, byShort };
    specIndexes.set(specs, index);
  }
  return index;
}

export function parseFlags(argv: readonly string[], specs: readonly FlagSpec[]): ParsedFlags {
  const { byName, byShort } = specIndex(specs);
  const values = new Map<string, string | boolean | number | string[]>();
  const changed = new Set<string>();
  const args: string[] = [];
  let argsLenAtDash = -1;

  const set = (spec: FlagSpec, raw: string): void => {
    const v = parseValue(spec, raw);
    changed.add(spec.name);
    if (spec.kind === "strings") {
      const prev = values.get(spec.name);
      const list = Array.isArray(prev) ? prev : [];
      values.set(spec.name, [...list, String(v)]);
    } else {
      values.set(spec.name, v);
    }
  };

  let i = 0;
  while (i < argv.length) {
    const a = argv[i] ?? "";
    i++;
    if (a === "--") {
      argsLenAtDash = args.length;
      args.push(...argv.slice(i));
      break;
    }
    if (a.length < 2 || a[0] !== "-") {
      args.push(a);
      continue;
    }
    if (a.startsWith("--")) {
      const body = a.slice(2);
      const eq = body.indexOf("=");
      const name = eq >= 0 ? body.slice(0, eq) : body;
      const spec = byName.get(name);
      if (!spec) {
        if (name === "help") throw new HelpRequested();
        throw new FlagError(`unknown flag: --${name}`);
      }
      if (eq >= 0) set(spec, body.slice(eq + 1));
      else if (spec.kind === "bool") set(spec, "true");
      else if (spec.noOptDef !== undefined) set(spec, spec.noOptDef);
      else if (i < argv.length) {
        set(spec, argv[i] ?? "");
        i++;
      } else throw new FlagError(`flag needs an argument: --${name}`);
      continue;
    }
    let shorts = a.slice(1);
    while (shorts.length > 0) {
      const c = shorts[0] ?? "";
      const spec = byShort.get(c);
      if (!spec) {
        if (c === "h") throw new HelpRequested();
        throw new FlagError(`unknown shorthand flag: '${c}' in ${a}`);
      }
      if (shorts.length > 2 && shorts[1] === "=") {
        set(spec, shorts.slice(2));
        shorts = "";
      } else if (spec.kind === "bool" || spec.noOptDef !== undefined) {
        set(spec, spec.kind === "bool" ? "true" : (spec.noOptDef ?? ""));
        shorts = shorts.slice(1);
      } else if (shorts.length > 1) {
        set(spec, shorts.slice(1));
        shorts = "";
      } else if (i < argv.length) {
        set(spec, argv[i] ?? "");
        i++;
        shorts = "";
      } else {
        throw new FlagError(`flag needs an argument: '${c}' in -${c}`);
      }
    }
  }

  const get = (name: string): string | boolean | number | string[] | undefined => {
    if (values.has(name)) return values.get(name);
    const spec = byName.get(name);
    if (!spec) return undefined;
    if (spec.def === undefined) return undefined;
    return spec.kind === "strings"
      ? spec.def === ""
        ? []
        : spec.def.split(",")
      : parseValue(spec, spec.def);
  };
  return {
    args,
    argsLenAtDash,
    changed,
    str: (n) => {
      const v = get(n);
      return v === undefined ? "" : Array.isArray(v) ? v.join(",") : String(v);
    },
    bool: (n) => get(n) === true,
    int: (n) => {
      const v = get(n);
      return typeof v === "number" ? v : 0;
    },
    list: (n) => {
      const v = get(n);
      if (Array.isArray(v)) return v;
      return v === undefined || v === "" ? [] : [String(v)];
    },
  };
}

export class HelpRequested extends Error {}

/** Flags every kubectl command accepts (kubectl options). */
export const globalFlags: FlagSpec[] = [
  { name: "namespace", short: "n", kind: "string", def: "" },
  { name: "kubeconfig", kind: "string", def: "" },
  { name: "context", kind: "string", def: "" },
  { name: "cluster", kind: "string", def: "" },
  { name: "user", kind: "string", def: "" },
  { name: "server", short: "s", kind: "string", def: "" },
  { name: "token", kind: "string", def: "" },
  { name: "as", kind: "string", def: "" },
  { name: "request-timeout", kind: "string", def: "0" },
  { name: "v", short: "v", kind: "string", def: "0" },
  { name: "insecure-skip-tls-verify", kind: "bool", def: "false" },
  { name: "match-server-version", kind: "bool", def: "false" },
  { name: "cache-dir", kind: "string", def: "" },
  { name: "certificate-authority", kind: "string", def: "" },
  { name: "client-certificate", kind: "string", def: "" },
  { name: "client-key", kind: "string", def: "" },
  { name: "tls-server-name", kind: "string", def: "" },
  { name: "username", kind: "string", def: "" },
  { name: "password", kind: "string", def: "" },
  { name: "warnings-as-errors", kind: "bool", def: "false" },
  { name: "disable-compression", kind: "bool", def: "false" },
  { name: "log-flush-frequency", kind: "string", def: "5s" },
  { name: "profile", kind: "string", def: "none" },
  { name: "profile-output", kind: "string", def: "profile.pprof" },
];
