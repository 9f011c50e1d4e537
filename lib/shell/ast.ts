/** The shell's syntax tree: parse → AST → interpret (see docs/adr/0004-shell.md). */

export type WordPart =
  /** Literal text; `quoted` text is neither field-split nor tilde-expanded. */
  | { kind: "lit"; text: string; quoted: boolean }
  | {
      kind: "var";
      name: string;
      quoted: boolean;
      op?: ParamOp;
      arg?: Word;
      /** `${v:off:len}`: the length. */
      arg2?: Word;
      /** `${a[i]}` (a word), `${a[@]}` / `${a[*]}` ("@" / "*"). */
      index?: Word | "@" | "*";
    }
  /** `$(…)`, or `<(…)` when `proc` (process substitution: the path of a file holding its output). */
  | { kind: "cmd"; script: Script; quoted: boolean; proc?: true }
  | { kind: "arith"; expr: string; quoted: boolean };

export type ParamOp =
  /** A form dash does not have (`${v^^}`, `${v:1}`, `${a[0]}` in `sh`): "Bad substitution" when expanded. */
  | "bad"
  | ":-"
  | "-"
  | ":="
  | "="
  | ":+"
  | "+"
  | ":?"
  | "?"
  | "#len"
  | "#"
  | "##"
  | "%"
  | "%%"
  | "/"
  | "//"
  | "/#"
  | "/%"
  | "^^"
  | "^"
  | ",,"
  | ","
  | "substr"
  /** `${!a[@]}`: the indices of an array. */
  | "!keys"
  /** `${!name}`: the variable named by name's value. */
  | "!ref";

export interface Word {
  parts: WordPart[];
  /** The source text, for messages and `jobs`. */
  raw: string;
  /** In an array literal, `[key]=value`: the key (the word itself is the value). */
  key?: Word;
}

export type RedirectOp = ">" | ">>" | "<" | "&>" | "dup" | "<<" | "<<<";

export interface Redirect {
  fd: number;
  op: RedirectOp;
  /** For `dup` (2>&1): the fd duplicated. */
  toFd?: number;
  target?: Word;
  /** Here-document body (`<<`): expanded unless its delimiter was quoted. */
  body?: Word;
}

export interface SimpleCommand {
  kind: "simple";
  assigns: { name: string; value: Word; array?: Word[]; append?: boolean; index?: Word }[];
  words: Word[];
  redirects: Redirect[];
}

export interface WhileCommand {
  kind: "while";
  until: boolean;
  cond: Script;
  body: Script;
  redirects: Redirect[];
}

export interface ForCommand {
  kind: "for";
  name: string;
  items: Word[];
  body: Script;
  redirects: Redirect[];
}

export interface IfCommand {
  kind: "if";
  clauses: { cond: Script; body: Script }[];
  otherwise?: Script;
  redirects: Redirect[];
}

export interface GroupCommand {
  kind: "group";
  subshell: boolean;
  body: Script;
  redirects: Redirect[];
}

export interface FunctionDef {
  kind: "func";
  name: string;
  body: Command;
  redirects: Redirect[];
  /** The definition as typed (`name () { … }`), kept in the workstation's snapshot. */
  source?: string;
}

export interface CaseCommand {
  kind: "case";
  word: Word;
  items: { patterns: Word[]; body: Script }[];
  redirects: Redirect[];
}

/** `[[ … ]]`: its words and operators, evaluated at run time (no splitting or globbing). */
export interface CondCommand {
  kind: "cond";
  tokens: ({ op: string } | { word: Word; regex?: boolean })[];
  redirects: Redirect[];
}

/** `(( expr ))` */
export interface ArithCommand {
  kind: "arith";
  expr: string;
  redirects: Redirect[];
}

/** `for (( init; cond; step ))` */
export interface ArithForCommand {
  kind: "cfor";
  init: string;
  cond: string;
  step: string;
  body: Script;
  redirects: Redirect[];
}

export type Command =
  | SimpleCommand
  | WhileCommand
  | ForCommand
  | IfCommand
  | GroupCommand
  | FunctionDef
  | CaseCommand
  | CondCommand
  | ArithCommand
  | ArithForCommand;

export interface Pipeline {
  negate: boolean;
  commands: Command[];
}

export interface AndOr {
  first: Pipeline;
  rest: { op: "&&" | "||"; pipeline: Pipeline }[];
  background: boolean;
  /** Source text of this list item, for `jobs` and `[1]+ Done …`. */
  source: string;
  /** The line of the parsed text it begins on (1-based): a script's messages name it. */
  line?: number;
}

export type Script = AndOr[];
