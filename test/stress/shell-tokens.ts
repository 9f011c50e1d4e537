/**
 * Words fast-check builds adversarial shell lines from: quoting, expansions, operators, control
 * flow and the commands of the workstation. Shared by the shell's property test
 * (lib/shell/property.test.ts) and the hostile-input suite (hostile-input.ts), which each add
 * their own.
 */
import fc from "fast-check";

export const SHELL_TOKENS: readonly string[] = [
  "echo",
  "x",
  "$X",
  `\${X:-d}`,
  "$(",
  ")",
  "`",
  "'",
  '"',
  "\\",
  ";",
  "&&",
  "||",
  "|",
  "&",
  ">",
  ">>",
  "<",
  "2>&1",
  "f",
  "while",
  "true;",
  "do",
  "done",
  "for",
  "i",
  "in",
  "if",
  "then",
  "fi",
  "else",
  "{",
  "}",
  "(",
  "$((",
  "))",
  "1+",
  "sleep",
  "1",
  "kubectl",
  "curl",
  "-s",
  "localhost:8001",
  "grep",
  "-c",
  "awk",
  "'{print $1}'",
  "cat",
  "head",
  "wc",
  "sort",
  "uniq",
  "cut",
  "export",
  "X=1",
  "unset",
  "jobs",
  "fg",
  "kill",
  "%1",
  "cd",
  "..",
  "history",
  "exit",
  "bash",
  "-c",
  "printf",
  "%s",
  "#",
  "~",
  "*",
  "!",
  "=",
  "env",
];

/** Up to 24 of `tokens` joined by spaces (a line as typed) and glued together (for the lexer to split). */
export function tokenLines(tokens: readonly string[]): {
  spaced: fc.Arbitrary<string>;
  glued: fc.Arbitrary<string>;
} {
  const words = fc.array(fc.constantFrom(...tokens), { maxLength: 24 });
  return { spaced: words.map((t) => t.join(" ")), glued: words.map((t) => t.join("")) };
}
