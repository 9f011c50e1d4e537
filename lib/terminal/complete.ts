/**
 * Tab completion: commands, kubectl verbs, resource types and flags from static tables;
 * object names and paths through callbacks (lib/kubectl or the server can list live objects).
 */

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

export const KUBECTL_VERBS = [
  "annotate",
  "api-resources",
  "api-versions",
  "apply",
  "attach",
  "cluster-info",
  "config",
  "cordon",
  "cp",
  "create",
  "delete",
  "describe",
  "diff",
  "drain",
  "edit",
  "events",
  "exec",
  "explain",
  "expose",
  "get",
  "label",
  "logs",
  "patch",
  "port-forward",
  "proxy",
  "replace",
  "rollout",
  "run",
  "scale",
  "set",
  "taint",
  "top",
  "uncordon",
  "version",
  "wait",
];

export const KUBECTL_RESOURCES = [
  "all",
  "configmaps",
  "deployments",
  "endpoints",
  "events",
  "namespaces",
  "nodes",
  "pods",
  "replicasets",
  "secrets",
  "services",
];

const TYPE_VERBS = new Set([
  "get",
  "describe",
  "delete",
  "edit",
  "label",
  "annotate",
  "patch",
  "explain",
  "scale",
  "expose",
  "wait",
]);

const SUBCOMMANDS: Record<string, string[]> = {
  rollout: ["history", "pause", "restart", "resume", "status", "undo"],
  set: ["env", "image", "resources", "selector", "serviceaccount"],
  create: ["configmap", "deployment", "namespace", "secret", "service"],
  config: ["current-context", "get-contexts", "set-context", "use-context", "view"],
};

export const KUBECTL_FLAGS = [
  "--all-namespaces",
  "--container",
  "--filename",
  "--follow",
  "--image",
  "--labels",
  "--namespace",
  "--output",
  "--port",
  "--previous",
  "--replicas",
  "--selector",
  "--show-labels",
  "--stdin",
  "--tail",
  "--to-revision",
  "--tty",
  "--type",
  "--watch",
];

/** kubectl flags whose value is the next word (so it is not taken for a verb or type). */
const VALUE_FLAGS = new Set([
  "-n",
  "--namespace",
  "-o",
  "--output",
  "-l",
  "--selector",
  "-c",
  "--container",
  "-f",
  "--filename",
]);

export interface CompletionSources {
  /** Command names on PATH (programs registered with the workstation). */
  commands?: string[];
  /** Object names etc. for the words so far (last word is the prefix being completed). */
  complete?: (words: string[]) => string[];
  /** Paths matching a prefix (directories end with `/`). */
  completePath?: (prefix: string) => string[];
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
  if (cmd === "kubectl") {
    const args: string[] = [];
    const middle = words.slice(1, -1);
    for (let i = 0; i < middle.length; i++) {
      const w = middle[i] ?? "";
      if (VALUE_FLAGS.has(w)) i++;
      else if (!w.startsWith("-")) args.push(w);
    }
    if (prefix.startsWith("-")) return pick(KUBECTL_FLAGS);
    const prev = words[words.length - 2] ?? "";
    if (prev === "-o" || prev === "--output")
      return pick(["json", "yaml", "wide", "name", "jsonpath=", "go-template=", "custom-columns="]);
    if (args.length === 0) return pick(KUBECTL_VERBS);
    const verb = args[0] ?? "";
    const sub = SUBCOMMANDS[verb];
    if (sub !== undefined && args.length === 1) return pick(sub);
    if (TYPE_VERBS.has(verb) && args.length === 1 && !prefix.includes("/")) {
      const dynamic = sources.complete?.(words) ?? [];
      return pick([...KUBECTL_RESOURCES, ...dynamic]);
    }
    return pick(sources.complete?.(words) ?? []);
  }
  if (cmd === "cd") return pick((sources.completePath?.(prefix) ?? []).filter((p) => p.endsWith("/")));
  const dynamic = sources.complete?.(words) ?? [];
  return pick([...dynamic, ...(sources.completePath?.(prefix) ?? [])]);
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
