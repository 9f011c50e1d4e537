/**
 * A recursive-descent parser for the bash subset students type: words with quotes and escapes,
 * parameter and command substitution, `$((…))`, pipes, `&&`/`||`/`;`/`&`, redirections, and the
 * compound commands `while`/`until`/`for`/`if`/`{ }`/`( )`. Everything is bounded: nesting depth
 * and input length are capped so adversarial lines fail with a message instead of a stack overflow.
 */
import type {
  AndOr,
  Command,
  ParamOp,
  Pipeline,
  Redirect,
  Script,
  SimpleCommand,
  Word,
  WordPart,
} from "./ast";

export class ShellSyntaxError extends Error {
  /** The line of the source it was found on (1-based), set by parseScript: `bash: -c: line 2: …`. */
  line?: number;
  /** That line's text, which bash shows after a `near unexpected token` message of a script. */
  lineText?: string;
  /** The word a construct the text ended inside still wanted (dash: `(expecting "fi")`). */
  expecting?: string;
  /**
   * Where the top-level command it was found in begins: the text before it parses, and a
   * script (which bash reads a command at a time) runs that much before it stops.
   */
  commandStart?: number;
}

/** The input ended inside a construct (a quote, `do … done`, a here-document): more lines may complete it. */
export class IncompleteInput extends ShellSyntaxError {}

interface PendingHeredoc {
  redirect: Redirect;
  delim: string;
  strip: boolean;
  quoted: boolean;
}

const MAX_DEPTH = 32;
const REDIRECT_OPS: ReadonlySet<string> = new Set([">", ">>", "<", "&>", ">&", "<<", "<<-", "<<<"]);

/** bash's reserved words that dash reads as command names (`sh: 1: [[: not found`). */
const BASH_WORDS: ReadonlySet<string> = new Set(["[[", "function", "select", "coproc"]);

const RESERVED = new Set(["then", "elif", "else", "fi", "do", "done", "}", "in", "esac"]);
const NAME_RE = /^[A-Za-z_][A-Za-z0-9_]*$/;
const SPECIAL_PARAMS = new Set(["?", "$", "#", "!", "0", "@", "*", "-"]);

interface Token {
  kind: "word" | "op" | "eof";
  text: string;
  word?: Word;
  /** Set for an io-number prefix (`2>`). */
  fd?: number;
  /** Where the token begins in the source. */
  start?: number;
}

const OPS = ["&&", "||", ";;", ">>", "&>", ">&", "<<<", "<<-", "<<", "<", ">", "|", "&", ";", "(", ")", "\n"];

class Parser {
  pos = 0;
  private peeked: Token | undefined;
  private heredocs: PendingHeredoc[] = [];

  constructor(
    private readonly src: string,
    start: number,
    private readonly depth: number,
    /** dash's grammar (`sh`): no `[[`, `((`, `function`, arrays, `$'…'`, `&>`, `<<<` or bash's `${…}` forms. */
    private readonly dash = false,
  ) {
    this.pos = start;
    if (depth > MAX_DEPTH) throw new ShellSyntaxError("nesting too deep");
  }

  private fail(near: string, expecting?: string): never {
    if (near === "" && this.pos >= this.src.length) {
      const e = new IncompleteInput("syntax error: unexpected end of file");
      e.expecting = expecting;
      throw e;
    }
    const shown = near === "" || near === "\n" ? "newline" : near;
    throw new ShellSyntaxError(`syntax error near unexpected token \`${shown}'`);
  }

  private skipBlanks(): void {
    for (;;) {
      const c = this.src[this.pos];
      if (c === " " || c === "\t" || c === "\r") this.pos++;
      else if (c === "\\" && this.src[this.pos + 1] === "\n") this.pos += 2;
      else if (c === "#") {
        while (this.pos < this.src.length && this.src[this.pos] !== "\n") this.pos++;
      } else return;
    }
  }

  peek(): Token {
    if (this.peeked === undefined) this.peeked = this.lex();
    return this.peeked;
  }

  next(): Token {
    const t = this.peek();
    this.peeked = undefined;
    return t;
  }

  private lex(): Token {
    this.skipBlanks();
    const t = this.lexToken();
    t.start ??= this.tokenStart;
    return t;
  }

  tokenStart = 0;

  private lineMark = { pos: 0, line: 1 };

  /** The line (1-based) that `pos` of the source is on (counted on from the last question). */
  lineAt(pos: number): number {
    if (pos < this.lineMark.pos) this.lineMark = { pos: 0, line: 1 };
    let { line } = this.lineMark;
    for (
      let i = this.src.indexOf("\n", this.lineMark.pos);
      i >= 0 && i < pos;
      i = this.src.indexOf("\n", i + 1)
    )
      line++;
    this.lineMark = { pos, line };
    return line;
  }

