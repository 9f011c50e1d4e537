/**
 * `complete` and `compopt`: bash's programmable completion specifications. The terminal's Tab
 * reads them (Shell.completionSpec): `complete -F __start_kubectl k` (kubectl's documented
 * alias set-up) completes `k` as kubectl, `-W 'a b'` offers the words, `-o default` falls back
 * to file names. Only the table is bash's; what Tab offers for kubectl is the terminal's own.
 */
import type { Builtin } from "./builtins";
import { singleQuote } from "./quote";

const USAGE =
  "complete: usage: complete [-abcdefgjksuv] [-pr] [-DEI] [-o option] [-A action] [-G globpat] [-W wordlist] [-F function] [-C command] [-X filterpat] [-P prefix] [-S suffix] [name ...]\n";

const COMP_OPTIONS = new Set([
  "bashdefault",
  "default",
  "dirnames",
  "filenames",
  "noquote",
  "nosort",
  "nospace",
  "plusdirs",
]);
const ACTION_LETTERS = "abcdefgjksuv";
const WITH_VALUE = "oAGWFCXPS";

/** What a specification says, parsed from its words (`-o default -F __start_kubectl`). */
export interface CompletionSpec {
  options: string[];
  words?: string;
  func?: string;
}

export function readSpec(words: readonly string[]): CompletionSpec {
  const spec: CompletionSpec = { options: [] };
  for (let i = 0; i < words.length; i++) {
    const w = words[i];
    const v = words[i + 1] ?? "";
    if (w === "-o") spec.options.push(v);
    else if (w === "-W") spec.words = v;
    else if (w === "-F") spec.func = v;
    if (w !== undefined && w.length === 2 && WITH_VALUE.includes(w[1] ?? "")) i++;
  }
  return spec;
}

/** bash's `complete -p` line: options, actions, then -W and -F, as bash orders them. */
function printSpec(name: string, words: readonly string[]): string {
  const parts: string[] = ["complete"];
  const spec = readSpec(words);
  for (const o of spec.options) parts.push("-o", o);
  for (const w of words) if (/^-[abcdefgjksuv]$/.test(w)) parts.push(w);
  if (spec.words !== undefined) parts.push("-W", singleQuote(spec.words));
  if (spec.func !== undefined) parts.push("-F", spec.func);
  parts.push(name);
  return `${parts.join(" ")}\n`;
}

export const complete: Builtin = ({ argv, shell, out, err }) => {
  let print = false;
  let remove = false;
  const spec: string[] = [];
  let i = 1;
  for (; i < argv.length; i++) {
    const a = argv[i] ?? "";
    if (a === "--") {
      i++;
      break;
    }
    if (!a.startsWith("-") || a === "-") break;
    for (let k = 1; k < a.length; k++) {
      const f = a[k] ?? "";
      if (f === "p") print = true;
      else if (f === "r") remove = true;
      else if (f === "D" || f === "E" || f === "I") continue;
      else if (ACTION_LETTERS.includes(f)) spec.push(`-${f}`);
      else if (WITH_VALUE.includes(f)) {
        const value = a.slice(k + 1) || argv[++i];
        if (value === undefined) {
          err(`bash: complete: -${f}: option requires an argument\n${USAGE}`);
          return 2;
        }
        if (f === "o" && !COMP_OPTIONS.has(value)) {
          err(`bash: complete: ${value}: invalid option name\n`);
          return 2;
        }
        spec.push(`-${f}`, value);
        break;
      } else {
        err(`bash: complete: -${f}: invalid option\n${USAGE}`);
        return 2;
      }
    }
  }
  const names = argv.slice(i);
  const table = shell.completions;
  if (remove) {
    if (names.length === 0) {
      shell.definitions().completions.clear();
      return 0;
    }
    // removing what is not there is no error
    for (const n of names) if (table.has(n)) shell.definitions().completions.delete(n);
    return 0;
  }
  if (print || (names.length === 0 && spec.length === 0)) {
    let status = 0;
    for (const n of names.length > 0 ? names : [...table.keys()]) {
      const words = table.get(n);
      if (words === undefined) {
        err(`bash: complete: ${n}: no completion specification\n`);
        status = 1;
      } else out(printSpec(n, words));
    }
    return status;
  }
  if (names.length === 0) {
    err(USAGE);
    return 2;
  }
  for (const n of names) {
    if (!table.has(n) && table.size >= 512) {
      err("bash: complete: too many completion specifications\n");
      return 1;
    }
    if (!shell.definitionFits(0, n.length + spec.join(" ").length)) {
      err("bash: complete: too many definitions\n");
      return 1;
    }
    shell.definitions().completions.set(n, spec);
  }
  return 0;
};

/**
 * `compopt [-o|+o OPTION]… NAME…` changes a specification's options; without a name it would
 * change the completion under way, and outside a completion function there is none.
 */
export const compopt: Builtin = ({ argv, shell, err }) => {
  const changes: [boolean, string][] = [];
  let i = 1;
  for (; i < argv.length; i++) {
    const a = argv[i] ?? "";
    if (a !== "-o" && a !== "+o") break;
    const value = argv[++i] ?? "";
    if (!COMP_OPTIONS.has(value)) {
      err(`bash: compopt: ${value}: invalid option name\n`);
      return 2;
    }
    changes.push([a === "-o", value]);
  }
  const names = argv.slice(i);
  if (names.length === 0) {
    err("bash: compopt: not currently executing completion function\n");
    return 1;
  }
  let status = 0;
  for (const n of names) {
    const words = shell.completions.get(n);
    if (words === undefined) {
      err(`bash: compopt: ${n}: no completion specification\n`);
      status = 1;
      continue;
    }
    const spec = readSpec(words);
    let options = spec.options;
    for (const [on, o] of changes)
      options = on ? [...options.filter((x) => x !== o), o] : options.filter((x) => x !== o);
    const rest: string[] = [];
    for (let k = 0; k < words.length; k++) {
      if (words[k] === "-o") k++;
      else rest.push(words[k] ?? "");
    }
    shell.definitions().completions.set(n, [...options.flatMap((o) => ["-o", o]), ...rest]);
  }
  return status;
};
