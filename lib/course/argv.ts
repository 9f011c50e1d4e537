/**
 * Canonical form of a command's argv, so `kubectl get po -o=wide` and `kubectl get pods -o wide`
 * compare equal. Only what the course's checks need: resource-type aliases, `TYPE/NAME`,
 * flag spellings and order. kubectl's commands, flags and resource type names come from its
 * registry (lib/kubectl/commands.ts). Pure.
 */
import type { Command } from "../kubectl/cmd/types";
import { findCommand, flagsOf, RESOURCE_TYPE_NAMES, rootCommand } from "../kubectl/commands";
import type { FlagSpec as KubectlFlag } from "../kubectl/flags";

export interface NormalizedCommand {
  program: string;
  /** Positional arguments before `--`, resource types canonical. */
  positionals: string[];
  /** Flags as `-x` or `-x=value`, canonical names, in the order seen (compare as a multiset). */
  flags: string[];
  /** Everything after `--` (the command run in a container), or null without `--`. */
  rest: string[] | null;
}

interface FlagSpec {
  /** Long spelling → canonical spelling. */
  aliases: Record<string, string>;
  /** Canonical flags that take a value. */
  withValue: Set<string>;
}

/**
 * A kubectl command's flags from kubectl's registry (its own and the global ones): the canonical
 * spelling is the shorthand where there is one (`--output` → `-o`).
 */
function kubectlFlagSpec(specs: readonly KubectlFlag[]): FlagSpec {
  const aliases: Record<string, string> = {};
  const withValue = new Set<string>();
  for (const f of specs) {
    const canonical = f.short ? `-${f.short}` : `--${f.name}`;
    if (f.short) aliases[`--${f.name}`] = canonical;
    if (f.kind !== "bool" && f.noOptDef === undefined) withValue.add(canonical);
  }
  return { aliases, withValue };
}

const CURL_FLAGS: FlagSpec = {
  aliases: {
    "--output": "-o",
    "--header": "-H",
    "--request": "-X",
    "--data": "-d",
    "--max-time": "-m",
    "--silent": "-s",
    "--include": "-i",
    "--verbose": "-v",
    "--location": "-L",
  },
  withValue: new Set(["-o", "-H", "-X", "-d", "-m", "-w", "-u", "-A", "-e", "--connect-timeout"]),
};

const NO_FLAGS: FlagSpec = { aliases: {}, withValue: new Set() };

/**
 * Flag specs by kubectl command: a command's flags never change, and building its spec (its own
 * flags and the globals) for every kubectl command of a line was most of the check after a loop
 * of 1,000 `kubectl create` (issue 12).
 */
const kubectlSpecs = new WeakMap<Command, FlagSpec>();

function flagSpecFor(program: string, args: readonly string[]): FlagSpec {
  if (program === "kubectl") {
    const found = findCommand(args);
    const cmd = found.path[found.path.length - 1] ?? rootCommand;
    let spec = kubectlSpecs.get(cmd);
    if (spec === undefined) {
      spec = kubectlFlagSpec(flagsOf(cmd));
      kubectlSpecs.set(cmd, spec);
    }
    return spec;
  }
  if (program === "curl") return CURL_FLAGS;
  return NO_FLAGS;
}

/** A resource type as kubectl resolves it (`po`, `pod`, `deployment.apps` → the plural). */
function canonicalType(token: string): string {
  return token
    .split(",")
    .map((t) => RESOURCE_TYPE_NAMES.get(t.toLowerCase())?.name ?? t)
    .join(",");
}

/**
 * Normalized forms by argv array: a check's pattern and a journal line's commands are the same
 * arrays every time the live checks probe them (once per open check per line), and the
 * normalization (kubectl's flag table for the command) is pure.
 */
const normalizedCache = new WeakMap<readonly string[], NormalizedCommand>();

export function normalizeArgv(argv: readonly string[]): NormalizedCommand {
  let n = normalizedCache.get(argv);
  if (n === undefined) {
    n = normalizeFresh(argv);
    normalizedCache.set(argv, n);
  }
  return n;
}

/**
 * The program a command runs (`/usr/bin/kubectl` → `kubectl`): `normalizeArgv(argv).program`,
 * without normalizing the rest. A command of another program than a pattern's never matches it.
 */
export function programOf(argv: readonly string[]): string {
  const first = argv[0] ?? "";
  return first.slice(first.lastIndexOf("/") + 1);
}