  private lexToken(): Token {
    this.tokenStart = this.pos;
    if (this.pos >= this.src.length) return { kind: "eof", text: "" };
    // io-number: digits immediately followed by > or <
    const m = /^(\d+)(?=[<>])/.exec(this.src.slice(this.pos, this.pos + 4));
    if (m?.[1] !== undefined) {
      this.pos += m[1].length;
      const op = this.lexOp();
      if (op !== undefined) return { kind: "op", text: op, fd: Number(m[1]) };
    }
    const op = !this.dash && this.src.startsWith("<(", this.pos) ? undefined : this.lexOp();
    if (op === "\n" && this.heredocs.length > 0) this.readHeredocBodies();
    if (op !== undefined) return { kind: "op", text: op };
    const start = this.pos;
    const word = this.readWord(false);
    return { kind: "word", text: this.src.slice(start, this.pos), word };
  }

  /** Reads the bodies of the here-documents opened on the line that just ended. */
  private readHeredocBodies(): void {
    const pending = this.heredocs;
    this.heredocs = [];
    for (const h of pending) {
      const lines: string[] = [];
      let found = false;
      while (this.pos < this.src.length) {
        const nl = this.src.indexOf("\n", this.pos);
        const end = nl < 0 ? this.src.length : nl;
        let line = this.src.slice(this.pos, end);
        this.pos = nl < 0 ? this.src.length : nl + 1;
        if (h.strip) line = line.replace(/^\t+/, "");
        if (line === h.delim) {
          found = true;
          break;
        }
        lines.push(line);
      }
      if (!found) throw new IncompleteInput(`here-document delimited by end-of-file (wanted \`${h.delim}')`);
      const text = lines.map((l) => `${l}\n`).join("");
      h.redirect.body = h.quoted
        ? { parts: [{ kind: "lit", text, quoted: true }], raw: text }
        : new Parser(text, 0, this.depth + 1, this.dash).readHeredoc();
    }
  }

  checkHeredocs(): void {
    const h = this.heredocs[0];
    if (h !== undefined)
      throw new IncompleteInput(`here-document delimited by end-of-file (wanted \`${h.delim}')`);
  }

  /** A here-document's text: `$…` and backquotes expand, quotes are plain characters. */
  readHeredoc(): Word {
    const parts: WordPart[] = [];
    let lit = "";
    const flush = (): void => {
      if (lit !== "") parts.push({ kind: "lit", text: lit, quoted: true });
      lit = "";
    };
    while (this.pos < this.src.length) {
      const c = this.src[this.pos] ?? "";
      if (c === "\\") {
        const n = this.src[this.pos + 1];
        if (n !== undefined && "$`\\\n".includes(n)) {
          if (n !== "\n") lit += n;
          this.pos += 2;
          continue;
        }
        lit += c;
        this.pos++;
        continue;
      }
      if (c === "$") {
        const part = this.readDollar(true);
        if (part === undefined) {
          lit += "$";
          this.pos++;
        } else {
          flush();
          parts.push(part);
        }
        continue;
      }
      if (c === "`") {
        const end = this.src.indexOf("`", this.pos + 1);
        if (end < 0) throw new IncompleteInput("unexpected EOF while looking for matching ``'");
        flush();
        parts.push({
          kind: "cmd",
          script: parseScript(this.src.slice(this.pos + 1, end), this.depth + 1, this.dash),
          quoted: true,
        });
        this.pos = end + 1;
        continue;
      }
      lit += c;
      this.pos++;
    }
    flush();
    return { parts, raw: this.src };
  }

  /** The right side of `=~` in `[[ ]]`: parentheses and `|` belong to the regex. */
  readRegexWord(): Word {
    this.skipBlanks();
    const start = this.pos;
    let depth = 0;
    let i = this.pos;
    while (i < this.src.length) {
      const c = this.src[i] ?? "";
      if (c === "\\") {
        i += 2;
        continue;
      }
      if (c === "'" || c === '"') {
        const end = this.src.indexOf(c, i + 1);
        i = end < 0 ? this.src.length : end + 1;
        continue;
      }
      if (c === "(") depth++;
      else if (c === ")") {
        if (depth === 0) break;
        depth--;
      } else if (depth === 0 && " \t\n".includes(c)) break;
      i++;
    }
    const text = this.src.slice(start, i);
    this.pos = i;
    const w = new Parser(text, 0, this.depth + 1, this.dash).readWord(false, true);
    return { ...w, raw: text };
  }

  private lexOp(): string | undefined {
    for (const op of OPS) {
      if (this.dash && (op === "&>" || op === "<<<")) continue;
      if (this.src.startsWith(op, this.pos)) {
        this.pos += op.length;
        return op;
      }
    }
    return undefined;
  }

