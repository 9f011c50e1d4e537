/**
 * Tab completion: shell commands from a static table; kubectl's verbs, sub-commands, flags and
 * resource types from kubectl's own command registry (lib/kubectl/commands.ts); object names and
 * paths through callbacks (lib/kubectl or the server can list live objects).
 */
import {
  commands,
  findCommand,
  flagsOf,
  RESOURCE_PLURALS,
  rootCommand,
  valueFlagSpellings,
} from "../kubectl/commands";

export const SHELL_COMMANDS = [
  "awk",
  "base64",
  "cat",
  "cd",
  "clear",
  "curl",
  "cut",
  "date",
  "echo",
  "env",
  "exit",
  "export",
  "fg",
  "grep",
  "head",
  "history",
  "hostname",
  "jobs",
  "kill",
  "kubectl",
  "ls",
  "minikube",
  "mkdir",
  "printf",
  "pwd",
  "rm",
  "sleep",
  "sort",
  "tail",
  "tee",
  "touch",
  "tr",
  "uniq",
  "unset",
  "wc",
  "whoami",
];

/** kubectl's verbs, from its command registry (what `kubectl <Tab>` offers). */
export const KUBECTL_VERBS: readonly string[] = commands.map((c) => c.name);

/** Resource types for `kubectl get <Tab>`: the category `all` and every type's plural name. */
export const KUBECTL_RESOURCES: readonly string[] = ["all", ...RESOURCE_PLURALS];

/** The output formats `-o` accepts (kubectl's printers). */
const OUTPUT_FORMATS = ["json", "yaml", "wide", "name", "jsonpath=", "go-template=", "custom-columns="];

export interface CompletionSources {
  /** Command names on PATH (programs registered with the workstation). */
  commands?: string[];
  /** Object names etc. for the words so far (last word is the prefix being completed). */
  complete?: (words: string[]) => string[];
  /** Paths matching a prefix (directories end with `/`). */
  completePath?: (prefix: string) => string[];
  /** `complete -W 'a b' NAME`: the arguments are these words (and file names with `-o default`). */
  wordList?: { words: readonly string[]; files: boolean };
}

/** Candidates for the last word of `words` (which may be ""). */
export function candidates(words: string[], sources: CompletionSources): string[] {
  const prefix = words[words.length - 1] ?? "";
  const pick = (list: Iterable<string>): string[] =>
    [...new Set(list)].filter((c) => c.startsWith(prefix)).sort();
  if (words.length <= 1) {
    return pick([...SHELL_COMMANDS, ...(sources.commands ?? [])]);
  }
  const cmd = words[0];
  const list = sources.wordList;
  if (list !== undefined)
    return pick([...list.words, ...(list.files ? (sources.completePath?.(prefix) ?? []) : [])]);
  if (cmd === "kubectl") return kubectlCandidates(words, prefix, sources, pick);
  if (cmd === "cd") return pick((sources.completePath?.(prefix) ?? []).filter((p) => p.endsWith("/")));
  const dynamic = sources.complete?.(words) ?? [];
  return pick([...dynamic, ...(sources.completePath?.(prefix) ?? [])]);
}

/** `kubectl …<Tab>`: the command tree, flags and argument kinds come from kubectl's registry. */
function kubectlCandidates(
  words: string[],
  prefix: string,
  sources: CompletionSources,
  pick: (list: Iterable<string>) => string[],
): string[] {
  const middle = words.slice(1, -1);
  const found = findCommand(middle);
  const cmd = found.path[found.path.length - 1] ?? rootCommand;
  const specs = flagsOf(cmd);
  if (prefix.startsWith("-")) return pick(specs.map((f) => `--${f.name}`));
  const prev = words[words.length - 2] ?? "";
  if (prev === "-o" || prev === "--output") return pick(OUTPUT_FORMATS);
  if (found.unknown !== undefined) return [];
  // the arguments typed after the command words (flags and their values left out)
  const valueFlags = valueFlagSpellings(specs);
  const args: string[] = [];
  for (let i = 0; i < found.rest.length; i++) {
    const w = found.rest[i] ?? "";
    if (valueFlags.has(w)) i++;
    else if (!w.startsWith("-")) args.push(w);
  }
  if (args.length === 0 && cmd.sub && cmd.sub.length > 0) return pick(cmd.sub.map((c) => c.name));
  if (cmd.args === "resource" && args.length === 0 && !prefix.includes("/")) {
    const dynamic = sources.complete?.(words) ?? [];
    return pick([...KUBECTL_RESOURCES, ...dynamic]);
  }
  return pick(sources.complete?.(words) ?? []);
}

export function commonPrefix(list: string[]): string {
  if (list.length === 0) return "";
  let p = list[0] ?? "";
  for (const s of list) {
    while (!s.startsWith(p)) p = p.slice(0, -1);
  }
  return p;
}

/** Splits the text before the cursor into words (quotes are kept simple: no completion inside them). */
export function wordsBeforeCursor(text: string): string[] {
  const segment = text.split(/[;|&]+/).pop() ?? "";
  const words = segment.trimStart().split(/[ \t]+/);
  return words.length === 0 ? [""] : words;
}