function normalizeFresh(argv: readonly string[]): NormalizedCommand {
  const program = programOf(argv);
  const spec = flagSpecFor(program, argv.slice(1));
  const positionals: string[] = [];
  const flags: string[] = [];
  let rest: string[] | null = null;

  for (let i = 1; i < argv.length; i++) {
    const token = argv[i] ?? "";
    if (token === "--") {
      rest = argv.slice(i + 1);
      break;
    }
    // echo/export/cat and friends: every token is an argument.
    if (spec === NO_FLAGS || !token.startsWith("-") || token === "-") {
      positionals.push(token);
      continue;
    }
    if (token.startsWith("--")) {
      const eq = token.indexOf("=");
      const rawName = eq >= 0 ? token.slice(0, eq) : token;
      const name = spec.aliases[rawName] ?? rawName;
      if (eq >= 0) flags.push(`${name}=${token.slice(eq + 1)}`);
      else if (spec.withValue.has(name) && i + 1 < argv.length) flags.push(`${name}=${argv[++i]}`);
      else flags.push(name);
      continue;
    }
    // Short flags: `-o wide`, `-owide`, `-o=wide`, `-ti`.
    const letters = token.slice(1);
    for (let j = 0; j < letters.length; j++) {
      const name = `-${letters[j]}`;
      if (spec.withValue.has(name)) {
        let value = letters.slice(j + 1);
        if (value.startsWith("=")) value = value.slice(1);
        if (value === "" && i + 1 < argv.length) value = argv[++i] ?? "";
        flags.push(`${name}=${value}`);
        break;
      }
      flags.push(name);
    }
  }

  if (program === "kubectl") canonicalizeKubectl(positionals);
  return { program, positionals, flags, rest };
}

/**
 * The resource argument in canonical form: it follows the command words (`get`, `rollout
 * status`) of a command whose first argument is a resource type or a pod (kubectl's registry).
 */
function canonicalizeKubectl(positionals: string[]): void {
  const found = findCommand(positionals);
  const cmd = found.path[found.path.length - 1];
  if (cmd?.args === undefined || found.unknown !== undefined) return;
  const typeAt = found.path.length;
  const token = positionals[typeAt];
  if (token === undefined) return;
  const slash = token.indexOf("/");
  if (cmd.args === "pod") {
    if (slash >= 0) {
      const type = canonicalType(token.slice(0, slash));
      const name = token.slice(slash + 1);
      positionals.splice(typeAt, 1, ...(type === "pods" ? [name] : [type, name]));
    }
    return;
  }
  if (slash >= 0) {
    positionals.splice(typeAt, 1, canonicalType(token.slice(0, slash)), token.slice(slash + 1));
  } else {
    positionals[typeAt] = canonicalType(token);
  }
}

/** How a pattern token may match an actual token. */
export interface TokenContext {
  /** Is this the name of a pod the learner could have meant? */
  isPod(name: string): boolean;
}

const PLACEHOLDER = /<(pod|any|\*)>/g;
const POD_NAME_SOURCE = "[a-z0-9](?:[-a-z0-9.]*[a-z0-9])?";

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

const tokenRegexCache = new Map<string, { re: RegExp; pods: number } | null>();

function compileToken(pattern: string): { re: RegExp; pods: number } | null {
  const cached = tokenRegexCache.get(pattern);
  if (cached !== undefined) return cached;
  let source = "";
  let last = 0;
  let pods = 0;
  for (const m of pattern.matchAll(PLACEHOLDER)) {
    source += escapeRegExp(pattern.slice(last, m.index));
    if (m[1] === "pod") {
      source += `(${POD_NAME_SOURCE})`;
      pods++;
    } else {
      source += m[1] === "any" ? ".+?" : ".*?";
    }
    last = m.index + m[0].length;
  }
  const compiled =
    last === 0 ? null : { re: new RegExp(`^${source}${escapeRegExp(pattern.slice(last))}$`), pods };
  tokenRegexCache.set(pattern, compiled);
  return compiled;
}

export function matchToken(pattern: string, actual: string, ctx: TokenContext): boolean {
  const compiled = compileToken(pattern);
  if (compiled === null) return pattern === actual;
  const m = compiled.re.exec(actual);
  if (!m) return false;
  for (let g = 1; g <= compiled.pods; g++) {
    const name = m[g];
    if (name === undefined || !ctx.isPod(name)) return false;
  }
  return true;
}

function matchList(pattern: readonly string[], actual: readonly string[], ctx: TokenContext): boolean {
  const open = pattern[pattern.length - 1] === "...";
  const fixed = open ? pattern.slice(0, -1) : pattern;
  if (open ? actual.length < fixed.length : actual.length !== fixed.length) return false;
  return fixed.every((p, i) => matchToken(p, actual[i] ?? "", ctx));
}

/** Pattern flags must all be present (any order); extra flags are fine unless `exact`. */
function matchFlags(
  pattern: readonly string[],
  actual: readonly string[],
  exact: boolean,
  ctx: TokenContext,
) {
  const left = [...actual];
  for (const p of pattern) {
    const i = left.findIndex((a) => matchToken(p, a, ctx));
    if (i < 0) return false;
    left.splice(i, 1);
  }
  return !exact || left.length === 0;
}

export function matchCommand(
  pattern: NormalizedCommand,
  actual: NormalizedCommand,
  ctx: TokenContext,
  exact = false,
): boolean {
  if (pattern.program !== actual.program) return false;
  if (!matchList(pattern.positionals, actual.positionals, ctx)) return false;
  if (!matchFlags(pattern.flags, actual.flags, exact, ctx)) return false;
  if (pattern.rest === null) return exact ? actual.rest === null : true;
  return actual.rest !== null && matchList(pattern.rest, actual.rest, ctx);
}