  /** Reads one word; inside double quotes when `dq` (then stops at the closing quote). */
  private readWord(dq: boolean, param = false): Word {
    const start = this.pos;
    let sawQuotes = false;
    const parts: WordPart[] = [];
    let lit = "";
    let litQuoted = dq;
    const flush = (): void => {
      if (lit !== "") parts.push({ kind: "lit", text: lit, quoted: litQuoted });
      lit = "";
    };
    const addLit = (text: string, quoted: boolean): void => {
      if (quoted !== litQuoted) flush();
      litQuoted = quoted;
      lit += text;
    };
    for (;;) {
      const c = this.src[this.pos];
      if (c === undefined) {
        if (dq && !param) throw new IncompleteInput("unexpected EOF while looking for matching `\"'");
        break;
      }
      if (dq && !param && c === '"') {
        this.pos++;
        break;
      }
      if (!dq && !param && !this.dash && c === "<" && this.src[this.pos + 1] === "(") {
        // `<(…)`: process substitution, a file name that reads the command's output
        const inner = new Parser(this.src, this.pos + 2, this.depth + 1, this.dash);
        const script = inner.parseList(")");
        if (inner.next().text !== ")")
          throw new IncompleteInput("unexpected EOF while looking for matching `)'");
        this.pos = inner.pos;
        flush();
        parts.push({ kind: "cmd", script, quoted: true, proc: true });
        litQuoted = dq;
        continue;
      }
      if (!dq && !param && (" \t\r\n;&|<>()".includes(c) || (c === "#" && this.pos === start))) break;
      if (c === "\\") {
        const n = this.src[this.pos + 1];
        this.pos += 2;
        if (n === undefined) {
          this.pos = this.src.length;
          if (!dq) addLit("\\", true);
          continue;
        }
        if (n === "\n") continue;
        if (dq && !'$`"\\'.includes(n)) addLit(`\\${n}`, true);
        else addLit(n, true);
        continue;
      }
      if ((!dq || param) && c === "'") {
        const end = this.src.indexOf("'", this.pos + 1);
        if (end < 0) throw new IncompleteInput("unexpected EOF while looking for matching `''");
        addLit(this.src.slice(this.pos + 1, end), true);
        this.pos = end + 1;
        sawQuotes = true;
        continue;
      }
      if (!dq && !this.dash && c === "$" && this.src[this.pos + 1] === "'") {
        const end = this.findAnsiEnd(this.pos + 2);
        addLit(decodeEscapes(this.src.slice(this.pos + 2, end), false).text, true);
        this.pos = end + 1;
        continue;
      }
      if ((!dq || param) && c === '"') {
        this.pos++;
        flush();
        const inner = this.readWord(true);
        sawQuotes = true;
        parts.push(...inner.parts);
        litQuoted = false;
        continue;
      }
      if (c === "$") {
        const part = this.readDollar(dq);
        if (part === undefined) {
          addLit("$", dq);
          this.pos++;
        } else {
          flush();
          litQuoted = dq;
          parts.push(part);
        }
        continue;
      }
      if (c === "`") {
        const end = this.src.indexOf("`", this.pos + 1);
        if (end < 0) throw new IncompleteInput("unexpected EOF while looking for matching ``'");
        const body = this.src.slice(this.pos + 1, end);
        const script = parseScript(body, this.depth + 1, this.dash);
        flush();
        parts.push({ kind: "cmd", script, quoted: dq });
        litQuoted = dq;
        this.pos = end + 1;
        continue;
      }
      addLit(c, dq);
      this.pos++;
    }
    flush();
    if (parts.length === 0 && sawQuotes) parts.push({ kind: "lit", text: "", quoted: true });
    return { parts, raw: this.src.slice(start, this.pos) };
  }

  private findAnsiEnd(from: number): number {
    let i = from;
    while (i < this.src.length) {
      if (this.src[i] === "\\") i += 2;
      else if (this.src[i] === "'") return i;
      else i++;
    }
    throw new IncompleteInput("unexpected EOF while looking for matching `''");
  }

  private readDollar(quoted: boolean): WordPart | undefined {
    const s = this.src;
    const n = s[this.pos + 1];
    if (n === "(" && s[this.pos + 2] === "(") {
      const end = this.findArithEnd(this.pos + 3);
      const expr = s.slice(this.pos + 3, end);
      this.pos = end + 2;
      return { kind: "arith", expr, quoted };
    }
    if (n === "[") {
      // `$[ … ]`: bash's old spelling of `$(( … ))`
      let depth = 0;
      for (let i = this.pos + 2; i < s.length; i++) {
        if (s[i] === "[") depth++;
        else if (s[i] === "]") {
          if (depth === 0) {
            const expr = s.slice(this.pos + 2, i);
            this.pos = i + 1;
            return { kind: "arith", expr, quoted };
          }
          depth--;
        }
      }
      throw new IncompleteInput("unexpected EOF while looking for matching `]'");
    }
    if (n === "(") {
      const inner = new Parser(s, this.pos + 2, this.depth + 1, this.dash);
      const script = inner.parseList(")");
      const t = inner.next();
      if (t.text !== ")") throw new IncompleteInput("unexpected EOF while looking for matching `)'");
      this.pos = inner.pos;
      return { kind: "cmd", script, quoted };
    }
    if (n === "{") {
      const close = this.findBraceEnd(this.pos + 2);
      const body = s.slice(this.pos + 2, close);
      this.pos = close + 1;
      return this.paramExpansion(body, quoted);
    }
    if (n !== undefined && SPECIAL_PARAMS.has(n)) {
      this.pos += 2;
      return { kind: "var", name: n, quoted };
    }
    if (n !== undefined && /[0-9]/.test(n)) {
      this.pos += 2;
      return { kind: "var", name: n, quoted };
    }
    const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(s.slice(this.pos + 1, this.pos + 257));
    if (m === null) return undefined;
    this.pos += 1 + m[0].length;
    return { kind: "var", name: m[0], quoted };
  }

