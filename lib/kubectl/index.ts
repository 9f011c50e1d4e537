/**
 * kubectl v1.32 as a Program: finds the verb like cobra does, parses flags like pflag, runs the
 * command (Options → Complete → Validate → Run) against the Machine's API transport, and prints
 * errors in kubectl's words with its exit codes.
 */

import { ApiError, CmdError, RestClient } from "./client";
import { describeCommand } from "./cmd/describe";
import type { Command, Ctx } from "./cmd/types";
import { commands, findCommand, flagsOf } from "./commands";
import { FlagError, HelpRequested, parseFlags } from "./flags";
import type { KubectlProgram as Program, KubectlIO as ProgramIO } from "./io";

export type { ContainerShellHost } from "./cmd/exec";

function usage(path: string, cmd: Command): string {
  const subs = cmd.sub?.map((s) => `  ${s.name.padEnd(14)} ${s.short}\n`).join("") ?? "";
  return `${cmd.short}.\n\n${subs ? `Available Commands:\n${subs}\n` : ""}Usage:\n  ${path} [options]\n\nUse "kubectl options" for a list of global command-line options (applies to all commands).\n`;
}

function rootHelp(): string {
  const list = commands.map((c) => `  ${c.name.padEnd(15)}${c.short}\n`).join("");
  return `kubectl controls the Kubernetes cluster manager.\n\n Find more information at: https://kubernetes.io/docs/reference/kubectl/\n\nCommands:\n${list}\nUsage:\n  kubectl [flags] [options]\n\nUse "kubectl <command> --help" for more information about a given command.\nUse "kubectl options" for a list of global command-line options (applies to all commands).\n`;
}

function levenshtein(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0] ?? 0;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const cur = row[j] ?? 0;
      row[j] = Math.min((row[j] ?? 0) + 1, (row[j - 1] ?? 0) + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = cur;
    }
  }
  return row[b.length] ?? 0;
}

export const kubectl: Program = async (io: ProgramIO) => {
  const argv = io.argv.slice(1);
  const out = (s: string): void => io.stdout(s);
  const err = (s: string): void => io.stderr(s);
  const found = findCommand(argv);
  const top = found.path[0];
  if (!top) {
    if (found.unknown === undefined) {
      out(rootHelp());
      return 0;
    }
    const verb = found.unknown;
    // cobra's SuggestionsFor: Levenshtein distance ≤ 2 (case-insensitive) or a prefix
    const near = commands
      .filter(
        (c) =>
          c.name.toLowerCase().startsWith(verb.toLowerCase()) ||
          levenshtein(verb.toLowerCase(), c.name.toLowerCase()) <= 2,
      )
      .map((c) => `\t${c.name}\n`)
      .join("");
    err(`error: unknown command "${verb}" for "kubectl"${near ? `\n\nDid you mean this?\n${near}` : "\n"}`);
    return 1;
  }
  const path = `kubectl ${found.path.map((c) => c.name).join(" ")}`;
  const cmd = found.path[found.path.length - 1] ?? top;
  if (found.unknown !== undefined) {
    err(`error: unknown command "${found.unknown}" for "${path}"\n`);
    return 1;
  }
  if (cmd.sub && cmd.sub.length > 0 && !cmd.run) {
    // cobra's DefaultSubCommandRun: the help, then exit 1 (`--help` asked for it: exit 0)
    out(usage(path, cmd));
    return found.rest.some((a) => a === "--help" || a === "-h") ? 0 : 1;
  }
  const rest = found.rest;
  const command = cmd;
  try {
    const f = parseFlags(rest, flagsOf(command));
    const client = new RestClient(io.machine.api, (w) => err(`Warning: ${w}\n`));
    const ctx: Ctx = {
      io,
      client,
      namespace: f.str("namespace") || "default",
      namespaceExplicit: f.changed.has("namespace"),
      path,
      out,
      err,
    };
    if (!command.run) {
      out(usage(path, command));
      return 0;
    }
    return await command.run(ctx, f);
  } catch (e) {
    if (e instanceof HelpRequested) {
      out(usage(path, command));
      return 0;
    }
    if (e instanceof FlagError) {
      err(`error: ${e.message}\nSee '${path} --help' for usage.\n`);
      return 1;
    }
    if (e instanceof CmdError) {
      err(e.text);
      return e.code;
    }
    if (e instanceof ApiError) {
      err(`${e.serverText()}\n`);
      return 1;
    }
    // the line is stopping (its budget spent, Ctrl-C): the shell ends it in its own words
    if (io.interrupt.interrupted) throw e;
    err(`error: ${e instanceof Error ? e.message : String(e)}\n`);
    return 1;
  }
};

export { describeCommand };
