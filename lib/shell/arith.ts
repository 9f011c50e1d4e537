/** `$(( … ))`: integer arithmetic with bash's operators (no assignment except `++`/`--` free). */

type Lookup = (name: string) => string | undefined;
type Assign = (name: string, value: number) => void;

/** Returns the value or an error message in bash's words. */
export function evalArith(src: string, lookup: Lookup, assign: Assign): number | string {
  const tokens = src.match(
    /\s*(0[xX][0-9a-fA-F]+|\d+|[A-Za-z_][A-Za-z0-9_]*|\+\+|--|\*\*|<=|>=|==|!=|&&|\|\||<<|>>|\+=|-=|\*=|\/=|%=|[-+*/%()<>!=~^&|?:,])\s*/g,
  );
  if (tokens === null) return src.trim() === "" ? 0 : "syntax error: operand expected";
  if (tokens.join("").length !== src.length) return "syntax error: invalid arithmetic operator";
  const toks = tokens.map((t) => t.trim());
  let i = 0;
  let depth = 0;
  const peek = (): string | undefined => toks[i];
  const fail = (msg: string): never => {
    throw new Error(msg);
  };
  const num = (name: string): number => {
    const v = lookup(name);
    if (v === undefined || v.trim() === "") return 0;
    const n = Number.parseInt(v.trim(), 10);
    return Number.isNaN(n) ? 0 : n;
  };
  const primary = (): number => {
    if (++depth > 200) fail("expression recursion level exceeded");
    const t = toks[i++];
    try {
      if (t === undefined) {
        // bash names the text from the last operator on
        const from = Math.max(0, i - 2);
        const rest = tokens.slice(from).join("").trimStart();
        return fail(
          rest === ""
            ? "syntax error: operand expected"
            : `syntax error: operand expected (error token is "${rest}")`,
        );
      }
      if (t === "(") {
        const v = ternary();
        if (toks[i++] !== ")") fail("syntax error: `)' expected");
        return v;
      }
      if ((t === "++" || t === "--") && /^[A-Za-z_]/.test(peek() ?? "")) {
        const name = toks[i++] ?? "";
        const v = num(name) + (t === "++" ? 1 : -1);
        assign(name, v);
        return v;
      }
      if (t === "-") return -primary();
      if (t === "+") return primary();
      if (t === "!") return primary() === 0 ? 1 : 0;
      if (t === "~") return ~primary();
      if (/^0[xX]/.test(t)) return Number.parseInt(t, 16);
      if (/^\d+$/.test(t))
        return t.length > 1 && t.startsWith("0") ? Number.parseInt(t, 8) || 0 : Number.parseInt(t, 10);
      if (/^[A-Za-z_]/.test(t)) {
        const nx = peek();
        if (nx === "++" || nx === "--") {
          i++;
          const old = num(t);
          assign(t, old + (nx === "++" ? 1 : -1));
          return old;
        }
        if (
          (nx !== undefined && ["+=", "-=", "*=", "/=", "%="].includes(nx)) ||
          (nx === "=" && toks[i + 1] !== "=")
        ) {
          const op = toks[i++];
          const from = i;
          const rhs = ternary();
          const cur = num(t);
          const v =
            op === "="
              ? rhs
              : op === "+="
                ? cur + rhs
                : op === "-="
                  ? cur - rhs
                  : op === "*="
                    ? Math.imul(cur, rhs)
                    : apply(op === "/=" ? "/" : "%", cur, rhs, from);
          assign(t, v);
          return v;
        }
        return num(t);
      }
      return fail(`syntax error: operand expected (error token is "${t}")`);
    } finally {
      depth--;
    }
  };
  const levels: string[][] = [
    ["||"],
    ["&&"],
    ["|"],
    ["^"],
    ["&"],
    ["==", "!="],
    ["<", ">", "<=", ">="],
    ["<<", ">>"],
    ["+", "-"],
    ["*", "/", "%"],
    ["**"],
  ];
  const binary = (level: number): number => {
    const ops = levels[level];
    if (ops === undefined) return primary();
    let left = binary(level + 1);
    for (;;) {
      const op = peek();
      if (op === undefined || !ops.includes(op)) return left;
      i++;
      const from = i;
      const right = binary(level + 1);
      left = apply(op, left, right, from);
    }
  };
  const ternary = (): number => {
    const c = binary(0);
    if (peek() !== "?") return c;
    i++;
    const a = ternary();
    if (toks[i++] !== ":") fail("syntax error: `:' expected for conditional expression");
    const b = ternary();
    return c !== 0 ? a : b;
  };
  const comma = (): number => {
    let v = ternary();
    while (peek() === ",") {
      i++;
      v = ternary();
    }
    return v;
  };
  // a division by 0 names the text from its divisor on, as bash does
  function apply(op: string, a: number, b: number, divisor: number): number {
    if (b === 0 && (op === "/" || op === "%"))
      throw new Error(
        `division by 0 (error token is "${tokens?.slice(divisor).join("").trimStart() ?? "0"}")`,
      );
    return applyOp(op, a, b);
  }
  try {
    const v = comma();
    if (i < toks.length) return `syntax error in expression (error token is "${toks.slice(i).join(" ")}")`;
    return v;
  } catch (e) {
    return e instanceof Error ? e.message : String(e);
  }
}

function applyOp(op: string, a: number, b: number): number {
  switch (op) {
    case "+":
      return (a + b) | 0;
    case "-":
      return (a - b) | 0;
    case "*":
      return Math.imul(a, b);
    case "/":
      return Math.trunc(a / b);
    case "%":
      return a % b;
    case "**":
      return b < 0 ? 0 : Math.min(a ** Math.min(b, 64), 2 ** 53) | 0;
    case "<":
      return a < b ? 1 : 0;
    case ">":
      return a > b ? 1 : 0;
    case "<=":
      return a <= b ? 1 : 0;
    case ">=":
      return a >= b ? 1 : 0;
    case "==":
      return a === b ? 1 : 0;
    case "!=":
      return a !== b ? 1 : 0;
    case "&&":
      return a !== 0 && b !== 0 ? 1 : 0;
    case "||":
      return a !== 0 || b !== 0 ? 1 : 0;
    case "&":
      return a & b;
    case "|":
      return a | b;
    case "^":
      return a ^ b;
    case "<<":
      return a << (b & 31);
    case ">>":
      return a >> (b & 31);
    default:
      throw new Error(`syntax error: invalid arithmetic operator (error token is "${op}")`);
  }
}