  private findArithEnd(from: number): number {
    let depth = 0;
    for (let i = from; i < this.src.length; i++) {
      const c = this.src[i];
      if (c === "(") depth++;
      else if (c === ")") {
        if (depth === 0 && this.src[i + 1] === ")") return i;
        depth--;
      }
    }
    throw new IncompleteInput("unexpected EOF while looking for matching `))'");
  }

  private findBraceEnd(from: number): number {
    let depth = 0;
    for (let i = from; i < this.src.length; i++) {
      const c = this.src[i];
      if (c === "\\") i++;
      else if (c === "{") depth++;
      else if (c === "}") {
        if (depth === 0) return i;
        depth--;
      }
    }
    throw new IncompleteInput("unexpected EOF while looking for matching `}'");
  }

  private paramExpansion(body: string, quoted: boolean): WordPart {
    const bad = (): never => {
      throw new ShellSyntaxError(`\${${body}}: bad substitution`);
    };
    const sub = (src: string): Word => {
      const w = new Parser(src, 0, this.depth + 1, this.dash).readWord(false, true);
      return { ...w, raw: src };
    };
    if (this.dash && body.startsWith("!")) return { kind: "var", name: body, quoted, op: "bad" };
    const bang = /^!([A-Za-z_][A-Za-z0-9_]*)(\[[@*]\])?$/.exec(body);
    if (bang?.[1] !== undefined)
      return bang[2] === undefined
        ? { kind: "var", name: bang[1], quoted, op: "!ref" }
        : { kind: "var", name: bang[1], quoted, op: "!keys", index: bang[2] === "[@]" ? "@" : "*" };
    const head = /^(#?)([A-Za-z_][A-Za-z0-9_]*|[0-9]+|[?$#!@*-])(\[([^\]]*)\])?/.exec(body);
    if (head === null || head[2] === undefined) return bad();
    // `${#}` is $#, `${#-}`… is rare: treat `#` followed by nothing as the name
    if (head[1] === "#" && body === "#") return { kind: "var", name: "#", quoted };
    const name = head[2];
    const idx = head[4];
    const index: Word | "@" | "*" | undefined =
      idx === undefined ? undefined : idx === "@" || idx === "*" ? idx : sub(idx);
    const rest = body.slice(head[0].length);
    if (head[1] === "#") {
      if (rest !== "") return bad();
      return { kind: "var", name, quoted, op: "#len", index };
    }
    const base = { kind: "var" as const, name, quoted, index };
    // dash has POSIX's forms only: anything else fails when it is expanded (`sh: 1: Bad substitution`)
    if (this.dash && (index !== undefined || !/^(|:?[-=+?].*|##?.*|%%?.*)$/s.test(rest)))
      return { kind: "var", name, quoted, op: "bad" };
    if (rest === "") return base;
    for (const op of [
      ":-",
      ":=",
      ":+",
      ":?",
      "-",
      "=",
      "+",
      "?",
      "##",
      "#",
      "%%",
      "%",
      "^^",
      "^",
      ",,",
      ",",
    ] as const) {
      if (rest.startsWith(op)) return { ...base, op, arg: sub(rest.slice(op.length)) };
    }
    if (rest.startsWith("/")) {
      let op: ParamOp = "/";
      let r = rest.slice(1);
      if (r.startsWith("/")) {
        op = "//";
        r = r.slice(1);
      } else if (r.startsWith("#")) {
        op = "/#";
        r = r.slice(1);
      } else if (r.startsWith("%")) {
        op = "/%";
        r = r.slice(1);
      }
      let cut = -1;
      for (let i = 0; i < r.length; i++) {
        if (r[i] === "\\") i++;
        else if (r[i] === "/") {
          cut = i;
          break;
        }
      }
      const pat = cut < 0 ? r : r.slice(0, cut);
      const repl = cut < 0 ? "" : r.slice(cut + 1);
      return { ...base, op, arg: sub(pat), arg2: sub(repl) };
    }
    if (rest.startsWith(":")) {
      const r = rest.slice(1);
      const colon = r.indexOf(":");
      return {
        ...base,
        op: "substr",
        arg: sub(colon < 0 ? r : r.slice(0, colon)),
        arg2: colon < 0 ? undefined : sub(r.slice(colon + 1)),
      };
    }
    return bad();
  }

  // ---- grammar ----

  /** parseList calls open now (1 while reading the top level's commands). */
  private lists = 0;
  /** Where the top-level command being read begins. */
  commandStart = 0;

  parseList(terminator?: string): Script {
    this.lists++;
    try {
      return this.parseItems(terminator);
    } finally {
      this.lists--;
    }
  }

  private parseItems(terminator?: string): Script {
    const items: AndOr[] = [];
    // bash reads a script a line at a time: a new top-level command begins after a newline
    let newLine = true;
    for (;;) {
      while (this.peek().text === "\n" || this.peek().text === ";") {
        const t = this.next();
        if (t.text === ";" && items.length === 0) this.fail(";");
        if (t.text === "\n") newLine = true;
      }
      const t = this.peek();
      if (t.kind === "eof") break;
      if (this.lists === 1 && newLine) this.commandStart = t.start ?? this.pos - t.text.length;
      if (terminator !== undefined && t.kind === "op" && t.text === terminator) break;
      if (t.kind === "word" && t.word !== undefined && isReserved(t, RESERVED)) break;
      // a command may begin with a redirection (`> file` empties it)
      if (t.kind === "op" && t.text !== "(" && !REDIRECT_OPS.has(t.text)) this.fail(t.text);
      const start = this.pos - t.text.length;
      newLine = false;
      const line = this.lineAt(t.start ?? start);
      const item = this.parseAndOr();
      item.line = line;
      const sep = this.peek();
      if (sep.text === "&") {
        this.next();
        item.background = true;
      } else if (sep.text === ";" || sep.text === "\n") {
        this.next();
        if (sep.text === "\n") newLine = true;
      } else if (sep.kind !== "eof" && !(terminator !== undefined && sep.text === terminator)) {
        if (!(sep.kind === "word" && isReserved(sep, RESERVED))) this.fail(sep.text);
      }
      item.source = this.src.slice(Math.max(0, start), this.sourceEnd()).trim().replace(/[;&]$/, "").trim();
      items.push(item);
    }
    return items;
  }

  private sourceEnd(): number {
    return this.peeked === undefined ? this.pos : this.pos - this.peeked.text.length;
  }

  /**
   * `NAME=(x y)`: when a `(` follows the just-read word with no space between, reads the array's
   * words up to the `)` (newlines allowed); undefined, reading nothing, when none follows.
   */
  private readArrayLiteral(): Word[] | undefined {
    const wordEnd = this.pos;
    const open = this.peek();
    if (open.kind !== "op" || open.text !== "(" || this.sourceEnd() !== wordEnd) return undefined;
    this.next();
    const items: Word[] = [];
    for (;;) {
      const w = this.next();
      if (w.text === ")" && w.kind === "op") break;
      if (w.text === "\n") continue;
      if (w.kind !== "word" || w.word === undefined) this.fail(w.text);
      const keyed = /^\[([^\]]*)\]=/.exec(w.text);
      if (keyed !== null) {
        // `[key]=value`
        const rest = w.text.slice(keyed[0].length);
        const value = new Parser(rest, 0, this.depth + 1, this.dash).readWord(false);
        const key = new Parser(keyed[1] ?? "", 0, this.depth + 1, this.dash).readWord(false, true);
        items.push({ ...value, raw: rest, key: { ...key, raw: keyed[1] ?? "" } });
        continue;
      }
      items.push(w.word);
    }
    return items;
  }

  private parseAndOr(): AndOr {
    const first = this.parsePipeline();
    const rest: AndOr["rest"] = [];
    for (;;) {
      const t = this.peek();
      if (t.kind !== "op" || (t.text !== "&&" && t.text !== "||")) break;
      this.next();
      while (this.peek().text === "\n") this.next();
      rest.push({ op: t.text, pipeline: this.parsePipeline() });
    }
    return { first, rest, background: false, source: "" };
  }

  private parsePipeline(): Pipeline {
    let negate = false;
    if (this.peek().kind === "word" && this.peek().text === "!") {
      this.next();
      negate = true;
    }
    const commands: Command[] = [this.parseCommand()];
    while (this.peek().text === "|" && this.peek().kind === "op") {
      this.next();
      while (this.peek().text === "\n") this.next();
      commands.push(this.parseCommand());
    }
    return { negate, commands };
  }

  private expectWord(text: string): void {
    while (this.peek().text === "\n" || (this.peek().text === ";" && text !== ";")) this.next();
    const t = this.next();
    if (t.kind !== "word" || t.text !== text) this.fail(t.text, text);
  }

  /** After `((`: the text up to the matching `))`. */
  private readArithBody(): string {
    const end = this.findArithEnd(this.pos);
    const expr = this.src.slice(this.pos, end);
    this.pos = end + 2;
    return expr;
  }

  /** At `((`: consumes it and returns true. */
  private atDoubleParen(): boolean {
    if (this.peeked !== undefined) {
      if (this.peeked.kind === "op" && this.peeked.text === "(" && this.src[this.pos] === "(") {
        this.peeked = undefined;
        this.pos++;
        return true;
      }
      return false;
    }
    let i = this.pos;
    while (this.src[i] === " " || this.src[i] === "\t") i++;
    if (!this.src.startsWith("((", i)) return false;
    this.pos = i + 2;
    return true;
  }

  private parseFunctionBody(name: string): Command {
    while (this.peek().text === "\n") this.next();
    const from = this.peeked?.start ?? this.pos;
    const body = this.parseCommand();
    if (body.kind === "simple" || body.kind === "func")
      this.fail(body.kind === "simple" ? (body.words[0]?.raw ?? "") : name);
    const redirects = this.parseRedirects();
    const to = this.peeked?.start ?? this.pos;
    return { kind: "func", name, body, redirects, source: `${name} () ${this.src.slice(from, to).trim()}` };
  }

  private parseCommand(): Command {
    if (!this.dash && this.atDoubleParen()) {
      const expr = this.readArithBody();
      return { kind: "arith", expr, redirects: this.parseRedirects() };
    }
    const t = this.peek();
    if (
      t.kind === "word" &&
      t.word !== undefined &&
      !isReserved(t, RESERVED) &&
      /^[A-Za-z_][A-Za-z0-9_.:-]*$/.test(t.text)
    ) {
      const m = /^[ \t]*\([ \t]*\)/.exec(this.src.slice(this.pos, this.pos + 64));
      if (m !== null && this.peeked === t) {
        this.peeked = undefined;
        this.pos += m[0].length;
        return this.parseFunctionBody(t.text);
      }
    }
    if (t.kind === "op" && t.text === "(") {
      this.next();
      const body = this.parseList(")");
      if (this.next().text !== ")") this.fail("newline");
      if (body.length === 0) this.fail(")");
      return { kind: "group", subshell: true, body, redirects: this.parseRedirects() };
    }
    if (t.kind === "word") {
      switch (this.dash && BASH_WORDS.has(t.text) ? "" : t.text) {
        case "{": {
          this.next();
          const body = this.parseList();
          this.expectWord("}");
          return { kind: "group", subshell: false, body, redirects: this.parseRedirects() };
        }
        case "while":
        case "until": {
          this.next();
          const cond = this.parseList();
          this.expectWord("do");
          const body = this.parseList();
          this.expectWord("done");
          if (cond.length === 0 || body.length === 0) this.fail("done");
          return { kind: "while", until: t.text === "until", cond, body, redirects: this.parseRedirects() };
        }
        case "function": {
          this.next();
          const nameTok = this.next();
          if (nameTok.kind !== "word") this.fail(nameTok.text);
          const m = /^[ \t]*\([ \t]*\)/.exec(this.src.slice(this.pos, this.pos + 64));
          if (m !== null && this.peeked === undefined) this.pos += m[0].length;
          return this.parseFunctionBody(nameTok.text);
        }
        case "case": {
          this.next();
          const wordTok = this.next();
          if (wordTok.kind !== "word" || wordTok.word === undefined) this.fail(wordTok.text);
          while (this.peek().text === "\n") this.next();
          const inTok = this.next();
          if (inTok.text !== "in") this.fail(inTok.text);
          const items: { patterns: Word[]; body: Script }[] = [];
          for (;;) {
            while (this.peek().text === "\n" || this.peek().text === ";") this.next();
            const p = this.peek();
            if (p.kind === "word" && p.text === "esac") {
              this.next();
              break;
            }
            if (p.kind === "eof") this.fail("");
            if (p.kind === "op" && p.text === "(") this.next();
            const patterns: Word[] = [];
            for (;;) {
              const w = this.next();
              if (w.kind !== "word" || w.word === undefined) this.fail(w.text);
              patterns.push(w.word);
              const sep = this.next();
              if (sep.text === ")") break;
              if (sep.text !== "|") this.fail(sep.text);
            }
            const body = this.parseList(";;");
            items.push({ patterns, body });
            const end = this.peek();
            if (end.text === ";;") this.next();
            else if (!(end.kind === "word" && end.text === "esac")) this.fail(end.text);
          }
          return { kind: "case", word: wordTok.word, items, redirects: this.parseRedirects() };
        }
        case "[[": {
          this.next();
          const tokens: ({ op: string } | { word: Word; regex?: boolean })[] = [];
          for (;;) {
            const n = this.next();
            if (n.kind === "eof") this.fail("");
            if (n.kind === "word" && n.text === "]]") break;
            if (n.kind === "op") {
              if (n.text === "\n") continue;
              tokens.push({ op: n.text });
              continue;
            }
            if (n.word === undefined) this.fail(n.text);
            if (n.text === "=~") {
              tokens.push({ op: "=~" });
              tokens.push({ word: this.readRegexWord(), regex: true });
              continue;
            }
            if (
              [
                "==",
                "=",
                "!=",
                "-eq",
                "-ne",
                "-lt",
                "-le",
                "-gt",
                "-ge",
                "!",
                "-z",
                "-n",
                "-f",
                "-d",
                "-e",
                "-s",
                "-r",
                "-w",
                "-x",
                "-o",
                "-a",
                "-L",
                "-h",
              ].includes(n.text)
            ) {
              tokens.push({ op: n.text });
              continue;
            }
            tokens.push({ word: n.word });
          }
          return { kind: "cond", tokens, redirects: this.parseRedirects() };
        }
        case "for": {
          this.next();
          if (this.dash && /^[ \t]*\(\(/.test(this.src.slice(this.pos, this.pos + 64)))
            throw new ShellSyntaxError("Bad for loop variable");
          if (this.atDoubleParen()) {
            const parts = this.readArithBody().split(";");
            if (parts.length !== 3) this.fail("((");
            while (this.peek().text === ";" || this.peek().text === "\n") this.next();
            const open = this.next();
            const closeWord = open.text === "{" ? "}" : "done";
            if (open.text !== "do" && open.text !== "{") this.fail(open.text);
            const body = this.parseList();
            this.expectWord(closeWord);
            return {
              kind: "cfor",
              init: parts[0] ?? "",
              cond: parts[1] ?? "",
              step: parts[2] ?? "",
              body,
              redirects: this.parseRedirects(),
            };
          }
          const nameTok = this.next();
          if (nameTok.kind !== "word" || !NAME_RE.test(nameTok.text))
            throw new ShellSyntaxError(`\`${nameTok.text}': not a valid identifier`);
          const items: Word[] = [];
          if (this.peek().text === "in") {
            this.next();
            while (this.peek().kind === "word") {
              const w = this.next().word;
              if (w !== undefined) items.push(w);
            }
          }
          this.expectWord("do");
          const body = this.parseList();
          this.expectWord("done");
          if (body.length === 0) this.fail("done");
          return { kind: "for", name: nameTok.text, items, body, redirects: this.parseRedirects() };
        }
        case "if": {
          this.next();
          const clauses: { cond: Script; body: Script }[] = [];
          let otherwise: Script | undefined;
          for (;;) {
            const cond = this.parseList();
            this.expectWord("then");
            const body = this.parseList();
            // `if true; then` and the text ends: more may follow (bash's `unexpected end of file`)
            if (cond.length === 0 || body.length === 0)
              this.fail(this.peek().kind === "eof" ? "" : "fi", "fi");
            clauses.push({ cond, body });
            const k = this.next();
            if (k.text === "elif") continue;
            if (k.text === "else") {
              otherwise = this.parseList();
              this.expectWord("fi");
            } else if (k.text !== "fi") this.fail(k.text, "fi");
            break;
          }
          return { kind: "if", clauses, otherwise, redirects: this.parseRedirects() };
        }
        default:
          if (RESERVED.has(t.text)) this.fail(t.text);
      }
    }
    return this.parseSimple();
  }

  private parseRedirects(): Redirect[] {
    const out: Redirect[] = [];
    for (;;) {
      const r = this.tryRedirect();
      if (r === undefined) return out;
      out.push(r);
    }
  }

  private tryRedirect(): Redirect | undefined {
    const t = this.peek();
    if (t.kind !== "op" || !REDIRECT_OPS.has(t.text)) return undefined;
    this.next();
    const target = this.next();
    if (target.kind !== "word" || target.word === undefined) this.fail(target.text);
    if (t.text === "<<" || t.text === "<<-") {
      const quoted = /['"\\]/.test(target.text);
      const delim = target.word.parts.map((p) => (p.kind === "lit" ? p.text : target.text)).join("");
      const r: Redirect = { fd: t.fd ?? 0, op: "<<" };
      this.heredocs.push({
        redirect: r,
        delim: quoted ? delim : target.text,
        strip: t.text === "<<-",
        quoted,
      });
      return r;
    }
    if (t.text === "<<<") return { fd: t.fd ?? 0, op: "<<<", target: target.word };
    const fd = t.fd ?? (t.text === "<" ? 0 : 1);
    if (t.text === ">&") {
      if (/^\d$/.test(target.text)) return { fd, op: "dup", toFd: Number(target.text) };
      return { fd: 1, op: "&>", target: target.word };
    }
    return { fd, op: t.text as ">" | ">>" | "<" | "&>", target: target.word };
  }

  private parseSimple(): SimpleCommand {
    const cmd: SimpleCommand = { kind: "simple", assigns: [], words: [], redirects: [] };
    for (;;) {
      const r = this.tryRedirect();
      if (r !== undefined) {
        cmd.redirects.push(r);
        continue;
      }
      const t = this.peek();
      if (t.kind !== "word" || t.word === undefined) break;
      const elem =
        cmd.words.length === 0 && !this.dash
          ? /^([A-Za-z_][A-Za-z0-9_]*)\[([^\]]*)\](\+?)=/.exec(t.text)
          : null;
      if (elem !== null) {
        // `a[i]=v`: one element of an array
        this.next();
        const rest = t.text.slice(elem[0].length);
        const value = new Parser(rest, 0, this.depth + 1, this.dash).readWord(false);
        const index = new Parser(elem[2] ?? "", 0, this.depth + 1, this.dash).readWord(false, true);
        cmd.assigns.push({
          name: elem[1] ?? "",
          value: { ...value, raw: rest },
          append: elem[3] === "+",
          index: { ...index, raw: elem[2] ?? "" },
        });
        continue;
      }
      const eq = t.text.indexOf("=");
      const append = eq > 1 && t.text[eq - 1] === "+";
      const aname = t.text.slice(0, append ? eq - 1 : eq);
      if (!this.dash && cmd.words.length === 0 && eq > 0 && NAME_RE.test(aname) && eq === t.text.length - 1) {
        // `a=(x y)`: an array; `a=` alone: empty
        this.next();
        const items = this.readArrayLiteral();
        if (items) {
          cmd.assigns.push({ name: aname, value: { parts: [], raw: "" }, array: items, append });
          continue;
        }
        cmd.assigns.push({ name: aname, value: { parts: [], raw: "" }, append });
        continue;
      }
      if (cmd.words.length === 0 && eq > 0 && NAME_RE.test(aname)) {
        this.next();
        const value = new Parser(t.text.slice(eq + 1), 0, this.depth + 1, this.dash).readWord(false);
        cmd.assigns.push({
          name: aname,
          value: { ...value, raw: t.text.slice(eq + 1) },
          ...(append ? { append } : {}),
        });
        continue;
      }
      if (cmd.words.length === 0 && isReserved(t, RESERVED)) break;
      this.next();
      const decl = cmd.words[0]?.raw;
      if (
        (decl === "declare" || decl === "local" || decl === "typeset" || decl === "readonly") &&
        eq > 0 &&
        eq === t.text.length - 1 &&
        NAME_RE.test(aname)
      ) {
        const items = this.readArrayLiteral();
        if (items) {
          // `declare -a a=(x y)`: the array is assigned, the builtin sees the name
          cmd.assigns.push({ name: aname, value: { parts: [], raw: "" }, array: items, append });
          cmd.words.push({ parts: [{ kind: "lit", text: aname, quoted: true }], raw: aname });
          continue;
        }
      }
      cmd.words.push(t.word);
    }
    if (cmd.words.length === 0 && cmd.assigns.length === 0 && cmd.redirects.length === 0) {
      this.fail(this.peek().text);
    }
    const after = this.peek();
    if (after.kind === "op" && after.text === "(" && cmd.words.length === 1 && cmd.assigns.length === 0) {
      // `echo (`: bash reads it as the start of a function definition and fails on what follows
      this.next();
      const n = this.peek();
      this.fail(n.kind === "eof" ? "\n" : n.text);
    }
    return cmd;
  }
}

function isReserved(t: Token, set: Set<string>): boolean {
  const w = t.word;
  return (
    w !== undefined &&
    set.has(t.text) &&
    w.parts.length === 1 &&
    w.parts[0]?.kind === "lit" &&
    !w.parts[0].quoted
  );
}

/** Parses a whole command line. Throws ShellSyntaxError with bash's wording. */
export function parseScript(src: string, depth = 0, dash = false): Script {
  const p = new Parser(src, 0, depth, dash);
  try {
    const script = p.parseList();
    const t = p.next();
    p.checkHeredocs();
    if (t.kind !== "eof") {
      throw new ShellSyntaxError(
        `syntax error near unexpected token \`${t.text === "\n" ? "newline" : t.text}'`,
      );
    }
    return script;
  } catch (e) {
    if (e instanceof ShellSyntaxError && e.line === undefined) {
      // bash counts the end of the text as the line after the last
      e.line =
        e.message === "syntax error: unexpected end of file"
          ? p.lineAt(src.length) + 1
          : p.lineAt(Math.min(p.tokenStart, src.length));
      e.lineText = src.split("\n")[e.line - 1];
      e.commandStart = p.commandStart;
    }
    throw e;
  }
}

/** The one-character backslash escapes of `echo -e`, `printf` and `$'…'`. */
const CHAR_ESCAPES: Readonly<Record<string, string>> = {
  n: "\n",
  t: "\t",
  r: "\r",
  a: "\x07",
  b: "\b",
  e: "\x1b",
  E: "\x1b",
  f: "\f",
  v: "\v",
  "\\": "\\",
  "'": "'",
  '"': '"',
};

/** Interprets backslash escapes as `echo -e` (stopAtC) and `$'…'` do. */
export function decodeEscapes(s: string, stopAtC: boolean): { text: string; stop: boolean } {
  let out = "";
  for (let i = 0; i < s.length; i++) {
    // copy the run up to the next backslash at once (a char at a time is slow on 1 MiB)
    const next = s.indexOf("\\", i);
    if (next < 0 || next + 1 >= s.length) {
      out += s.slice(i);
      break;
    }
    out += s.slice(i, next);
    i = next;
    const n = s[++i] ?? "";
    const simple = CHAR_ESCAPES[n];
    if (simple !== undefined) {
      out += simple;
      continue;
    }
    switch (n) {
      case "c":
        if (stopAtC) return { text: out, stop: true };
        out += "\\c";
        break;
      case "x": {
        const m = /^[0-9a-fA-F]{1,2}/.exec(s.slice(i + 1));
        if (m === null) out += "\\x";
        else {
          out += String.fromCharCode(Number.parseInt(m[0], 16));
          i += m[0].length;
        }
        break;
      }
      case "0": {
        const m = /^[0-7]{0,3}/.exec(s.slice(i + 1));
        const digits = m?.[0] ?? "";
        out += String.fromCharCode(Number.parseInt(digits === "" ? "0" : digits, 8) & 0xff);
        i += digits.length;
        break;
      }
      default:
        out += `\\${n}`;
    }
  }
  return { text: out, stop: false };
}
