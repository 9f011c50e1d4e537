/**
 * The one registry of kubectl's commands, as cobra's command tree: the root with its persistent
 * (global) flags, the verbs (one file per verb under cmd/) with their own flags, sub-commands and
 * what their first argument names; resource type names come from the API's resource table.
 * kubectl runs from it, and Tab completion (lib/terminal) and the course's argv normalisation
 * (lib/course) read it, so they can offer or accept nothing kubectl does not know.
 */
import { RESOURCES } from "../cluster/resources";
import { annotateCommand } from "./cmd/annotate";
import { apiResourcesCommand, apiVersionsCommand } from "./cmd/api-resources";
import { applyCommand } from "./cmd/apply";
import { authCommand } from "./cmd/auth";
import { clusterInfoCommand } from "./cmd/cluster-info";
import { completionCommand } from "./cmd/completion";
import { configCommand } from "./cmd/config";
import { cpCommand } from "./cmd/cp";
import { createCommand } from "./cmd/create";
import { deleteCommand } from "./cmd/delete";
import { describeCommand } from "./cmd/describe";
import { editCommand } from "./cmd/edit";
import { execCommand } from "./cmd/exec";
import { explainCommand } from "./cmd/explain";
import { exposeCommand } from "./cmd/expose";
import { getCommand } from "./cmd/get";
import { labelCommand } from "./cmd/label";
import { logsCommand } from "./cmd/logs";
import { portForwardCommand } from "./cmd/port-forward";
import { proxyCommand } from "./cmd/proxy";
import { rolloutCommand } from "./cmd/rollout";
import { runCommand } from "./cmd/run";
import { scaleCommand } from "./cmd/scale";
import { setCommand } from "./cmd/set-image";
import { topCommand } from "./cmd/top";
import type { Command } from "./cmd/types";
import { versionCommand } from "./cmd/version";
import { waitCommand } from "./cmd/wait";
import { type FlagSpec, globalFlags } from "./flags";

/** In kubectl's registration order (cobra's command sorting is off): help and suggestions list them so. */
export const commands: Command[] = [
  createCommand,
  exposeCommand,
  runCommand,
  setCommand,
  explainCommand,
  getCommand,
  editCommand,
  deleteCommand,
  rolloutCommand,
  scaleCommand,
  clusterInfoCommand,
  topCommand,
  describeCommand,
  logsCommand,
  execCommand,
  portForwardCommand,
  proxyCommand,
  cpCommand,
  authCommand,
  applyCommand,
  waitCommand,
  labelCommand,
  annotateCommand,
  completionCommand,
  apiResourcesCommand,
  apiVersionsCommand,
  configCommand,
  versionCommand,
];

/** `kubectl` itself: the verbs, and the flags every command accepts (`kubectl options`). */
export const rootCommand: Command = {
  name: "kubectl",
  short: "kubectl controls the Kubernetes cluster manager",
  flags: globalFlags,
  sub: commands,
};

/** A command's name or one of its aliases. */
export function lookupCommand(list: readonly Command[], name: string): Command | undefined {
  return list.find((c) => c.name === name || c.aliases?.includes(name));
}

/** Every flag a command accepts: its own, then the persistent ones it does not shadow. */
export function flagsOf(cmd: Command): readonly FlagSpec[] {
  if (cmd === rootCommand) return globalFlags;
  let specs = flagSpecsByCommand.get(cmd);
  if (specs === undefined) {
    specs = [...cmd.flags, ...globalFlags.filter((g) => !cmd.flags.some((c) => c.name === g.name))];
    flagSpecsByCommand.set(cmd, specs);
  }
  return specs;
}

/**
 * A command's flags never change: its list is built once and shared (callers only read it), so
 * that parsing a command line does not copy some eighty specs first (ADR 0050).
 */
const flagSpecsByCommand = new WeakMap<Command, readonly FlagSpec[]>();

/** The spellings of flags that take their value as the next word (`-n`, `--namespace`). */
export function valueFlagSpellings(specs: readonly FlagSpec[]): Set<string> {
  return new Set(
    specs
      .filter((f) => f.kind !== "bool" && f.noOptDef === undefined)
      .flatMap((f) => [`--${f.name}`, ...(f.short ? [`-${f.short}`] : [])]),
  );
}

/** Global flags that take their value as a separate argument (cobra skips it when finding the verb). */
export const globalValueFlags = valueFlagSpellings(globalFlags);

/** The first word that is not a flag (nor a flag's value), and the words without it. */
function firstWord(argv: readonly string[], valueFlags: Set<string>): { word?: string; rest: string[] } {
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] ?? "";
    if (a === "--") return { rest: [...argv] };
    if (a.startsWith("-")) {
      if (valueFlags.has(a)) i++;
      continue;
    }
    return { word: a, rest: [...argv.slice(0, i), ...argv.slice(i + 1)] };
  }
  return { rest: [...argv] };
}

export interface FoundCommand {
  /** The commands from the verb down (empty when the line names no verb). */
  path: Command[];
  /** The words left once the command words are taken out. */
  rest: string[];
  /** A word where a verb or sub-command was expected that names none. */
  unknown?: string;
}

/**
 * cobra's Find: walks the tree from the root with the words of a command line (without the
 * program name), skipping flags — and the values of the root's value flags — before each word.
 */
export function findCommand(argv: readonly string[]): FoundCommand {
  const path: Command[] = [];
  let rest = [...argv];
  let list: readonly Command[] = commands;
  for (;;) {
    const next = firstWord(rest, globalValueFlags);
    if (next.word === undefined) return { path, rest };
    const cmd = lookupCommand(list, next.word);
    if (!cmd) {
      const parent = path[path.length - 1];
      // a command that runs takes the word as its argument
      return parent?.run ? { path, rest } : { path, rest, unknown: next.word };
    }
    path.push(cmd);
    rest = next.rest;
    if (!cmd.sub || cmd.sub.length === 0) return { path, rest };
    list = cmd.sub;
  }
}

/** The resource type names kubectl resolves without discovery: plural, singular, short names, `NAME.GROUP`. */
export const RESOURCE_TYPE_NAMES: ReadonlyMap<string, (typeof RESOURCES)[number]> = new Map(
  RESOURCES.flatMap((r) => {
    const names = [r.name, r.singularName, ...(r.shortNames ?? [])];
    const grouped = r.group ? [r.name, r.singularName].map((n) => `${n}.${r.group}`) : [];
    return [...names, ...grouped].filter(Boolean).map((n) => [n, r] as const);
  }),
);

/** The plural names of the resource types (what completion offers after `kubectl get`). */
export const RESOURCE_PLURALS: readonly string[] = RESOURCES.map((r) => r.name);
